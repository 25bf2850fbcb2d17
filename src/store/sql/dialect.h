// Where the statements of the stores written once for both engines (store/sql/) differ
// between SQLite and PostgreSQL, named in one place. Each engine passes its constant.
#pragma once

#include <string_view>

#include "store/sql/one_time_store.h"

namespace gatehouse::store::sql {

struct Dialect {
  std::string_view one_time_select_by_hash;  // finds a one-time secret by its hash
  std::string_view json_list;  // a subquery: the strings of a JSON array bound to one `?`
  // A user search's text filter: login id, email or name contains the pattern bound to
  // each of its three `?`, ignoring ASCII case (user_filter.h).
  std::string_view user_text_match;
  // The JSON array of the permission names of the role `roles.name`, in any order
  // (access_store.h).
  std::string_view role_permissions;
};

inline constexpr Dialect kSqliteDialect{
    kOneTimeSelectByHashSqlite, "(SELECT value FROM json_each(?))",
    "(users.login_id LIKE ? ESCAPE '\\' OR users.email LIKE ? ESCAPE '\\' "
    "OR users.name LIKE ? ESCAPE '\\')",
    "(SELECT json_group_array(rp.permission_name) FROM role_permissions rp "
    "WHERE rp.role_name = roles.name)"};
// login_id's collation is case-insensitive and nondeterministic, which ILIKE refuses; "C"
// lets ILIKE do the folding.
inline constexpr Dialect kPostgresDialect{
    kOneTimeSelectByHash, "(SELECT json_array_elements_text(?::json))",
    "(users.login_id COLLATE \"C\" ILIKE ? ESCAPE '\\' "
    "OR users.email ILIKE ? ESCAPE '\\' OR users.name ILIKE ? ESCAPE '\\')",
    "(SELECT json_agg(rp.permission_name) FROM role_permissions rp "
    "WHERE rp.role_name = roles.name)"};

}  // namespace gatehouse::store::sql
