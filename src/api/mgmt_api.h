// Routes of /v1/mgmt/* and /v2/mgmt/* (contract §6): users, roles,
// permissions, tenants, license, and Gatehouse's audit search for the console.
//
// Callers authenticate with `Authorization: Bearer <projectId>:<managementKey>`
// (Descope's way) or `Bearer <projectId>:<sessionJwt>` of a signed-in user who
// currently holds the `admin` role (how the admin console calls it, so no
// management key ever reaches a browser).
#pragma once

#include <memory>

#include <gatehouse/session.h>

#include "auth/audit.h"
#include "auth/config.h"
#include "auth/management.h"
#include "auth/mgmt_keys.h"
#include "gatehouse/clock.h"
#include "http/router.h"
#include "store/store.h"

namespace gatehouse::api {

struct MgmtApiDeps {
  const auth::AuthConfig& config;
  auth::Management& management;
  auth::MgmtKeys& keys;
  auth::Audit& audit;
  store::Store& store;
  std::shared_ptr<const gatehouse::SessionClient> sessions;
  Clock clock;
};

void register_mgmt_routes(http::Router& router, MgmtApiDeps deps);

}  // namespace gatehouse::api
