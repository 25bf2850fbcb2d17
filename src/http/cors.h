// gatehouse::http::Cors — cross-origin access for browsers, with credentials.
//
// A middleware (http/middleware.h): answers preflights (OPTIONS, any path) with 204 and
// the methods and headers allowed, and adds Access-Control-Allow-Origin (the caller's
// origin, never "*"), -Allow-Credentials, -Expose-Headers and Vary: Origin to every
// response — errors too, or the browser could not read them — when the request's Origin
// is allowed: any origin when the allow list (ServerConfig::cors_origins) is empty, else
// only the listed ones. Requests without an Origin get no CORS headers.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "http/middleware.h"

namespace gatehouse::http {

class Cors : public Middleware {
 public:
  explicit Cors(std::vector<std::string> allowed_origins);

  bool allows(std::string_view origin) const;
  // The answer to an OPTIONS request: 204, with the preflight headers for allowed origins.
  Response preflight(const Request& req) const;
  // Adds the response headers when the request's origin is allowed.
  void add_headers(const Request& req, Response& res) const;

  std::optional<Response> on_request(Request& req) override;
  void on_response(Request& req, Response& res, HeaderLines& head) override;

 private:
  std::vector<std::string> allowed_;
};

}  // namespace gatehouse::http
