// SqliteStore, part one: helpers shared by the engine's files, meta, users
// (incl. passwords and search), refresh tokens, and the factory. The class and
// the split are described in sqlite_store_impl.h.
#include "store/sqlite/sqlite_store.h"

#include <map>
#include <utility>

#include "gatehouse/clock.h"
#include "store/sqlite/connection.h"
#include "store/sqlite/connection_pool.h"
#include "store/sqlite/migrations.h"
#include "store/sqlite/sqlite_store_impl.h"

namespace gatehouse::store {
namespace sqlite {
namespace {

// --- SQL ---

#define GH_USER_COLUMNS                                                                 \
  "id, login_id, email, phone, name, picture, status, verified_email, verified_phone, " \
  "created_at, last_login_at, "                                                         \
  "EXISTS (SELECT 1 FROM password_credentials p WHERE p.user_id = users.id)"

constexpr std::string_view kSelectUserById = "SELECT " GH_USER_COLUMNS " FROM users WHERE id = ?";
// `login_id` is declared COLLATE NOCASE, so `=` ignores ASCII case.
constexpr std::string_view kSelectUserByLoginId =
    "SELECT " GH_USER_COLUMNS " FROM users WHERE login_id = ?";
constexpr std::string_view kListUsers =
    "SELECT " GH_USER_COLUMNS " FROM users ORDER BY created_at, rowid LIMIT ? OFFSET ?";
// search_users appends its WHERE clause to these.
constexpr std::string_view kSearchUsers = "SELECT " GH_USER_COLUMNS " FROM users";
constexpr std::string_view kCountUsers = "SELECT count(*) FROM users";
#undef GH_USER_COLUMNS

constexpr std::string_view kInsertUser =
    "INSERT INTO users (id, login_id, email, phone, name, status, verified_email, created_at) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?)";
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
constexpr std::string_view kSetLastLogin = "UPDATE users SET last_login_at = ? WHERE id = ?";

constexpr std::string_view kSelectPassword =
    "SELECT p.hash, p.expired, p.updated_at FROM users u "
    "LEFT JOIN password_credentials p ON p.user_id = u.id WHERE u.id = ?";
constexpr std::string_view kUpsertPassword =
    "INSERT INTO password_credentials (user_id, hash, expired, updated_at) VALUES (?, ?, ?, ?) "
    "ON CONFLICT (user_id) DO UPDATE SET hash = excluded.hash, expired = excluded.expired, "
    "updated_at = excluded.updated_at";

constexpr std::string_view kRoleExists = "SELECT 1 FROM roles WHERE name = ?";

constexpr std::string_view kGetMeta = "SELECT value FROM meta WHERE key = ?";
constexpr std::string_view kInsertMetaIfAbsent =
    "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO NOTHING";

constexpr std::string_view kInsertRefreshToken =
    "INSERT INTO refresh_tokens (id, user_id, family_id, token_hash, issued_at, expires_at, "
    "revoked_at, rotated_at, replaced_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)";
constexpr std::string_view kSelectRefreshToken =
    "SELECT id, user_id, family_id, token_hash, issued_at, expires_at, revoked_at, rotated_at, "
    "replaced_by FROM refresh_tokens WHERE id = ?";
// Only a live token can be rotated: of two concurrent rotations one wins.
constexpr std::string_view kMarkRotated =
    "UPDATE refresh_tokens SET rotated_at = ?, replaced_by = ? "
    "WHERE id = ? AND rotated_at IS NULL AND revoked_at IS NULL";
// A second revocation keeps the first time.
constexpr std::string_view kRevokeToken =
    "UPDATE refresh_tokens SET revoked_at = coalesce(revoked_at, ?) WHERE id = ?";
constexpr std::string_view kRevokeFamily =
    "UPDATE refresh_tokens SET revoked_at = ? WHERE family_id = ? AND revoked_at IS NULL";
constexpr std::string_view kRevokeUserTokens =
    "UPDATE refresh_tokens SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL";

constexpr int kMaxSearchLimit = 1000;

// --- helpers ---

// kInvalidArgument naming the first unknown role (in sorted order).
Status check_roles_exist(Connection& conn, const std::set<std::string>& roles) {
  for (const auto& role : roles) {
    auto found = exists(conn, kRoleExists, role, "check role");
    if (!found) return found.error();
    if (!*found) return make_error(Errc::kInvalidArgument, "unknown role: " + role);
  }
  return ok_status();
}

Status insert_user_roles(Connection& conn, const std::string& user_id,
                         const std::set<std::string>& roles) {
  for (const auto& role : roles) {
    auto stmt = conn.prepare(kInsertUserRole);
    if (!stmt) return stmt.error();
    stmt->bind(1, user_id).bind(2, role);
    const int rc = stmt->step();
    // Roles were checked inside this transaction; a foreign key failure here
    // would mean the check and the schema disagree.
    if (rc == SQLITE_CONSTRAINT_FOREIGNKEY) {
      return make_error(Errc::kInvalidArgument, "unknown role: " + role);
    }
    if (rc != SQLITE_DONE) return sqlite_error(conn.db(), rc, "insert user role");
  }
  return ok_status();
}

// Tenant memberships as update_user writes them: by tenant id, roles merged.
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

// kInvalidArgument naming the first unknown tenant, then the first unknown
// tenant role (tenants in id order).
Status check_tenants_exist(Connection& conn, const TenantRoles& tenants) {
  for (const auto& [tenant_id, roles] : tenants) {
    auto found = exists(conn, kTenantExists, tenant_id, "check tenant");
    if (!found) return found.error();
    if (!*found) return make_error(Errc::kInvalidArgument, "unknown tenant: " + tenant_id);
    if (auto st = check_roles_exist(conn, roles); !st) return st;
  }
  return ok_status();
}

// Replaces the user's memberships (and with them the tenant roles).
Status replace_user_tenants(Connection& conn, const std::string& user_id,
                            const TenantRoles& tenants) {
  {
    auto stmt = conn.prepare(kDeleteUserTenants);
    if (!stmt) return stmt.error();
    stmt->bind(1, user_id);
    if (auto st = run(conn, *stmt, "delete user tenants"); !st) return st;
  }
  for (const auto& [tenant_id, roles] : tenants) {
    {
      auto stmt = conn.prepare(kInsertUserTenant);
      if (!stmt) return stmt.error();
      stmt->bind(1, user_id).bind(2, tenant_id);
      if (auto st = run(conn, *stmt, "insert user tenant"); !st) return st;
    }
    for (const auto& role : roles) {
      auto stmt = conn.prepare(kInsertUserTenantRole);
      if (!stmt) return stmt.error();
      stmt->bind(1, user_id).bind(2, tenant_id).bind(3, role);
      if (auto st = run(conn, *stmt, "insert user tenant role"); !st) return st;
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
  return u;
}

// Fills roles and tenants of a user whose row has been read.
Status load_user_relations(Connection& conn, User& user) {
  {
    auto stmt = conn.prepare(kSelectUserRoles);
    if (!stmt) return stmt.error();
    stmt->bind(1, user.id);
    auto roles = read_names(*stmt, conn, "read user roles");
    if (!roles) return roles.error();
    user.roles = std::move(*roles);
  }
  {
    auto stmt = conn.prepare(kSelectUserTenants);
    if (!stmt) return stmt.error();
    stmt->bind(1, user.id);
    int rc;
    user.tenants.clear();
    while ((rc = stmt->step()) == SQLITE_ROW) {
      user.tenants.push_back(UserTenant{stmt->column_text(0), stmt->column_text(1), {}});
    }
    if (rc != SQLITE_DONE) return sqlite_error(conn.db(), rc, "read user tenants");
  }
  for (auto& tenant : user.tenants) {
    auto stmt = conn.prepare(kSelectUserTenantRoles);
    if (!stmt) return stmt.error();
    stmt->bind(1, user.id).bind(2, tenant.tenant_id);
    auto roles = read_names(*stmt, conn, "read user tenant roles");
    if (!roles) return roles.error();
    tenant.roles = std::move(*roles);
  }
  return ok_status();
}

// Reads one user (row + relations) by `sql` with one key parameter. The caller
// provides the transaction.
Result<User> load_user(Connection& conn, std::string_view sql, std::string_view key) {
  User user;
  {
    auto stmt = conn.prepare(sql);
    if (!stmt) return stmt.error();
    stmt->bind(1, key);
    const int rc = stmt->step();
    if (rc == SQLITE_DONE) return make_error(Errc::kUserNotFound, "user not found");
    if (rc != SQLITE_ROW) return sqlite_error(conn.db(), rc, "read user");
    user = read_user_row(*stmt);
  }
  if (auto st = load_user_relations(conn, user); !st) return st.error();
  return user;
}

// Binds a patch field: NULL (keep the column) when unset.
void bind_patch(Statement& stmt, int index, const std::optional<std::string>& value) {
  if (value) {
    stmt.bind(index, *value);
  } else {
    stmt.bind_null(index);
  }
}

void bind_patch(Statement& stmt, int index, std::optional<bool> value) {
  if (value) {
    stmt.bind(index, *value);
  } else {
    stmt.bind_null(index);
  }
}

// `text` as a LIKE pattern matching it anywhere, with LIKE's wildcards escaped
// (the queries say ESCAPE '\').
std::string like_substring(std::string_view text) {
  std::string pattern = "%";
  for (const char ch : text) {
    if (ch == '%' || ch == '_' || ch == '\\') pattern += '\\';
    pattern += ch;
  }
  pattern += '%';
  return pattern;
}

// The WHERE clause of a user search and its parameters, in order. Only the
// filters present appear, so each shape gets a plan that uses its indexes
// (ids and login ids by their unique indexes, emails by users_email, roles and
// tenants through user_roles_role / user_tenants_tenant); a text filter scans.
struct UserFilter {
  std::string where;
  std::vector<std::string> params;
};

UserFilter user_filter(const UserSearch& q) {
  UserFilter f;
  auto add = [&f](std::string_view clause) {
    f.where += f.where.empty() ? " WHERE " : " AND ";
    f.where += clause;
  };
  if (!q.text.empty()) {
    // LIKE ignores ASCII case, as login id comparisons do.
    add("(users.login_id LIKE ? ESCAPE '\\' OR users.email LIKE ? ESCAPE '\\' "
        "OR users.name LIKE ? ESCAPE '\\')");
    const std::string pattern = like_substring(q.text);
    f.params.insert(f.params.end(), 3, pattern);
  }
  auto add_list = [&](const std::vector<std::string>& values, std::string_view clause) {
    if (values.empty()) return;
    add(clause);
    f.params.push_back(json_string_array(values));
  };
  // login_id is COLLATE NOCASE, so IN ignores ASCII case as `=` does.
  add_list(q.login_ids, "users.login_id IN (SELECT value FROM json_each(?))");
  add_list(q.user_ids, "users.id IN (SELECT value FROM json_each(?))");
  add_list(q.emails, "users.email COLLATE NOCASE IN (SELECT value FROM json_each(?))");
  add_list(q.role_names,
           "users.id IN (SELECT user_id FROM user_roles "
           "WHERE role_name IN (SELECT value FROM json_each(?)))");
  add_list(q.tenant_ids,
           "users.id IN (SELECT user_id FROM user_tenants "
           "WHERE tenant_id IN (SELECT value FROM json_each(?)))");
  add_list(q.statuses, "users.status IN (SELECT value FROM json_each(?))");
  return f;
}

RefreshToken read_token_row(const Statement& s) {
  RefreshToken t;
  t.id = s.column_text(0);
  t.user_id = s.column_text(1);
  t.family_id = s.column_text(2);
  t.token_hash = s.column_text(3);
  t.issued_at = s.column_int64(4);
  t.expires_at = s.column_int64(5);
  t.revoked_at = s.column_int64(6);
  t.rotated_at = s.column_int64(7);
  t.replaced_by = s.column_text(8);
  return t;
}

Result<std::optional<RefreshToken>> find_token(Connection& conn, std::string_view id) {
  auto stmt = conn.prepare(kSelectRefreshToken);
  if (!stmt) return stmt.error();
  stmt->bind(1, id);
  const int rc = stmt->step();
  if (rc == SQLITE_DONE) return std::optional<RefreshToken>();
  if (rc != SQLITE_ROW) return sqlite_error(conn.db(), rc, "read refresh token");
  return std::optional<RefreshToken>(read_token_row(*stmt));
}

Status insert_token(Connection& conn, const RefreshToken& t) {
  if (t.id.empty() || t.user_id.empty() || t.family_id.empty() || t.token_hash.empty()) {
    return make_error(Errc::kInvalidArgument,
                      "refresh token needs id, user id, family id and hash");
  }
  auto stmt = conn.prepare(kInsertRefreshToken);
  if (!stmt) return stmt.error();
  stmt->bind(1, t.id)
      .bind(2, t.user_id)
      .bind(3, t.family_id)
      .bind(4, t.token_hash)
      .bind(5, t.issued_at)
      .bind(6, t.expires_at)
      .bind_optional(7, t.revoked_at)
      .bind_optional(8, t.rotated_at)
      .bind_optional(9, t.replaced_by);
  const int rc = stmt->step();
  if (rc == SQLITE_CONSTRAINT_PRIMARYKEY) {
    return make_error(Errc::kConflict, "refresh token id already exists");
  }
  if (rc == SQLITE_CONSTRAINT_FOREIGNKEY) return make_error(Errc::kUserNotFound, "user not found");
  if (rc != SQLITE_DONE) return sqlite_error(conn.db(), rc, "insert refresh token");
  return ok_status();
}

}  // namespace

// --- shared helpers ---

Status run(Connection& conn, Statement& stmt, std::string_view what) {
  const int rc = stmt.step();
  if (rc != SQLITE_DONE) return sqlite_error(conn.db(), rc, what);
  return ok_status();
}

Result<bool> exists(Connection& conn, std::string_view sql, std::string_view key,
                    std::string_view what) {
  auto stmt = conn.prepare(sql);
  if (!stmt) return stmt.error();
  stmt->bind(1, key);
  const int rc = stmt->step();
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return sqlite_error(conn.db(), rc, what);
}

Result<std::vector<std::string>> read_names(Statement& stmt, Connection& conn,
                                            std::string_view what) {
  std::vector<std::string> names;
  int rc;
  while ((rc = stmt.step()) == SQLITE_ROW) names.push_back(stmt.column_text(0));
  if (rc != SQLITE_DONE) return sqlite_error(conn.db(), rc, what);
  return names;
}

std::set<std::string> unique_names(const std::vector<std::string>& names) {
  return {names.begin(), names.end()};
}

std::string json_string_array(const std::vector<std::string>& values) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out = "[";
  for (const auto& value : values) {
    if (out.size() > 1) out += ',';
    out += '"';
    for (const char ch : value) {
      const auto byte = static_cast<unsigned char>(ch);
      if (ch == '"' || ch == '\\') {
        out += '\\';
        out += ch;
      } else if (byte < 0x20) {
        out += "\\u00";
        out += kHex[byte >> 4];
        out += kHex[byte & 0xf];
      } else {
        out += ch;  // other bytes, UTF-8 included, stand for themselves
      }
    }
    out += '"';
  }
  out += ']';
  return out;
}

// --- meta ---

Result<std::optional<std::string>> SqliteStore::get_meta(const std::string& key) {
  auto conn = pool_->acquire();
  if (!conn) return conn.error();
  auto stmt = (*conn)->prepare(kGetMeta);
  if (!stmt) return stmt.error();
  stmt->bind(1, key);
  const int rc = stmt->step();
  if (rc == SQLITE_DONE) return std::optional<std::string>();
  if (rc != SQLITE_ROW) return sqlite_error((*conn)->db(), rc, "read meta");
  return std::optional<std::string>(stmt->column_text(0));
}

Result<std::string> SqliteStore::put_meta_if_absent(const std::string& key,
                                                    const std::string& value) {
  auto conn = pool_->acquire();
  if (!conn) return conn.error();
  Connection& c = **conn;
  auto tx = Transaction::begin(c);
  if (!tx) return tx.error();
  {
    auto stmt = c.prepare(kInsertMetaIfAbsent);
    if (!stmt) return stmt.error();
    stmt->bind(1, key).bind(2, value);
    if (auto st = run(c, *stmt, "insert meta"); !st) return st.error();
  }
  std::string stored;
  {
    auto stmt = c.prepare(kGetMeta);
    if (!stmt) return stmt.error();
    stmt->bind(1, key);
    const int rc = stmt->step();
    if (rc != SQLITE_ROW) return sqlite_error(c.db(), rc, "read meta");
    stored = stmt->column_text(0);
  }
  if (auto st = tx->commit(); !st) return st.error();
  return stored;
}

// --- users ---

Result<User> SqliteStore::create_user(const NewUser& user) {
  if (user.id.empty() || user.login_id.empty()) {
    return make_error(Errc::kInvalidArgument, "user id and login id are required");
  }
  if (user.password_hash && user.password_hash->empty()) {
    return make_error(Errc::kInvalidArgument, "empty password hash");
  }
  const auto roles = unique_names(user.roles);
  auto conn = pool_->acquire();
  if (!conn) return conn.error();
  Connection& c = **conn;
  auto tx = Transaction::begin(c);
  if (!tx) return tx.error();
  if (auto st = check_roles_exist(c, roles); !st) return st.error();
  {
    auto stmt = c.prepare(kInsertUser);
    if (!stmt) return stmt.error();
    stmt->bind(1, user.id)
        .bind(2, user.login_id)
        .bind(3, user.email)
        .bind(4, user.phone)
        .bind(5, user.name)
        .bind(6, user.status)
        .bind(7, user.verified_email)
        .bind(8, user.created_at);
    const int rc = stmt->step();
    if (rc == SQLITE_CONSTRAINT_UNIQUE) {
      return make_error(Errc::kUserExists, "login id already exists");
    }
    if (rc == SQLITE_CONSTRAINT_PRIMARYKEY) {
      return make_error(Errc::kConflict, "user id already exists");
    }
    if (rc != SQLITE_DONE) return sqlite_error(c.db(), rc, "insert user");
  }
  if (auto st = insert_user_roles(c, user.id, roles); !st) return st.error();
  if (user.password_hash) {
    auto stmt = c.prepare(kUpsertPassword);
    if (!stmt) return stmt.error();
    stmt->bind(1, user.id).bind(2, *user.password_hash).bind(3, false).bind(4, user.created_at);
    if (auto st = run(c, *stmt, "insert password"); !st) return st.error();
  }
  auto created = load_user(c, kSelectUserById, user.id);
  if (!created) return created.error();
  if (auto st = tx->commit(); !st) return st.error();
  return created;
}

Result<User> SqliteStore::get_user_by_id(const std::string& user_id) {
  return read_user(kSelectUserById, user_id);
}

Result<User> SqliteStore::get_user_by_login_id(const std::string& login_id) {
  return read_user(kSelectUserByLoginId, login_id);
}

Result<std::vector<User>> SqliteStore::list_users(int limit, int offset) {
  if (limit < 0 || offset < 0) {
    return make_error(Errc::kInvalidArgument, "limit and offset must not be negative");
  }
  auto conn = pool_->acquire();
  if (!conn) return conn.error();
  Connection& c = **conn;
  auto rtx = ReadTransaction::begin(c);
  if (!rtx) return rtx.error();
  std::vector<User> users;
  {
    auto stmt = c.prepare(kListUsers);
    if (!stmt) return stmt.error();
    stmt->bind(1, limit).bind(2, offset);
    int rc;
    while ((rc = stmt->step()) == SQLITE_ROW) users.push_back(read_user_row(*stmt));
    if (rc != SQLITE_DONE) return sqlite_error(c.db(), rc, "list users");
  }
  for (auto& user : users) {
    if (auto st = load_user_relations(c, user); !st) return st.error();
  }
  return users;
}

Result<User> SqliteStore::set_user_roles(const std::string& user_id,
                                         const std::vector<std::string>& roles) {
  const auto wanted = unique_names(roles);
  auto conn = pool_->acquire();
  if (!conn) return conn.error();
  Connection& c = **conn;
  auto tx = Transaction::begin(c);
  if (!tx) return tx.error();
  auto found = exists(c, kUserExists, user_id, "check user");
  if (!found) return found.error();
  if (!*found) return make_error(Errc::kUserNotFound, "user not found");
  if (auto st = check_roles_exist(c, wanted); !st) return st.error();
  {
    auto stmt = c.prepare(kDeleteUserRoles);
    if (!stmt) return stmt.error();
    stmt->bind(1, user_id);
    if (auto st = run(c, *stmt, "delete user roles"); !st) return st.error();
  }
  if (auto st = insert_user_roles(c, user_id, wanted); !st) return st.error();
  auto updated = load_user(c, kSelectUserById, user_id);
  if (!updated) return updated.error();
  if (auto st = tx->commit(); !st) return st.error();
  return updated;
}

Result<std::string> SqliteStore::get_password_hash(const std::string& user_id) {
  auto credential = get_password(user_id);
  if (!credential) return credential.error();
  return std::move(credential->hash);
}

Result<PasswordCredential> SqliteStore::get_password(const std::string& user_id) {
  auto conn = pool_->acquire();
  if (!conn) return conn.error();
  auto stmt = (*conn)->prepare(kSelectPassword);
  if (!stmt) return stmt.error();
  stmt->bind(1, user_id);
  const int rc = stmt->step();
  if (rc == SQLITE_DONE) return make_error(Errc::kUserNotFound, "user not found");
  if (rc != SQLITE_ROW) return sqlite_error((*conn)->db(), rc, "read password");
  PasswordCredential credential;
  credential.hash = stmt->column_text(0);
  if (credential.hash.empty()) return make_error(Errc::kNotFound, "user has no password");
  credential.expired = stmt->column_bool(1);
  credential.updated_at = stmt->column_int64(2);
  return credential;
}

Status SqliteStore::set_password_hash(const std::string& user_id, const std::string& hash,
                                      bool expired) {
  if (hash.empty()) return make_error(Errc::kInvalidArgument, "empty password hash");
  auto conn = pool_->acquire();
  if (!conn) return conn.error();
  auto stmt = (*conn)->prepare(kUpsertPassword);
  if (!stmt) return stmt.error();
  stmt->bind(1, user_id).bind(2, hash).bind(3, expired).bind(4, system_now());
  const int rc = stmt->step();
  if (rc == SQLITE_CONSTRAINT_FOREIGNKEY) return make_error(Errc::kUserNotFound, "user not found");
  if (rc != SQLITE_DONE) return sqlite_error((*conn)->db(), rc, "set password");
  return ok_status();
}

Result<User> SqliteStore::update_user(const std::string& user_id, const UserUpdate& update) {
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
  auto conn = pool_->acquire();
  if (!conn) return conn.error();
  Connection& c = **conn;
  auto tx = Transaction::begin(c);
  if (!tx) return tx.error();
  auto found = exists(c, kUserExists, user_id, "check user");
  if (!found) return found.error();
  if (!*found) return make_error(Errc::kUserNotFound, "user not found");
  // Everything is checked before the first write; the transaction would undo
  // a half-done update anyway, this only keeps the first error the reported one.
  if (roles) {
    if (auto st = check_roles_exist(c, *roles); !st) return st.error();
  }
  if (tenants) {
    if (auto st = check_tenants_exist(c, *tenants); !st) return st.error();
  }
  {
    auto stmt = c.prepare(kPatchUser);
    if (!stmt) return stmt.error();
    bind_patch(*stmt, 1, update.login_id);
    bind_patch(*stmt, 2, update.email);
    bind_patch(*stmt, 3, update.phone);
    bind_patch(*stmt, 4, update.name);
    bind_patch(*stmt, 5, update.picture);
    bind_patch(*stmt, 6, update.status);
    bind_patch(*stmt, 7, update.verified_email);
    bind_patch(*stmt, 8, update.verified_phone);
    stmt->bind(9, user_id);
    const int rc = stmt->step();
    if (rc == SQLITE_CONSTRAINT_UNIQUE) {
      return make_error(Errc::kUserExists, "login id already exists");
    }
    if (rc != SQLITE_DONE) return sqlite_error(c.db(), rc, "update user");
  }
  if (roles) {
    auto stmt = c.prepare(kDeleteUserRoles);
    if (!stmt) return stmt.error();
    stmt->bind(1, user_id);
    if (auto st = run(c, *stmt, "delete user roles"); !st) return st.error();
    if (auto st = insert_user_roles(c, user_id, *roles); !st) return st.error();
  }
  if (tenants) {
    if (auto st = replace_user_tenants(c, user_id, *tenants); !st) return st.error();
  }
  auto updated = load_user(c, kSelectUserById, user_id);
  if (!updated) return updated.error();
  if (auto st = tx->commit(); !st) return st.error();
  return updated;
}

Status SqliteStore::delete_user(const std::string& user_id) {
  // One statement: the foreign keys cascade inside it.
  return write_one(kDeleteUser, user_id, "delete user",
                   make_error(Errc::kUserNotFound, "user not found"));
}

Result<UserPage> SqliteStore::search_users(const UserSearch& query) {
  if (query.limit < 1 || query.limit > kMaxSearchLimit) {
    return make_error(Errc::kInvalidArgument, "limit must be between 1 and 1000");
  }
  if (query.page < 0) return make_error(Errc::kInvalidArgument, "page must not be negative");
  const int64_t offset = static_cast<int64_t>(query.page) * query.limit;
  const UserFilter filter = user_filter(query);
  auto conn = pool_->acquire();
  if (!conn) return conn.error();
  Connection& c = **conn;
  auto rtx = ReadTransaction::begin(c);
  if (!rtx) return rtx.error();
  UserPage page;
  {
    // The text depends only on which filters are present (at most 2^7
    // shapes), so caching it per connection stays bounded.
    auto stmt = c.prepare(std::string(kSearchUsers) + filter.where +
                          " ORDER BY users.created_at, users.rowid LIMIT ? OFFSET ?");
    if (!stmt) return stmt.error();
    int index = 1;
    for (const auto& param : filter.params) stmt->bind(index++, param);
    stmt->bind(index, query.limit).bind(index + 1, offset);
    int rc;
    while ((rc = stmt->step()) == SQLITE_ROW) page.users.push_back(read_user_row(*stmt));
    if (rc != SQLITE_DONE) return sqlite_error(c.db(), rc, "search users");
  }
  if (!page.users.empty() && page.users.size() < static_cast<size_t>(query.limit)) {
    // A short, non-empty page is the last one: no need to count.
    page.total = offset + static_cast<int64_t>(page.users.size());
  } else {
    auto stmt = c.prepare(std::string(kCountUsers) + filter.where);
    if (!stmt) return stmt.error();
    int index = 1;
    for (const auto& param : filter.params) stmt->bind(index++, param);
    const int rc = stmt->step();
    if (rc != SQLITE_ROW) return sqlite_error(c.db(), rc, "count users");
    page.total = stmt->column_int64(0);
  }
  for (auto& user : page.users) {
    if (auto st = load_user_relations(c, user); !st) return st.error();
  }
  return page;
}

Status SqliteStore::set_last_login(const std::string& user_id, int64_t at) {
  auto conn = pool_->acquire();
  if (!conn) return conn.error();
  auto stmt = (*conn)->prepare(kSetLastLogin);
  if (!stmt) return stmt.error();
  stmt->bind_optional(1, at).bind(2, user_id);
  if (auto st = run(**conn, *stmt, "set last login"); !st) return st;
  if ((*conn)->changes() == 0) return make_error(Errc::kUserNotFound, "user not found");
  return ok_status();
}

// --- refresh tokens ---

Status SqliteStore::insert_refresh_token(const RefreshToken& token) {
  auto conn = pool_->acquire();
  if (!conn) return conn.error();
  return insert_token(**conn, token);
}

Result<RefreshToken> SqliteStore::get_refresh_token(const std::string& id) {
  auto conn = pool_->acquire();
  if (!conn) return conn.error();
  auto token = find_token(**conn, id);
  if (!token) return token.error();
  if (!*token) return make_error(Errc::kNotFound, "refresh token not found");
  return std::move(**token);
}

Status SqliteStore::rotate_refresh_token(const std::string& old_id, const RefreshToken& replacement,
                                         int64_t at) {
  auto conn = pool_->acquire();
  if (!conn) return conn.error();
  Connection& c = **conn;
  auto tx = Transaction::begin(c);
  if (!tx) return tx.error();
  auto old = find_token(c, old_id);
  if (!old) return old.error();
  if (!*old) return make_error(Errc::kNotFound, "refresh token not found");
  if ((*old)->revoked_at != 0) return make_error(Errc::kTokenRevoked, "refresh token revoked");
  if ((*old)->rotated_at != 0) {
    return make_error(Errc::kTokenRevoked, "refresh token already rotated");
  }
  if (replacement.user_id != (*old)->user_id || replacement.family_id != (*old)->family_id) {
    return make_error(Errc::kInvalidArgument,
                      "replacement token must keep the user and family of the old one");
  }
  {
    auto stmt = c.prepare(kMarkRotated);
    if (!stmt) return stmt.error();
    stmt->bind(1, at).bind(2, replacement.id).bind(3, old_id);
    if (auto st = run(c, *stmt, "mark refresh token rotated"); !st) return st;
    // Checked under the write lock above, so this cannot race; kept as a guard.
    if (c.changes() != 1) {
      return make_error(Errc::kTokenRevoked, "refresh token already rotated");
    }
  }
  if (auto st = insert_token(c, replacement); !st) return st;
  return tx->commit();
}

Status SqliteStore::revoke_refresh_token(const std::string& id, int64_t at) {
  auto conn = pool_->acquire();
  if (!conn) return conn.error();
  auto stmt = (*conn)->prepare(kRevokeToken);
  if (!stmt) return stmt.error();
  stmt->bind(1, at).bind(2, id);
  if (auto st = run(**conn, *stmt, "revoke refresh token"); !st) return st;
  if ((*conn)->changes() == 0) return make_error(Errc::kNotFound, "refresh token not found");
  return ok_status();
}

Status SqliteStore::revoke_refresh_family(const std::string& family_id, int64_t at) {
  return revoke_where(kRevokeFamily, family_id, at);
}

Status SqliteStore::revoke_user_refresh_tokens(const std::string& user_id, int64_t at) {
  return revoke_where(kRevokeUserTokens, user_id, at);
}

// --- private ---

Result<User> SqliteStore::read_user(std::string_view sql, const std::string& key) {
  auto conn = pool_->acquire();
  if (!conn) return conn.error();
  auto rtx = ReadTransaction::begin(**conn);
  if (!rtx) return rtx.error();
  return load_user(**conn, sql, key);
}

Status SqliteStore::revoke_where(std::string_view sql, const std::string& key, int64_t at) {
  auto conn = pool_->acquire();
  if (!conn) return conn.error();
  auto stmt = (*conn)->prepare(sql);
  if (!stmt) return stmt.error();
  stmt->bind(1, at).bind(2, key);
  return run(**conn, *stmt, "revoke refresh tokens");
}

Status SqliteStore::write_one(std::string_view sql, const std::string& key, std::string_view what,
                              Error missing) {
  auto conn = pool_->acquire();
  if (!conn) return conn.error();
  auto stmt = (*conn)->prepare(sql);
  if (!stmt) return stmt.error();
  stmt->bind(1, key);
  if (auto st = run(**conn, *stmt, what); !st) return st;
  // Rows changed by the statement itself; cascaded deletes are not counted.
  if ((*conn)->changes() == 0) return missing;
  return ok_status();
}

}  // namespace sqlite

Result<std::unique_ptr<Store>> open_sqlite_store(const std::string& path) {
  if (path.empty() || path == ":memory:") {
    return make_error(Errc::kInvalidArgument,
                      "sqlite store needs a file path (in-memory databases are not shared "
                      "between connections)");
  }
  auto first = sqlite::Connection::open(path);
  if (!first) return first.error();
  if (auto st = sqlite::apply_migrations((*first)->db(), sqlite::embedded_migrations()); !st) {
    return st.error();
  }
  auto pool =
      std::make_unique<sqlite::ConnectionPool>(path, sqlite::kMaxConnections, std::move(*first));
  return std::unique_ptr<Store>(std::make_unique<sqlite::SqliteStore>(std::move(pool)));
}

}  // namespace gatehouse::store
