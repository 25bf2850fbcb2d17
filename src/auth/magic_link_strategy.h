// MagicLinkStrategy: sign-up and sign-in with a link mailed to the address
// (POST /v1/auth/magiclink/{signup,signin,signup-in}/email and /verify).
//
// The link is the request's URI with `t=<token>` appended; the URI must lie under one of
// AuthConfig::redirect_origins (kInvalidArgument otherwise), so a link never sends its
// token to someone else's site. Tokens are 32 random bytes, live magic_link_ttl seconds
// (10 minutes), work once, and only their SHA-256 hash is stored; a new link replaces the
// old one. The token alone proves the mail was read: verify works from any browser.
//
// Password reset (POST /v1/auth/password/reset) mails a link of its own (purpose
// "password-reset", so it neither replaces nor is replaced by a sign-in link) that the same
// verify spends: it signs the account in, and the client then sets the new password with
// that session (POST /v1/auth/password/update, which ends the account's other sessions).
// The reset session is an ordinary email sign-in — a magic link would give the same —
// recognisable only in the audit log (user.signin, detail "password-reset").
#pragma once

#include <string>
#include <string_view>

#include "auth/one_time_sign_in.h"

namespace gatehouse::auth {

class MagicLinkStrategy : private OneTimeSignIn {
 public:
  static constexpr const char* kPurpose = "magiclink";
  static constexpr const char* kResetPurpose = "password-reset";
  // Where a reset link points when the request names no redirectUrl: this path under the
  // first redirect origin.
  static constexpr const char* kDefaultResetPath = "/reset-password";

  explicit MagicLinkStrategy(OneTimeDeps deps);

  // Mails a link into `uri`; the masked address (the same answer for an unknown address
  // on sign-in). kInvalidArgument for a URI outside the allowed origins; kUserExists,
  // kDeliveryFailed, kRateLimited as for codes.
  Result<std::string> start(OneTimeFlow flow, std::string_view login_id, std::string_view uri,
                            const OneTimeUser& user, const Origin& origin);
  // Mails a password-reset link into `uri` (empty: kDefaultResetPath under the first
  // redirect origin) to the account's email; the masked address. An unknown, disabled or
  // email-less login id gets the same answer and no mail. Counted against the address like
  // codes (kRateLimited); kInvalidArgument for a URI outside the allowed origins;
  // kDeliveryFailed.
  Result<std::string> send_password_reset(std::string_view login_id, std::string_view uri,
                                          const Origin& origin);
  // A new link into `uri` for a test user, handed to the management caller instead of
  // mailed (POST /v1/mgmt/tests/generate/magiclink); verified like a mailed one. Not rate
  // limited. kInvalidArgument for a URI outside the allowed origins, else the errors of
  // OneTimeSignIn::test_plan.
  Result<std::string> generate_for_test(std::string_view login_id, std::string_view uri,
                                        const Origin& origin);
  // The session for a live token; kLinkInvalid for an unknown, used or expired one.
  Result<Authenticated> verify(std::string_view token, const Origin& origin);

  // True when `uri` is `origin` itself or a path, query or fragment under it.
  static bool under_origin(std::string_view uri, std::string_view origin);

 private:
  // kInvalidArgument unless `uri` lies under one of the allowed redirect origins.
  Status check_uri(std::string_view uri) const;
  // Keeps a new token of `purpose` for the plan; the link that carries it.
  Result<std::string> new_link(const char* purpose, const Plan& plan, std::string_view uri);
};

}  // namespace gatehouse::auth
