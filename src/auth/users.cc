#include "auth/users.h"

#include <algorithm>
#include <functional>

#include "auth/login_id.h"
#include "auth/roles.h"
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

Users::Users(PasswordHasher& hasher, store::UserStore& users, Revocations& revocations,
             Audit& audit, Clock clock)
    : hasher_(hasher),
      users_(users),
      revocations_(revocations),
      audit_(audit),
      clock_(std::move(clock)) {}

Result<store::User> Users::create(const NewUserInput& in, const Origin& origin, CreatedAs as) {
  auto login_id = new_login_id(in.login_id);
  if (!login_id) return login_id.error();
  if (auto st = check_status(in.status); !st) return st.error();
  // Creating an account reveals that the login id exists by its nature (Descope answers
  // "user exists"); checking first spares an Argon2id run. create() still decides races.
  if (auto existing = users_.get_by_login_id(*login_id); existing) {
    return make_error(Errc::kUserExists, "A user with this login id already exists");
  } else if (existing.code() != Errc::kUserNotFound) {
    return existing.error();
  }
  store::NewUser nu;
  if (!in.password.empty()) {
    auto hash = hasher_.hash_new(in.password, {*login_id, in.email, in.name});
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
  nu.test = in.test;
  nu.roles = in.roles;
  nu.created_at = clock_();
  auto user = users_.create(nu);
  if (!user) return user.error();
  // Fields NewUser does not carry are set in a second, idempotent step; a failure there
  // removes the half-made user.
  if (!in.tenants.empty() || !in.picture.empty() || in.verified_phone) {
    store::UserUpdate rest;
    if (!in.tenants.empty()) rest.tenants = in.tenants;
    if (!in.picture.empty()) rest.picture = in.picture;
    if (in.verified_phone) rest.verified_phone = true;
    auto updated = users_.update(user->id, rest);
    if (!updated) {
      (void)users_.remove(user->id);
      return updated.error();
    }
    user = std::move(updated);
  }
  audit_.record(origin, std::move(as.action), true, user->id, user->login_id,
                as.detail.empty() ? "roles: " + join(user->roles) : std::move(as.detail));
  return user;
}

Result<store::User> Users::by_id(const std::string& user_id) {
  if (user_id.empty()) return make_error(Errc::kInvalidArgument, "The userId field is required");
  return users_.get_by_id(user_id);
}

Result<store::User> Users::by_login_id(const std::string& login_id) {
  auto id = normalize_login_id(login_id);
  if (!id) return id.error();
  return users_.get_by_login_id(*id);
}

Result<store::User> Users::by_login_id_or_id(const std::string& key) {
  // A key shaped like a user id names that user first: no login id may shadow it (new
  // ones cannot take that shape; the order also protects accounts made before the rule).
  if (looks_like_user_id(key)) {
    auto user = by_id(key);
    if (user || user.code() != Errc::kUserNotFound) return user;
    return by_login_id(key);
  }
  auto user = by_login_id(key);
  if (!user && user.code() == Errc::kUserNotFound) return by_id(key);
  return user;
}

Result<store::UserPage> Users::search(store::UserSearch q) {
  if (q.limit <= 0) q.limit = 100;
  if (q.limit > 1000) q.limit = 1000;
  if (q.page < 0) return make_error(Errc::kInvalidArgument, "page must not be negative");
  return users_.search(q);
}

Result<std::vector<store::User>> Users::list_all() {
  std::vector<store::User> all;
  for (int offset = 0;; offset += 500) {
    auto page = users_.list(500, offset);
    if (!page) return page.error();
    all.insert(all.end(), page->begin(), page->end());
    if (page->size() < 500) return all;
  }
}

Result<store::User> Users::apply(const std::string& user_id, const store::UserUpdate& update,
                                 const Origin& origin, const char* action, std::string detail) {
  return edit(
      user_id, [&](const store::User&) -> Result<store::UserUpdate> { return update; }, origin,
      action, [&](const store::User&) { return detail; });
}

Result<store::User> Users::edit(const std::string& user_id, const store::UserStore::Change& change,
                                const Origin& origin, const char* action,
                                const std::function<std::string(const store::User&)>& detail) {
  auto checked = [&](const store::User& u) -> Result<store::UserUpdate> {
    auto update = change(u);
    if (!update) return update.error();
    if (update->status) {
      if (auto st = check_status(*update->status); !st) return st.error();
    }
    return update;
  };
  // One atomic read-modify-write in the store: concurrent edits of this user, in this
  // process or on another node, never lose each other's changes.
  auto changed = users_.modify(user_id, checked);
  if (!changed) return changed.error();
  const store::User& before = changed->first;
  store::User& after = changed->second;
  audit_.record(origin, action, true, after.id, after.login_id, detail(after));
  if (before.roles != after.roles && std::string_view(action) != "user.roles.changed") {
    audit_.record(origin, "user.roles.changed", true, after.id, after.login_id,
                  "roles: " + join(after.roles));
  }
  if (before.status != after.status) {
    audit_.record(origin, "user.status.changed", true, after.id, after.login_id,
                  "status: " + after.status);
    if (after.status != "enabled") {
      // A disabled user keeps no session: the next refresh fails.
      if (auto st = revocations_.end_user(after.id); !st) return st.error();
      audit_.record(origin, "session.revoked", true, after.id, after.login_id, "user disabled");
    }
  }
  return std::move(after);
}

Result<store::User> Users::update(const std::string& user_id, store::UserUpdate update,
                                  const Origin& origin) {
  if (update.login_id) {
    auto id = new_login_id(*update.login_id);
    if (!id) return id.error();
    update.login_id = *id;
  }
  return apply(user_id, update, origin, "user.updated", "");
}

Status Users::remove(const std::string& user_id, const Origin& origin) {
  auto user = users_.get_by_id(user_id);
  if (!user) return user.error();
  if (auto st = users_.remove(user_id); !st) return st;
  audit_.record(origin, "user.deleted", true, user_id, user->login_id);
  return ok_status();
}

Result<int64_t> Users::remove_test_users(const Origin& origin) {
  store::UserSearch q;
  q.test_only = true;
  q.limit = 1000;
  int64_t removed = 0;
  for (;;) {
    auto page = users_.search(q);
    if (!page) return page.error();
    if (page->users.empty()) break;
    for (const auto& u : page->users) {
      auto st = users_.remove(u.id);
      // Deleted meanwhile by another caller: already gone.
      if (!st && st.code() != Errc::kUserNotFound) return st.error();
      if (st) {
        audit_.record(origin, "user.deleted", true, u.id, u.login_id, "test user");
        ++removed;
      }
    }
  }
  return removed;
}

namespace {

// The update that makes `roles` (sorted, without duplicates) the user's roles: project-level
// when tenant_id is empty, else in that tenant (kInvalidArgument when not a member).
Result<store::UserUpdate> roles_update(const store::User& u, const std::string& tenant_id,
                                       std::vector<std::string> roles) {
  std::sort(roles.begin(), roles.end());
  roles.erase(std::unique(roles.begin(), roles.end()), roles.end());
  store::UserUpdate update;
  if (tenant_id.empty()) {
    update.roles = std::move(roles);
    return update;
  }
  auto tenants = edit_tenant_roles(u, tenant_id, [&](auto& r) { r = roles; });
  if (!tenants) return tenants.error();
  update.tenants = std::move(*tenants);
  return update;
}

}  // namespace

Result<store::User> Users::edit_roles(
    const std::string& user_id, const std::string& tenant_id,
    const std::function<std::vector<std::string>(std::vector<std::string>)>& fn,
    const Origin& origin) {
  return edit(
      user_id,
      [&](const store::User& u) {
        return roles_update(u, tenant_id, fn(current_roles(u, tenant_id)));
      },
      origin, "user.roles.changed",
      [&](const store::User& after) {
        return (tenant_id.empty() ? "roles: " : "tenant " + tenant_id + " roles: ") +
               join(current_roles(after, tenant_id));
      });
}

Result<store::User> Users::set_roles(const std::string& user_id, const std::string& tenant_id,
                                     std::vector<std::string> roles, const Origin& origin) {
  return edit_roles(
      user_id, tenant_id, [&](std::vector<std::string>) { return roles; }, origin);
}

Result<store::User> Users::add_roles(const std::string& user_id, const std::string& tenant_id,
                                     const std::vector<std::string>& roles, const Origin& origin) {
  return edit_roles(
      user_id, tenant_id,
      [&](std::vector<std::string> current) {
        current.insert(current.end(), roles.begin(), roles.end());
        return current;
      },
      origin);
}

Result<store::User> Users::remove_roles(const std::string& user_id, const std::string& tenant_id,
                                        const std::vector<std::string>& roles,
                                        const Origin& origin) {
  return edit_roles(
      user_id, tenant_id,
      [&](std::vector<std::string> current) {
        std::erase_if(current, [&](const std::string& r) {
          return std::find(roles.begin(), roles.end(), r) != roles.end();
        });
        return current;
      },
      origin);
}

Result<store::User> Users::add_tenant(const std::string& user_id, const std::string& tenant_id,
                                      const Origin& origin) {
  return edit(
      user_id,
      [&](const store::User& u) -> Result<store::UserUpdate> {
        auto tenants = u.tenants;
        bool member = std::any_of(tenants.begin(), tenants.end(),
                                  [&](const auto& t) { return t.tenant_id == tenant_id; });
        if (!member) tenants.push_back(store::UserTenant{tenant_id, "", {}});
        store::UserUpdate update;
        update.tenants = std::move(tenants);
        return update;
      },
      origin, "user.tenant.added", [&](const store::User&) { return "tenant " + tenant_id; });
}

Result<store::User> Users::remove_tenant(const std::string& user_id, const std::string& tenant_id,
                                         const Origin& origin) {
  return edit(
      user_id,
      [&](const store::User& u) -> Result<store::UserUpdate> {
        auto tenants = u.tenants;
        std::erase_if(tenants, [&](const auto& t) { return t.tenant_id == tenant_id; });
        store::UserUpdate update;
        update.tenants = std::move(tenants);
        return update;
      },
      origin, "user.tenant.removed", [&](const store::User&) { return "tenant " + tenant_id; });
}

Status Users::set_password(const std::string& user_id, const std::string& password, bool temporary,
                           const Origin& origin) {
  auto user = users_.get_by_id(user_id);
  if (!user) return user.error();
  auto hash = hasher_.hash_new(password, {user->login_id, user->email, user->name});
  if (!hash) return hash.error();
  if (auto st = users_.set_password(user_id, *hash, temporary); !st) return st;
  audit_.record(origin, "user.password.set", true, user_id, user->login_id,
                temporary ? "temporary" : "active");
  if (auto st = revocations_.end_user(user_id); !st) return st;
  audit_.record(origin, "session.revoked", true, user_id, user->login_id, "password set");
  return ok_status();
}

Status Users::expire_password(const std::string& user_id, const Origin& origin) {
  auto user = users_.get_by_id(user_id);
  if (!user) return user.error();
  auto cred = users_.get_password(user_id);
  if (!cred) return cred.error();
  if (auto st = users_.set_password(user_id, cred->hash, true); !st) return st;
  audit_.record(origin, "user.password.expired", true, user_id, user->login_id);
  return ok_status();
}

Status Users::sign_out_everywhere(const std::string& user_id, const Origin& origin) {
  auto user = users_.get_by_id(user_id);
  if (!user) return user.error();
  if (auto st = revocations_.end_user(user_id); !st) return st;
  audit_.record(origin, "session.revoked", true, user_id, user->login_id, "signed out everywhere");
  return ok_status();
}

Result<std::optional<std::string>> Users::ensure_admin(const std::string& email) {
  store::UserSearch q;
  q.role_names = {kAdminRole};
  q.limit = 1;
  auto admins = users_.search(q);
  if (!admins) return admins.error();
  if (admins->total > 0) return std::optional<std::string>();
  NewUserInput in;
  in.login_id = email;
  in.name = "Administrator";
  in.roles = {kAdminRole};
  // Made by the operator, with no mailbox behind it: its address is vouched for, so
  // --email-verification required does not lock the first admin out.
  in.verified_email = true;
  const Origin system{.actor = "system"};
  // 96 random bits; now and then cracklib still calls such a string "systematic", so a
  // refused draw is simply drawn again.
  Result<store::User> user = make_error(Errc::kInternal, "no admin password drawn");
  for (int draw = 0; draw < 20; ++draw) {
    in.password = crypto::random_token(12);
    user = create(in, system);
    if (user || user.code() != Errc::kInvalidArgument) break;
  }
  if (!user) return user.error();
  if (auto st = expire_password(user->id, system); !st) return st.error();
  return std::optional<std::string>(std::move(in.password));
}

}  // namespace gatehouse::auth
