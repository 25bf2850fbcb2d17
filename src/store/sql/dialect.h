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
  // The statement that rotates a refresh token in one go (session_store.h), or empty where
  // the engine cannot (SQLite has no UPDATE inside WITH) and rotates in a transaction.
  std::string_view refresh_rotation;
};

// A rotation in one autocommit statement (READ COMMITTED): mark the old token rotated if
// it is live, of the replacement's user and family, and its family is not revoked; insert
// the replacement from what the mark returned, so no mark means no insert. Parameters:
// at, replacement id, old id, user id, family id, then the replacement's hash, issued_at,
// expires_at, revoked_at, rotated_at, replaced_by.
//
// Why this is safe without SERIALIZABLE:
// - Two rotations of one token: the UPDATE locks the old row; the second waits, and when
//   the first commits PostgreSQL re-checks the WHERE clause on the row's new version
//   (rotated_at is set), so it marks nothing and inserts nothing. If the first rolls back
//   (say, its replacement id was taken) the second goes ahead. Exactly one wins.
// - A family revoked concurrently (end_family: family row, then its tokens, then the log,
//   in one SERIALIZABLE transaction): if it committed before this statement's snapshot,
//   the old token reads as revoked; if it touched the old row first and commits while this
//   statement waits for the lock, the re-check sees revoked_at set. If this statement
//   commits first, end_family either sees the replacement (its snapshot is later) and
//   revokes it, or updates the old row that is live in its snapshot but changed since: a
//   40001, and transaction() runs it again on a snapshot that has the replacement. Either
//   way no live token of the family stays.
// - The statement is atomic: a replacement that breaks a constraint undoes the mark.
inline constexpr std::string_view kPostgresRefreshRotation =
    "WITH old AS ("
    " UPDATE refresh_tokens t SET rotated_at = ?1, replaced_by = ?2"
    " WHERE t.id = ?3 AND t.rotated_at IS NULL AND t.revoked_at IS NULL"
    " AND t.user_id = ?4 AND t.family_id = ?5"
    " AND NOT EXISTS (SELECT 1 FROM refresh_families f"
    "                 WHERE f.id = t.family_id AND f.revoked_at IS NOT NULL)"
    " RETURNING t.user_id, t.family_id) "
    "INSERT INTO refresh_tokens (id, user_id, family_id, token_hash, issued_at, expires_at, "
    "revoked_at, rotated_at, replaced_by) "
    "SELECT ?2, old.user_id, old.family_id, ?6, ?7, ?8, ?9, ?10, ?11 FROM old";

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
    " JOIN role_permissions rp ON rp.role_name = r.role_name WHERE r.user_id = users.id)",
    ""};
// login_id's collation is case-insensitive and nondeterministic, which ILIKE refuses; "C"
// lets ILIKE do the folding.
inline constexpr Dialect kPostgresDialect{
    kOneTimeSelectByHash,
    "(SELECT json_array_elements_text(?::json))",
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
    " JOIN role_permissions rp ON rp.role_name = r.role_name WHERE r.user_id = users.id)",
    kPostgresRefreshRotation};

}  // namespace gatehouse::store::sql
