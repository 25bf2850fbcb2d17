#include "http/wire_request.h"

#include <cctype>
#include <iterator>
#include <utility>
#include <vector>

#include <boost/url/parse.hpp>

namespace gatehouse::http {

Request to_request(boost::beast::http::request<boost::beast::http::string_body>& msg,
                   const std::string& remote, const TrustedProxies* proxies) {
  Request req;
  req.method = std::string(msg.method_string());
  req.target = std::string(msg.target());
  auto q = req.target.find('?');
  std::string_view raw_path = std::string_view(req.target).substr(0, q);
  if (q != std::string::npos) req.query = req.target.substr(q + 1);
  auto parsed = boost::urls::parse_origin_form(raw_path);
  req.path = parsed ? std::string(parsed->path()) : std::string();
  req.headers.reserve(std::distance(msg.begin(), msg.end()));
  for (const auto& f : msg) {
    std::string name(f.name_string());
    for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    req.headers.emplace_back(std::move(name), std::string(f.value()));
  }
  req.body = std::move(msg.body());
  req.remote_ip = remote;
  if (proxies == nullptr) {
    req.client_ip = remote;
  } else {
    std::vector<std::string_view> forwarded;
    for (const auto& [k, v] : req.headers) {
      if (k == "x-forwarded-for") forwarded.push_back(v);
    }
    req.client_ip = proxies->client_ip(remote, forwarded);
  }
  return req;
}

}  // namespace gatehouse::http
