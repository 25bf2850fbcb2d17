// The columns that read one user whole on PostgreSQL (the row, and its roles and tenants
// as JSON arrays), for the stores that read a user in the same statement as something
// else: the user store, and SessionStore::get_with_user. Internal to the engine.
#pragma once

#include "store/model.h"
#include "store/postgres/connection.h"

namespace gatehouse::store::postgres {

// A user row carries its roles, tenants (with their roles and permissions) and
// permissions as JSON arrays, so one statement reads a user whole: one round trip and one
// snapshot, no transaction. Same orders as separate queries would give: roles by name,
// tenants by id; permissions are sorted by read_user_columns, bytewise as on SQLite.
#define GH_USER_COLUMNS                                                                 \
  "id, login_id, email, phone, name, picture, status, verified_email, verified_phone, " \
  "created_at, last_login_at, "                                                         \
  "EXISTS (SELECT 1 FROM password_credentials p WHERE p.user_id = users.id), "          \
  "EXISTS (SELECT 1 FROM totp_credentials t WHERE t.user_id = users.id), "              \
  "EXISTS (SELECT 1 FROM webauthn_credentials w WHERE w.user_id = users.id), test, "    \
  "(SELECT json_agg(r.role_name ORDER BY r.role_name) FROM user_roles r "               \
  " WHERE r.user_id = users.id), "                                                      \
  "(SELECT json_agg(json_build_array(ut.tenant_id, tn.name, "                           \
  "   (SELECT json_agg(tr.role_name ORDER BY tr.role_name) FROM user_tenant_roles tr "  \
  "    WHERE tr.user_id = ut.user_id AND tr.tenant_id = ut.tenant_id), "                \
  "   (SELECT json_agg(DISTINCT rp.permission_name) FROM user_tenant_roles tr "         \
  "    JOIN role_permissions rp ON rp.role_name = tr.role_name "                        \
  "    WHERE tr.user_id = ut.user_id AND tr.tenant_id = ut.tenant_id)) "                \
  "   ORDER BY ut.tenant_id) "                                                          \
  " FROM user_tenants ut JOIN tenants tn ON tn.id = ut.tenant_id "                      \
  " WHERE ut.user_id = users.id), "                                                     \
  "(SELECT json_agg(DISTINCT rp.permission_name) FROM user_roles r "                    \
  " JOIN role_permissions rp ON rp.role_name = r.role_name WHERE r.user_id = users.id)"

// The user in the GH_USER_COLUMNS of a row, starting at column `first`.
User read_user_columns(const Statement& s, int first);

}  // namespace gatehouse::store::postgres
