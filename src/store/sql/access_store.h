// AccessStore in SQL both engines run (see README.md): roles, role_permissions,
// permissions, tenants and tenant_domains.
#pragma once

#include <algorithm>
#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <unordered_set>
#include <utility>
#include <vector>

#include "gatehouse/result.h"
#include "store/access_store.h"
#include "store/sql/constraint.h"
#include "store/sql/json_list.h"
#include "store/sql/text.h"

namespace gatehouse::store::sql {

template <class Pool>
class SqlAccessStore final : public AccessStore {
 public:
  // `role_permissions`: the engine's expression for the JSON array of the permission names
  // of `roles.name` (Dialect::role_permissions), so one statement reads a role whole.
  SqlAccessStore(Pool pool, std::string_view role_permissions)
      : pool_(std::move(pool)),
        select_role_(role_select(role_permissions, "WHERE name = ?")),
        list_roles_(role_select(role_permissions, "ORDER BY name")) {}

  // --- roles ---

  Status create_role(const Role& role) override {
    if (role.name.empty()) return make_error(Errc::kInvalidArgument, "role name is required");
    const auto permissions = unique_names(role.permissions);
    return transaction(*pool_, [&](auto& c) -> Status {
      auto w = write(c, kInsertRole, "insert role", role.name, role.description, role.created_at);
      if (!w) return w.error();
      if (broke(*w) == Broke::kPrimaryKey) {
        return make_error(Errc::kConflict, "role already exists: " + role.name);
      }
      if (broke(*w) != Broke::kNone) return constraint_failure(c, *w, "insert role");
      return replace_role_permissions(c, role.name, permissions);
    });
  }

  Result<std::vector<Role>> list_roles() override {
    return leased(*pool_, [&](auto& c) { return all(c, list_roles_, "list roles", read_role); });
  }

  Result<Role> get_role(const std::string& name) override {
    auto role =
        leased(*pool_, [&](auto& c) { return one(c, select_role_, "read role", read_role, name); });
    if (!role) return role.error();
    if (!*role) return make_error(Errc::kNotFound, "role not found: " + name);
    return std::move(**role);
  }

  Status update_role(const std::string& name, const Role& updated) override {
    if (updated.name.empty()) return make_error(Errc::kInvalidArgument, "role name is required");
    const auto permissions = unique_names(updated.permissions);
    return transaction(*pool_, [&](auto& c) -> Status {
      if (auto st = rename_row(c, kRoleExists, kUpdateRole, name, updated.name, updated.description,
                               "role");
          !st) {
        return st;
      }
      return replace_role_permissions(c, updated.name, permissions);
    });
  }

  Status delete_role(const std::string& name) override {
    return leased(*pool_, [&](auto& c) {
      return exec_one(c, kDeleteRole, "delete role",
                      make_error(Errc::kNotFound, "role not found: " + name), name);
    });
  }

  // --- permissions ---

  Status create_permission(const Permission& p) override {
    if (p.name.empty()) return make_error(Errc::kInvalidArgument, "permission name is required");
    return leased(*pool_, [&](auto& c) -> Status {
      auto w = write(c, kInsertPermission, "insert permission", p.name, p.description);
      if (!w) return w.error();
      if (broke(*w) == Broke::kPrimaryKey) {
        return make_error(Errc::kConflict, "permission already exists: " + p.name);
      }
      if (broke(*w) != Broke::kNone) return constraint_failure(c, *w, "insert permission");
      return ok_status();
    });
  }

  Status update_permission(const std::string& name, const Permission& updated) override {
    if (updated.name.empty()) {
      return make_error(Errc::kInvalidArgument, "permission name is required");
    }
    return transaction(*pool_, [&](auto& c) {
      return rename_row(c, kPermissionExists, kUpdatePermission, name, updated.name,
                        updated.description, "permission");
    });
  }

  Status delete_permission(const std::string& name) override {
    return leased(*pool_, [&](auto& c) {
      return exec_one(c, kDeletePermission, "delete permission",
                      make_error(Errc::kNotFound, "permission not found: " + name), name);
    });
  }

  Result<std::vector<Permission>> list_permissions() override {
    return leased(*pool_, [&](auto& c) {
      return all(c, kListPermissions, "list permissions", read_permission);
    });
  }

