// OneTimeSignIn: what email one-time codes (OtpStrategy) and magic links
// (MagicLinkStrategy) share — deciding what a mailed secret will do once it is proven
// (sign in a known account, create a new one, change an email, or nothing), keeping that
// beside the secret's hash in the OneTimeStore, and carrying it out: creating the account
// through Users::create, marking the email verified, starting the session.
//
// An unknown address on sign-in gets the very answer a known one gets; nothing is mailed
// and the secret kept for it can never succeed. Blocking: call from a worker thread.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "auth/audit.h"
#include "auth/config.h"
#include "auth/mailer.h"
#include "auth/rate_limiter.h"
#include "auth/session_service.h"
#include "auth/users.h"
#include "gatehouse/clock.h"
#include "gatehouse/result.h"
#include "store/one_time_store.h"
#include "store/user_store.h"

namespace gatehouse::auth {

// Which endpoint asked: /signup, /signin or /signup-in.
enum class OneTimeFlow { kSignUp, kSignIn, kSignUpOrIn };

// The optional `user` object of a sign-up.
struct OneTimeUser {
  std::string name;
  std::string email;  // defaults to the login id
  std::string phone;
};

// What the OTP and magic-link strategies are built from (wired in server/context.cc).
struct OneTimeDeps {
  const AuthConfig& config;
  Users& users;
  store::UserStore& user_store;
  store::OneTimeStore& secrets;
  SessionService& sessions;
  RateLimiter& limiter;
  Mailer& mailer;
  Audit& audit;
  Clock clock;
};

class OneTimeSignIn {
 protected:
  explicit OneTimeSignIn(OneTimeDeps deps) : d_(std::move(deps)) {}

  // What a proven secret does.
  struct Plan {
    std::string login_id;  // normalised
    std::string user_id;   // "" for sign-up and for nothing
    std::string intent;    // "signin" | "signup" | "update" | "reset" | "none"
    std::string to;        // where the mail goes; "" = nowhere (intent "none")
    OneTimeUser user;      // sign-up details
  };

  // The plan for a sign-up / sign-in / sign-up-or-in request. kUserExists for a sign-up
  // of a taken login id; kInvalidArgument for a login id without an email to mail to.
  // Counts the send against the address first (kRateLimited).
  Result<Plan> plan(OneTimeFlow flow, std::string_view raw_login_id, const OneTimeUser& user,
                    const Origin& origin);
  // The plan of a secret minted for a test user by the management API (Descope's
  // tests/generate): it signs that account in; nothing is mailed and no send is counted
  // against the address. kUserNotFound for an unknown login id, kInvalidArgument for a user
  // who is not a test user, kUserDisabled for a disabled one.
  Result<Plan> test_plan(std::string_view raw_login_id);
  // Keeps the secret's hash with the plan (replacing an older secret for the login id).
  Status keep(const std::string& purpose, const Plan& plan, const std::string& secret_hash,
              int64_t ttl);
  // Mails `message` unless the plan mails nothing; then the masked address.
  Result<std::string> deliver(const Plan& plan, const MailMessage& message);
  // Carries out a consumed secret: the session of the account it names. `invalid` is
  // the error for a secret that can never succeed (intent "none", account gone).
  Result<Authenticated> complete(const store::OneTimeSecret& secret, const Error& invalid,
                                 const Origin& origin, const char* method);

  // The common case in one store write: `found` (OneTimeStore::find) is alive, holds
  // `secret_hash` and signs an enabled account in with nothing to change on it, so the
  // secret is spent by the write that starts the session (SessionService::start_spending).
  // nullopt whenever that does not hold, or the secret went meanwhile (nothing written):
  // the caller then takes the general path, consume() and complete().
  std::optional<Result<Authenticated>> sign_in_spending(
      const std::optional<store::OneTimeSecret>& found, const std::string& secret_hash,
      const Origin& origin, const char* method);

  static std::string plan_json(const Plan& plan);
  // The answer's address: what the mail went to, or would have.
  static std::string masked_for(const Plan& plan);

  OneTimeDeps d_;
};

}  // namespace gatehouse::auth
