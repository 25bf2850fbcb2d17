// SqliteStore: gatehouse::store::Store on one SQLite file through a ConnectionPool.
// Private to the engine; the factory in sqlite_store.h is the only way in.
//
// Every method leases one connection for its whole duration. Writes that touch
// more than one row run in one BEGIN IMMEDIATE transaction; reads that need
// more than one query run in one read transaction, so they see one snapshot.
//
// The methods are split by subject:
//   sqlite_store.cc        meta, users (incl. search), passwords, refresh tokens
//   sqlite_store_admin.cc  roles, permissions, tenants, management keys, audit
#pragma once

#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "gatehouse/result.h"
#include "store/sqlite/connection.h"
#include "store/sqlite/connection_pool.h"
#include "store/store.h"

namespace gatehouse::store::sqlite {

// --- helpers shared by the engine's files ---

// Steps a statement that returns no rows.
Status run(Connection& conn, Statement& stmt, std::string_view what);

// True when `sql` bound to `key` returns a row.
Result<bool> exists(Connection& conn, std::string_view sql, std::string_view key,
                    std::string_view what);

// Reads the first column of every row as text.
Result<std::vector<std::string>> read_names(Statement& stmt, Connection& conn,
                                            std::string_view what);

// Sorted and without duplicates.
std::set<std::string> unique_names(const std::vector<std::string>& names);

// `values` as a JSON array of strings, for `x IN (SELECT value FROM
// json_each(?))`: one placeholder for a list of any length, so a query's text
// (and with it the statement cache entry) depends only on which filters are
// present, never on how many values they hold.
std::string json_string_array(const std::vector<std::string>& values);

class SqliteStore final : public Store {
 public:
  explicit SqliteStore(std::unique_ptr<ConnectionPool> pool) : pool_(std::move(pool)) {}

  // meta
  Result<std::optional<std::string>> get_meta(const std::string& key) override;
  Result<std::string> put_meta_if_absent(const std::string& key, const std::string& value) override;

  // users
  Result<User> create_user(const NewUser& user) override;
  Result<User> get_user_by_id(const std::string& user_id) override;
  Result<User> get_user_by_login_id(const std::string& login_id) override;
  Result<std::vector<User>> list_users(int limit, int offset) override;
  Result<User> set_user_roles(const std::string& user_id,
                              const std::vector<std::string>& roles) override;
  Result<std::string> get_password_hash(const std::string& user_id) override;
  Result<PasswordCredential> get_password(const std::string& user_id) override;
  Status set_password_hash(const std::string& user_id, const std::string& hash,
                           bool expired) override;
  Result<User> update_user(const std::string& user_id, const UserUpdate& update) override;
  Status delete_user(const std::string& user_id) override;
  Result<UserPage> search_users(const UserSearch& query) override;
  Status set_last_login(const std::string& user_id, int64_t at) override;

  // roles
  Status create_role(const Role& role) override;
  Result<std::vector<Role>> list_roles() override;
  Result<Role> get_role(const std::string& name) override;
  Status update_role(const std::string& name, const Role& updated) override;
  Status delete_role(const std::string& name) override;

  // permissions
  Status create_permission(const Permission& p) override;
  Status update_permission(const std::string& name, const Permission& updated) override;
  Status delete_permission(const std::string& name) override;
  Result<std::vector<Permission>> list_permissions() override;

  // tenants
  Status create_tenant(const Tenant& t) override;
  Result<Tenant> get_tenant(const std::string& id) override;
  Result<std::vector<Tenant>> list_tenants() override;
  Status update_tenant(const Tenant& t) override;
  Status delete_tenant(const std::string& id) override;

  // management keys
  Status insert_mgmt_key(const MgmtKey& key) override;
  Result<MgmtKey> get_mgmt_key(const std::string& id) override;
  Result<std::vector<MgmtKey>> list_mgmt_keys() override;
  Status revoke_mgmt_key(const std::string& id, int64_t at) override;
  Status touch_mgmt_key(const std::string& id, int64_t at) override;

  // audit log
  Result<int64_t> insert_audit_event(const AuditEvent& e) override;
  Result<std::vector<AuditEvent>> search_audit_events(const AuditQuery& q) override;
  Result<std::vector<DayCount>> count_audit_events_by_day(const std::string& action, int64_t from,
                                                          int64_t to) override;

  // refresh tokens
  Status insert_refresh_token(const RefreshToken& token) override;
  Result<RefreshToken> get_refresh_token(const std::string& id) override;
  Status rotate_refresh_token(const std::string& old_id, const RefreshToken& replacement,
                              int64_t at) override;
  Status revoke_refresh_token(const std::string& id, int64_t at) override;
  Status revoke_refresh_family(const std::string& family_id, int64_t at) override;
  Status revoke_user_refresh_tokens(const std::string& user_id, int64_t at) override;

 private:
  Result<User> read_user(std::string_view sql, const std::string& key);
  Status revoke_where(std::string_view sql, const std::string& key, int64_t at);
  // Runs a one-row write by key; `missing` when no row matched.
  Status write_one(std::string_view sql, const std::string& key, std::string_view what,
                   Error missing);

  std::unique_ptr<ConnectionPool> pool_;
};

}  // namespace gatehouse::store::sqlite
