// Routes of /v1/mgmt/* and /v2/mgmt/* (docs/descope-wire.md §6): users, roles,
// permissions, tenants, license, and Gatehouse's own for the console: audit search and
// daily counts, lockouts and unlock, and the development mailbox.
//
// Callers authenticate with `Authorization: Bearer <projectId>:<managementKey>`
// (Descope's way) or `Bearer <projectId>:<sessionJwt>` of a signed-in user who
// currently holds the `admin` role (how the admin console calls it, so no
// management key ever reaches a browser); auth::Authorizer decides.
#pragma once

#include <string>

#include "auth/audit.h"
#include "auth/authorization.h"
#include "auth/dev_mailer.h"
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
  // The development mail engine, when it is the one in use: GET /v1/mgmt/dev/mailbox lists
  // what it "sent". Null with SMTP, and then the route does not exist.
  const auth::DevMailer* dev_mailbox = nullptr;
};

void register_mgmt_routes(http::Router& router, MgmtApiDeps deps);

}  // namespace gatehouse::api
