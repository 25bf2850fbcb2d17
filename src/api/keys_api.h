// GET /v2/keys/{projectId} (JWKS) and the legacy GET /v1/keys/{projectId}
// (bare array), docs/descope-wire.md §2.1. Served inline: the key set is an immutable
// snapshot.
#pragma once

#include "auth/key_ring.h"
#include "http/router.h"

namespace gatehouse::api {

void register_keys_routes(http::Router& router, const std::string& project_id,
                          std::shared_ptr<const auth::KeyRing> keys);

}  // namespace gatehouse::api
