// UserStore in SQL both engines run (see README.md): users, password_credentials,
// user_roles, user_tenants and user_tenant_roles. A user is read whole by one statement
// (user_columns.h).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "gatehouse/clock.h"
#include "gatehouse/result.h"
#include "store/sql/constraint.h"
#include "store/sql/dialect.h"
#include "store/sql/text.h"
#include "store/sql/user_columns.h"
#include "store/sql/user_filter.h"
#include "store/user_store.h"

namespace gatehouse::store::sql {

template <class Pool>
class SqlUserStore final : public UserStore {
 public:
  SqlUserStore(Pool pool, const Dialect& dialect)
      : pool_(std::move(pool)),
        dialect_(dialect),
        select_by_id_(user_select(dialect, "WHERE id = ?")),
        // `login_id` is declared COLLATE NOCASE, so `=` ignores ASCII case.
        select_by_login_id_(user_select(dialect, "WHERE login_id = ?")),
        list_(user_select(dialect, "ORDER BY created_at, rowid LIMIT ? OFFSET ?")),
        // search appends its WHERE clause.
        search_(user_select(dialect, "")) {}

  Result<User> create(const NewUser& user) override {
    if (user.id.empty() || user.login_id.empty()) {
      return make_error(Errc::kInvalidArgument, "user id and login id are required");
    }
    if (user.password_hash && user.password_hash->empty()) {
      return make_error(Errc::kInvalidArgument, "empty password hash");
    }
    const auto roles = unique_names(user.roles);
    return transaction(*pool_, [&](auto& c) -> Result<User> {
      if (auto st = check_roles_exist(c, roles); !st) return st.error();
      auto w = write(c, kInsertUser, "insert user", user.id, user.login_id, user.email, user.phone,
                     user.name, user.status, user.verified_email, user.created_at, user.test);
      if (!w) return w.error();
      if (broke(*w) == Broke::kUnique) {
        return make_error(Errc::kUserExists, "login id already exists");
      }
      if (broke(*w) == Broke::kPrimaryKey) {
        return make_error(Errc::kConflict, "user id already exists");
      }
      if (broke(*w) != Broke::kNone) return constraint_failure(c, *w, "insert user");
      if (auto st = replace_user_roles(c, user.id, roles); !st) return st.error();
      if (user.password_hash) {
        if (auto st = exec(c, kUpsertPassword, "insert password", user.id, *user.password_hash,
                           false, user.created_at);
            !st) {
          return st.error();
        }
      }
      return load_user(c, select_by_id_, user.id);
    });
  }

  Result<User> get_by_id(const std::string& user_id) override {
    return leased(*pool_, [&](auto& c) { return load_user(c, select_by_id_, user_id); });
  }

  Result<User> get_by_login_id(const std::string& login_id) override {
    return leased(*pool_, [&](auto& c) { return load_user(c, select_by_login_id_, login_id); });
  }

  Result<std::vector<User>> list(int limit, int offset) override {
    if (limit < 0 || offset < 0) {
      return make_error(Errc::kInvalidArgument, "limit and offset must not be negative");
    }
    return leased(*pool_,
                  [&](auto& c) { return all(c, list_, "list users", read_user, limit, offset); });
  }

  Result<UserPage> search(const UserSearch& query) override {
    if (query.limit < 1 || query.limit > kMaxSearchLimit) {
      return make_error(Errc::kInvalidArgument, "limit must be between 1 and 1000");
    }
    if (query.page < 0) return make_error(Errc::kInvalidArgument, "page must not be negative");
    const int64_t offset = static_cast<int64_t>(query.page) * query.limit;
    const UserFilter filter = user_filter(query, dialect_);
    return snapshot(*pool_, [&](auto& c) -> Result<UserPage> {
      UserPage page;
      // The text depends only on which filters are present (at most 2^7 shapes), so
      // caching it per connection stays bounded.
      auto users = all(
          c, search_ + filter.where + " ORDER BY users.created_at, users.rowid LIMIT ? OFFSET ?",
          "search users", read_user, filter.params, query.limit, offset);
      if (!users) return users.error();
      page.users = std::move(*users);
      if (!page.users.empty() && page.users.size() < static_cast<size_t>(query.limit)) {
        // A short, non-empty page is the last one: no need to count.
        page.total = offset + static_cast<int64_t>(page.users.size());
      } else {
        auto total = one(c, std::string(kCountUsers) + filter.where, "count users", first_int,
                         filter.params);
        if (!total) return total.error();
        page.total = total->value_or(0);
      }
      return page;
    });
  }

  Result<User> update(const std::string& user_id, const UserUpdate& update) override {
    return transaction(*pool_,
                       [&](auto& c) -> Result<User> { return update_in(c, user_id, update); });
  }

