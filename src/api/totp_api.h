// Routes of TOTP (docs/descope-wire.md, "TOTP"; Descope's §4.5): /v1/auth/totp/signup,
// /v1/auth/totp/update, /v1/auth/totp/verify, and the management route
// /v1/mgmt/user/totp/delete. Handlers translate wire ↔ domain only; the rules live in
// auth/totp_strategy.h.
#pragma once

#include <string>

#include "api/auth_api.h"
#include "auth/authorization.h"
#include "auth/session_service.h"
#include "auth/totp_strategy.h"
#include "auth/users.h"
#include "gatehouse/clock.h"
#include "http/router.h"

namespace gatehouse::api {

struct TotpApiDeps {
  std::string project_id;
  auth::TotpStrategy& totp;
  auth::SessionService& sessions;
  auth::Authorizer& authorizer;  // the management route's callers
  auth::Users& users;            // the management route's user look-up
  Clock clock;
  CookieOptions cookies;
};

void register_totp_routes(http::Router& router, TotpApiDeps deps);

}  // namespace gatehouse::api
