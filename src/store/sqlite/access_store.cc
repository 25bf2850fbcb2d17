// AccessStore on SQLite: roles, role_permissions, permissions, tenants and
// tenant_domains.
#include <map>
#include <unordered_set>

#include "store/sqlite/engine.h"
#include "store/sqlite/query.h"

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

// --- helpers ---

Role read_role_row(const Statement& s) {
  return Role{s.column_text(0), s.column_text(1), {}, s.column_int64(2)};
}

Permission read_permission_row(const Statement& s) {
  return Permission{s.column_text(0), s.column_text(1)};
}

Tenant read_tenant_row(const Statement& s) {
  Tenant t;
  t.id = s.column_text(0);
  t.name = s.column_text(1);
  t.custom_attributes_json = s.column_text(2);
  t.created_at = s.column_int64(3);
  return t;
}

std::pair<std::string, std::string> read_pair(const Statement& s) {
  return {s.column_text(0), s.column_text(1)};
}

// Permissions of a role write: each must exist (kInvalidArgument naming the first unknown
// one in sorted order), then they replace the role's.
Status replace_role_permissions(Connection& c, const std::string& role_name,
                                const std::set<std::string>& permissions) {
  for (const auto& permission : permissions) {
    auto found = exists(c, kPermissionExists, "check permission", permission);
    if (!found) return found.error();
    if (!*found) return make_error(Errc::kInvalidArgument, "unknown permission: " + permission);
  }
  if (auto st = exec(c, kDeleteRolePermissions, "delete role permissions", role_name); !st) {
    return st;
  }
  for (const auto& permission : permissions) {
    if (auto st = exec(c, kInsertRolePermission, "insert role permission", role_name, permission);
        !st) {
      return st;
    }
  }
  return ok_status();
}

// Renames and re-describes the row `name` of roles or permissions, inside the caller's
// transaction. `kind` names the table's subject in messages.
Status rename_row(Connection& c, std::string_view exists_sql, std::string_view update_sql,
                  const std::string& name, const std::string& new_name,
                  const std::string& description, const std::string& kind) {
  auto found = exists(c, exists_sql, "check " + kind, name);
  if (!found) return found.error();
  if (!*found) return make_error(Errc::kNotFound, kind + " not found: " + name);
  if (new_name != name) {
    auto taken = exists(c, exists_sql, "check " + kind, new_name);
    if (!taken) return taken.error();
    if (*taken) return make_error(Errc::kConflict, kind + " already exists: " + new_name);
  }
  auto w = write(c, update_sql, "update " + kind, new_name, description, name);
  if (!w) return w.error();
  // Checked above under the write lock; kept as a guard.
  if (w->constraint == SQLITE_CONSTRAINT_PRIMARYKEY) {
    return make_error(Errc::kConflict, kind + " already exists: " + new_name);
  }
  if (w->constraint) return sqlite_error(c.db(), w->constraint, "update " + kind);
  return ok_status();
}

// A tenant as written: required fields present, domains without duplicates (first
// spelling and position kept), empty attributes as "{}".
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

// Maps what a tenant row write broke (the CHECK on custom_attributes).
Status tenant_write_status(Connection& c, const Written& w, const std::string& id,
                           std::string_view what) {
  if (w.constraint == SQLITE_CONSTRAINT_PRIMARYKEY) {
    return make_error(Errc::kConflict, "tenant already exists: " + id);
  }
  if (w.constraint == SQLITE_CONSTRAINT_CHECK) {
    return make_error(Errc::kInvalidArgument, "custom attributes must be a JSON object");
  }
  if (w.constraint) return sqlite_error(c.db(), w.constraint, what);
  return ok_status();
}

Status replace_tenant_domains(Connection& c, const std::string& tenant_id,
                              const std::vector<std::string>& domains) {
  if (auto st = exec(c, kDeleteTenantDomains, "delete tenant domains", tenant_id); !st) return st;
  int64_t position = 0;
  for (const auto& domain : domains) {
    if (auto st =
            exec(c, kInsertTenantDomain, "insert tenant domain", tenant_id, domain, position++);
        !st) {
      return st;
    }
  }
  return ok_status();
}

class SqliteAccessStore final : public AccessStore {
 public:
  explicit SqliteAccessStore(Pool pool) : pool_(std::move(pool)) {}

  // --- roles ---

  Status create_role(const Role& role) override {
    if (role.name.empty()) return make_error(Errc::kInvalidArgument, "role name is required");
    const auto permissions = unique_names(role.permissions);
    return transaction(*pool_, [&](Connection& c) -> Status {
      auto w = write(c, kInsertRole, "insert role", role.name, role.description, role.created_at);
      if (!w) return w.error();
      if (w->constraint == SQLITE_CONSTRAINT_PRIMARYKEY) {
        return make_error(Errc::kConflict, "role already exists: " + role.name);
      }
      if (w->constraint) return sqlite_error(c.db(), w->constraint, "insert role");
      return replace_role_permissions(c, role.name, permissions);
    });
  }

  Result<std::vector<Role>> list_roles() override {
    return snapshot(*pool_, [&](Connection& c) -> Result<std::vector<Role>> {
      auto roles = all(c, kListRoles, "list roles", read_role_row);
      if (!roles) return roles.error();
      auto pairs = all(c, kListRolePermissions, "list role permissions", read_pair);
      if (!pairs) return pairs.error();
      // Both lists are ordered by role name: merge them in one pass.
      auto role = roles->begin();
      for (auto& [role_name, permission] : *pairs) {
        while (role != roles->end() && role->name < role_name) ++role;
        if (role != roles->end() && role->name == role_name) {
          role->permissions.push_back(std::move(permission));
        }
      }
      return roles;
    });
  }

