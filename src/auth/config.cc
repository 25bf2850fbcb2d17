#include "auth/config.h"

namespace gh::auth {

Result<std::string> hash_new_password(const AuthConfig& config, std::string_view password) {
  if (auto st = crypto::check_password(password, config.password_policy); !st) return st.error();
  return crypto::hash_password(password, config.argon2);
}

}  // namespace gh::auth
