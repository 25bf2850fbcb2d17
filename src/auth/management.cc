#include "auth/management.h"

#include <algorithm>
#include <functional>
#include <set>

#include "auth/directory.h"
#include "auth/login_id.h"
#include "gatehouse/crypto/password.h"
#include "gatehouse/crypto/random.h"

namespace gatehouse::auth {

namespace {

std::string join(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : ",") + s;
  return out.empty() ? "(none)" : out;
}

Status check_status(const std::string& s) {
  if (s == "enabled" || s == "disabled") return ok_status();
  return make_error(Errc::kInvalidArgument, "status must be \"enabled\" or \"disabled\"");
}

// The user's tenant memberships with `fn` applied to the one named tenant_id;
// kInvalidArgument when the user is not a member.
Result<std::vector<store::UserTenant>> edit_tenant_roles(
    const store::User& u, const std::string& tenant_id,
    const std::function<void(std::vector<std::string>&)>& fn) {
  auto tenants = u.tenants;
  auto it = std::find_if(tenants.begin(), tenants.end(),
                         [&](const auto& t) { return t.tenant_id == tenant_id; });
  if (it == tenants.end()) {
    return make_error(Errc::kInvalidArgument, "user is not a member of tenant " + tenant_id);
  }
  fn(it->roles);
  return tenants;
}

// The user's roles at project level, or inside `tenant_id` when given.
std::vector<std::string> current_roles(const store::User& u, const std::string& tenant_id) {
  if (tenant_id.empty()) return u.roles;
  for (const auto& t : u.tenants) {
    if (t.tenant_id == tenant_id) return t.roles;
  }
  return {};
}

}  // namespace

Management::Management(PasswordHasher& hasher, store::Store& store, Audit& audit, Clock clock)
    : hasher_(hasher), store_(store), audit_(audit), clock_(std::move(clock)) {}

Result<store::User> Management::create_user(const CreateUserInput& in, const Origin& origin) {
  auto login_id = normalize_login_id(in.login_id);
  if (!login_id) return login_id.error();
  if (auto st = check_status(in.status); !st) return st.error();
  store::NewUser nu;
  if (!in.password.empty()) {
    auto hash = hasher_.hash_new(in.password);
    if (!hash) return hash.error();
    nu.password_hash = std::move(*hash);
  }
  nu.id = crypto::random_id('U');
  nu.login_id = *login_id;
  nu.email = !in.email.empty() ? in.email : (looks_like_email(*login_id) ? *login_id : "");
  nu.phone = in.phone;
  nu.name = in.name;
  nu.status = in.status;
  nu.verified_email = in.verified_email;
  nu.roles = in.roles;
  nu.created_at = clock_();
  auto user = store_.create_user(nu);
  if (!user) return user.error();
  // Fields NewUser does not carry are set in a second, idempotent step; a
  // failure there removes the half-made user.
  if (!in.tenants.empty() || !in.picture.empty() || in.verified_phone) {
    store::UserUpdate rest;
    if (!in.tenants.empty()) rest.tenants = in.tenants;
    if (!in.picture.empty()) rest.picture = in.picture;
    if (in.verified_phone) rest.verified_phone = true;
    auto updated = store_.update_user(user->id, rest);
    if (!updated) {
      (void)store_.delete_user(user->id);
      return updated.error();
    }
    user = std::move(updated);
  }
  audit_.record(origin, "user.created", true, user->id, user->login_id,
                "roles: " + join(user->roles));
  return user;
}

Result<store::User> Management::user_by_login_id(const std::string& login_id) {
  auto id = normalize_login_id(login_id);
  if (!id) return id.error();
  return store_.get_user_by_login_id(*id);
}

Result<store::User> Management::user_by_id(const std::string& user_id) {
  if (user_id.empty()) return make_error(Errc::kInvalidArgument, "The userId field is required");
  return store_.get_user_by_id(user_id);
}

Result<store::UserPage> Management::search_users(store::UserSearch q) {
  if (q.limit <= 0) q.limit = 100;
  if (q.limit > 1000) q.limit = 1000;
  if (q.page < 0) return make_error(Errc::kInvalidArgument, "page must not be negative");
  return store_.search_users(q);
}

Result<store::User> Management::apply(const std::string& user_id, const store::UserUpdate& update,
                                      const Origin& origin, const char* action,
                                      std::string detail) {
  if (update.status) {
    if (auto st = check_status(*update.status); !st) return st.error();
  }
  if (update.login_id) {
    auto id = normalize_login_id(*update.login_id);
    if (!id) return id.error();
  }
  auto before = store_.get_user_by_id(user_id);
  if (!before) return before.error();
  auto after = store_.update_user(user_id, update);
  if (!after) return after.error();
  audit_.record(origin, action, true, after->id, after->login_id, std::move(detail));
  if (before->roles != after->roles && std::string_view(action) != "user.roles.changed") {
    audit_.record(origin, "user.roles.changed", true, after->id, after->login_id,
                  "roles: " + join(after->roles));
  }
  if (before->status != after->status) {
    audit_.record(origin, "user.status.changed", true, after->id, after->login_id,
                  "status: " + after->status);
    if (after->status != "enabled") {
      // A disabled user keeps no session: the next refresh fails.
      if (auto st = store_.revoke_user_refresh_tokens(after->id, clock_()); !st) return st.error();
      audit_.record(origin, "session.revoked", true, after->id, after->login_id, "user disabled");
    }
  }
  return after;
}

