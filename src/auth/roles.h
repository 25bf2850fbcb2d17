// Roles: what roles and permissions exist — create, rename, describe, delete — and the
// rules around them: names, the built-in roles seeded on first start, and the `admin`
// role that the console and the management API recognise administrators by (it can be
// edited but never renamed or deleted). Which user holds a role is Users'. Every change
// is audited with the caller as actor. Blocking: call from a worker thread.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "auth/audit.h"
#include "gatehouse/clock.h"
#include "gatehouse/result.h"
#include "store/access_store.h"
#include "store/meta_store.h"

namespace gatehouse::auth {

// Holders of this role use the admin console and the management API with their session.
inline constexpr const char* kAdminRole = "admin";

// Role and permission names: 1–64 characters of letters, digits, space, '_', '-', '.',
// ':'. `kind` ("Role", "Permission") starts the error message.
Status check_name(std::string_view kind, const std::string& name);

class Roles {
 public:
  Roles(store::AccessStore& access, store::MetaStore& meta, Audit& audit, Clock clock);

  // Creates the tutorial's roles (teacher, student) and `admin` the first time the data
  // directory is used; later deletions are respected.
  Status seed_defaults();
  // kInvalidArgument naming the first of `names` that is not a role.
  Status check_exist(const std::vector<std::string>& names);

  Status create(const store::Role& role, const Origin& origin);  // kConflict if taken
  Status update(const std::string& name, const store::Role& role, const Origin& origin);
  Status remove(const std::string& name, const Origin& origin);
  Result<std::vector<store::Role>> list();

  Status create_permission(const store::Permission& p, const Origin& origin);
  Status update_permission(const std::string& name, const store::Permission& p,
                           const Origin& origin);
  Status remove_permission(const std::string& name, const Origin& origin);
  Result<std::vector<store::Permission>> list_permissions();

 private:
  store::AccessStore& access_;
  store::MetaStore& meta_;
  Audit& audit_;
  Clock clock_;
};

}  // namespace gatehouse::auth
