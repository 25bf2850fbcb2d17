#include "auth/directory.h"

#include <cctype>

#include "auth/login_id.h"
#include "gatehouse/crypto/password.h"
#include "gatehouse/crypto/random.h"

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

Directory::Directory(PasswordHasher& hasher, store::Store& store, Audit& audit, Clock clock)
    : hasher_(hasher), store_(store), audit_(audit), clock_(std::move(clock)) {}

Status Directory::seed_default_roles() {
  auto seeded = store_.get_meta("seeded_default_roles");
  if (!seeded) return seeded.error();
  if (*seeded) return ok_status();
  for (auto [name, desc] : {std::pair{"teacher", "Sees the teacher dashboard"},
                            std::pair{"student", "Sees the student dashboard"},
                            std::pair{"admin", "Uses the admin console and management API"}}) {
    auto st = store_.create_role(store::Role{name, desc, {}, clock_()});
    if (!st && st.code() != Errc::kConflict) return st;
  }
  auto put = store_.put_meta_if_absent("seeded_default_roles", "1");
  if (!put) return put.error();
  return ok_status();
}

Result<store::User> Directory::add_user(const std::string& email, const std::string& password,
                                        const std::string& name,
                                        const std::vector<std::string>& roles) {
  auto login_id = normalize_login_id(email);
  if (!login_id) return login_id.error();
  if (!looks_like_email(*login_id)) {
    return make_error(Errc::kInvalidArgument, "'" + *login_id + "' is not an email address");
  }
  auto hash = hasher_.hash_new(password);
  if (!hash) return hash.error();
  store::NewUser nu;
  nu.id = crypto::random_id('U');
  nu.login_id = *login_id;
  nu.email = *login_id;
  nu.name = name;
  nu.roles = roles;
  nu.password_hash = std::move(*hash);
  nu.created_at = clock_();
  auto user = store_.create_user(nu);
  if (user) audit_.record({.actor = "cli"}, "user.created", true, user->id, user->login_id);
  return user;
}

Result<store::User> Directory::set_roles(const std::string& login_id,
                                         const std::vector<std::string>& roles) {
  auto id = normalize_login_id(login_id);
  if (!id) return id.error();
  auto user = store_.get_user_by_login_id(*id);
  if (!user) return user.error();
  auto updated = store_.set_user_roles(user->id, roles);
  if (updated) {
    std::string detail;
    for (const auto& r : updated->roles) detail += (detail.empty() ? "" : ",") + r;
    audit_.record({.actor = "cli"}, "user.roles.changed", true, updated->id, updated->login_id,
                  "roles: " + (detail.empty() ? std::string("(none)") : detail));
  }
  return updated;
}

Result<std::vector<store::User>> Directory::list_users() {
  std::vector<store::User> all;
  for (int offset = 0;; offset += 500) {
    auto page = store_.list_users(500, offset);
    if (!page) return page.error();
    all.insert(all.end(), page->begin(), page->end());
    if (page->size() < 500) return all;
  }
}

Status Directory::add_role(const std::string& name, const std::string& description) {
  if (auto st = check_name("Role", name); !st) return st;
  auto st = store_.create_role(store::Role{name, description, {}, clock_()});
  if (!st && st.code() == Errc::kConflict) {
    return make_error(Errc::kConflict, "Role '" + name + "' already exists");
  }
  return st;
}

Result<std::vector<store::Role>> Directory::list_roles() { return store_.list_roles(); }

}  // namespace gatehouse::auth