Result<store::User> Management::update_user(const std::string& user_id, store::UserUpdate update,
                                            const Origin& origin) {
  if (update.login_id) {
    auto id = normalize_login_id(*update.login_id);
    if (!id) return id.error();
    update.login_id = *id;
  }
  return apply(user_id, update, origin, "user.updated", "");
}

Status Management::delete_user(const std::string& user_id, const Origin& origin) {
  auto user = store_.get_user_by_id(user_id);
  if (!user) return user.error();
  if (auto st = store_.delete_user(user_id); !st) return st;
  audit_.record(origin, "user.deleted", true, user_id, user->login_id);
  return ok_status();
}

Result<store::User> Management::set_roles(const std::string& user_id, const std::string& tenant_id,
                                          std::vector<std::string> roles, const Origin& origin) {
  std::lock_guard lock(edit_mu_);
  return set_roles_locked(user_id, tenant_id, std::move(roles), origin);
}

Result<store::User> Management::set_roles_locked(const std::string& user_id,
                                                 const std::string& tenant_id,
                                                 std::vector<std::string> roles,
                                                 const Origin& origin) {
  std::sort(roles.begin(), roles.end());
  roles.erase(std::unique(roles.begin(), roles.end()), roles.end());
  store::UserUpdate u;
  if (tenant_id.empty()) {
    u.roles = roles;
  } else {
    auto user = store_.get_user_by_id(user_id);
    if (!user) return user.error();
    auto tenants = edit_tenant_roles(*user, tenant_id, [&](auto& r) { r = roles; });
    if (!tenants) return tenants.error();
    u.tenants = std::move(*tenants);
  }
  return apply(user_id, u, origin, "user.roles.changed",
               (tenant_id.empty() ? "roles: " : "tenant " + tenant_id + " roles: ") + join(roles));
}

Result<store::User> Management::add_roles(const std::string& user_id, const std::string& tenant_id,
                                          const std::vector<std::string>& roles,
                                          const Origin& origin) {
  std::lock_guard lock(edit_mu_);
  auto user = store_.get_user_by_id(user_id);
  if (!user) return user.error();
  auto current = current_roles(*user, tenant_id);
  current.insert(current.end(), roles.begin(), roles.end());
  return set_roles_locked(user_id, tenant_id, std::move(current), origin);
}

Result<store::User> Management::remove_roles(const std::string& user_id,
                                             const std::string& tenant_id,
                                             const std::vector<std::string>& roles,
                                             const Origin& origin) {
  std::lock_guard lock(edit_mu_);
  auto user = store_.get_user_by_id(user_id);
  if (!user) return user.error();
  auto current = current_roles(*user, tenant_id);
  std::erase_if(current, [&](const std::string& r) {
    return std::find(roles.begin(), roles.end(), r) != roles.end();
  });
  return set_roles_locked(user_id, tenant_id, std::move(current), origin);
}

Result<store::User> Management::add_tenant(const std::string& user_id, const std::string& tenant_id,
                                           const Origin& origin) {
  std::lock_guard lock(edit_mu_);
  auto user = store_.get_user_by_id(user_id);
  if (!user) return user.error();
  auto tenants = user->tenants;
  bool member = std::any_of(tenants.begin(), tenants.end(),
                            [&](const auto& t) { return t.tenant_id == tenant_id; });
  if (!member) tenants.push_back(store::UserTenant{tenant_id, "", {}});
  store::UserUpdate u;
  u.tenants = std::move(tenants);
  return apply(user_id, u, origin, "user.tenant.added", "tenant " + tenant_id);
}

Result<store::User> Management::remove_tenant(const std::string& user_id,
                                              const std::string& tenant_id, const Origin& origin) {
  std::lock_guard lock(edit_mu_);
  auto user = store_.get_user_by_id(user_id);
  if (!user) return user.error();
  auto tenants = user->tenants;
  std::erase_if(tenants, [&](const auto& t) { return t.tenant_id == tenant_id; });
  store::UserUpdate u;
  u.tenants = std::move(tenants);
  return apply(user_id, u, origin, "user.tenant.removed", "tenant " + tenant_id);
}

