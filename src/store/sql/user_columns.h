// The columns that read one user whole — the row, and its roles, tenants (with their roles
// and permissions) and permissions as JSON arrays — so one statement reads a user: one
// round trip on PostgreSQL, one snapshot on both engines. For the user store
// (user_store.h) and the session store (session_store.h), which reads a refresh token's user.
#pragma once

#include <algorithm>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>

#include "store/model.h"
#include "store/sql/dialect.h"
#include "store/sql/json_list.h"

namespace gatehouse::store::sql {

// The row's own 15 columns; Dialect::user_lists adds the three lists.
// Qualified, so that a statement can join them to other tables (session_store.h).
inline constexpr std::string_view kUserRowColumns =
    "users.id, users.login_id, users.email, users.phone, users.name, users.picture, "
    "users.status, users.verified_email, users.verified_phone, users.created_at, "
    "users.last_login_at, "
    "EXISTS (SELECT 1 FROM password_credentials p WHERE p.user_id = users.id), "
    "EXISTS (SELECT 1 FROM totp_credentials t WHERE t.user_id = users.id), "
    "EXISTS (SELECT 1 FROM webauthn_credentials w WHERE w.user_id = users.id), users.test";

// The columns of a whole user, for a statement that reads `users` (maybe joined).
inline std::string user_columns(const Dialect& dialect) {
  return std::string(kUserRowColumns) + ", " + std::string(dialect.user_lists);
}

// "SELECT <a whole user> FROM users <rest>".
inline std::string user_select(const Dialect& dialect, std::string_view rest) {
  return "SELECT " + user_columns(dialect) + " FROM users " + std::string(rest);
}

// The tenants column: [[tenant id, tenant name, [role, ...], [permission, ...]], ...]; a
// list may be null (PostgreSQL's json_agg over no rows).
inline std::vector<UserTenant> json_tenants(std::string_view text) {
  std::vector<UserTenant> out;
  if (text.empty()) return out;
  boost::system::error_code ec;
  const auto parsed = boost::json::parse(text, ec);
  if (ec || !parsed.is_array()) return out;
  auto strings = [](const boost::json::value& v) {
    auto list = json_strings(v);
    std::sort(list.begin(), list.end());
    return list;
  };
  for (const auto& item : parsed.get_array()) {
    const auto* fields = item.if_array();
    if (!fields || fields->size() != 4) continue;
    const auto* id = fields->at(0).if_string();
    const auto* name = fields->at(1).if_string();
    out.push_back(UserTenant{id ? std::string(*id) : std::string(),
                             name ? std::string(*name) : std::string(), strings(fields->at(2)),
                             strings(fields->at(3))});
  }
  std::sort(out.begin(), out.end(),
            [](const UserTenant& a, const UserTenant& b) { return a.tenant_id < b.tenant_id; });
  return out;
}

// The user in the columns of user_select, starting at column `first`. Lists are sorted
// here, bytewise (tenants by id), not by ORDER BY: the same order on both engines whatever
// collation a PostgreSQL database was created with.
template <class Statement>
User read_user_columns(const Statement& s, int first) {
  User u;
  u.id = s.column_text(first + 0);
  u.login_id = s.column_text(first + 1);
  u.email = s.column_text(first + 2);
  u.phone = s.column_text(first + 3);
  u.name = s.column_text(first + 4);
  u.picture = s.column_text(first + 5);
  u.status = s.column_text(first + 6);
  u.verified_email = s.column_bool(first + 7);
  u.verified_phone = s.column_bool(first + 8);
  u.created_at = s.column_int64(first + 9);
  u.last_login_at = s.column_int64(first + 10);
  u.has_password = s.column_bool(first + 11);
  u.has_totp = s.column_bool(first + 12);
  u.has_webauthn = s.column_bool(first + 13);
  u.test = s.column_bool(first + 14);
  u.roles = json_strings(s.column_text(first + 15));
  std::sort(u.roles.begin(), u.roles.end());
  u.tenants = json_tenants(s.column_text(first + 16));
  u.permissions = json_strings(s.column_text(first + 17));
  std::sort(u.permissions.begin(), u.permissions.end());
  return u;
}

}  // namespace gatehouse::store::sql
