// PasswordStrategy: sign-up and sign-in with a login id and a password.
//
// Passwords are hashed with Argon2id (crypto/password.h) — slow on purpose, so
// call this from a worker thread. An unknown login id and a wrong password are
// indistinguishable: same error, and the unknown case verifies against a dummy
// hash so it takes as long.
#pragma once

#include <string>

#include "auth/config.h"
#include "auth/session_service.h"
#include "common/clock.h"
#include "common/result.h"
#include "store/store.h"

namespace gh::auth {

struct SignUpInput {
  std::string login_id;
  std::string password;
  std::string name;
  std::string email;  // defaults to the login id when it looks like an email
  std::string phone;
};

class PasswordStrategy {
 public:
  PasswordStrategy(const AuthConfig& config, store::Store& store, SessionService& sessions,
                   Clock clock);

  Result<Authenticated> sign_up(const SignUpInput& input);
  Result<Authenticated> sign_in(std::string_view login_id, std::string_view password);

 private:
  const AuthConfig& config_;
  store::Store& store_;
  SessionService& sessions_;
  Clock clock_;
};

}  // namespace gh::auth
