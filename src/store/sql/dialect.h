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
  // Three columns of the user `users.id`, each a JSON array (user_columns.h): its role
  // names; its tenants as [id, name, [role, ...], [permission, ...]]; the permissions of its
  // roles without repeats. In any order: the reader sorts them.
  std::string_view user_lists;
};

inline constexpr Dialect kSqliteDialect{
    kOneTimeSelectByHashSqlite, "(SELECT value FROM json_each(?))",
    "(users.login_id LIKE ? ESCAPE '\\' OR users.email LIKE ? ESCAPE '\\' "
    "OR users.name LIKE ? ESCAPE '\\')",
    "(SELECT json_group_array(rp.permission_name) FROM role_permissions rp "
    "WHERE rp.role_name = roles.name)",
    // A list read by a subquery is text to json_array, so json() makes it an array again.
    "(SELECT json_group_array(r.role_name) FROM user_roles r WHERE r.user_id = users.id), "
    "(SELECT json_group_array(json_array(ut.tenant_id, tn.name, "
    "   json((SELECT json_group_array(tr.role_name) FROM user_tenant_roles tr "
    "         WHERE tr.user_id = ut.user_id AND tr.tenant_id = ut.tenant_id)), "
    "   json((SELECT json_group_array(DISTINCT rp.permission_name) FROM user_tenant_roles tr "
    "         JOIN role_permissions rp ON rp.role_name = tr.role_name "
    "         WHERE tr.user_id = ut.user_id AND tr.tenant_id = ut.tenant_id)))) "
    " FROM user_tenants ut JOIN tenants tn ON tn.id = ut.tenant_id "
    " WHERE ut.user_id = users.id), "
    "(SELECT json_group_array(DISTINCT rp.permission_name) FROM user_roles r "
    " JOIN role_permissions rp ON rp.role_name = r.role_name WHERE r.user_id = users.id)"};
// login_id's collation is case-insensitive and nondeterministic, which ILIKE refuses; "C"
// lets ILIKE do the folding.
inline constexpr Dialect kPostgresDialect{
    kOneTimeSelectByHash, "(SELECT json_array_elements_text(?::json))",
    "(users.login_id COLLATE \"C\" ILIKE ? ESCAPE '\\' "
    "OR users.email ILIKE ? ESCAPE '\\' OR users.name ILIKE ? ESCAPE '\\')",
    "(SELECT json_agg(rp.permission_name) FROM role_permissions rp "
    "WHERE rp.role_name = roles.name)",
    "(SELECT json_agg(r.role_name) FROM user_roles r WHERE r.user_id = users.id), "
    "(SELECT json_agg(json_build_array(ut.tenant_id, tn.name, "
    "   (SELECT json_agg(tr.role_name) FROM user_tenant_roles tr "
    "    WHERE tr.user_id = ut.user_id AND tr.tenant_id = ut.tenant_id), "
    "   (SELECT json_agg(DISTINCT rp.permission_name) FROM user_tenant_roles tr "
    "    JOIN role_permissions rp ON rp.role_name = tr.role_name "
    "    WHERE tr.user_id = ut.user_id AND tr.tenant_id = ut.tenant_id))) "
    " FROM user_tenants ut JOIN tenants tn ON tn.id = ut.tenant_id "
    " WHERE ut.user_id = users.id), "
    "(SELECT json_agg(DISTINCT rp.permission_name) FROM user_roles r "
    " JOIN role_permissions rp ON rp.role_name = r.role_name WHERE r.user_id = users.id)"};

}  // namespace gatehouse::store::sql
