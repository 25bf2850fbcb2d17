// The HTTP API of a server context: health, config.json, keys, /v1/auth/*, the tutorial's
// API and /v1/mgmt/*, each route family with the context's services. `serve` and the
// API fuzz target (tests/fuzz) register the same routes through here.
#pragma once

#include "http/router.h"
#include "server/context.h"

namespace gatehouse::server {

void register_routes(http::Router& router, Context& ctx);

}  // namespace gatehouse::server
