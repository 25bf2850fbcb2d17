// Descope's test generators on the management API (docs/descope-wire.md §6.6):
// POST /v1/mgmt/tests/generate/otp and /v1/mgmt/tests/generate/magiclink mint an email
// code or a magic link for a test user (user/create/test) and hand it to the caller instead
// of mailing it; it is then verified through the ordinary /v1/auth/otp/verify/email and
// /v1/auth/magiclink/verify. Callers authenticate as on every management route
// (auth::Authorizer). Handlers translate wire ↔ domain only; the rules (test users only,
// no mail, no send limit) live in auth/one_time_sign_in.h.
#pragma once

#include <string>

#include "auth/authorization.h"
#include "auth/magic_link_strategy.h"
#include "auth/otp_strategy.h"
#include "http/router.h"

namespace gatehouse::api {

struct MgmtTestsApiDeps {
  std::string project_id;
  auth::Authorizer& authorizer;
  auth::OtpStrategy& otp;
  auth::MagicLinkStrategy& magic_links;
};

void register_mgmt_tests_routes(http::Router& router, MgmtTestsApiDeps deps);

}  // namespace gatehouse::api
