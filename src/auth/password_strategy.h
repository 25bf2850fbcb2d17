// PasswordStrategy: sign-up and sign-in with a login id and a password.
//
// Passwords are hashed with Argon2id through the PasswordHasher — slow on purpose,
// so call this from a worker thread. An unknown login id and a wrong password are
// indistinguishable: same error, and the unknown case verifies against a dummy
// hash so it takes as long.
#pragma once

#include <string>

#include "auth/audit.h"
#include "auth/config.h"
#include "auth/email_verifier.h"
#include "auth/password_hasher.h"
#include "auth/rate_limiter.h"
#include "auth/revocations.h"
#include "auth/second_factor.h"
#include "auth/session_service.h"
#include "auth/users.h"
#include "gatehouse/clock.h"
#include "gatehouse/result.h"
#include "store/user_store.h"

namespace gatehouse::auth {

struct SignUpInput {
  std::string login_id;
  std::string password;
  std::string name;
  std::string email;  // defaults to the login id when it looks like an email
  std::string phone;
};

class PasswordStrategy {
 public:
  PasswordStrategy(const AuthConfig& config, PasswordHasher& hasher, Users& users,
                   store::UserStore& user_store, SessionService& sessions, Revocations& revocations,
                   RateLimiter& limiter, Audit& audit, Clock clock);

  // With AuthConfig::email_verification_required the account is created unverified, a
  // code is mailed to its email (the EmailVerifier) and the answer is kEmailNotVerified
  // (no session); a sign-up without an email address is kInvalidArgument.
  Result<Authenticated> sign_up(const SignUpInput& input, const Origin& origin);
  // kEmailNotVerified (after the password was found right) for an account whose email is
  // not verified, when verification is required.
  Result<Authenticated> sign_in(std::string_view login_id, std::string_view password,
                                const Origin& origin);
  // Replaces the password after checking the old one (also when it expired), ends the
  // user's other sign-ins and signs the user in (POST /v1/auth/password/replace).
  Result<Authenticated> replace(std::string_view login_id, std::string_view old_password,
                                std::string_view new_password, const Origin& origin);
  // Sets a new password for the signed-in user (POST /v1/auth/password/update) and ends
  // their other sign-ins, keeping the one that made the change; `login_id` must name that
  // same user (kForbidden otherwise).
  Status update(const SessionService::SignIn& self, std::string_view login_id,
                std::string_view new_password, const Origin& origin);

  // Consulted before a sign-in (or a replace) starts a session: when it requires a second
  // factor, the sign-in ends in its error (kMfaRequired with a ticket). Null: none. Set
  // once at wiring, before any request.
  void set_second_factor(SecondFactor* factor) { second_factor_ = factor; }
  // Mails the verification code of a sign-up when verification is required (else unused).
  // Set once at wiring, before any request.
  void set_email_verifier(EmailVerifier* verifier) { email_verifier_ = verifier; }

 private:
  const AuthConfig& config_;
  PasswordHasher& hasher_;
  Users& users_;
  store::UserStore& store_;
  // The user behind login_id if `password` is theirs; the same error for an unknown
  // account and a wrong password, in the same time. Rate limited (kRateLimited).
  Result<store::User> check(const std::string& login_id, std::string_view password,
                            const Origin& origin, bool* expired);
  Result<store::User> verify(const std::string& login_id, std::string_view password, bool* expired);

  SessionService& sessions_;
  Revocations& revocations_;
  RateLimiter& limiter_;
  Audit& audit_;
  Clock clock_;
  SecondFactor* second_factor_ = nullptr;
  EmailVerifier* email_verifier_ = nullptr;
  // kEmailNotVerified when verification is required and `user`'s email is not verified.
  Status require_verified(const store::User& user, const Origin& origin, const char* what);
};

}  // namespace gatehouse::auth
