// gatehouse::store::Store — the one storage interface.
//
// Every method is blocking and thread-safe: call it from a worker thread, never
// from an I/O thread. Engines live in their own folders (sqlite/, later
// postgres/) and are created by their factory; the behaviour they must share is
// written down once, in tests/store_contract/.
//
// Errors (gatehouse::Errc):
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

#include "gatehouse/result.h"
#include "store/model.h"

namespace gatehouse::store {

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
  virtual Result<PasswordCredential> get_password(const std::string& user_id) = 0;
  // Creates or replaces the password; `expired` forces a change at next sign-in.
  virtual Status set_password_hash(const std::string& user_id, const std::string& hash,
                                   bool expired) = 0;
  // Patch semantics; atomic; roles and tenants (and tenant roles) must exist
  // (kInvalidArgument, nothing written); a taken login id is kUserExists.
  virtual Result<User> update_user(const std::string& user_id, const UserUpdate& update) = 0;
  // kUserNotFound when absent; cascades to credentials, roles, tenants, tokens.
  virtual Status delete_user(const std::string& user_id) = 0;
  virtual Result<UserPage> search_users(const UserSearch& query) = 0;
  virtual Status set_last_login(const std::string& user_id, int64_t at) = 0;

  // --- roles ---
  // Every permission in role.permissions must exist (kInvalidArgument).
  virtual Status create_role(const Role& role) = 0;
  virtual Result<std::vector<Role>> list_roles() = 0;          // ordered by name
  virtual Result<Role> get_role(const std::string& name) = 0;  // kNotFound
  // Replaces name (renames cascade to users), description and permissions.
  // kNotFound for an unknown role, kConflict when the new name is taken.
  virtual Status update_role(const std::string& name, const Role& updated) = 0;
  // kNotFound when absent; users lose the role.
  virtual Status delete_role(const std::string& name) = 0;

  // --- permissions ---
  virtual Status create_permission(const Permission& p) = 0;  // kConflict
  // Renames cascade to roles; kNotFound / kConflict as for roles.
  virtual Status update_permission(const std::string& name, const Permission& updated) = 0;
  virtual Status delete_permission(const std::string& name) = 0;   // kNotFound
  virtual Result<std::vector<Permission>> list_permissions() = 0;  // ordered by name

  // --- tenants ---
  virtual Status create_tenant(const Tenant& t) = 0;             // kConflict on a taken id
  virtual Result<Tenant> get_tenant(const std::string& id) = 0;  // kNotFound
  virtual Result<std::vector<Tenant>> list_tenants() = 0;        // ordered by name, then id
  virtual Status update_tenant(const Tenant& t) = 0;             // by id; kNotFound
  virtual Status delete_tenant(const std::string& id) = 0;       // kNotFound; memberships go too

  // --- management keys ---
  virtual Status insert_mgmt_key(const MgmtKey& key) = 0;                 // kConflict on a taken id
  virtual Result<MgmtKey> get_mgmt_key(const std::string& id) = 0;        // kNotFound
  virtual Result<std::vector<MgmtKey>> list_mgmt_keys() = 0;              // oldest first
  virtual Status revoke_mgmt_key(const std::string& id, int64_t at) = 0;  // kNotFound
  virtual Status touch_mgmt_key(const std::string& id, int64_t at) = 0;   // last_used_at

  // --- audit log ---
  virtual Result<int64_t> insert_audit_event(const AuditEvent& e) = 0;  // returns the id
  virtual Result<std::vector<AuditEvent>> search_audit_events(const AuditQuery& q) = 0;
  // Successful events of `action` per UTC day in [from, to), days without
  // events omitted (failed sign-ins do not count as sign-ins).
  virtual Result<std::vector<DayCount>> count_audit_events_by_day(const std::string& action,
                                                                  int64_t from, int64_t to) = 0;

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

}  // namespace gatehouse::store