Status Management::set_password(const std::string& user_id, const std::string& password,
                                bool temporary, const Origin& origin) {
  auto user = store_.get_user_by_id(user_id);
  if (!user) return user.error();
  auto hash = hasher_.hash_new(password);
  if (!hash) return hash.error();
  if (auto st = store_.set_password_hash(user_id, *hash, temporary); !st) return st;
  audit_.record(origin, "user.password.set", true, user_id, user->login_id,
                temporary ? "temporary" : "active");
  return ok_status();
}

Status Management::expire_password(const std::string& user_id, const Origin& origin) {
  auto user = store_.get_user_by_id(user_id);
  if (!user) return user.error();
  auto cred = store_.get_password(user_id);
  if (!cred) return cred.error();
  if (auto st = store_.set_password_hash(user_id, cred->hash, true); !st) return st;
  audit_.record(origin, "user.password.expired", true, user_id, user->login_id);
  return ok_status();
}

Status Management::logout_user(const std::string& user_id, const Origin& origin) {
  auto user = store_.get_user_by_id(user_id);
  if (!user) return user.error();
  if (auto st = store_.revoke_user_refresh_tokens(user_id, clock_()); !st) return st;
  audit_.record(origin, "session.revoked", true, user_id, user->login_id, "signed out everywhere");
  return ok_status();
}

Status Management::create_role(const store::Role& role, const Origin& origin) {
  if (auto st = check_name("Role", role.name); !st) return st;
  store::Role r = role;
  r.created_at = clock_();
  if (auto st = store_.create_role(r); !st) return st;
  audit_.record(origin, "role.created", true, "", "", role.name);
  return ok_status();
}

// The console and the management API recognise administrators by this role.
constexpr const char* kAdminRole = "admin";

Status Management::update_role(const std::string& name, const store::Role& role,
                               const Origin& origin) {
  if (auto st = check_name("Role", role.name); !st) return st;
  if (name == kAdminRole && role.name != kAdminRole) {
    return make_error(Errc::kInvalidArgument, "The admin role cannot be renamed");
  }
  if (auto st = store_.update_role(name, role); !st) return st;
  audit_.record(origin, "role.updated", true, "", "",
                name == role.name ? name : name + " → " + role.name);
  return ok_status();
}

Status Management::delete_role(const std::string& name, const Origin& origin) {
  if (name == kAdminRole) {
    return make_error(Errc::kInvalidArgument, "The admin role cannot be deleted");
  }
  if (auto st = store_.delete_role(name); !st) return st;
  audit_.record(origin, "role.deleted", true, "", "", name);
  return ok_status();
}

Result<std::vector<store::Role>> Management::list_roles() { return store_.list_roles(); }

Status Management::create_permission(const store::Permission& p, const Origin& origin) {
  if (auto st = check_name("Permission", p.name); !st) return st;
  if (auto st = store_.create_permission(p); !st) return st;
  audit_.record(origin, "permission.created", true, "", "", p.name);
  return ok_status();
}

Status Management::update_permission(const std::string& name, const store::Permission& p,
                                     const Origin& origin) {
  if (auto st = check_name("Permission", p.name); !st) return st;
  if (auto st = store_.update_permission(name, p); !st) return st;
  audit_.record(origin, "permission.updated", true, "", "", name);
  return ok_status();
}

Status Management::delete_permission(const std::string& name, const Origin& origin) {
  if (auto st = store_.delete_permission(name); !st) return st;
  audit_.record(origin, "permission.deleted", true, "", "", name);
  return ok_status();
}

Result<std::vector<store::Permission>> Management::list_permissions() {
  return store_.list_permissions();
}

Result<std::string> Management::create_tenant(store::Tenant t, const Origin& origin) {
  if (t.name.empty() || t.name.size() > 100) {
    return make_error(Errc::kInvalidArgument, "A tenant name is 1 to 100 characters long");
  }
  if (t.id.empty()) t.id = crypto::random_id('T');
  if (t.id.size() > 64)
    return make_error(Errc::kInvalidArgument, "A tenant id is at most 64 characters");
  t.created_at = clock_();
  if (auto st = store_.create_tenant(t); !st) return st.error();
  audit_.record(origin, "tenant.created", true, "", "", t.id + " (" + t.name + ")");
  return t.id;
}

Status Management::update_tenant(const store::Tenant& t, const Origin& origin) {
  if (t.name.empty() || t.name.size() > 100) {
    return make_error(Errc::kInvalidArgument, "A tenant name is 1 to 100 characters long");
  }
  if (auto st = store_.update_tenant(t); !st) return st;
  audit_.record(origin, "tenant.updated", true, "", "", t.id);
  return ok_status();
}

Status Management::delete_tenant(const std::string& id, const Origin& origin) {
  if (auto st = store_.delete_tenant(id); !st) return st;
  audit_.record(origin, "tenant.deleted", true, "", "", id);
  return ok_status();
}

Result<store::Tenant> Management::tenant(const std::string& id) { return store_.get_tenant(id); }

Result<std::vector<store::Tenant>> Management::list_tenants() { return store_.list_tenants(); }

}  // namespace gatehouse::auth