  // --- tenants ---

  Status create_tenant(const Tenant& t) override {
    auto tw = tenant_write(t);
    if (!tw) return tw.error();
    return transaction(*pool_, [&](auto& c) -> Status {
      auto w = write(c, kInsertTenant, "insert tenant", t.id, t.name, tw->custom_attributes,
                     t.created_at);
      if (!w) return w.error();
      if (auto st = tenant_write_status(c, *w, t.id, "insert tenant"); !st) return st;
      return replace_tenant_domains(c, t.id, tw->domains);
    });
  }

  Result<Tenant> get_tenant(const std::string& id) override {
    return snapshot(*pool_, [&](auto& c) -> Result<Tenant> {
      auto tenant = one(c, kSelectTenant, "read tenant", read_tenant, id);
      if (!tenant) return tenant.error();
      if (!*tenant) return make_error(Errc::kNotFound, "tenant not found: " + id);
      auto domains = all(c, kSelectTenantDomains, "read tenant domains", first_text, id);
      if (!domains) return domains.error();
      (*tenant)->self_provisioning_domains = std::move(*domains);
      return std::move(**tenant);
    });
  }

  Result<std::vector<Tenant>> list_tenants() override {
    return snapshot(*pool_, [&](auto& c) -> Result<std::vector<Tenant>> {
      auto tenants = all(c, kListTenants, "list tenants", read_tenant);
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
    return transaction(*pool_, [&](auto& c) -> Status {
      auto w = write(c, kUpdateTenant, "update tenant", t.name, tw->custom_attributes, t.id);
      if (!w) return w.error();
      if (auto st = tenant_write_status(c, *w, t.id, "update tenant"); !st) return st;
      if (w->changes == 0) return make_error(Errc::kNotFound, "tenant not found: " + t.id);
      return replace_tenant_domains(c, t.id, tw->domains);
    });
  }

  Status delete_tenant(const std::string& id) override {
    return leased(*pool_, [&](auto& c) {
      return exec_one(c, kDeleteTenant, "delete tenant",
                      make_error(Errc::kNotFound, "tenant not found: " + id), id);
    });
  }

 private:
  // --- SQL ---

  static std::string role_select(std::string_view role_permissions, std::string_view rest) {
    return "SELECT name, description, created_at, " + std::string(role_permissions) +
           " FROM roles " + std::string(rest);
  }

  static constexpr std::string_view kRoleExists = "SELECT 1 FROM roles WHERE name = ?";
  static constexpr std::string_view kInsertRole =
      "INSERT INTO roles (name, description, created_at) VALUES (?, ?, ?)";
  // Renames cascade (ON UPDATE CASCADE) to user_roles, user_tenant_roles and
  // role_permissions.
  static constexpr std::string_view kUpdateRole =
      "UPDATE roles SET name = ?, description = ? WHERE name = ?";
  // Cascades to user_roles, user_tenant_roles and role_permissions.
  static constexpr std::string_view kDeleteRole = "DELETE FROM roles WHERE name = ?";
  static constexpr std::string_view kInsertRolePermission =
      "INSERT INTO role_permissions (role_name, permission_name) VALUES (?, ?)";
  static constexpr std::string_view kDeleteRolePermissions =
      "DELETE FROM role_permissions WHERE role_name = ?";

  static constexpr std::string_view kPermissionExists = "SELECT 1 FROM permissions WHERE name = ?";
  static constexpr std::string_view kInsertPermission =
      "INSERT INTO permissions (name, description) VALUES (?, ?)";
  // Renames cascade to role_permissions.
  static constexpr std::string_view kUpdatePermission =
      "UPDATE permissions SET name = ?, description = ? WHERE name = ?";
  static constexpr std::string_view kDeletePermission = "DELETE FROM permissions WHERE name = ?";
  static constexpr std::string_view kListPermissions =
      "SELECT name, description FROM permissions ORDER BY name";

  static constexpr std::string_view kInsertTenant =
      "INSERT INTO tenants (id, name, custom_attributes, created_at) VALUES (?, ?, ?, ?)";
  static constexpr std::string_view kUpdateTenant =
      "UPDATE tenants SET name = ?, custom_attributes = ? WHERE id = ?";
  // Cascades to user_tenants (and from there user_tenant_roles) and tenant_domains.
  static constexpr std::string_view kDeleteTenant = "DELETE FROM tenants WHERE id = ?";
  static constexpr std::string_view kSelectTenant =
      "SELECT id, name, custom_attributes, created_at FROM tenants WHERE id = ?";
  static constexpr std::string_view kListTenants =
      "SELECT id, name, custom_attributes, created_at FROM tenants ORDER BY name, id";
  static constexpr std::string_view kInsertTenantDomain =
      "INSERT INTO tenant_domains (tenant_id, domain, position) VALUES (?, ?, ?)";
  static constexpr std::string_view kDeleteTenantDomains =
      "DELETE FROM tenant_domains WHERE tenant_id = ?";
  static constexpr std::string_view kSelectTenantDomains =
      "SELECT domain FROM tenant_domains WHERE tenant_id = ? ORDER BY position";
  static constexpr std::string_view kListTenantDomains =
      "SELECT tenant_id, domain FROM tenant_domains ORDER BY tenant_id, position";

  // --- rows ---

  // Permissions sorted bytewise here, not by ORDER BY: the same order whatever collation
  // a PostgreSQL database was created with.
  static constexpr auto read_role = [](const auto& s) {
    Role r{s.column_text(0), s.column_text(1), json_strings(s.column_text(3)), s.column_int64(2)};
    std::sort(r.permissions.begin(), r.permissions.end());
    return r;
  };
  static constexpr auto read_permission = [](const auto& s) {
    return Permission{s.column_text(0), s.column_text(1)};
  };
  static constexpr auto read_tenant = [](const auto& s) {
    Tenant t;
    t.id = s.column_text(0);
    t.name = s.column_text(1);
    t.custom_attributes_json = s.column_text(2);
    t.created_at = s.column_int64(3);
    return t;
  };
  static constexpr auto read_pair = [](const auto& s) {
    return std::pair<std::string, std::string>{s.column_text(0), s.column_text(1)};
  };

  // --- helpers, inside the caller's transaction ---

  // Permissions of a role write: each must exist (kInvalidArgument naming the first unknown
  // one in sorted order), then they replace the role's.
  template <class Connection>
  static Status replace_role_permissions(Connection& c, const std::string& role_name,
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

  // Renames and re-describes the row `name` of roles or permissions. `kind` names the
  // table's subject in messages.
  template <class Connection>
  static Status rename_row(Connection& c, std::string_view exists_sql, std::string_view update_sql,
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
    // Checked above inside the transaction; kept as a guard.
    if (broke(*w) == Broke::kPrimaryKey) {
      return make_error(Errc::kConflict, kind + " already exists: " + new_name);
    }
    if (broke(*w) != Broke::kNone) return constraint_failure(c, *w, "update " + kind);
    return ok_status();
  }

  // A tenant as written: required fields present, domains without duplicates (first
  // spelling and position kept), empty attributes as "{}".
  struct TenantWrite {
    std::vector<std::string> domains;
    std::string custom_attributes;
  };

  static Result<TenantWrite> tenant_write(const Tenant& t) {
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
  template <class Connection, class Written>
  static Status tenant_write_status(Connection& c, const Written& w, const std::string& id,
                                    std::string_view what) {
    switch (broke(w)) {
      case Broke::kNone:
        return ok_status();
      case Broke::kPrimaryKey:
        return make_error(Errc::kConflict, "tenant already exists: " + id);
      case Broke::kCheck:
        return make_error(Errc::kInvalidArgument, "custom attributes must be a JSON object");
      default:
        return constraint_failure(c, w, what);
    }
  }

  template <class Connection>
  static Status replace_tenant_domains(Connection& c, const std::string& tenant_id,
                                       const std::vector<std::string>& domains) {
    if (auto st = exec(c, kDeleteTenantDomains, "delete tenant domains", tenant_id); !st) {
      return st;
    }
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

  Pool pool_;
  const std::string select_role_;
  const std::string list_roles_;
};

}  // namespace gatehouse::store::sql
