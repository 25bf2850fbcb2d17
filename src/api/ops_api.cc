#include "api/ops_api.h"

#include <boost/json.hpp>

#include "api/errors.h"

namespace gatehouse::api {

namespace json = boost::json;

bool is_loopback_address(std::string_view ip) {
  if (ip.starts_with("::ffff:")) ip.remove_prefix(7);
  return ip == "::1" || ip.starts_with("127.");
}

void register_ops_routes(http::Router& router, OpsDeps deps) {
  router.add("GET", "/healthz",
             [](http::Request&) {
               return http::Response::json(200, json::object{{"status", "ok"}});
             },
             {.inline_on_io = true});
  router.add("GET", "/readyz", [ready = deps.ready](http::Request&) {
    auto st = ready ? ready() : ok_status();
    if (!st) {
      return http::Response::json(
          503, json::object{{"status", "unavailable"}, {"reason", st.error().message}});
    }
    return http::Response::json(200, json::object{{"status", "ready"}});
  });
  if (deps.metrics && deps.metrics_access != "off") {
    http::Handler render = deps.metrics->handler();
    const bool open = deps.metrics_access == "open";
    router.add("GET", "/metrics",
               [render, open](http::Request& req) {
                 if (!open && (!is_loopback_address(req.client_ip) ||
                               !req.header("x-forwarded-for").empty())) {
                   return error_response(make_error(Errc::kNotFound, "Route not found"));
                 }
                 return render(req);
               },
               {.inline_on_io = true});
  }
}

}  // namespace gatehouse::api
