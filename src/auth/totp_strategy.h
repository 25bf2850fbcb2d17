// TotpStrategy: sign-in with an authenticator app (RFC 6238; Descope's /v1/auth/totp/*),
// and TOTP as the second factor after a password.
//
// Enrolment draws a 160-bit secret, stores it (TotpStore; not hashed, codes are computed
// from it) and returns it as base32 with its otpauth:// URI; sign-up creates the account
// through Users::create first. verify accepts the code of the current 30 s step or of
// the one either side, once: the store's last accepted step only moves forward, so a code
// seen on the wire cannot be replayed in its window. Every verify counts against the
// RateLimiter like a password sign-in; an unknown login id, an account without TOTP and
// a wrong code are the same kInvalidCode, and cost the same HMACs.
//
// As a second factor: an account with both a password and a TOTP secret in force (a code
// was accepted for it once) gets no session from the password alone — PasswordStrategy
// ends in kMfaRequired with a ticket (random, 5 minutes, single use, stored hashed), and
// verify then needs that ticket along with the code. A new secret of a password account is
// put in force by a verify that carries the refresh token of the user's own sign-in
// instead of a ticket. An account with TOTP only (made by totp/signup) signs in with the
// code alone.
// Blocking (store): call from a worker thread.
//
//   auto enrolled = totp.sign_up({.login_id = "ann@example.com"}, origin);
//   show(enrolled->key, enrolled->provisioning_url);
//   auto session = totp.verify("ann@example.com", "287082", /*proof=*/"", origin);
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "auth/audit.h"
#include "auth/config.h"
#include "auth/rate_limiter.h"
#include "auth/second_factor.h"
#include "auth/session_service.h"
#include "auth/users.h"
#include "gatehouse/clock.h"
#include "gatehouse/result.h"
#include "store/totp_store.h"
#include "store/user_store.h"

namespace gatehouse::auth {

struct TotpOptions {
  std::string issuer = "Gatehouse";  // the account's label in authenticator apps
  int64_t ticket_ttl = 300;          // seconds a password sign-in waits for its code
};

struct TotpSignUpInput {
  std::string login_id;
  std::string name;
  std::string email;  // defaults to the login id when it looks like an email
  std::string phone;
};

// What an enrolment shows the user, once.
struct TotpEnrolment {
  std::string key;               // the secret, base32 without padding
  std::string provisioning_url;  // otpauth://totp/<issuer>:<loginId>?secret=…&issuer=…
};

class TotpStrategy final : public SecondFactor {
 public:
  TotpStrategy(const AuthConfig& config, TotpOptions options, Users& users,
               store::UserStore& user_store, store::TotpStore& totp, SessionService& sessions,
               RateLimiter& limiter, Audit& audit, Clock clock);

  // A new account with a TOTP secret; kUserExists when the login id is taken.
  Result<TotpEnrolment> sign_up(const TotpSignUpInput& input, const Origin& origin);
  // A new secret for the signed-in user (the old one stops working); `login_id` must name
  // that same user (kForbidden otherwise).
  Result<TotpEnrolment> update(const SessionService::SignIn& self, std::string_view login_id,
                               const Origin& origin);
  // A session for the owner of `login_id` if `code` is theirs and unused. `proof`, required
  // when the account has a password: the ticket of the password sign-in, or the refresh
  // token of a sign-in of the same user.
  Result<Authenticated> verify(std::string_view login_id, std::string_view code,
                               std::string_view proof, const Origin& origin);
  // The same for a caller that has itself just checked the account's password in this
  // sign-in — a flow (auth/flow/), whose execution in the store records that step — so no
  // ticket travels: the ticket the password step minted is left to expire unused.
  Result<Authenticated> verify_after_password(std::string_view login_id, std::string_view code,
                                              const Origin& origin);
  // Removes the user's TOTP (management); nothing to do when they have none.
  Status remove(const store::User& user, const Origin& origin);
  // The signed-in user turns their TOTP off with a current code of it (so a stolen session
  // alone cannot weaken the account); `refresh_token` is that sign-in's, the proof of the
  // password step. Counted against the RateLimiter like verify; kInvalidCode when the code
  // is wrong, used, or there is no TOTP.
  Status disable(const SessionService::SignIn& self, std::string_view code,
                 std::string_view refresh_token, const Origin& origin);

  // SecondFactor: a ticket when `user` has a TOTP secret in force.
  std::optional<Error> require(const store::User& user, const Origin& origin) override;

 private:
  Result<TotpEnrolment> enrol(const store::User& user);
  // ok when `proof` shows the password step for `user` (see verify); kInvalidCode if not.
  Status first_factor(const store::User& user, std::string_view proof);
  // The user if `code` is theirs and unused and the ticket (when one is due) is theirs;
  // kInvalidCode for every other case.
  Result<store::User> check(const std::string& login_id, std::string_view code,
                            std::string_view proof, bool password_checked);
  // check(), counted against the RateLimiter like a sign-in (verify and disable); a
  // missing code is kInvalidArgument and counts nothing.
  Result<store::User> counted_check(const std::string& login_id, std::string_view code,
                                    std::string_view proof, bool password_checked,
                                    const Origin& origin);
  Result<Authenticated> verify_code(std::string_view login_id, std::string_view code,
                                    std::string_view proof, bool password_checked,
                                    const Origin& origin);

  const AuthConfig& config_;
  TotpOptions options_;
  Users& users_;
  store::UserStore& user_store_;
  store::TotpStore& totp_;
  SessionService& sessions_;
  RateLimiter& limiter_;
  Audit& audit_;
  Clock clock_;
};

}  // namespace gatehouse::auth
