#include "auth/password_strategy.h"

#include "auth/login_id.h"
#include "gatehouse/crypto/random.h"

namespace gatehouse::auth {

namespace {
Error invalid_credentials() {
  return make_error(Errc::kInvalidCredentials, "Invalid login id or password");
}
}  // namespace

PasswordStrategy::PasswordStrategy(const AuthConfig& config, PasswordHasher& hasher,
                                   store::Store& store, SessionService& sessions, Audit& audit,
                                   Clock clock)
    : config_(config),
      hasher_(hasher),
      store_(store),
      sessions_(sessions),
      audit_(audit),
      clock_(std::move(clock)) {}

Result<Authenticated> PasswordStrategy::sign_up(const SignUpInput& input, const Origin& origin) {
  auto login_id = normalize_login_id(input.login_id);
  if (!login_id) return login_id.error();
  // Sign-up reveals existence by its nature (Descope answers "user exists");
  // checking first spares an Argon2id run. create_user still decides races.
  if (auto existing = store_.get_user_by_login_id(*login_id); existing) {
    return make_error(Errc::kUserExists, "A user with this login id already exists");
  } else if (existing.code() != Errc::kUserNotFound) {
    return existing.error();
  }
  auto hash = hasher_.hash_new(input.password);
  if (!hash) return hash.error();

  store::NewUser nu;
  nu.id = crypto::random_id('U');
  nu.login_id = *login_id;
  nu.email = !input.email.empty() ? input.email : (looks_like_email(*login_id) ? *login_id : "");
  nu.phone = input.phone;
  nu.name = input.name;
  nu.roles = config_.default_roles;
  nu.password_hash = std::move(*hash);
  nu.created_at = clock_();
  auto user = store_.create_user(nu);
  if (!user) return user.error();
  if (auto st = store_.set_last_login(user->id, nu.created_at); st)
    user->last_login_at = nu.created_at;
  audit_.record(origin, "user.signup", true, user->id, user->login_id, "password");
  return sessions_.start(std::move(*user), {"pwd"}, /*first_seen=*/true);
}

Result<store::User> PasswordStrategy::check(std::string_view login_id, std::string_view password,
                                            bool* expired) {
  auto user = store_.get_user_by_login_id(std::string(login_id));
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
    (void)store_.set_password_hash(user->id, *rehashed, *expired);
  }
  return user;
}

Result<Authenticated> PasswordStrategy::sign_in(std::string_view raw_login_id,
                                                std::string_view password, const Origin& origin) {
  auto login_id = normalize_login_id(raw_login_id);
  if (!login_id) return login_id.error();
  if (password.empty()) return make_error(Errc::kInvalidArgument, "The password field is required");
  bool expired = false;
  auto user = check(*login_id, password, &expired);
  if (!user) {
    audit_.record(origin, "user.signin", false, "", *login_id, "wrong login id or password");
    return user.error();
  }
  if (user->status != "enabled") {
    audit_.record(origin, "user.signin", false, user->id, *login_id, "user disabled");
    return make_error(Errc::kUserDisabled, "User is disabled");
  }
  if (expired) {
    audit_.record(origin, "user.signin", false, user->id, *login_id, "password expired");
    return make_error(Errc::kPasswordExpired,
                      "The password has expired and must be replaced before signing in");
  }
  int64_t now = clock_();
  if (auto st = store_.set_last_login(user->id, now); st) user->last_login_at = now;
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
  auto user = check(*login_id, old_password, &expired);
  if (!user) {
    audit_.record(origin, "user.password.replace", false, "", *login_id,
                  "wrong login id or password");
    return user.error();
  }
  if (user->status != "enabled") return make_error(Errc::kUserDisabled, "User is disabled");
  auto hash = hasher_.hash_new(new_password);
  if (!hash) return hash.error();
  if (auto st = store_.set_password_hash(user->id, *hash, false); !st) return st.error();
  user->has_password = true;
  int64_t now = clock_();
  if (auto st = store_.set_last_login(user->id, now); st) user->last_login_at = now;
  audit_.record(origin, "user.password.replace", true, user->id, *login_id);
  audit_.record(origin, "user.signin", true, user->id, *login_id, "password replaced");
  return sessions_.start(std::move(*user), {"pwd"}, /*first_seen=*/false);
}

Status PasswordStrategy::update(const std::string& user_id, std::string_view new_password,
                                const Origin& origin) {
  auto hash = hasher_.hash_new(new_password);
  if (!hash) return hash.error();
  if (auto st = store_.set_password_hash(user_id, *hash, false); !st) return st;
  audit_.record(origin, "user.password.update", true, user_id);
  return ok_status();
}

}  // namespace gatehouse::auth
