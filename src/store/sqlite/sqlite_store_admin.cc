// SqliteStore, part two: roles, permissions, tenants, management keys and the
// audit log. The class and the split are described in sqlite_store_impl.h.
#include <map>
#include <unordered_set>
#include <utility>

#include "store/sqlite/connection.h"
#include "store/sqlite/sqlite_store_impl.h"

namespace gatehouse::store::sqlite {
namespace {

// --- SQL ---

constexpr std::string_view kRoleExists = "SELECT 1 FROM roles WHERE name = ?";
constexpr std::string_view kInsertRole =
    "INSERT INTO roles (name, description, created_at) VALUES (?, ?, ?)";
// Renames cascade (ON UPDATE CASCADE) to user_roles, user_tenant_roles and
// role_permissions.
constexpr std::string_view kUpdateRole =
    "UPDATE roles SET name = ?, description = ? WHERE name = ?";
// Cascades to user_roles, user_tenant_roles and role_permissions.
constexpr std::string_view kDeleteRole = "DELETE FROM roles WHERE name = ?";
constexpr std::string_view kSelectRole =
    "SELECT name, description, created_at FROM roles WHERE name = ?";
constexpr std::string_view kListRoles =
    "SELECT name, description, created_at FROM roles ORDER BY name";
constexpr std::string_view kInsertRolePermission =
    "INSERT INTO role_permissions (role_name, permission_name) VALUES (?, ?)";
constexpr std::string_view kDeleteRolePermissions =
    "DELETE FROM role_permissions WHERE role_name = ?";
constexpr std::string_view kSelectRolePermissions =
    "SELECT permission_name FROM role_permissions WHERE role_name = ? ORDER BY permission_name";
constexpr std::string_view kListRolePermissions =
    "SELECT role_name, permission_name FROM role_permissions ORDER BY role_name, permission_name";

constexpr std::string_view kPermissionExists = "SELECT 1 FROM permissions WHERE name = ?";
constexpr std::string_view kInsertPermission =
    "INSERT INTO permissions (name, description) VALUES (?, ?)";
// Renames cascade to role_permissions.
constexpr std::string_view kUpdatePermission =
    "UPDATE permissions SET name = ?, description = ? WHERE name = ?";
constexpr std::string_view kDeletePermission = "DELETE FROM permissions WHERE name = ?";
constexpr std::string_view kListPermissions =
    "SELECT name, description FROM permissions ORDER BY name";

constexpr std::string_view kInsertTenant =
    "INSERT INTO tenants (id, name, custom_attributes, created_at) VALUES (?, ?, ?, ?)";
constexpr std::string_view kUpdateTenant =
    "UPDATE tenants SET name = ?, custom_attributes = ? WHERE id = ?";
// Cascades to user_tenants (and from there user_tenant_roles) and tenant_domains.
constexpr std::string_view kDeleteTenant = "DELETE FROM tenants WHERE id = ?";
constexpr std::string_view kSelectTenant =
    "SELECT id, name, custom_attributes, created_at FROM tenants WHERE id = ?";
constexpr std::string_view kListTenants =
    "SELECT id, name, custom_attributes, created_at FROM tenants ORDER BY name, id";
constexpr std::string_view kInsertTenantDomain =
    "INSERT INTO tenant_domains (tenant_id, domain, position) VALUES (?, ?, ?)";
constexpr std::string_view kDeleteTenantDomains = "DELETE FROM tenant_domains WHERE tenant_id = ?";
constexpr std::string_view kSelectTenantDomains =
    "SELECT domain FROM tenant_domains WHERE tenant_id = ? ORDER BY position";
constexpr std::string_view kListTenantDomains =
    "SELECT tenant_id, domain FROM tenant_domains ORDER BY tenant_id, position";

constexpr std::string_view kInsertMgmtKey =
    "INSERT INTO mgmt_keys (id, name, key_hash, created_at, expires_at, revoked_at, "
    "last_used_at) VALUES (?, ?, ?, ?, ?, ?, ?)";
#define GH_MGMT_KEY_COLUMNS \
  "id, name, key_hash, created_at, expires_at, revoked_at, last_used_at FROM mgmt_keys"
constexpr std::string_view kSelectMgmtKey = "SELECT " GH_MGMT_KEY_COLUMNS " WHERE id = ?";
constexpr std::string_view kListMgmtKeys =
    "SELECT " GH_MGMT_KEY_COLUMNS " ORDER BY created_at, rowid";
#undef GH_MGMT_KEY_COLUMNS
// A second revocation keeps the first time.
constexpr std::string_view kRevokeMgmtKey =
    "UPDATE mgmt_keys SET revoked_at = coalesce(revoked_at, ?1) WHERE id = ?2";
// Never moves backwards: concurrent requests may report their use out of order.
constexpr std::string_view kTouchMgmtKey =
    "UPDATE mgmt_keys SET last_used_at = max(coalesce(last_used_at, ?1), ?1) WHERE id = ?2";

constexpr std::string_view kInsertAuditEvent =
    "INSERT INTO audit_events (at, action, result, user_id, login_id, actor, ip, user_agent, "
    "detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)";
// search_audit_events appends its WHERE clause and order to this.
constexpr std::string_view kSearchAuditEvents =
    "SELECT id, at, action, result, user_id, login_id, actor, ip, user_agent, detail "
    "FROM audit_events";
// The day is floored, not truncated, so times before 1970 land on the right
// day too. Uses audit_events_action_at.
constexpr std::string_view kCountAuditByDay =
    "SELECT at - ((at % 86400) + 86400) % 86400 AS day, count(*) FROM audit_events "
    "WHERE action = ? AND result = 'success' AND at >= ? AND at < ? GROUP BY day ORDER BY day";

constexpr int kMaxAuditLimit = 1000;

// --- helpers ---

// Permissions of a role write: each must exist (kInvalidArgument naming the
// first unknown one in sorted order), then they replace the role's.
Status replace_role_permissions(Connection& conn, const std::string& role_name,
                                const std::set<std::string>& permissions) {
  for (const auto& permission : permissions) {
    auto found = exists(conn, kPermissionExists, permission, "check permission");
    if (!found) return found.error();
    if (!*found) return make_error(Errc::kInvalidArgument, "unknown permission: " + permission);
  }
  {
    auto stmt = conn.prepare(kDeleteRolePermissions);
    if (!stmt) return stmt.error();
    stmt->bind(1, role_name);
    if (auto st = run(conn, *stmt, "delete role permissions"); !st) return st;
  }
  for (const auto& permission : permissions) {
    auto stmt = conn.prepare(kInsertRolePermission);
    if (!stmt) return stmt.error();
    stmt->bind(1, role_name).bind(2, permission);
    if (auto st = run(conn, *stmt, "insert role permission"); !st) return st;
  }
  return ok_status();
}

// Renames and re-describes the row `name` of roles or permissions, inside the
// caller's transaction. `kind` names the table's subject in messages.
Status rename_row(Connection& conn, std::string_view exists_sql, std::string_view update_sql,
                  const std::string& name, const std::string& new_name,
                  const std::string& description, const std::string& kind) {
  auto found = exists(conn, exists_sql, name, "check " + kind);
  if (!found) return found.error();
  if (!*found) return make_error(Errc::kNotFound, kind + " not found: " + name);
  if (new_name != name) {
    auto taken = exists(conn, exists_sql, new_name, "check " + kind);
    if (!taken) return taken.error();
    if (*taken) return make_error(Errc::kConflict, kind + " already exists: " + new_name);
  }
  auto stmt = conn.prepare(update_sql);
  if (!stmt) return stmt.error();
  stmt->bind(1, new_name).bind(2, description).bind(3, name);
  const int rc = stmt->step();
  // Checked above under the write lock; kept as a guard.
  if (rc == SQLITE_CONSTRAINT_PRIMARYKEY) {
    return make_error(Errc::kConflict, kind + " already exists: " + new_name);
  }
  if (rc != SQLITE_DONE) return sqlite_error(conn.db(), rc, "update " + kind);
  return ok_status();
}

// A tenant as written: required fields present, domains without duplicates
// (first spelling and position kept), empty attributes as "{}".
struct TenantWrite {
  std::vector<std::string> domains;
  std::string custom_attributes;
};

Result<TenantWrite> tenant_write(const Tenant& t) {
  if (t.id.empty() || t.name.empty()) {
    return make_error(Errc::kInvalidArgument, "tenant id and name are required");
  }
  TenantWrite w;
  std::unordered_set<std::string_view> seen;
  for (const auto& domain : t.self_provisioning_domains) {
    if (domain.empty()) {
      return make_error(Errc::kInvalidArgument, "self-provisioning domain must not be empty");
    }
    if (seen.insert(domain).second) w.domains.push_back(domain);
  }
  w.custom_attributes = t.custom_attributes_json.empty() ? "{}" : t.custom_attributes_json;
  return w;
}

// Maps the result of a tenant row write (the CHECK on custom_attributes).
Status tenant_write_status(Connection& conn, int rc, const std::string& id, std::string_view what) {
  if (rc == SQLITE_DONE) return ok_status();
  if (rc == SQLITE_CONSTRAINT_PRIMARYKEY) {
    return make_error(Errc::kConflict, "tenant already exists: " + id);
  }
  if (rc == SQLITE_CONSTRAINT_CHECK) {
    return make_error(Errc::kInvalidArgument, "custom attributes must be a JSON object");
  }
  return sqlite_error(conn.db(), rc, what);
}

Status replace_tenant_domains(Connection& conn, const std::string& tenant_id,
                              const std::vector<std::string>& domains) {
  {
    auto stmt = conn.prepare(kDeleteTenantDomains);
    if (!stmt) return stmt.error();
    stmt->bind(1, tenant_id);
    if (auto st = run(conn, *stmt, "delete tenant domains"); !st) return st;
  }
  int64_t position = 0;
  for (const auto& domain : domains) {
    auto stmt = conn.prepare(kInsertTenantDomain);
    if (!stmt) return stmt.error();
    stmt->bind(1, tenant_id).bind(2, domain).bind(3, position++);
    if (auto st = run(conn, *stmt, "insert tenant domain"); !st) return st;
  }
  return ok_status();
}

Tenant read_tenant_row(const Statement& s) {
  Tenant t;
  t.id = s.column_text(0);
  t.name = s.column_text(1);
  t.custom_attributes_json = s.column_text(2);
  t.created_at = s.column_int64(3);
  return t;
}

MgmtKey read_mgmt_key_row(const Statement& s) {
  MgmtKey k;
  k.id = s.column_text(0);
  k.name = s.column_text(1);
  k.key_hash = s.column_text(2);
  k.created_at = s.column_int64(3);
  k.expires_at = s.column_int64(4);
  k.revoked_at = s.column_int64(5);
  k.last_used_at = s.column_int64(6);
  return k;
}

AuditEvent read_audit_row(const Statement& s) {
  AuditEvent e;
  e.id = s.column_int64(0);
  e.at = s.column_int64(1);
  e.action = s.column_text(2);
  e.result = s.column_text(3);
  e.user_id = s.column_text(4);
  e.login_id = s.column_text(5);
  e.actor = s.column_text(6);
  e.ip = s.column_text(7);
  e.user_agent = s.column_text(8);
  e.detail = s.column_text(9);
  return e;
}

}  // namespace

// --- roles ---

Status SqliteStore::create_role(const Role& role) {
  if (role.name.empty()) return make_error(Errc::kInvalidArgument, "role name is required");
  const auto permissions = unique_names(role.permissions);
  auto conn = pool_->acquire();
  if (!conn) return conn.error();
  Connection& c = **conn;
  auto tx = Transaction::begin(c);
  if (!tx) return tx.error();
  {
    auto stmt = c.prepare(kInsertRole);
    if (!stmt) return stmt.error();
    stmt->bind(1, role.name).bind(2, role.description).bind(3, role.created_at);
    const int rc = stmt->step();
    if (rc == SQLITE_CONSTRAINT_PRIMARYKEY) {
      return make_error(Errc::kConflict, "role already exists: " + role.name);
    }
    if (rc != SQLITE_DONE) return sqlite_error(c.db(), rc, "insert role");
  }
  if (auto st = replace_role_permissions(c, role.name, permissions); !st) return st;
  return tx->commit();
}

Result<std::vector<Role>> SqliteStore::list_roles() {
  auto conn = pool_->acquire();
  if (!conn) return conn.error();
  Connection& c = **conn;
  auto rtx = ReadTransaction::begin(c);
  if (!rtx) return rtx.error();
  std::vector<Role> roles;
  {
    auto stmt = c.prepare(kListRoles);
    if (!stmt) return stmt.error();
    int rc;
    while ((rc = stmt->step()) == SQLITE_ROW) {
      roles.push_back(Role{stmt->column_text(0), stmt->column_text(1), {}, stmt->column_int64(2)});
    }
    if (rc != SQLITE_DONE) return sqlite_error(c.db(), rc, "list roles");
  }
  {
    // Both lists are ordered by role name: merge them in one pass.
    auto stmt = c.prepare(kListRolePermissions);
    if (!stmt) return stmt.error();
    auto role = roles.begin();
    int rc;
    while ((rc = stmt->step()) == SQLITE_ROW) {
      const std::string role_name = stmt->column_text(0);
      while (role != roles.end() && role->name < role_name) ++role;
      if (role != roles.end() && role->name == role_name) {
        role->permissions.push_back(stmt->column_text(1));
      }
    }
    if (rc != SQLITE_DONE) return sqlite_error(c.db(), rc, "list role permissions");
  }
  return roles;
}

Result<Role> SqliteStore::get_role(const std::string& name) {
  auto conn = pool_->acquire();
  if (!conn) return conn.error();
  Connection& c = **conn;
  auto rtx = ReadTransaction::begin(c);
  if (!rtx) return rtx.error();
  Role role;
  {
    auto stmt = c.prepare(kSelectRole);
    if (!stmt) return stmt.error();
    stmt->bind(1, name);
    const int rc = stmt->step();
    if (rc == SQLITE_DONE) return make_error(Errc::kNotFound, "role not found: " + name);
    if (rc != SQLITE_ROW) return sqlite_error(c.db(), rc, "read role");
    role = Role{stmt->column_text(0), stmt->column_text(1), {}, stmt->column_int64(2)};
  }
  auto stmt = c.prepare(kSelectRolePermissions);
  if (!stmt) return stmt.error();
  stmt->bind(1, name);
  auto permissions = read_names(*stmt, c, "read role permissions");
  if (!permissions) return permissions.error();
  role.permissions = std::move(*permissions);
  return role;
}

Status SqliteStore::update_role(const std::string& name, const Role& updated) {
  if (updated.name.empty()) return make_error(Errc::kInvalidArgument, "role name is required");
  const auto permissions = unique_names(updated.permissions);
  auto conn = pool_->acquire();
  if (!conn) return conn.error();
  Connection& c = **conn;
  auto tx = Transaction::begin(c);
  if (!tx) return tx.error();
  if (auto st =
          rename_row(c, kRoleExists, kUpdateRole, name, updated.name, updated.description, "role");
      !st) {
    return st;
  }
  if (auto st = replace_role_permissions(c, updated.name, permissions); !st) return st;
  return tx->commit();
}

Status SqliteStore::delete_role(const std::string& name) {
  return write_one(kDeleteRole, name, "delete role",
                   make_error(Errc::kNotFound, "role not found: " + name));
}

// --- permissions ---

Status SqliteStore::create_permission(const Permission& p) {
  if (p.name.empty()) return make_error(Errc::kInvalidArgument, "permission name is required");
  auto conn = pool_->acquire();
  if (!conn) return conn.error();
  auto stmt = (*conn)->prepare(kInsertPermission);
  if (!stmt) return stmt.error();
  stmt->bind(1, p.name).bind(2, p.description);
  const int rc = stmt->step();
  if (rc == SQLITE_CONSTRAINT_PRIMARYKEY) {
    return make_error(Errc::kConflict, "permission already exists: " + p.name);
  }
  if (rc != SQLITE_DONE) return sqlite_error((*conn)->db(), rc, "insert permission");
  return ok_status();
}

Status SqliteStore::update_permission(const std::string& name, const Permission& updated) {
  if (updated.name.empty()) {
    return make_error(Errc::kInvalidArgument, "permission name is required");
  }
  auto conn = pool_->acquire();
  if (!conn) return conn.error();
  Connection& c = **conn;
  auto tx = Transaction::begin(c);
  if (!tx) return tx.error();
  if (auto st = rename_row(c, kPermissionExists, kUpdatePermission, name, updated.name,
                           updated.description, "permission");
      !st) {
    return st;
  }
  return tx->commit();
}

Status SqliteStore::delete_permission(const std::string& name) {
  return write_one(kDeletePermission, name, "delete permission",
                   make_error(Errc::kNotFound, "permission not found: " + name));
}

Result<std::vector<Permission>> SqliteStore::list_permissions() {
  auto conn = pool_->acquire();
  if (!conn) return conn.error();
  auto stmt = (*conn)->prepare(kListPermissions);
  if (!stmt) return stmt.error();
  std::vector<Permission> permissions;
  int rc;
  while ((rc = stmt->step()) == SQLITE_ROW) {
    permissions.push_back(Permission{stmt->column_text(0), stmt->column_text(1)});
  }
  if (rc != SQLITE_DONE) return sqlite_error((*conn)->db(), rc, "list permissions");
  return permissions;
}

// --- tenants ---

Status SqliteStore::create_tenant(const Tenant& t) {
  auto w = tenant_write(t);
  if (!w) return w.error();
  auto conn = pool_->acquire();
  if (!conn) return conn.error();
  Connection& c = **conn;
  auto tx = Transaction::begin(c);
  if (!tx) return tx.error();
  {
    auto stmt = c.prepare(kInsertTenant);
    if (!stmt) return stmt.error();
    stmt->bind(1, t.id).bind(2, t.name).bind(3, w->custom_attributes).bind(4, t.created_at);
    if (auto st = tenant_write_status(c, stmt->step(), t.id, "insert tenant"); !st) return st;
  }
  if (auto st = replace_tenant_domains(c, t.id, w->domains); !st) return st;
  return tx->commit();
}

Result<Tenant> SqliteStore::get_tenant(const std::string& id) {
  auto conn = pool_->acquire();
  if (!conn) return conn.error();
  Connection& c = **conn;
  auto rtx = ReadTransaction::begin(c);
  if (!rtx) return rtx.error();
  Tenant tenant;
  {
    auto stmt = c.prepare(kSelectTenant);
    if (!stmt) return stmt.error();
    stmt->bind(1, id);
    const int rc = stmt->step();
    if (rc == SQLITE_DONE) return make_error(Errc::kNotFound, "tenant not found: " + id);
    if (rc != SQLITE_ROW) return sqlite_error(c.db(), rc, "read tenant");
    tenant = read_tenant_row(*stmt);
  }
  auto stmt = c.prepare(kSelectTenantDomains);
  if (!stmt) return stmt.error();
  stmt->bind(1, id);
  auto domains = read_names(*stmt, c, "read tenant domains");
  if (!domains) return domains.error();
  tenant.self_provisioning_domains = std::move(*domains);
  return tenant;
}

Result<std::vector<Tenant>> SqliteStore::list_tenants() {
  auto conn = pool_->acquire();
  if (!conn) return conn.error();
  Connection& c = **conn;
  auto rtx = ReadTransaction::begin(c);
  if (!rtx) return rtx.error();
  std::vector<Tenant> tenants;
  {
    auto stmt = c.prepare(kListTenants);
    if (!stmt) return stmt.error();
    int rc;
    while ((rc = stmt->step()) == SQLITE_ROW) tenants.push_back(read_tenant_row(*stmt));
    if (rc != SQLITE_DONE) return sqlite_error(c.db(), rc, "list tenants");
  }
  std::map<std::string, std::vector<std::string>> domains;
  {
    auto stmt = c.prepare(kListTenantDomains);
    if (!stmt) return stmt.error();
    int rc;
    while ((rc = stmt->step()) == SQLITE_ROW) {
      domains[stmt->column_text(0)].push_back(stmt->column_text(1));
    }
    if (rc != SQLITE_DONE) return sqlite_error(c.db(), rc, "list tenant domains");
  }
  for (auto& tenant : tenants) {
    if (auto it = domains.find(tenant.id); it != domains.end()) {
      tenant.self_provisioning_domains = std::move(it->second);
    }
  }
  return tenants;
}

Status SqliteStore::update_tenant(const Tenant& t) {
  auto w = tenant_write(t);
  if (!w) return w.error();
  auto conn = pool_->acquire();
  if (!conn) return conn.error();
  Connection& c = **conn;
  auto tx = Transaction::begin(c);
  if (!tx) return tx.error();
  {
    auto stmt = c.prepare(kUpdateTenant);
    if (!stmt) return stmt.error();
    stmt->bind(1, t.name).bind(2, w->custom_attributes).bind(3, t.id);
    if (auto st = tenant_write_status(c, stmt->step(), t.id, "update tenant"); !st) return st;
    if (c.changes() == 0) return make_error(Errc::kNotFound, "tenant not found: " + t.id);
  }
  if (auto st = replace_tenant_domains(c, t.id, w->domains); !st) return st;
  return tx->commit();
}

Status SqliteStore::delete_tenant(const std::string& id) {
  return write_one(kDeleteTenant, id, "delete tenant",
                   make_error(Errc::kNotFound, "tenant not found: " + id));
}

// --- management keys ---

Status SqliteStore::insert_mgmt_key(const MgmtKey& key) {
  if (key.id.empty() || key.key_hash.empty()) {
    return make_error(Errc::kInvalidArgument, "management key needs an id and a hash");
  }
  auto conn = pool_->acquire();
  if (!conn) return conn.error();
  auto stmt = (*conn)->prepare(kInsertMgmtKey);
  if (!stmt) return stmt.error();
  stmt->bind(1, key.id)
      .bind(2, key.name)
      .bind(3, key.key_hash)
      .bind(4, key.created_at)
      .bind_optional(5, key.expires_at)
      .bind_optional(6, key.revoked_at)
      .bind_optional(7, key.last_used_at);
  const int rc = stmt->step();
  if (rc == SQLITE_CONSTRAINT_PRIMARYKEY) {
    return make_error(Errc::kConflict, "management key id already exists");
  }
  if (rc == SQLITE_CONSTRAINT_UNIQUE) {
    return make_error(Errc::kConflict, "management key hash already exists");
  }
  if (rc != SQLITE_DONE) return sqlite_error((*conn)->db(), rc, "insert management key");
  return ok_status();
}

Result<MgmtKey> SqliteStore::get_mgmt_key(const std::string& id) {
  auto conn = pool_->acquire();
  if (!conn) return conn.error();
  auto stmt = (*conn)->prepare(kSelectMgmtKey);
  if (!stmt) return stmt.error();
  stmt->bind(1, id);
  const int rc = stmt->step();
  if (rc == SQLITE_DONE) return make_error(Errc::kNotFound, "management key not found");
  if (rc != SQLITE_ROW) return sqlite_error((*conn)->db(), rc, "read management key");
  return read_mgmt_key_row(*stmt);
}

Result<std::vector<MgmtKey>> SqliteStore::list_mgmt_keys() {
  auto conn = pool_->acquire();
  if (!conn) return conn.error();
  auto stmt = (*conn)->prepare(kListMgmtKeys);
  if (!stmt) return stmt.error();
  std::vector<MgmtKey> keys;
  int rc;
  while ((rc = stmt->step()) == SQLITE_ROW) keys.push_back(read_mgmt_key_row(*stmt));
  if (rc != SQLITE_DONE) return sqlite_error((*conn)->db(), rc, "list management keys");
  return keys;
}

Status SqliteStore::revoke_mgmt_key(const std::string& id, int64_t at) {
  auto conn = pool_->acquire();
  if (!conn) return conn.error();
  auto stmt = (*conn)->prepare(kRevokeMgmtKey);
  if (!stmt) return stmt.error();
  stmt->bind(1, at).bind(2, id);
  if (auto st = run(**conn, *stmt, "revoke management key"); !st) return st;
  if ((*conn)->changes() == 0) return make_error(Errc::kNotFound, "management key not found");
  return ok_status();
}

Status SqliteStore::touch_mgmt_key(const std::string& id, int64_t at) {
  auto conn = pool_->acquire();
  if (!conn) return conn.error();
  auto stmt = (*conn)->prepare(kTouchMgmtKey);
  if (!stmt) return stmt.error();
  stmt->bind(1, at).bind(2, id);
  if (auto st = run(**conn, *stmt, "touch management key"); !st) return st;
  if ((*conn)->changes() == 0) return make_error(Errc::kNotFound, "management key not found");
  return ok_status();
}

// --- audit log ---

Result<int64_t> SqliteStore::insert_audit_event(const AuditEvent& e) {
  if (e.action.empty()) return make_error(Errc::kInvalidArgument, "audit action is required");
  auto conn = pool_->acquire();
  if (!conn) return conn.error();
  auto stmt = (*conn)->prepare(kInsertAuditEvent);
  if (!stmt) return stmt.error();
  stmt->bind(1, e.at)
      .bind(2, e.action)
      .bind(3, e.result)
      .bind(4, e.user_id)
      .bind(5, e.login_id)
      .bind(6, e.actor)
      .bind(7, e.ip)
      .bind(8, e.user_agent)
      .bind(9, e.detail);
  if (auto st = run(**conn, *stmt, "insert audit event"); !st) return st.error();
  // The connection is leased to this call alone, so this is our row.
  return static_cast<int64_t>(sqlite3_last_insert_rowid((*conn)->db()));
}

Result<std::vector<AuditEvent>> SqliteStore::search_audit_events(const AuditQuery& q) {
  if (q.limit < 1 || q.limit > kMaxAuditLimit) {
    return make_error(Errc::kInvalidArgument, "limit must be between 1 and 1000");
  }
  // Only the filters present appear (at most 64 shapes of text, see
  // json_string_array); the plan then walks audit_events_at,
  // audit_events_action_at or audit_events_user_at newest first.
  std::string sql(kSearchAuditEvents);
  std::string where;
  auto add = [&where](std::string_view clause) {
    where += where.empty() ? " WHERE " : " AND ";
    where += clause;
  };
  if (!q.actions.empty()) add("action IN (SELECT value FROM json_each(?))");
  if (!q.user_ids.empty()) add("user_id IN (SELECT value FROM json_each(?))");
  if (!q.login_ids.empty()) add("login_id IN (SELECT value FROM json_each(?))");
  if (!q.results.empty()) add("result IN (SELECT value FROM json_each(?))");
  if (q.from != 0) add("at >= ?");
  if (q.to != 0) add("at < ?");
  sql += where;
  sql += " ORDER BY at DESC, id DESC LIMIT ?";

  auto conn = pool_->acquire();
  if (!conn) return conn.error();
  auto stmt = (*conn)->prepare(sql);
  if (!stmt) return stmt.error();
  int index = 1;
  if (!q.actions.empty()) stmt->bind(index++, json_string_array(q.actions));
  if (!q.user_ids.empty()) stmt->bind(index++, json_string_array(q.user_ids));
  if (!q.login_ids.empty()) stmt->bind(index++, json_string_array(q.login_ids));
  if (!q.results.empty()) stmt->bind(index++, json_string_array(q.results));
  if (q.from != 0) stmt->bind(index++, q.from);
  if (q.to != 0) stmt->bind(index++, q.to);
  stmt->bind(index, q.limit);
  std::vector<AuditEvent> events;
  int rc;
  while ((rc = stmt->step()) == SQLITE_ROW) events.push_back(read_audit_row(*stmt));
  if (rc != SQLITE_DONE) return sqlite_error((*conn)->db(), rc, "search audit events");
  return events;
}

Result<std::vector<DayCount>> SqliteStore::count_audit_events_by_day(const std::string& action,
                                                                     int64_t from, int64_t to) {
  auto conn = pool_->acquire();
  if (!conn) return conn.error();
  auto stmt = (*conn)->prepare(kCountAuditByDay);
  if (!stmt) return stmt.error();
  stmt->bind(1, action).bind(2, from).bind(3, to);
  std::vector<DayCount> days;
  int rc;
  while ((rc = stmt->step()) == SQLITE_ROW) {
    days.push_back(DayCount{stmt->column_int64(0), stmt->column_int64(1)});
  }
  if (rc != SQLITE_DONE) return sqlite_error((*conn)->db(), rc, "count audit events");
  return days;
}

}  // namespace gatehouse::store::sqlite
