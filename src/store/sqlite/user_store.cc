// UserStore on SQLite: users, password_credentials, user_roles, user_tenants and
// user_tenant_roles.
#include <map>

#include "gatehouse/clock.h"
#include "store/sql/user_filter.h"
#include "store/sqlite/engine.h"
#include "store/sqlite/query.h"

namespace gatehouse::store::sqlite {
namespace {

// --- SQL ---

#define GH_USER_COLUMNS                                                                 \
  "id, login_id, email, phone, name, picture, status, verified_email, verified_phone, " \
  "created_at, last_login_at, "                                                         \
  "EXISTS (SELECT 1 FROM password_credentials p WHERE p.user_id = users.id), "          \
  "EXISTS (SELECT 1 FROM totp_credentials t WHERE t.user_id = users.id), "              \
  "EXISTS (SELECT 1 FROM webauthn_credentials w WHERE w.user_id = users.id), test"

constexpr std::string_view kSelectUserById = "SELECT " GH_USER_COLUMNS " FROM users WHERE id = ?";
// `login_id` is declared COLLATE NOCASE, so `=` ignores ASCII case.
constexpr std::string_view kSelectUserByLoginId =
    "SELECT " GH_USER_COLUMNS " FROM users WHERE login_id = ?";
constexpr std::string_view kListUsers =
    "SELECT " GH_USER_COLUMNS " FROM users ORDER BY created_at, rowid LIMIT ? OFFSET ?";
// search appends its WHERE clause to these.
constexpr std::string_view kSearchUsers = "SELECT " GH_USER_COLUMNS " FROM users";
constexpr std::string_view kCountUsers = "SELECT count(*) FROM users";
#undef GH_USER_COLUMNS

constexpr std::string_view kInsertUser =
    "INSERT INTO users (id, login_id, email, phone, name, status, verified_email, created_at, "
    "test) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)";
// Patch: a NULL parameter keeps the column as it is.
constexpr std::string_view kPatchUser =
    "UPDATE users SET login_id = coalesce(?, login_id), email = coalesce(?, email), "
    "phone = coalesce(?, phone), name = coalesce(?, name), picture = coalesce(?, picture), "
    "status = coalesce(?, status), verified_email = coalesce(?, verified_email), "
    "verified_phone = coalesce(?, verified_phone) WHERE id = ?";
constexpr std::string_view kDeleteUser = "DELETE FROM users WHERE id = ?";
constexpr std::string_view kUserExists = "SELECT 1 FROM users WHERE id = ?";
constexpr std::string_view kSelectUserRoles =
    "SELECT role_name FROM user_roles WHERE user_id = ? ORDER BY role_name";
constexpr std::string_view kSelectUserTenants =
    "SELECT ut.tenant_id, t.name FROM user_tenants ut JOIN tenants t ON t.id = ut.tenant_id "
    "WHERE ut.user_id = ? ORDER BY ut.tenant_id";
constexpr std::string_view kSelectUserTenantRoles =
    "SELECT role_name FROM user_tenant_roles WHERE user_id = ? AND tenant_id = ? "
    "ORDER BY role_name";
constexpr std::string_view kSelectUserPermissions =
    "SELECT DISTINCT rp.permission_name FROM user_roles ur "
    "JOIN role_permissions rp ON rp.role_name = ur.role_name WHERE ur.user_id = ? "
    "ORDER BY rp.permission_name";
constexpr std::string_view kSelectUserTenantPermissions =
    "SELECT DISTINCT rp.permission_name FROM user_tenant_roles tr "
    "JOIN role_permissions rp ON rp.role_name = tr.role_name "
    "WHERE tr.user_id = ? AND tr.tenant_id = ? ORDER BY rp.permission_name";
constexpr std::string_view kInsertUserRole =
    "INSERT INTO user_roles (user_id, role_name) VALUES (?, ?)";
constexpr std::string_view kDeleteUserRoles = "DELETE FROM user_roles WHERE user_id = ?";
constexpr std::string_view kInsertUserTenant =
    "INSERT INTO user_tenants (user_id, tenant_id) VALUES (?, ?)";
constexpr std::string_view kInsertUserTenantRole =
    "INSERT INTO user_tenant_roles (user_id, tenant_id, role_name) VALUES (?, ?, ?)";
// Cascades to user_tenant_roles.
constexpr std::string_view kDeleteUserTenants = "DELETE FROM user_tenants WHERE user_id = ?";
constexpr std::string_view kTenantExists = "SELECT 1 FROM tenants WHERE id = ?";
constexpr std::string_view kRoleExists = "SELECT 1 FROM roles WHERE name = ?";

constexpr std::string_view kSelectPassword =
    "SELECT p.hash, p.expired, p.updated_at FROM users u "
    "LEFT JOIN password_credentials p ON p.user_id = u.id WHERE u.id = ?";
constexpr std::string_view kUpsertPassword =
    "INSERT INTO password_credentials (user_id, hash, expired, updated_at) VALUES (?, ?, ?, ?) "
    "ON CONFLICT (user_id) DO UPDATE SET hash = excluded.hash, expired = excluded.expired, "
    "updated_at = excluded.updated_at";

constexpr int kMaxSearchLimit = 1000;

Error user_not_found() { return make_error(Errc::kUserNotFound, "user not found"); }

// --- helpers ---

// kInvalidArgument naming the first unknown role (in sorted order).
Status check_roles_exist(Connection& c, const std::set<std::string>& roles) {
  for (const auto& role : roles) {
    auto found = exists(c, kRoleExists, "check role", role);
    if (!found) return found.error();
    if (!*found) return make_error(Errc::kInvalidArgument, "unknown role: " + role);
  }
  return ok_status();
}

Status check_user_exists(Connection& c, const std::string& user_id) {
  auto found = exists(c, kUserExists, "check user", user_id);
  if (!found) return found.error();
  if (!*found) return user_not_found();
  return ok_status();
}

// Replaces the user's project-level roles.
Status replace_user_roles(Connection& c, const std::string& user_id,
                          const std::set<std::string>& roles) {
  if (auto st = exec(c, kDeleteUserRoles, "delete user roles", user_id); !st) return st;
  for (const auto& role : roles) {
    auto w = write(c, kInsertUserRole, "insert user role", user_id, role);
    if (!w) return w.error();
    // Roles were checked inside this transaction; a foreign key failure here would mean
    // the check and the schema disagree.
    if (w->constraint == SQLITE_CONSTRAINT_FOREIGNKEY) {
      return make_error(Errc::kInvalidArgument, "unknown role: " + role);
    }
    if (w->constraint) return sqlite_error(c.db(), w->constraint, "insert user role");
  }
  return ok_status();
}

// Tenant memberships as update writes them: by tenant id, roles merged.
using TenantRoles = std::map<std::string, std::set<std::string>>;

Result<TenantRoles> merge_tenants(const std::vector<UserTenant>& tenants) {
  TenantRoles merged;
  for (const auto& tenant : tenants) {
    if (tenant.tenant_id.empty()) {
      return make_error(Errc::kInvalidArgument, "tenant id is required");
    }
    merged[tenant.tenant_id].insert(tenant.roles.begin(), tenant.roles.end());
  }
  return merged;
}

// kInvalidArgument naming the first unknown tenant, then the first unknown tenant role
// (tenants in id order).
Status check_tenants_exist(Connection& c, const TenantRoles& tenants) {
  for (const auto& [tenant_id, roles] : tenants) {
    auto found = exists(c, kTenantExists, "check tenant", tenant_id);
    if (!found) return found.error();
    if (!*found) return make_error(Errc::kInvalidArgument, "unknown tenant: " + tenant_id);
    if (auto st = check_roles_exist(c, roles); !st) return st;
  }
  return ok_status();
}

// Replaces the user's memberships (and with them the tenant roles).
Status replace_user_tenants(Connection& c, const std::string& user_id, const TenantRoles& tenants) {
  if (auto st = exec(c, kDeleteUserTenants, "delete user tenants", user_id); !st) return st;
  for (const auto& [tenant_id, roles] : tenants) {
    if (auto st = exec(c, kInsertUserTenant, "insert user tenant", user_id, tenant_id); !st) {
      return st;
    }
    for (const auto& role : roles) {
      if (auto st =
              exec(c, kInsertUserTenantRole, "insert user tenant role", user_id, tenant_id, role);
          !st) {
        return st;
      }
    }
  }
  return ok_status();
}

User read_user_row(const Statement& s) {
  User u;
  u.id = s.column_text(0);
  u.login_id = s.column_text(1);
  u.email = s.column_text(2);
  u.phone = s.column_text(3);
  u.name = s.column_text(4);
  u.picture = s.column_text(5);
  u.status = s.column_text(6);
  u.verified_email = s.column_bool(7);
  u.verified_phone = s.column_bool(8);
  u.created_at = s.column_int64(9);
  u.last_login_at = s.column_int64(10);
  u.has_password = s.column_bool(11);
  u.has_totp = s.column_bool(12);
  u.has_webauthn = s.column_bool(13);
  u.test = s.column_bool(14);
  return u;
}

UserTenant read_user_tenant_row(const Statement& s) {
  return UserTenant{s.column_text(0), s.column_text(1), {}};
}

// Fills roles, permissions and tenants of a user whose row has been read.
Status load_user_relations(Connection& c, User& user) {
  auto roles = all(c, kSelectUserRoles, "read user roles", first_text, user.id);
  if (!roles) return roles.error();
  user.roles = std::move(*roles);
  auto permissions = all(c, kSelectUserPermissions, "read user permissions", first_text, user.id);
  if (!permissions) return permissions.error();
  user.permissions = std::move(*permissions);
  auto tenants = all(c, kSelectUserTenants, "read user tenants", read_user_tenant_row, user.id);
  if (!tenants) return tenants.error();
  user.tenants = std::move(*tenants);
  for (auto& tenant : user.tenants) {
    auto tenant_roles = all(c, kSelectUserTenantRoles, "read user tenant roles", first_text,
                            user.id, tenant.tenant_id);
    if (!tenant_roles) return tenant_roles.error();
    tenant.roles = std::move(*tenant_roles);
    auto tenant_permissions = all(c, kSelectUserTenantPermissions, "read user tenant permissions",
                                  first_text, user.id, tenant.tenant_id);
    if (!tenant_permissions) return tenant_permissions.error();
    tenant.permissions = std::move(*tenant_permissions);
  }
  return ok_status();
}

Status load_relations(Connection& c, std::vector<User>& users) {
  for (auto& user : users) {
    if (auto st = load_user_relations(c, user); !st) return st;
  }
  return ok_status();
}

// One user (row + relations) by `sql` with one key parameter, inside the caller's
// transaction.
Result<User> load_user(Connection& c, std::string_view sql, std::string_view key) {
  auto row = one(c, sql, "read user", read_user_row, key);
  if (!row) return row.error();
  if (!*row) return user_not_found();
  if (auto st = load_user_relations(c, **row); !st) return st.error();
  return std::move(**row);
}

PasswordCredential read_password_row(const Statement& s) {
  return PasswordCredential{s.column_text(0), s.column_bool(1), s.column_int64(2)};
}

// update() inside the caller's transaction.
Result<User> update_in(Connection& c, const std::string& user_id, const UserUpdate& update) {
  if (update.login_id && update.login_id->empty()) {
    return make_error(Errc::kInvalidArgument, "login id must not be empty");
  }
  std::optional<std::set<std::string>> roles;
  if (update.roles) roles = unique_names(*update.roles);
  std::optional<TenantRoles> tenants;
  if (update.tenants) {
    auto merged = merge_tenants(*update.tenants);
    if (!merged) return merged.error();
    tenants = std::move(*merged);
  }
  if (auto st = check_user_exists(c, user_id); !st) return st.error();
  // Everything is checked before the first write; the transaction would undo a
  // half-done update anyway, this only keeps the first error the reported one.
  if (roles) {
    if (auto st = check_roles_exist(c, *roles); !st) return st.error();
  }
  if (tenants) {
    if (auto st = check_tenants_exist(c, *tenants); !st) return st.error();
  }
  auto w =
      write(c, kPatchUser, "update user", update.login_id, update.email, update.phone, update.name,
            update.picture, update.status, update.verified_email, update.verified_phone, user_id);
  if (!w) return w.error();
  if (w->constraint == SQLITE_CONSTRAINT_UNIQUE) {
    return make_error(Errc::kUserExists, "login id already exists");
  }
  if (w->constraint) return sqlite_error(c.db(), w->constraint, "update user");
  if (roles) {
    if (auto st = replace_user_roles(c, user_id, *roles); !st) return st.error();
  }
  if (tenants) {
    if (auto st = replace_user_tenants(c, user_id, *tenants); !st) return st.error();
  }
  return load_user(c, kSelectUserById, user_id);
}

class SqliteUserStore final : public UserStore {
 public:
  explicit SqliteUserStore(Pool pool) : pool_(std::move(pool)) {}

