#include "http/cors.h"

#include <algorithm>
#include <cctype>
#include <utility>

#include <boost/url/parse.hpp>

namespace gatehouse::http {

namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

// Safe methods only read; every other method (unknown ones too) may change state.
bool changes_state(std::string_view method) {
  return method != "GET" && method != "HEAD" && method != "OPTIONS";
}

}  // namespace

Cors::Cors(std::vector<std::string> allowed_origins, std::string public_origin,
           std::function<Response(const Error&)> error_response)
    : allowed_(std::move(allowed_origins)),
      public_origin_(std::move(public_origin)),
      error_response_(std::move(error_response)) {}

namespace {

Result<std::string> origin_from(std::string_view url, bool path_allowed) {
  auto bad = [&] {
    return make_error(Errc::kInvalidArgument,
                      "'" + std::string(url) + "' is not an origin (http[s]://host[:port])");
  };
  auto parsed = boost::urls::parse_absolute_uri(url);
  if (!parsed) return bad();
  std::string scheme = lower(parsed->scheme());
  if (scheme != "http" && scheme != "https") return bad();
  if (parsed->has_userinfo() || parsed->encoded_host().empty() ||
      (!path_allowed && parsed->has_query())) {
    return bad();
  }
  auto path = parsed->encoded_path();
  if (!path_allowed && !path.empty() && path != "/") return bad();
  std::string origin = scheme + "://" + lower(parsed->encoded_host());
  if (parsed->has_port()) {
    std::string_view port = parsed->port();
    if (port.empty()) return bad();
    bool default_port = (scheme == "http" && port == "80") || (scheme == "https" && port == "443");
    if (!default_port) origin += ":" + std::string(port);
  }
  return origin;
}

}  // namespace

Result<std::string> Cors::normalize_origin(std::string_view url) { return origin_from(url, false); }

Result<std::string> Cors::origin_of_url(std::string_view url) { return origin_from(url, true); }

bool Cors::allows(std::string_view origin) const {
  if (origin.empty() || origin == "null") return false;
  if (origin == public_origin_) return true;
  for (const auto& o : allowed_) {
    if (o == origin) return true;
  }
  return false;
}

bool Cors::is_own(const Request& req, std::string_view origin) const {
  if (!public_origin_.empty() && origin == public_origin_) return true;
  constexpr std::string_view kHttp = "http://";
  auto host = req.header("host");
  return !host.empty() && origin.starts_with(kHttp) && iequals(origin.substr(kHttp.size()), host);
}

bool Cors::may_change_state(const Request& req) const {
  if (!changes_state(req.method)) return true;
  auto origin = req.header("origin");
  return origin.empty() || allows(origin) || is_own(req, origin);
}

void Cors::add_headers(const Request& req, Response& res) const {
  auto origin = req.header("origin");
  if (!allows(origin)) return;
  res.set_header("Access-Control-Allow-Origin", std::string(origin));
  res.set_header("Access-Control-Allow-Credentials", "true");
  res.set_header("Access-Control-Expose-Headers", "X-Descope-Flow-Nonce, Retry-After");
  res.headers.emplace_back("Vary", "Origin");
}

// The response headers are added here and again by on_response (set_header keeps one of
// each; Vary appears twice), as the server has always answered preflights.
Response Cors::preflight(const Request& req) const {
  Response res;
  res.status = 204;
  add_headers(req, res);
  if (allows(req.header("origin"))) {
    res.set_header("Access-Control-Allow-Methods", "GET, POST, PUT, PATCH, DELETE, OPTIONS");
    res.set_header("Access-Control-Allow-Headers", std::string(kAllowHeaders));
    res.set_header("Access-Control-Max-Age", "600");
  }
  return res;
}

std::optional<Response> Cors::on_request(Request& req) {
  if (req.method == "OPTIONS") return preflight(req);
  if (!may_change_state(req)) {
    Error e{Errc::kForbidden, "This origin may not call this server (see --cors-origins)"};
    if (error_response_) return error_response_(e);
    return Response::json_text(403, R"({"errorCode":"E011403"})");
  }
  return std::nullopt;
}

void Cors::on_response(Request& req, Response& res, HeaderLines&) { add_headers(req, res); }

}  // namespace gatehouse::http
