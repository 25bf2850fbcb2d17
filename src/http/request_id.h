// gatehouse::http::RequestId — one id per request, for the logs and the caller.
//
// A middleware (http/middleware.h), first in the chain so that everything after it,
// handlers included, sees Request::request_id: takes the caller's X-Request-Id when it
// is safe to log and echo (1–64 of [A-Za-z0-9._-]), else mints "<8 hex>-<counter>" (a
// random prefix per process, a counter per request), and answers it as X-Request-Id.
#pragma once

#include <string>
#include <string_view>

#include "http/middleware.h"

namespace gatehouse::http {

class RequestId : public Middleware {
 public:
  static bool is_safe(std::string_view id);
  static std::string mint();
  // The caller's id when safe, else a new one.
  static std::string for_request(const Request& req);

  std::optional<Response> on_request(Request& req) override;
  void on_response(Request& req, Response& res, HeaderLines& head) override;
};

}  // namespace gatehouse::http