  Result<User> create(const NewUser& user) override {
    if (user.id.empty() || user.login_id.empty()) {
      return make_error(Errc::kInvalidArgument, "user id and login id are required");
    }
    if (user.password_hash && user.password_hash->empty()) {
      return make_error(Errc::kInvalidArgument, "empty password hash");
    }
    const auto roles = unique_names(user.roles);
    return transaction(*pool_, [&](Connection& c) -> Result<User> {
      if (auto st = check_roles_exist(c, roles); !st) return st.error();
      auto w = write(c, kInsertUser, "insert user", user.id, user.login_id, user.email, user.phone,
                     user.name, user.status, user.verified_email, user.created_at, user.test);
      if (!w) return w.error();
      if (w->constraint == SQLITE_CONSTRAINT_UNIQUE) {
        return make_error(Errc::kUserExists, "login id already exists");
      }
      if (w->constraint == SQLITE_CONSTRAINT_PRIMARYKEY) {
        return make_error(Errc::kConflict, "user id already exists");
      }
      if (w->constraint) return sqlite_error(c.db(), w->constraint, "insert user");
      if (auto st = replace_user_roles(c, user.id, roles); !st) return st.error();
      if (user.password_hash) {
        if (auto st = exec(c, kUpsertPassword, "insert password", user.id, *user.password_hash,
                           false, user.created_at);
            !st) {
          return st.error();
        }
      }
      return load_user(c, kSelectUserById, user.id);
    });
  }

