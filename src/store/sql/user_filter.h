// The WHERE clause of a user search (the management API's users/search) and its
// parameters, assembled the same way on both engines from the dialect's text match and
// JSON-list subquery.
#pragma once

#include <string>
#include <string_view>

#include "store/sql/dialect.h"
#include "store/sql/text.h"
#include "store/user_store.h"

namespace gatehouse::store::sql {

// `%text%` for LIKE / ILIKE with `\` as the escape: the text's own %, _ and \ match
// themselves.
inline std::string like_substring(std::string_view text) {
  std::string pattern = "%";
  for (const char ch : text) {
    if (ch == '%' || ch == '_' || ch == '\\') pattern += '\\';
    pattern += ch;
  }
  pattern += '%';
  return pattern;
}

struct UserFilter {
  std::string where;  // "WHERE …", or empty when nothing filters
  Params params;      // in placeholder order
};

// Only the filters present appear, so each shape gets a plan that uses its indexes (ids
// and login ids by their unique indexes, emails by users_email, roles and tenants through
// user_roles_role / user_tenants_tenant); a text filter scans. login_id and email compare
// without ASCII case on both engines (their collation), so IN does as `=` does.
inline UserFilter user_filter(const UserSearch& q, const Dialect& dialect) {
  UserFilter f;
  if (!q.text.empty()) {
    add_condition(f.where, dialect.user_text_match);
    f.params.insert(f.params.end(), 3, like_substring(q.text));
  }
  // `column IN <the JSON list>`
  auto in_list = [&](std::string_view column) {
    return std::string(column) + " IN " + std::string(dialect.json_list);
  };
  auto add_list = [&](const std::vector<std::string>& values, const std::string& clause) {
    if (values.empty()) return;
    add_condition(f.where, clause);
    f.params.emplace_back(json_string_array(values));
  };
  add_list(q.login_ids, in_list("users.login_id"));
  add_list(q.user_ids, in_list("users.id"));
  add_list(q.emails, in_list("users.email COLLATE NOCASE"));
  add_list(q.role_names,
           "users.id IN (SELECT user_id FROM user_roles WHERE " + in_list("role_name") + ")");
  add_list(q.tenant_ids,
           "users.id IN (SELECT user_id FROM user_tenants WHERE " + in_list("tenant_id") + ")");
  add_list(q.statuses, in_list("users.status"));
  if (!q.with_test_user) add_condition(f.where, "users.test = 0");
  if (q.test_only) add_condition(f.where, "users.test = 1");
  return f;
}

}  // namespace gatehouse::store::sql
