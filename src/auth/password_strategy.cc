#include "auth/password_strategy.h"

#include "auth/authorization.h"
#include "auth/login_id.h"

namespace gatehouse::auth {

namespace {
Error invalid_credentials() {
  return make_error(Errc::kInvalidCredentials, "Invalid login id or password");
}
}  // namespace

PasswordStrategy::PasswordStrategy(const AuthConfig& config, PasswordHasher& hasher, Users& users,
                                   store::UserStore& user_store, SessionService& sessions,
                                   Audit& audit, Clock clock)
    : config_(config),
      hasher_(hasher),
      users_(users),
      store_(user_store),
      sessions_(sessions),
      audit_(audit),
      clock_(std::move(clock)) {}

Result<Authenticated> PasswordStrategy::sign_up(const SignUpInput& input, const Origin& origin) {
  NewUserInput in;
  in.login_id = input.login_id;
  in.password = input.password;
  in.name = input.name;
  in.email = input.email;
  in.phone = input.phone;
  in.roles = config_.default_roles;
  auto user = users_.create(in, origin, {.action = "user.signup", .detail = "password"});
  if (!user) return user.error();
  if (auto st = store_.set_last_login(user->id, user->created_at); st) {
    user->last_login_at = user->created_at;
  }
  return sessions_.start(std::move(*user), {"pwd"}, /*first_seen=*/true);
}

Result<store::User> PasswordStrategy::check(std::string_view login_id, std::string_view password,
                                            bool* expired) {
  auto user = store_.get_by_login_id(std::string(login_id));
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
  if (auto st = store_.set_password(user->id, *hash, false); !st) return st.error();
  user->has_password = true;
  int64_t now = clock_();
  if (auto st = store_.set_last_login(user->id, now); st) user->last_login_at = now;
  audit_.record(origin, "user.password.replace", true, user->id, *login_id);
  audit_.record(origin, "user.signin", true, user->id, *login_id, "password replaced");
  return sessions_.start(std::move(*user), {"pwd"}, /*first_seen=*/false);
}

Status PasswordStrategy::update(const store::User& self, std::string_view login_id,
                                std::string_view new_password, const Origin& origin) {
  if (auto st = require_own_account(self, login_id); !st) return st;
  auto hash = hasher_.hash_new(new_password);
  if (!hash) return hash.error();
  if (auto st = store_.set_password(self.id, *hash, false); !st) return st;
  audit_.record(origin, "user.password.update", true, self.id);
  return ok_status();
}

}  // namespace gatehouse::auth