  Result<Role> get_role(const std::string& name) override {
    return snapshot(*pool_, [&](Connection& c) -> Result<Role> {
      auto role = one(c, kSelectRole, "read role", read_role_row, name);
      if (!role) return role.error();
      if (!*role) return make_error(Errc::kNotFound, "role not found: " + name);
      auto permissions = all(c, kSelectRolePermissions, "read role permissions", first_text, name);
      if (!permissions) return permissions.error();
      (*role)->permissions = std::move(*permissions);
      return std::move(**role);
    });
  }

  Status update_role(const std::string& name, const Role& updated) override {
    if (updated.name.empty()) return make_error(Errc::kInvalidArgument, "role name is required");
    const auto permissions = unique_names(updated.permissions);
    return transaction(*pool_, [&](Connection& c) -> Status {
      if (auto st = rename_row(c, kRoleExists, kUpdateRole, name, updated.name, updated.description,
                               "role");
          !st) {
        return st;
      }
      return replace_role_permissions(c, updated.name, permissions);
    });
  }

  Status delete_role(const std::string& name) override {
    return leased(*pool_, [&](Connection& c) {
      return exec_one(c, kDeleteRole, "delete role",
                      make_error(Errc::kNotFound, "role not found: " + name), name);
    });
  }

  // --- permissions ---

  Status create_permission(const Permission& p) override {
    if (p.name.empty()) return make_error(Errc::kInvalidArgument, "permission name is required");
    return leased(*pool_, [&](Connection& c) -> Status {
      auto w = write(c, kInsertPermission, "insert permission", p.name, p.description);
      if (!w) return w.error();
      if (w->constraint == SQLITE_CONSTRAINT_PRIMARYKEY) {
        return make_error(Errc::kConflict, "permission already exists: " + p.name);
      }
      if (w->constraint) return sqlite_error(c.db(), w->constraint, "insert permission");
      return ok_status();
    });
  }

  Status update_permission(const std::string& name, const Permission& updated) override {
    if (updated.name.empty()) {
      return make_error(Errc::kInvalidArgument, "permission name is required");
    }
    return transaction(*pool_, [&](Connection& c) {
      return rename_row(c, kPermissionExists, kUpdatePermission, name, updated.name,
                        updated.description, "permission");
    });
  }

  Status delete_permission(const std::string& name) override {
    return leased(*pool_, [&](Connection& c) {
      return exec_one(c, kDeletePermission, "delete permission",
                      make_error(Errc::kNotFound, "permission not found: " + name), name);
    });
  }

  Result<std::vector<Permission>> list_permissions() override {
    return leased(*pool_, [&](Connection& c) {
      return all(c, kListPermissions, "list permissions", read_permission_row);
    });
  }

  // --- tenants ---

  Status create_tenant(const Tenant& t) override {
    auto tw = tenant_write(t);
    if (!tw) return tw.error();
    return transaction(*pool_, [&](Connection& c) -> Status {
      auto w = write(c, kInsertTenant, "insert tenant", t.id, t.name, tw->custom_attributes,
                     t.created_at);
      if (!w) return w.error();
      if (auto st = tenant_write_status(c, *w, t.id, "insert tenant"); !st) return st;
      return replace_tenant_domains(c, t.id, tw->domains);
    });
  }

  Result<Tenant> get_tenant(const std::string& id) override {
    return snapshot(*pool_, [&](Connection& c) -> Result<Tenant> {
      auto tenant = one(c, kSelectTenant, "read tenant", read_tenant_row, id);
      if (!tenant) return tenant.error();
      if (!*tenant) return make_error(Errc::kNotFound, "tenant not found: " + id);
      auto domains = all(c, kSelectTenantDomains, "read tenant domains", first_text, id);
      if (!domains) return domains.error();
      (*tenant)->self_provisioning_domains = std::move(*domains);
      return std::move(**tenant);
    });
  }

  Result<std::vector<Tenant>> list_tenants() override {
    return snapshot(*pool_, [&](Connection& c) -> Result<std::vector<Tenant>> {
      auto tenants = all(c, kListTenants, "list tenants", read_tenant_row);
      if (!tenants) return tenants.error();
      auto pairs = all(c, kListTenantDomains, "list tenant domains", read_pair);
      if (!pairs) return pairs.error();
      std::map<std::string, std::vector<std::string>> domains;
      for (auto& [tenant_id, domain] : *pairs) domains[tenant_id].push_back(std::move(domain));
      for (auto& tenant : *tenants) {
        if (auto it = domains.find(tenant.id); it != domains.end()) {
          tenant.self_provisioning_domains = std::move(it->second);
        }
      }
      return tenants;
    });
  }

  Status update_tenant(const Tenant& t) override {
    auto tw = tenant_write(t);
    if (!tw) return tw.error();
    return transaction(*pool_, [&](Connection& c) -> Status {
      auto w = write(c, kUpdateTenant, "update tenant", t.name, tw->custom_attributes, t.id);
      if (!w) return w.error();
      if (auto st = tenant_write_status(c, *w, t.id, "update tenant"); !st) return st;
      if (w->changes == 0) return make_error(Errc::kNotFound, "tenant not found: " + t.id);
      return replace_tenant_domains(c, t.id, tw->domains);
    });
  }

  Status delete_tenant(const std::string& id) override {
    return leased(*pool_, [&](Connection& c) {
      return exec_one(c, kDeleteTenant, "delete tenant",
                      make_error(Errc::kNotFound, "tenant not found: " + id), id);
    });
  }

 private:
  Pool pool_;
};

}  // namespace

std::unique_ptr<AccessStore> make_access_store(Pool pool) {
  return std::make_unique<SqliteAccessStore>(std::move(pool));
}

}  // namespace gatehouse::store::sqlite
