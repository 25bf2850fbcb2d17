// The HTTP API of a server context: health, config.json, keys, /v1/auth/*, the tutorial's
// API and /v1/mgmt/*, each route family with the context's services. `serve` and the
// API fuzz target (tests/fuzz) register the same routes through here.
#pragma once

#include <memory>

#include "http/metrics.h"
#include "http/router.h"
#include "server/context.h"

namespace gatehouse::server {

// With `metrics`: GET /metrics (as --metrics allows) and the sign-in and refresh routes
// tagged; bind it to the router once the fallback is set too.
void register_routes(http::Router& router, Context& ctx,
                     std::shared_ptr<http::Metrics> metrics = nullptr);

// The gauges and route tags of a full node's metrics: hash queue, database pool, sign-ins
// by method, refreshes.
void add_node_metrics(http::Metrics& metrics, Context& ctx);

}  // namespace gatehouse::server
