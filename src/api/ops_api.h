// Operations endpoints (docs/operations.md):
//   GET /healthz  liveness: 200 {"status":"ok"} while the process serves, nothing checked
//   GET /readyz   readiness: 200 {"status":"ready"} when `ready` succeeds, else 503
//                 {"status":"unavailable","reason":…} (a load balancer takes the node out)
//   GET /metrics  Prometheus text (http/metrics.h); `metrics_access` is "open", "loopback"
//                 (only to a loopback client that no proxy forwarded; 404 to others) or
//                 "off" (no route)
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "gatehouse/result.h"
#include "http/metrics.h"
#include "http/router.h"

namespace gatehouse::api {

struct OpsDeps {
  // Blocking (a database ping): /readyz runs on a worker.
  std::function<Status()> ready;
  std::shared_ptr<http::Metrics> metrics;
  std::string metrics_access = "loopback";
};

void register_ops_routes(http::Router& router, OpsDeps deps);

// 127.0.0.0/8, ::1 and ::ffff:127.0.0.0/104.
bool is_loopback_address(std::string_view ip);

}  // namespace gatehouse::api
