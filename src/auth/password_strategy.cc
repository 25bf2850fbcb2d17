#include "auth/password_strategy.h"

#include "auth/authorization.h"
#include "auth/login_id.h"
#include "auth/mailer.h"

namespace gatehouse::auth {

namespace {
Error invalid_credentials() {
  return make_error(Errc::kInvalidCredentials, "Invalid login id or password");
}
Error not_verified(const std::string& masked) {
  return make_error(Errc::kEmailNotVerified,
                    "Verify your email address first: enter the code mailed to " + masked +
                        " (or ask for a new one by signing in with an email code)");
}
}  // namespace

PasswordStrategy::PasswordStrategy(const AuthConfig& config, PasswordHasher& hasher, Users& users,
                                   store::UserStore& user_store, SessionService& sessions,
                                   Revocations& revocations, RateLimiter& limiter, Audit& audit,
                                   Clock clock)
    : config_(config),
      hasher_(hasher),
      users_(users),
      store_(user_store),
      sessions_(sessions),
      revocations_(revocations),
      limiter_(limiter),
      audit_(audit),
      clock_(std::move(clock)) {}

Result<Authenticated> PasswordStrategy::sign_up(const SignUpInput& input, const Origin& origin) {
  if (auto st = limiter_.admit_sign_up(origin); !st) return st.error();
  NewUserInput in;
  in.login_id = input.login_id;
  in.password = input.password;
  in.name = input.name;
  in.email = input.email;
  in.phone = input.phone;
  in.roles = config_.default_roles;
  const bool verify_email = config_.email_verification_required;
  if (verify_email) {
    // The address the code goes to: the email given, else the login id.
    auto to = normalize_login_id(in.email.empty() ? in.login_id : in.email);
    if (!to || !looks_like_email(*to)) {
      return make_error(Errc::kInvalidArgument,
                        "An email address is required: sign-ups verify their email");
    }
    if (!email_verifier_) return make_error(Errc::kInternal, "no email verifier wired");
  }
  auto user = users_.create(in, origin, {.action = "user.signup", .detail = "password"});
  if (!user) return user.error();
  if (verify_email) {
    // Created, unverified: no session until the mailed code (or any email sign-in) proves
    // the address. A mail that failed can be asked for again with an email code sign-in.
    auto sent = email_verifier_->send_verification(*user, origin);
    if (!sent) return sent.error();
    audit_.record(origin, "user.email.verification", true, user->id, user->login_id,
                  "code mailed at sign-up");
    return not_verified(*sent);
  }
  return sessions_.start(std::move(*user), {"pwd"}, /*first_seen=*/true);
}

Status PasswordStrategy::require_verified(const store::User& user, const Origin& origin,
                                          const char* what) {
  if (!config_.email_verification_required || user.verified_email) return ok_status();
  audit_.record(origin, what, false, user.id, user.login_id, "email not verified");
  return not_verified(mask_email(user.email.empty() ? user.login_id : user.email));
}

Result<store::User> PasswordStrategy::check(const std::string& login_id, std::string_view password,
                                            const Origin& origin, bool* expired) {
  // Counted before anything is looked up or hashed; refused attempts never reach the
  // hasher, and a refusal says nothing about the password.
  auto attempt = limiter_.begin_sign_in(login_id, origin);
  if (!attempt) return attempt.error();
  auto user = verify(login_id, password, expired);
  limiter_.end_sign_in(*attempt, user.ok());
  return user;
}

Result<store::User> PasswordStrategy::verify(const std::string& login_id, std::string_view password,
                                             bool* expired) {
  auto user = store_.get_by_login_id(login_id);
  if (!user && user.code() != Errc::kUserNotFound) return user.error();
  std::string hash;
  if (user) {
    auto cred = store_.get_password(user->id);
    if (cred) {
      hash = std::move(cred->hash);
      *expired = cred->expired;
    } else if (cred.code() != Errc::kNotFound) {
      return cred.error();
    }
  }
  // An empty hash (unknown account) costs a dummy verification: same time, same answer.
  if (!hasher_.verify(hash, password)) return invalid_credentials();
  if (auto rehashed = hasher_.rehash_if_needed(hash, password)) {
    (void)store_.set_password(user->id, *rehashed, *expired);
  }
  return user;
}

Result<Authenticated> PasswordStrategy::sign_in(std::string_view raw_login_id,
                                                std::string_view password, const Origin& origin) {
  auto login_id = normalize_login_id(raw_login_id);
  if (!login_id) return login_id.error();
  if (password.empty()) return make_error(Errc::kInvalidArgument, "The password field is required");
  bool expired = false;
  auto user = check(*login_id, password, origin, &expired);
  if (!user) {
    if (user.code() == Errc::kInvalidCredentials) {
      audit_.record(origin, "user.signin", false, "", *login_id, "wrong login id or password");
    }
    return user.error();
  }
  if (user->status != "enabled") {
    audit_.record(origin, "user.signin", false, user->id, *login_id, "user disabled");
    return make_error(Errc::kUserDisabled, "User is disabled");
  }
  if (auto st = require_verified(*user, origin, "user.signin"); !st) return st.error();
  if (expired) {
    audit_.record(origin, "user.signin", false, user->id, *login_id, "password expired");
    return make_error(Errc::kPasswordExpired,
                      "The password has expired and must be replaced before signing in");
  }
  if (second_factor_) {
    if (auto due = second_factor_->require(*user, origin)) return std::move(*due);
  }
  audit_.record(origin, "user.signin", true, user->id, *login_id, "password");
  return sessions_.start(std::move(*user), {"pwd"}, /*first_seen=*/false);
}

Result<Authenticated> PasswordStrategy::replace(std::string_view raw_login_id,
                                                std::string_view old_password,
                                                std::string_view new_password,
                                                const Origin& origin) {
  auto login_id = normalize_login_id(raw_login_id);
  if (!login_id) return login_id.error();
  if (old_password.empty()) {
    return make_error(Errc::kInvalidArgument, "The oldPassword field is required");
  }
  bool expired = false;
  auto user = check(*login_id, old_password, origin, &expired);
  if (!user) {
    if (user.code() == Errc::kInvalidCredentials) {
      audit_.record(origin, "user.password.replace", false, "", *login_id,
                    "wrong login id or password");
    }
    return user.error();
  }
  if (user->status != "enabled") return make_error(Errc::kUserDisabled, "User is disabled");
  if (auto st = require_verified(*user, origin, "user.password.replace"); !st) return st.error();
  auto hash = hasher_.hash_new(new_password, {user->login_id, user->email, user->name});
  if (!hash) return hash.error();
  if (auto st = store_.set_password(user->id, *hash, false); !st) return st.error();
  user->has_password = true;
  // Whoever held the old password is signed out; the new session below is the one left.
  if (auto st = revocations_.end_user(user->id); !st) return st.error();
  audit_.record(origin, "session.revoked", true, user->id, *login_id, "password replaced");
  audit_.record(origin, "user.password.replace", true, user->id, *login_id);
  // The new password is set; the session still waits for the second factor.
  if (second_factor_) {
    if (auto due = second_factor_->require(*user, origin)) return std::move(*due);
  }
  audit_.record(origin, "user.signin", true, user->id, *login_id, "password replaced");
  return sessions_.start(std::move(*user), {"pwd"}, /*first_seen=*/false);
}

Status PasswordStrategy::update(const SessionService::SignIn& self, std::string_view login_id,
                                std::string_view new_password, const Origin& origin) {
  if (auto st = require_own_account(self.user, login_id); !st) return st;
  auto hash = hasher_.hash_new(new_password, {self.user.login_id, self.user.email, self.user.name});
  if (!hash) return hash.error();
  if (auto st = store_.set_password(self.user.id, *hash, false); !st) return st;
  audit_.record(origin, "user.password.update", true, self.user.id);
  // Other devices may be whoever learnt the old password: they are signed out.
  if (auto st = revocations_.end_user(self.user.id, self.family_id); !st) return st;
  audit_.record(origin, "session.revoked", true, self.user.id, self.user.login_id,
                "password changed; this sign-in kept");
  return ok_status();
}

}  // namespace gatehouse::auth
