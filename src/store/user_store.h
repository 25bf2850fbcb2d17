// UserStore: users with their password credential, project roles and tenant
// memberships. See stores.h for the conventions every store follows.
//
// Login ids are stored as given and compared case-insensitively (SQLite folds ASCII
// only; email login ids arrive lower-cased). User results carry roles sorted by name,
// has_password and tenants (each with its roles sorted). Roles and tenants named in a
// write must exist (kInvalidArgument, nothing written).
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "gatehouse/result.h"
#include "store/model.h"

namespace gatehouse::store {

class UserStore {
 public:
  virtual ~UserStore() = default;

  // Writes the user, its roles and its password hash together or not at all.
  virtual Result<User> create(const NewUser& user) = 0;
  virtual Result<User> get_by_id(const std::string& user_id) = 0;
  virtual Result<User> get_by_login_id(const std::string& login_id) = 0;
  // Ordered by creation time, oldest first (ties in insertion order).
  virtual Result<std::vector<User>> list(int limit, int offset) = 0;
  virtual Result<UserPage> search(const UserSearch& query) = 0;
  // Patch semantics; atomic; a taken login id is kUserExists.
  virtual Result<User> update(const std::string& user_id, const UserUpdate& update) = 0;
  // Read-modify-write as one atomic step: `change` gets the user as stored and returns the
  // update to apply (patch semantics and errors as update(); an error from `change` is
  // returned and nothing is written). Concurrent edits of one user - in this process or
  // on other nodes - never lose each other's changes. `change` may be called more than
  // once (an engine may retry after a conflict) and must have no other effect. Returns the
  // user before and after.
  using Change = std::function<Result<UserUpdate>(const User&)>;
  virtual Result<std::pair<User, User>> modify(const std::string& user_id,
                                               const Change& change) = 0;
  // kUserNotFound when absent; cascades to credentials, roles, tenants, tokens.
  virtual Status remove(const std::string& user_id) = 0;

  // kUserNotFound for an unknown user, kNotFound for a user without a password.
  virtual Result<PasswordCredential> get_password(const std::string& user_id) = 0;
  // Creates or replaces the password; `expired` forces a change at next sign-in.
  virtual Status set_password(const std::string& user_id, const std::string& hash,
                              bool expired) = 0;
};

}  // namespace gatehouse::store
