// Routes of /v1/auth/*: password sign-up and sign-in, refresh, try-refresh,
// me, logout, logoutall and the password policy (contract §3, §4.1).
// Handlers translate wire ↔ domain only; the rules live in auth/.
#pragma once

#include "auth/config.h"
#include "auth/password_strategy.h"
#include "auth/session_service.h"
#include "common/clock.h"
#include "http/router.h"

namespace gh::api {

struct AuthApiDeps {
  const auth::AuthConfig& config;
  auth::SessionService& sessions;
  auth::PasswordStrategy& passwords;
  auth::Audit& audit;
  Clock clock;
};

void register_auth_routes(http::Router& router, AuthApiDeps deps);

}  // namespace gh::api
