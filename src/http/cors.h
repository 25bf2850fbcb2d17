// gatehouse::http::Cors — which browser origins may call, read the answers, and change state.
//
// A middleware (http/middleware.h), last before routing. Origins are compared as browsers
// send them: "scheme://host[:port]", lower case, no default port, no path.
//
// Reading answers (CORS): responses get Access-Control-Allow-Origin (the caller's origin,
// never "*"), -Allow-Credentials, -Expose-Headers and Vary: Origin — errors too, or the
// browser could not read them — only for an allowed origin: one listed in
// ServerConfig::cors_origins (--cors-origins) or the server's public origin (--base-url).
// Never "null" (sandboxed frames, file: pages, some redirects all send it). Preflights
// (OPTIONS, any path) are answered 204 with the methods and a fixed list of request headers
// — those Descope's browser SDKs send (kAllowHeaders) — never an echo of what was asked.
//
// Changing state: a request with any method but GET, HEAD and OPTIONS whose Origin is
// present and neither allowed nor this server's own is answered 403 (Errc::kForbidden, via
// the server's error mapping) before it reaches a handler: a browser sends cookies along
// with a cross-site form or fetch, and CORS only hides the answer, it does not stop the
// call. "Own" is the public origin, or "http://" + the request's Host header — the origin
// the browser addressed, so the same pages work at 127.0.0.1, localhost or behind a proxy
// that keeps the Host; behind one that terminates TLS, set --base-url. Requests without an
// Origin (server SDKs, curl) are not browsers' and pass.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "gatehouse/result.h"
#include "http/middleware.h"

namespace gatehouse::http {

class Cors : public Middleware {
 public:
  // What @descope/core-js-sdk, web-js-sdk, react-sdk and their widgets send
  // (docs/descope-wire.md §1.3), and nothing else.
  static constexpr std::string_view kAllowHeaders =
      "Authorization, Content-Type, x-descope-sdk-name, x-descope-sdk-version, "
      "x-descope-sdk-session-id, x-descope-project-id, x-descope-refresh-cookie-name, "
      "x-descope-trusted-device-token, x-descope-known-device-token, X-Descope-Flow-Nonce, "
      "x-external-rid, x-descope-widget-id, x-descope-widget-type, x-descope-widget-version";

  // `allowed_origins` as normalize_origin() returns them; `public_origin` likewise, or ""
  // for none. `error_response` turns the refusal into the wire's error JSON.
  Cors(std::vector<std::string> allowed_origins, std::string public_origin,
       std::function<Response(const Error&)> error_response);

  // "scheme://host[:port]" of an http(s) URL, as a browser would send it as Origin: lower
  // case, without a default port, a path, or a trailing "/". kInvalidArgument for anything
  // else — "null" and "*" included.
  static Result<std::string> normalize_origin(std::string_view url);
  // The same of a URL that may have a path ("https://example.com/auth" → its origin).
  static Result<std::string> origin_of_url(std::string_view url);

  bool allows(std::string_view origin) const;  // may read answers (CORS)
  bool is_own(const Request& req, std::string_view origin) const;
  bool may_change_state(const Request& req) const;
  // The answer to an OPTIONS request: 204, with the preflight headers for allowed origins.
  Response preflight(const Request& req) const;
  // Adds the response headers when the request's origin is allowed.
  void add_headers(const Request& req, Response& res) const;

  std::optional<Response> on_request(Request& req) override;
  void on_response(Request& req, Response& res, HeaderLines& head) override;

 private:
  std::vector<std::string> allowed_;
  std::string public_origin_;
  std::function<Response(const Error&)> error_response_;
};

}  // namespace gatehouse::http
