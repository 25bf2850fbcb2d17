// Directory: administrative operations on users and roles, shared by the CLI
// (`gatehouse user …`, `gatehouse role …`) and server start-up.
#pragma once

#include <string>
#include <vector>

#include "auth/audit.h"
#include "auth/password_hasher.h"
#include "gatehouse/clock.h"
#include "gatehouse/result.h"
#include "store/store.h"

namespace gatehouse::auth {

class Directory {
 public:
  Directory(PasswordHasher& hasher, store::Store& store, Audit& audit, Clock clock);

  // Creates the tutorial's roles (teacher, student) and `admin` the first time
  // the data directory is used; later deletions are respected.
  Status seed_default_roles();

  Result<store::User> add_user(const std::string& email, const std::string& password,
                               const std::string& name, const std::vector<std::string>& roles);
  Result<store::User> set_roles(const std::string& login_id, const std::vector<std::string>& roles);
  Result<std::vector<store::User>> list_users();
  Status add_role(const std::string& name, const std::string& description);
  Result<std::vector<store::Role>> list_roles();

 private:
  PasswordHasher& hasher_;
  store::Store& store_;
  Audit& audit_;
  Clock clock_;
};

// Role and permission names: 1–64 characters of letters, digits, space, '_',
// '-', '.', ':'. `kind` ("Role", "Permission") starts the error message.
Status check_name(std::string_view kind, const std::string& name);

}  // namespace gatehouse::auth
