#include "http/cors.h"

#include <utility>

namespace gatehouse::http {

Cors::Cors(std::vector<std::string> allowed_origins) : allowed_(std::move(allowed_origins)) {}

bool Cors::allows(std::string_view origin) const {
  if (origin.empty()) return false;
  if (allowed_.empty()) return true;
  for (const auto& o : allowed_) {
    if (o == origin) return true;
  }
  return false;
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
    auto asked = req.header("access-control-request-headers");
    res.set_header("Access-Control-Allow-Headers",
                   asked.empty() ? std::string("Authorization, Content-Type") : std::string(asked));
    res.set_header("Access-Control-Max-Age", "600");
  }
  return res;
}

std::optional<Response> Cors::on_request(Request& req) {
  if (req.method == "OPTIONS") return preflight(req);
  return std::nullopt;
}

void Cors::on_response(Request& req, Response& res, HeaderLines&) { add_headers(req, res); }

}  // namespace gatehouse::http
