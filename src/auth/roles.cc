#include "auth/roles.h"

#include <algorithm>
#include <cctype>

namespace gatehouse::auth {

Status check_name(std::string_view kind, const std::string& name) {
  if (name.empty() || name.size() > 64) {
    return make_error(Errc::kInvalidArgument,
                      std::string(kind) + " names are 1 to 64 characters long");
  }
  for (unsigned char c : name) {
    if (!(std::isalnum(c) || c == ' ' || c == '_' || c == '-' || c == '.' || c == ':')) {
      return make_error(
          Errc::kInvalidArgument,
          std::string(kind) + " names may contain letters, digits, space, '_', '-', '.' and ':'");
    }
  }
  return ok_status();
}

Roles::Roles(store::AccessStore& access, store::MetaStore& meta, Audit& audit, Clock clock)
    : access_(access), meta_(meta), audit_(audit), clock_(std::move(clock)) {}

Status Roles::seed_defaults() {
  auto seeded = meta_.get("seeded_default_roles");
  if (!seeded) return seeded.error();
  if (*seeded) return ok_status();
  for (auto [name, desc] : {std::pair{"teacher", "Sees the teacher dashboard"},
                            std::pair{"student", "Sees the student dashboard"},
                            std::pair{kAdminRole, "Uses the admin console and management API"}}) {
    auto st = access_.create_role(store::Role{name, desc, {}, clock_()});
    if (!st && st.code() != Errc::kConflict) return st;
  }
  auto put = meta_.put_if_absent("seeded_default_roles", "1");
  if (!put) return put.error();
  return ok_status();
}

Status Roles::check_exist(const std::vector<std::string>& names) {
  auto roles = access_.list_roles();
  if (!roles) return roles.error();
  for (const auto& name : names) {
    bool found = std::any_of(roles->begin(), roles->end(),
                             [&](const store::Role& r) { return r.name == name; });
    if (!found) return make_error(Errc::kInvalidArgument, "unknown role: " + name);
  }
  return ok_status();
}

Status Roles::create(const store::Role& role, const Origin& origin) {
  if (auto st = check_name("Role", role.name); !st) return st;
  store::Role r = role;
  r.created_at = clock_();
  if (auto st = access_.create_role(r); !st) return st;
  audit_.record(origin, "role.created", true, "", "", role.name);
  return ok_status();
}

Status Roles::update(const std::string& name, const store::Role& role, const Origin& origin) {
  if (auto st = check_name("Role", role.name); !st) return st;
  if (name == kAdminRole && role.name != kAdminRole) {
    return make_error(Errc::kInvalidArgument, "The admin role cannot be renamed");
  }
  if (auto st = access_.update_role(name, role); !st) return st;
  audit_.record(origin, "role.updated", true, "", "",
                name == role.name ? name : name + " → " + role.name);
  return ok_status();
}

Status Roles::remove(const std::string& name, const Origin& origin) {
  if (name == kAdminRole) {
    return make_error(Errc::kInvalidArgument, "The admin role cannot be deleted");
  }
  if (auto st = access_.delete_role(name); !st) return st;
  audit_.record(origin, "role.deleted", true, "", "", name);
  return ok_status();
}

Result<std::vector<store::Role>> Roles::list() { return access_.list_roles(); }

Status Roles::create_permission(const store::Permission& p, const Origin& origin) {
  if (auto st = check_name("Permission", p.name); !st) return st;
  if (auto st = access_.create_permission(p); !st) return st;
  audit_.record(origin, "permission.created", true, "", "", p.name);
  return ok_status();
}

Status Roles::update_permission(const std::string& name, const store::Permission& p,
                                const Origin& origin) {
  if (auto st = check_name("Permission", p.name); !st) return st;
  if (auto st = access_.update_permission(name, p); !st) return st;
  audit_.record(origin, "permission.updated", true, "", "", name);
  return ok_status();
}

Status Roles::remove_permission(const std::string& name, const Origin& origin) {
  if (auto st = access_.delete_permission(name); !st) return st;
  audit_.record(origin, "permission.deleted", true, "", "", name);
  return ok_status();
}

Result<std::vector<store::Permission>> Roles::list_permissions() {
  return access_.list_permissions();
}

}  // namespace gatehouse::auth