  Result<User> get_by_id(const std::string& user_id) override {
    return snapshot(*pool_, [&](Connection& c) { return load_user(c, kSelectUserById, user_id); });
  }

  Result<User> get_by_login_id(const std::string& login_id) override {
    return snapshot(*pool_,
                    [&](Connection& c) { return load_user(c, kSelectUserByLoginId, login_id); });
  }

  Result<std::vector<User>> list(int limit, int offset) override {
    if (limit < 0 || offset < 0) {
      return make_error(Errc::kInvalidArgument, "limit and offset must not be negative");
    }
    return snapshot(*pool_, [&](Connection& c) -> Result<std::vector<User>> {
      auto users = all(c, kListUsers, "list users", read_user_row, limit, offset);
      if (!users) return users.error();
      if (auto st = load_relations(c, *users); !st) return st.error();
      return users;
    });
  }

  Result<UserPage> search(const UserSearch& query) override {
    if (query.limit < 1 || query.limit > kMaxSearchLimit) {
      return make_error(Errc::kInvalidArgument, "limit must be between 1 and 1000");
    }
    if (query.page < 0) return make_error(Errc::kInvalidArgument, "page must not be negative");
    const int64_t offset = static_cast<int64_t>(query.page) * query.limit;
    const sql::UserFilter filter = sql::user_filter(query, sql::kSqliteDialect);
    return snapshot(*pool_, [&](Connection& c) -> Result<UserPage> {
      UserPage page;
      // The text depends only on which filters are present (at most 2^7 shapes), so
      // caching it per connection stays bounded.
      auto users = all(c,
                       std::string(kSearchUsers) + filter.where +
                           " ORDER BY users.created_at, users.rowid LIMIT ? OFFSET ?",
                       "search users", read_user_row, filter.params, query.limit, offset);
      if (!users) return users.error();
      page.users = std::move(*users);
      if (!page.users.empty() && page.users.size() < static_cast<size_t>(query.limit)) {
        // A short, non-empty page is the last one: no need to count.
        page.total = offset + static_cast<int64_t>(page.users.size());
      } else {
        auto total = one(c, std::string(kCountUsers) + filter.where, "count users", first_int,
                         filter.params);
        if (!total) return total.error();
        page.total = total->value_or(0);
      }
      if (auto st = load_relations(c, page.users); !st) return st.error();
      return page;
    });
  }

