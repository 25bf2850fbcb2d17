// Management: the rules behind the management API and the admin console —
// users, their roles, tenants and status; roles, permissions and tenants.
//
// Every change is audited with the caller as actor. Disabling a user or
// changing their password revokes their sessions; role changes reach the user
// with their next session token (refresh or sign-in), as in Descope.
// Blocking: call from a worker thread.
#pragma once

#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "auth/audit.h"
#include "auth/password_hasher.h"
#include "gatehouse/clock.h"
#include "gatehouse/result.h"
#include "store/store.h"

namespace gatehouse::auth {

struct CreateUserInput {
  std::string login_id;
  std::string email;
  std::string phone;
  std::string name;
  std::string picture;
  std::string status = "enabled";
  bool verified_email = false;
  bool verified_phone = false;
  std::vector<std::string> roles;
  std::vector<store::UserTenant> tenants;
  std::string password;  // optional
};

class Management {
 public:
  Management(PasswordHasher& hasher, store::Store& store, Audit& audit, Clock clock);

  // --- users ---
  Result<store::User> create_user(const CreateUserInput& in, const Origin& origin);
  Result<store::User> user_by_login_id(const std::string& login_id);
  Result<store::User> user_by_id(const std::string& user_id);
  Result<store::UserPage> search_users(store::UserSearch query);
  Result<store::User> update_user(const std::string& user_id, store::UserUpdate update,
                                  const Origin& origin);
  Status delete_user(const std::string& user_id, const Origin& origin);
  // Project-level roles when tenant_id is empty, else the roles inside that tenant.
  Result<store::User> set_roles(const std::string& user_id, const std::string& tenant_id,
                                std::vector<std::string> roles, const Origin& origin);
  Result<store::User> add_roles(const std::string& user_id, const std::string& tenant_id,
                                const std::vector<std::string>& roles, const Origin& origin);
  Result<store::User> remove_roles(const std::string& user_id, const std::string& tenant_id,
                                   const std::vector<std::string>& roles, const Origin& origin);
  Result<store::User> add_tenant(const std::string& user_id, const std::string& tenant_id,
                                 const Origin& origin);
  Result<store::User> remove_tenant(const std::string& user_id, const std::string& tenant_id,
                                    const Origin& origin);
  // `temporary` passwords must be replaced at the next sign-in.
  Status set_password(const std::string& user_id, const std::string& password, bool temporary,
                      const Origin& origin);
  Status expire_password(const std::string& user_id, const Origin& origin);
  Status logout_user(const std::string& user_id, const Origin& origin);

  // --- roles, permissions, tenants ---
  Status create_role(const store::Role& role, const Origin& origin);
  Status update_role(const std::string& name, const store::Role& role, const Origin& origin);
  Status delete_role(const std::string& name, const Origin& origin);
  Result<std::vector<store::Role>> list_roles();
  Status create_permission(const store::Permission& p, const Origin& origin);
  Status update_permission(const std::string& name, const store::Permission& p,
                           const Origin& origin);
  Status delete_permission(const std::string& name, const Origin& origin);
  Result<std::vector<store::Permission>> list_permissions();
  Result<std::string> create_tenant(store::Tenant t, const Origin& origin);  // returns the id
  Status update_tenant(const store::Tenant& t, const Origin& origin);
  Status delete_tenant(const std::string& id, const Origin& origin);
  Result<store::Tenant> tenant(const std::string& id);
  Result<std::vector<store::Tenant>> list_tenants();

 private:
  Result<store::User> apply(const std::string& user_id, const store::UserUpdate& update,
                            const Origin& origin, const char* action, std::string detail);
  Result<store::User> set_roles_locked(const std::string& user_id, const std::string& tenant_id,
                                       std::vector<std::string> roles, const Origin& origin);

  // Role and tenant edits read the user, change a list and write it back; this
  // keeps concurrent edits in this process from losing each other's changes.
  std::mutex edit_mu_;

  PasswordHasher& hasher_;
  store::Store& store_;
  Audit& audit_;
  Clock clock_;
};

}  // namespace gatehouse::auth
