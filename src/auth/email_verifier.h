// EmailVerifier: how a password sign-up proves its email address when the server requires
// it (--email-verification required, AuthConfig::email_verification_required).
// PasswordStrategy asks it to mail the new account a code; OtpStrategy is the one
// implementation: the code, verified with the account's login id
// (POST /v1/auth/otp/verify/email), signs the account in and marks its email verified —
// as any email code or magic-link sign-in of the address does.
#pragma once

#include <string>

#include "auth/audit.h"
#include "gatehouse/result.h"
#include "store/model.h"

namespace gatehouse::auth {

class EmailVerifier {
 public:
  virtual ~EmailVerifier() = default;

  // Mails `user` (at user.email) a code that proves the address; the masked address.
  // kRateLimited (counted against the address like every code), kDeliveryFailed.
  virtual Result<std::string> send_verification(const store::User& user, const Origin& origin) = 0;
};

}  // namespace gatehouse::auth
