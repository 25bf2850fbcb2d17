// Routes of /v1/auth/*: password sign-up and sign-in, refresh, try-refresh,
// me, logout, logoutall and the password policy (docs/descope-wire.md §3, §4.1); email
// one-time codes and magic links in passwordless_api.cc (§4.2, §4.3).
// Handlers translate wire ↔ domain only; the rules live in auth/.
#pragma once

#include "auth/config.h"
#include "auth/magic_link_strategy.h"
#include "auth/otp_strategy.h"
#include "auth/password_strategy.h"
#include "auth/session_service.h"
#include "auth/tenants.h"
#include "gatehouse/clock.h"
#include "http/router.h"

namespace gatehouse::api {

// Cookie mode (docs/descope-wire.md §2.6): deliver the refresh token in an HttpOnly `DSR`
// cookie instead of the JSON body and, when asked, the session token in `DS` as well as in
// the body.
struct CookieOptions {
  bool refresh = false;  // Set-Cookie: DSR=…; HttpOnly; SameSite=Strict
  bool session = false;  // Set-Cookie: DS=…; SameSite=Strict (readable by the page)
  bool secure = false;   // add Secure (the server is reached over HTTPS)
};

struct AuthApiDeps {
  const auth::AuthConfig& config;
  auth::SessionService& sessions;
  auth::PasswordStrategy& passwords;
  auth::Audit& audit;
  auth::Tenants& tenants;  // tenant lookups for me/tenants
  Clock clock;
  CookieOptions cookies;
  auth::OtpStrategy* otp = nullptr;                // null: no /v1/auth/otp/* routes
  auth::MagicLinkStrategy* magic_links = nullptr;  // null: no /v1/auth/magiclink/* routes
};

void register_auth_routes(http::Router& router, AuthApiDeps deps);

// 200 JWTResponse for a sign-in (tokens in the body or, in cookie mode, in cookies), or
// the error's response; every sign-in method answers through it.
http::Response authenticated_response(const Result<auth::Authenticated>& r, Clock clock,
                                      const CookieOptions& cookies);
// The same with the clock and cookie options of the auth routes' deps.
http::Response authenticated_response(const Result<auth::Authenticated>& r, const AuthApiDeps& d);

// POST /v1/auth/otp/{signup,signin,signup-in}/email, /otp/verify/email, /otp/update/email,
// /v1/auth/magiclink/{signup,signin,signup-in}/email, /magiclink/verify and
// /v1/auth/password/reset (passwordless_api.cc); called by register_auth_routes.
void register_passwordless_routes(http::Router& router, const AuthApiDeps& deps);

}  // namespace gatehouse::api