  Result<User> update(const std::string& user_id, const UserUpdate& update) override {
    return transaction(
        *pool_, [&](Connection& c) -> Result<User> { return update_in(c, user_id, update); });
  }

  Result<std::pair<User, User>> modify(const std::string& user_id, const Change& change) override {
    return transaction(*pool_, [&](Connection& c) -> Result<std::pair<User, User>> {
      auto before = load_user(c, kSelectUserById, user_id);
      if (!before) return before.error();
      auto update = change(*before);
      if (!update) return update.error();
      auto after = update_in(c, user_id, *update);
      if (!after) return after.error();
      return std::pair{std::move(*before), std::move(*after)};
    });
  }

  Status remove(const std::string& user_id) override {
    // One statement: the foreign keys cascade inside it.
    return leased(*pool_, [&](Connection& c) {
      return exec_one(c, kDeleteUser, "delete user", user_not_found(), user_id);
    });
  }

  Result<PasswordCredential> get_password(const std::string& user_id) override {
    auto row = leased(*pool_, [&](Connection& c) {
      return one(c, kSelectPassword, "read password", read_password_row, user_id);
    });
    if (!row) return row.error();
    if (!*row) return user_not_found();
    if ((*row)->hash.empty()) return make_error(Errc::kNotFound, "user has no password");
    return std::move(**row);
  }

  Status set_password(const std::string& user_id, const std::string& hash, bool expired) override {
    if (hash.empty()) return make_error(Errc::kInvalidArgument, "empty password hash");
    return leased(*pool_, [&](Connection& c) -> Status {
      auto w = write(c, kUpsertPassword, "set password", user_id, hash, expired, system_now());
      if (!w) return w.error();
      if (w->constraint == SQLITE_CONSTRAINT_FOREIGNKEY) return user_not_found();
      if (w->constraint) return sqlite_error(c.db(), w->constraint, "set password");
      return ok_status();
    });
  }

 private:
  Pool pool_;
};

}  // namespace

Result<User> load_user_by_id(Connection& c, std::string_view id) {
  return load_user(c, kSelectUserById, id);
}

std::unique_ptr<UserStore> make_user_store(Pool pool) {
  return std::make_unique<SqliteUserStore>(std::move(pool));
}

}  // namespace gatehouse::store::sqlite
