// AccessStore: what roles, permissions and tenants exist. Which user holds which role
// is the UserStore's. See stores.h for the conventions every store follows.
#pragma once

#include <string>
#include <vector>

#include "gatehouse/result.h"
#include "store/model.h"

namespace gatehouse::store {

class AccessStore {
 public:
  virtual ~AccessStore() = default;

  // --- roles ---
  // Every permission in role.permissions must exist (kInvalidArgument); kConflict for a
  // taken name.
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
};

}  // namespace gatehouse::store
