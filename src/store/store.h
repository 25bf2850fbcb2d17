// gh::store::Store — the one storage interface.
//
// Every method is blocking and thread-safe: call it from a worker thread, never
// from an I/O thread. Engines live in their own folders (sqlite/, later
// postgres/) and are created by their factory; the behaviour they must share is
// written down once, in tests/store_contract/.
//
// Errors (gh::Errc):
//   kUserExists      create_user with a login id that exists (case-insensitive)
//   kUserNotFound    a user id / login id that does not exist
//   kInvalidArgument a role name that does not exist ("unknown role: X"; nothing
//                    is written), a missing required field, a negative page
//   kConflict        create_role with an existing name; an id that is taken
//   kNotFound        other missing rows (refresh token, password)
//   kTokenRevoked    rotating a refresh token that was already rotated or revoked
//   kUnavailable     the database is busy or unreachable
//   kInternal        anything else (the message carries the engine's details for
//                    the log; it names no bound values, so never a secret)
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/result.h"
#include "store/model.h"

namespace gh::store {

class Store {
 public:
  virtual ~Store() = default;

  // --- project metadata (project id, settings) ---
  virtual Result<std::optional<std::string>> get_meta(const std::string& key) = 0;
  // Stores `value` unless the key exists; returns the value now stored.
  virtual Result<std::string> put_meta_if_absent(const std::string& key,
                                                 const std::string& value) = 0;

  // --- users ---
  // Login ids are stored as given and compared case-insensitively (SQLite folds
  // ASCII only; email login ids arrive lower-cased). User results carry roles
  // sorted by name, has_password and tenants (each with its roles sorted).
  // create_user writes the user, its roles and its password hash together or
  // not at all.
  virtual Result<User> create_user(const NewUser& user) = 0;
  virtual Result<User> get_user_by_id(const std::string& user_id) = 0;
  virtual Result<User> get_user_by_login_id(const std::string& login_id) = 0;
  // Ordered by creation time, oldest first (ties in insertion order).
  virtual Result<std::vector<User>> list_users(int limit, int offset) = 0;
  // Replaces the user's project-level roles; every role must exist.
  virtual Result<User> set_user_roles(const std::string& user_id,
                                      const std::vector<std::string>& roles) = 0;
  // kUserNotFound for an unknown user, kNotFound for a user without a password.
  virtual Result<std::string> get_password_hash(const std::string& user_id) = 0;
  virtual Status set_password_hash(const std::string& user_id, const std::string& hash) = 0;
  virtual Status set_last_login(const std::string& user_id, int64_t at) = 0;

  // --- roles ---
  // Every permission in role.permissions must exist (kInvalidArgument).
  virtual Status create_role(const Role& role) = 0;
  virtual Result<std::vector<Role>> list_roles() = 0;  // ordered by name

  // --- refresh tokens ---
  // kUserNotFound when token.user_id does not exist.
  virtual Status insert_refresh_token(const RefreshToken& token) = 0;
  virtual Result<RefreshToken> get_refresh_token(const std::string& id) = 0;
  // Atomically marks `old_id` as replaced by `replacement.id` at `at` and inserts
  // `replacement`. Only a live token rotates: kTokenRevoked if it was already
  // rotated or revoked, so of two concurrent rotations exactly one wins.
  // `replacement` must keep the old token's user and family (kInvalidArgument).
  virtual Status rotate_refresh_token(const std::string& old_id, const RefreshToken& replacement,
                                      int64_t at) = 0;
  // Revoking an already revoked token succeeds and keeps the first time; the
  // family / user variants touch only tokens not yet revoked and succeed when
  // there are none.
  virtual Status revoke_refresh_token(const std::string& id, int64_t at) = 0;
  virtual Status revoke_refresh_family(const std::string& family_id, int64_t at) = 0;
  virtual Status revoke_user_refresh_tokens(const std::string& user_id, int64_t at) = 0;
};

}  // namespace gh::store
