// Users: the one owner of a user's lifecycle — creating an account (id, login id rules,
// the email default, the password hash, the audit event), reading and searching,
// profile and status changes, roles and tenant memberships, passwords set by an
// administrator, signing a user out everywhere, deleting. Sign-up (PasswordStrategy),
// the management API, the admin console and the CLI all go through it.
//
// Every change is audited with the caller as actor (Origin). Disabling a user or setting
// their password ends every sign-in they have (Revocations: refresh tokens and session
// JWTs stop at once); role changes reach the user with their next session token (refresh
// or sign-in), as in Descope. Blocking: call from a
// worker thread.
//
//   auth::NewUserInput in{.login_id = "ann@example.com", .name = "Ann", .roles = {"teacher"}};
//   in.password = "correct horse battery";
//   Result<store::User> ann = users.create(in, {.actor = "cli"});
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "auth/audit.h"
#include "auth/password_hasher.h"
#include "auth/revocations.h"
#include "gatehouse/clock.h"
#include "gatehouse/result.h"
#include "store/user_store.h"

namespace gatehouse::auth {

struct NewUserInput {
  std::string login_id;
  std::string email;  // defaults to the login id when that looks like an email
  std::string phone;
  std::string name;
  std::string picture;
  std::string status = "enabled";
  bool verified_email = false;
  bool verified_phone = false;
  bool test = false;  // a test user (mgmt `user/create/test`)
  std::vector<std::string> roles;
  std::vector<store::UserTenant> tenants;
  std::string password;  // optional; checked against the password policy
};

// How create() records the new account in the audit log.
struct CreatedAs {
  std::string action = "user.created";
  std::string detail;  // empty = "roles: …" of the new user
};

class Users {
 public:
  Users(PasswordHasher& hasher, store::UserStore& users, Revocations& revocations, Audit& audit,
        Clock clock);

  // --- create, read ---
  // kUserExists when the login id is taken (checked before the password is hashed).
  Result<store::User> create(const NewUserInput& in, const Origin& origin, CreatedAs as = {});
  Result<store::User> by_id(const std::string& user_id);
  Result<store::User> by_login_id(const std::string& login_id);
  // The user whose login id is `key`, else the user whose id is `key` (Descope's SDKs send
  // "loginIdOrUserId" in loginId).
  Result<store::User> by_login_id_or_id(const std::string& key);
  // Limit 0 (or below) means 100, above 1000 means 1000.
  Result<store::UserPage> search(store::UserSearch query);
  Result<std::vector<store::User>> list_all();

  // --- change ---
  // Patch semantics; the login id is normalized; a status change to anything but
  // "enabled" revokes the user's sessions.
  Result<store::User> update(const std::string& user_id, store::UserUpdate update,
                             const Origin& origin);
  Status remove(const std::string& user_id, const Origin& origin);
  // Deletes every test user (mgmt `user/test/delete/all`); how many were deleted.
  Result<int64_t> remove_test_users(const Origin& origin);
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
  // A password chosen by an administrator; `temporary` ones must be replaced at the next
  // sign-in. Either way the user's sign-ins end (the old password may have leaked).
  Status set_password(const std::string& user_id, const std::string& password, bool temporary,
                      const Origin& origin);
  Status expire_password(const std::string& user_id, const Origin& origin);
  // Ends every session of the user (their refresh tokens stop working).
  Status sign_out_everywhere(const std::string& user_id, const Origin& origin);

  // --- first start ---
  // When no user holds the admin role: creates `email` as an admin with a random one-time
  // password, already expired so it must be replaced at the first sign-in, and returns
  // that password. nullopt when an admin exists; kUserExists when `email` is taken by a
  // user who is not an admin.
  Result<std::optional<std::string>> ensure_admin(const std::string& email);

 private:
  Result<store::User> apply(const std::string& user_id, const store::UserUpdate& update,
                            const Origin& origin, const char* action, std::string detail);
  // Applies change(user) to the user as one atomic store step (UserStore::modify), then
  // audits `action` with detail(after) and what else changed (roles, status).
  Result<store::User> edit(const std::string& user_id, const store::UserStore::Change& change,
                           const Origin& origin, const char* action,
                           const std::function<std::string(const store::User&)>& detail);
  // Replaces the project (tenant_id empty) or tenant roles with fn(current roles).
  Result<store::User> edit_roles(
      const std::string& user_id, const std::string& tenant_id,
      const std::function<std::vector<std::string>(std::vector<std::string>)>& fn,
      const Origin& origin);

  PasswordHasher& hasher_;
  store::UserStore& users_;
  Revocations& revocations_;
  Audit& audit_;
  Clock clock_;
};

}  // namespace gatehouse::auth
