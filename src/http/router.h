// gatehouse::http::Router — maps (method, path pattern) to a handler.
//
// Patterns are literal segments or `{name}` parameters, e.g.
// "/v2/keys/{projectId}". A route is either run inline on the I/O thread (only
// for cheap, non-blocking handlers such as JWT-only checks) or offloaded to the
// worker pool (anything that touches the store or hashes a password). Offload is
// the default so that a forgotten flag costs speed, not a stalled event loop.
//
//   router.add("GET", "/healthz", health, {.inline_on_io = true});
//   router.add("POST", "/v1/auth/password/signin", signin);
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "http/message.h"

namespace gatehouse::http {

using Handler = std::function<Response(Request&)>;

struct RouteOptions {
  // Runs on the I/O thread: cheap, never blocks (a cached session check, static files).
  bool inline_on_io = false;
  // Waits on another server (an SMTP relay): runs on the network pool, so a slow relay
  // holds none of the workers that sign, hash and query for everyone else.
  bool waits_on_network = false;
};

class Router {
 public:
  struct Match {
    const Handler* handler = nullptr;
    RouteOptions options;
    int route = -1;  // the route's id (route_label); kFallbackRoute for the fallback
  };
  static constexpr int kFallbackRoute = -2;
  enum class Miss { kNotFound, kMethodNotAllowed };

  void add(std::string method, std::string_view pattern, Handler handler, RouteOptions opts = {});
  // Handler for requests no route matches (e.g. static files); 404 JSON if unset.
  void set_fallback(Handler handler, RouteOptions opts = {});

  // On a match fills req.params and req.route and returns the handler; otherwise why not.
  std::variant<Match, Miss> match(Request& req) const;

  // Routes in the order added; ids are 0..route_count()-1. The label is "METHOD /pattern"
  // as given to add(): bounded, unlike the paths requested (metrics key on it).
  size_t route_count() const { return routes_.size(); }
  std::string route_label(size_t id) const;

 private:
  struct Route {
    std::string method;
    std::vector<std::string> segments;  // "{x}" marks a parameter
    std::string pattern;
    Handler handler;
    RouteOptions options;
  };
  std::vector<Route> routes_;
  std::optional<Route> fallback_;
};

}  // namespace gatehouse::http
