#include "http/message.h"

#include <boost/json.hpp>
#include <boost/url/decode_view.hpp>
#include <boost/url/params_view.hpp>
#include <boost/url/parse_query.hpp>

namespace gatehouse::http {

std::string_view Request::header(std::string_view name) const {
  for (const auto& [k, v] : headers) {
    if (k == name) return v;
  }
  return {};
}

std::string Request::cookie(std::string_view name) const {
  for (const auto& [k, v] : headers) {
    if (k != "cookie") continue;
    std::string_view rest = v;
    while (!rest.empty()) {
      auto semi = rest.find(';');
      std::string_view part = rest.substr(0, semi);
      rest = semi == std::string_view::npos ? std::string_view{} : rest.substr(semi + 1);
      while (!part.empty() && part.front() == ' ') part.remove_prefix(1);
      auto eq = part.find('=');
      if (eq == std::string_view::npos) continue;
      if (part.substr(0, eq) == name) return std::string(part.substr(eq + 1));
    }
  }
  return {};
}

std::string Request::query_param(std::string_view name) const {
  auto parsed = boost::urls::parse_query(query);
  if (!parsed) return {};
  for (auto param : *parsed) {
    // Keys and values arrive percent-encoded ("x%40b.co"); compare and return decoded.
    if (param.key.decode() == name) return param.has_value ? param.value.decode() : std::string();
  }
  return {};
}

void Response::set_header(std::string name, std::string value) {
  for (auto& [k, v] : headers) {
    if (k == name) {
      v = std::move(value);
      return;
    }
  }
  headers.emplace_back(std::move(name), std::move(value));
}

Response Response::json(int status, const boost::json::value& body) {
  return json_text(status, boost::json::serialize(body));
}

Response Response::json_text(int status, std::string body) {
  Response r;
  r.status = status;
  r.headers.emplace_back("Content-Type", "application/json");
  r.body = std::move(body);
  return r;
}

}  // namespace gatehouse::http