  Result<std::pair<User, User>> modify(const std::string& user_id, const Change& change) override {
    return transaction(*pool_, [&](auto& c) -> Result<std::pair<User, User>> {
      auto before = load_user(c, select_by_id_, user_id);
      if (!before) return before.error();
      auto update = change(*before);
      if (!update) return update.error();
      auto after = update_in(c, user_id, *update);
      if (!after) return after.error();
      return std::pair{std::move(*before), std::move(*after)};
    });
  }

  Status remove(const std::string& user_id) override {
    // One statement: the foreign keys cascade inside it.
    return leased(*pool_, [&](auto& c) {
      return exec_one(c, kDeleteUser, "delete user", user_not_found(), user_id);
    });
  }

  Result<PasswordCredential> get_password(const std::string& user_id) override {
    auto row = leased(*pool_, [&](auto& c) {
      return one(c, kSelectPassword, "read password", read_password, user_id);
    });
    if (!row) return row.error();
    if (!*row) return user_not_found();
    if ((*row)->hash.empty()) return make_error(Errc::kNotFound, "user has no password");
    return std::move(**row);
  }

  Status set_password(const std::string& user_id, const std::string& hash, bool expired) override {
    if (hash.empty()) return make_error(Errc::kInvalidArgument, "empty password hash");
    return leased(*pool_, [&](auto& c) -> Status {
      auto w = write(c, kUpsertPassword, "set password", user_id, hash, expired, system_now());
      if (!w) return w.error();
      if (broke(*w) == Broke::kForeignKey) return user_not_found();
      if (broke(*w) != Broke::kNone) return constraint_failure(c, *w, "set password");
      return ok_status();
    });
  }

 private:
  // --- SQL ---

  static constexpr std::string_view kInsertUser =
      "INSERT INTO users (id, login_id, email, phone, name, status, verified_email, created_at, "
      "test) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)";
  // Patch: a NULL parameter keeps the column as it is.
  static constexpr std::string_view kPatchUser =
      "UPDATE users SET login_id = coalesce(?, login_id), email = coalesce(?, email), "
      "phone = coalesce(?, phone), name = coalesce(?, name), picture = coalesce(?, picture), "
      "status = coalesce(?, status), verified_email = coalesce(?, verified_email), "
      "verified_phone = coalesce(?, verified_phone) WHERE id = ?";
  static constexpr std::string_view kDeleteUser = "DELETE FROM users WHERE id = ?";
  static constexpr std::string_view kUserExists = "SELECT 1 FROM users WHERE id = ?";
  static constexpr std::string_view kInsertUserRole =
      "INSERT INTO user_roles (user_id, role_name) VALUES (?, ?)";
  static constexpr std::string_view kDeleteUserRoles = "DELETE FROM user_roles WHERE user_id = ?";
  static constexpr std::string_view kInsertUserTenant =
      "INSERT INTO user_tenants (user_id, tenant_id) VALUES (?, ?)";
  static constexpr std::string_view kInsertUserTenantRole =
      "INSERT INTO user_tenant_roles (user_id, tenant_id, role_name) VALUES (?, ?, ?)";
  // Cascades to user_tenant_roles.
  static constexpr std::string_view kDeleteUserTenants =
      "DELETE FROM user_tenants WHERE user_id = ?";
  static constexpr std::string_view kTenantExists = "SELECT 1 FROM tenants WHERE id = ?";
  static constexpr std::string_view kRoleExists = "SELECT 1 FROM roles WHERE name = ?";

  static constexpr std::string_view kSelectPassword =
      "SELECT p.hash, p.expired, p.updated_at FROM users u "
      "LEFT JOIN password_credentials p ON p.user_id = u.id WHERE u.id = ?";
  static constexpr std::string_view kUpsertPassword =
      "INSERT INTO password_credentials (user_id, hash, expired, updated_at) VALUES (?, ?, ?, ?) "
      "ON CONFLICT (user_id) DO UPDATE SET hash = excluded.hash, expired = excluded.expired, "
      "updated_at = excluded.updated_at";

  static constexpr std::string_view kCountUsers = "SELECT count(*) FROM users";
  static constexpr int kMaxSearchLimit = 1000;

  static Error user_not_found() { return make_error(Errc::kUserNotFound, "user not found"); }

  static constexpr auto read_user = [](const auto& s) { return read_user_columns(s, 0); };
  static constexpr auto read_password = [](const auto& s) {
    return PasswordCredential{s.column_text(0), s.column_bool(1), s.column_int64(2)};
  };

  // --- helpers, inside the caller's transaction ---

  // The user `sql` (user_select with one key parameter) finds; kUserNotFound when none.
  template <class Connection>
  static Result<User> load_user(Connection& c, std::string_view sql, std::string_view key) {
    auto row = one(c, sql, "read user", read_user, key);
    if (!row) return row.error();
    if (!*row) return user_not_found();
    return std::move(**row);
  }

  // kInvalidArgument naming the first unknown role (in sorted order).
  template <class Connection>
  static Status check_roles_exist(Connection& c, const std::set<std::string>& roles) {
    for (const auto& role : roles) {
      auto found = exists(c, kRoleExists, "check role", role);
      if (!found) return found.error();
      if (!*found) return make_error(Errc::kInvalidArgument, "unknown role: " + role);
    }
    return ok_status();
  }

