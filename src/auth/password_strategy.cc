#include "auth/password_strategy.h"

#include "auth/login_id.h"
#include "crypto/password.h"
#include "crypto/random.h"

namespace gh::auth {

namespace {
Error invalid_credentials() {
  return make_error(Errc::kInvalidCredentials, "Invalid login id or password");
}
}  // namespace

PasswordStrategy::PasswordStrategy(const AuthConfig& config, store::Store& store,
                                   SessionService& sessions, Clock clock)
    : config_(config), store_(store), sessions_(sessions), clock_(std::move(clock)) {}

Result<Authenticated> PasswordStrategy::sign_up(const SignUpInput& input) {
  auto login_id = normalize_login_id(input.login_id);
  if (!login_id) return login_id.error();
  if (auto st = crypto::check_password(input.password, config_.password_policy); !st) {
    return st.error();
  }
  // Sign-up reveals existence by its nature (Descope answers "user exists");
  // checking first spares an Argon2id run. create_user still decides races.
  if (auto existing = store_.get_user_by_login_id(*login_id); existing) {
    return make_error(Errc::kUserExists, "A user with this login id already exists");
  } else if (existing.code() != Errc::kUserNotFound) {
    return existing.error();
  }
  auto hash = crypto::hash_password(input.password, config_.argon2);
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
  if (auto st = store_.set_last_login(user->id, nu.created_at); st) user->last_login_at = nu.created_at;
  return sessions_.start(std::move(*user), {"pwd"}, /*first_seen=*/true);
}

Result<Authenticated> PasswordStrategy::sign_in(std::string_view raw_login_id,
                                                std::string_view password) {
  auto login_id = normalize_login_id(raw_login_id);
  if (!login_id) return login_id.error();
  if (password.empty()) return make_error(Errc::kInvalidArgument, "The password field is required");

  auto user = store_.get_user_by_login_id(*login_id);
  if (!user && user.code() != Errc::kUserNotFound) return user.error();
  std::string hash;
  if (user) {
    auto h = store_.get_password_hash(user->id);
    if (h) {
      hash = std::move(*h);
    } else if (h.code() != Errc::kNotFound) {
      return h.error();
    }
  }
  if (hash.empty()) {
    // Same work as a wrong password, so timing does not reveal the account.
    (void)crypto::verify_password(crypto::dummy_password_hash(), password);
    return invalid_credentials();
  }
  if (!crypto::verify_password(hash, password)) return invalid_credentials();
  if (user->status != "enabled") return make_error(Errc::kUserDisabled, "User is disabled");

  if (crypto::needs_rehash(hash, config_.argon2)) {
    if (auto rehashed = crypto::hash_password(password, config_.argon2); rehashed) {
      (void)store_.set_password_hash(user->id, *rehashed);
    }
  }
  int64_t now = clock_();
  if (auto st = store_.set_last_login(user->id, now); st) user->last_login_at = now;
  return sessions_.start(std::move(*user), {"pwd"}, /*first_seen=*/false);
}

}  // namespace gh::auth
