// Plain data that the store persists. No behaviour, no I/O.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace gh::store {

struct UserTenant {
  std::string tenant_id;
  std::string tenant_name;
  std::vector<std::string> roles;
};

struct User {
  std::string id;        // "U" + 27 letters/digits; the JWT `sub`
  std::string login_id;  // primary login id, stored lower-cased when it is an email
  std::string email;
  std::string phone;
  std::string name;
  std::string picture;
  std::string status = "enabled";  // "enabled" | "disabled"
  bool verified_email = false;
  bool verified_phone = false;
  bool has_password = false;
  int64_t created_at = 0;          // Unix seconds
  int64_t last_login_at = 0;       // 0 = never
  std::vector<std::string> roles;  // project-level role names, sorted
  std::vector<UserTenant> tenants;
};

struct NewUser {
  std::string id;
  std::string login_id;
  std::string email;
  std::string phone;
  std::string name;
  std::string status = "enabled";
  bool verified_email = false;
  std::vector<std::string> roles;            // must all exist
  std::optional<std::string> password_hash;  // Argon2id encoded string
  int64_t created_at = 0;
};

struct Role {
  std::string name;
  std::string description;
  std::vector<std::string> permissions;  // permission names
  int64_t created_at = 0;
};

struct RefreshToken {
  std::string id;  // the JWT `jti`
  std::string user_id;
  std::string family_id;   // all tokens descending from one sign-in
  std::string token_hash;  // hex SHA-256 of the JWT text; the JWT itself is never stored
  int64_t issued_at = 0;
  int64_t expires_at = 0;
  int64_t revoked_at = 0;   // 0 = not revoked
  int64_t rotated_at = 0;   // 0 = not replaced yet
  std::string replaced_by;  // id of the token that replaced this one
};

}  // namespace gh::store