  template <class Connection>
  static Status check_user_exists(Connection& c, const std::string& user_id) {
    auto found = exists(c, kUserExists, "check user", user_id);
    if (!found) return found.error();
    if (!*found) return user_not_found();
    return ok_status();
  }

  // Replaces the user's project-level roles.
  template <class Connection>
  static Status replace_user_roles(Connection& c, const std::string& user_id,
                                   const std::set<std::string>& roles) {
    if (auto st = exec(c, kDeleteUserRoles, "delete user roles", user_id); !st) return st;
    for (const auto& role : roles) {
      auto w = write(c, kInsertUserRole, "insert user role", user_id, role);
      if (!w) return w.error();
      // Roles were checked inside this transaction; a foreign key failure here would mean
      // the check and the schema disagree.
      if (broke(*w) == Broke::kForeignKey) {
        return make_error(Errc::kInvalidArgument, "unknown role: " + role);
      }
      if (broke(*w) != Broke::kNone) return constraint_failure(c, *w, "insert user role");
    }
    return ok_status();
  }

  // Tenant memberships as update writes them: by tenant id, roles merged.
  using TenantRoles = std::map<std::string, std::set<std::string>>;

  static Result<TenantRoles> merge_tenants(const std::vector<UserTenant>& tenants) {
    TenantRoles merged;
    for (const auto& tenant : tenants) {
      if (tenant.tenant_id.empty()) {
        return make_error(Errc::kInvalidArgument, "tenant id is required");
      }
      merged[tenant.tenant_id].insert(tenant.roles.begin(), tenant.roles.end());
    }
    return merged;
  }

  // kInvalidArgument naming the first unknown tenant, then the first unknown tenant role
  // (tenants in id order).
  template <class Connection>
  static Status check_tenants_exist(Connection& c, const TenantRoles& tenants) {
    for (const auto& [tenant_id, roles] : tenants) {
      auto found = exists(c, kTenantExists, "check tenant", tenant_id);
      if (!found) return found.error();
      if (!*found) return make_error(Errc::kInvalidArgument, "unknown tenant: " + tenant_id);
      if (auto st = check_roles_exist(c, roles); !st) return st;
    }
    return ok_status();
  }

  // Replaces the user's memberships (and with them the tenant roles).
  template <class Connection>
  static Status replace_user_tenants(Connection& c, const std::string& user_id,
                                     const TenantRoles& tenants) {
    if (auto st = exec(c, kDeleteUserTenants, "delete user tenants", user_id); !st) return st;
    for (const auto& [tenant_id, roles] : tenants) {
      if (auto st = exec(c, kInsertUserTenant, "insert user tenant", user_id, tenant_id); !st) {
        return st;
      }
      for (const auto& role : roles) {
        if (auto st =
                exec(c, kInsertUserTenantRole, "insert user tenant role", user_id, tenant_id, role);
            !st) {
          return st;
        }
      }
    }
    return ok_status();
  }

  // update() inside the caller's transaction.
  template <class Connection>
  Result<User> update_in(Connection& c, const std::string& user_id, const UserUpdate& update) {
    if (update.login_id && update.login_id->empty()) {
      return make_error(Errc::kInvalidArgument, "login id must not be empty");
    }
    std::optional<std::set<std::string>> roles;
    if (update.roles) roles = unique_names(*update.roles);
    std::optional<TenantRoles> tenants;
    if (update.tenants) {
      auto merged = merge_tenants(*update.tenants);
      if (!merged) return merged.error();
      tenants = std::move(*merged);
    }
    if (auto st = check_user_exists(c, user_id); !st) return st.error();
    // Everything is checked before the first write; the transaction would undo a
    // half-done update anyway, this only keeps the first error the reported one.
    if (roles) {
      if (auto st = check_roles_exist(c, *roles); !st) return st.error();
    }
    if (tenants) {
      if (auto st = check_tenants_exist(c, *tenants); !st) return st.error();
    }
    auto w = write(c, kPatchUser, "update user", update.login_id, update.email, update.phone,
                   update.name, update.picture, update.status, update.verified_email,
                   update.verified_phone, user_id);
    if (!w) return w.error();
    if (broke(*w) == Broke::kUnique) {
      return make_error(Errc::kUserExists, "login id already exists");
    }
    if (broke(*w) != Broke::kNone) return constraint_failure(c, *w, "update user");
    if (roles) {
      if (auto st = replace_user_roles(c, user_id, *roles); !st) return st.error();
    }
    if (tenants) {
      if (auto st = replace_user_tenants(c, user_id, *tenants); !st) return st.error();
    }
    return load_user(c, select_by_id_, user_id);
  }

  Pool pool_;
  const Dialect dialect_;
  const std::string select_by_id_;
  const std::string select_by_login_id_;
  const std::string list_;
  const std::string search_;
};

}  // namespace gatehouse::store::sql
