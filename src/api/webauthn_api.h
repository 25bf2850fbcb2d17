// Routes of WebAuthn / passkeys (docs/descope-wire.md §4.6): /v1/auth/webauthn/
// {signup,signin,update}/{start,finish}, /v1/auth/webauthn/signup-in/start, and the
// management route /v1/mgmt/user/passkeys/delete. Handlers translate wire ↔ domain only;
// the rules live in auth/webauthn_strategy.h.
#pragma once

#include <string>

#include "api/auth_api.h"
#include "auth/authorization.h"
#include "auth/session_service.h"
#include "auth/users.h"
#include "auth/webauthn_strategy.h"
#include "gatehouse/clock.h"
#include "http/router.h"

namespace gatehouse::api {

struct WebAuthnApiDeps {
  std::string project_id;
  auth::WebAuthnStrategy& webauthn;
  auth::SessionService& sessions;
  auth::Authorizer& authorizer;  // the management route's callers
  auth::Users& users;            // the management route's user look-up
  Clock clock;
  CookieOptions cookies;
};

void register_webauthn_routes(http::Router& router, WebAuthnApiDeps deps);

}  // namespace gatehouse::api
