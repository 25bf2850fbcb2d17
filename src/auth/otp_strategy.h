// OtpStrategy: sign-up and sign-in with a 6-digit code mailed to the address
// (POST /v1/auth/otp/{signup,signin,signup-in}/email, /verify/email, /update/email).
//
// Codes come from libsodium's CSPRNG, live AuthConfig::otp_ttl seconds (5 minutes), work
// once, and die after otp_max_attempts (5) wrong tries; a new code replaces the old one.
// Only a SHA-256 hash of purpose, login id and code is stored, so a code is good only for
// the address it was mailed for. Codes mailed to one address are rate limited
// (RateLimiter::admit_send). Verify is cheap (no Argon2id).
//
//   Result<std::string> masked = otp.start(OneTimeFlow::kSignUpOrIn, "ann@x.io", {}, origin);
//   Result<Authenticated> a = otp.verify("ann@x.io", "123456", origin);
#pragma once

#include <string>
#include <string_view>

#include "auth/email_verifier.h"
#include "auth/one_time_sign_in.h"

namespace gatehouse::auth {

class OtpStrategy : private OneTimeSignIn, public EmailVerifier {
 public:
  static constexpr const char* kPurpose = "otp";

  explicit OtpStrategy(OneTimeDeps deps);

  // Mails a new code for `login_id`; the masked address (the same answer whether or not
  // the account exists, for sign-in). kUserExists for a sign-up of a taken login id;
  // kDeliveryFailed when the mail could not be sent; kRateLimited.
  Result<std::string> start(OneTimeFlow flow, std::string_view login_id, const OneTimeUser& user,
                            const Origin& origin);
  // The session for a right code: kCodeInvalid (wrong, used, replaced, never sent),
  // kTooManyAttempts (the wrong try that killed it), kCodeExpired.
  Result<Authenticated> verify(std::string_view login_id, std::string_view code,
                               const Origin& origin);
  // Mails a code to `new_email` that, verified with the user's login id, makes it their
  // verified email. `login_id` must be the signed-in user's own (kForbidden).
  Result<std::string> update_email(const SessionService::SignIn& self, std::string_view login_id,
                                   std::string_view new_email, const Origin& origin);

  // A new code for a test user, handed to the management caller instead of mailed
  // (POST /v1/mgmt/tests/generate/otp); verified like a mailed one. Not rate limited:
  // test suites and benchmarks mint one per sign-in. Errors of OneTimeSignIn::test_plan.
  Result<std::string> generate_for_test(std::string_view login_id, const Origin& origin);

  // EmailVerifier: mails the account a code that signs it in and verifies its email.
  Result<std::string> send_verification(const store::User& user, const Origin& origin) override;

  // A uniformly drawn 6-digit code.
  static std::string new_code();
  // What the store keeps for `code` mailed for `login_id`.
  static std::string code_hash(const std::string& login_id, std::string_view code);

 private:
  Result<std::string> send(const Plan& plan);
};

}  // namespace gatehouse::auth
