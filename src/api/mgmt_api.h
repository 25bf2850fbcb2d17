// Routes of /v1/mgmt/* and /v2/mgmt/* (docs/descope-wire.md §6): users, roles,
// permissions, tenants, license, and Gatehouse's own for the console: audit search and
// daily counts, lockouts and unlock.
//
// Callers authenticate with `Authorization: Bearer <projectId>:<managementKey>`
// (Descope's way) or `Bearer <projectId>:<sessionJwt>` of a signed-in user who
// currently holds the `admin` role (how the admin console calls it, so no
// management key ever reaches a browser); auth::Authorizer decides.
#pragma once

#include <string>

#include "auth/audit.h"
#include "auth/authorization.h"
#include "auth/rate_limiter.h"
#include "auth/roles.h"
#include "auth/tenants.h"
#include "auth/users.h"
#include "http/router.h"

namespace gatehouse::api {

struct MgmtApiDeps {
  std::string project_id;
  auth::Authorizer& authorizer;
  auth::Users& users;
  auth::Roles& roles;
  auth::Tenants& tenants;
  auth::Audit& audit;
  auth::RateLimiter& limiter;
};

void register_mgmt_routes(http::Router& router, MgmtApiDeps deps);

}  // namespace gatehouse::api
