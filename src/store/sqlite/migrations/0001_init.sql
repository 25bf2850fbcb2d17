-- 0001_init: the first schema. Every later change is a new NNNN_name.sql file;
-- never edit a migration that has shipped.
--
-- Conventions
--   * Times are Unix seconds (INTEGER). An optional time that has not happened
--     yet (last login, revocation, rotation) is NULL; the engine reads it as 0.
--   * Free-text profile fields are NOT NULL DEFAULT '' (the model has no "unset").
--   * login_id is compared case-insensitively with COLLATE NOCASE, which folds
--     ASCII only. Email login ids are lower-cased by the caller before they get
--     here; other login ids keep the caller's spelling.
--   * Child-side foreign key columns that are not the first column of a primary
--     key get their own index, so deletes on the parent do not scan.

CREATE TABLE meta (
  key   TEXT PRIMARY KEY NOT NULL,
  value TEXT NOT NULL
);

CREATE TABLE users (
  id             TEXT PRIMARY KEY NOT NULL,
  login_id       TEXT NOT NULL UNIQUE COLLATE NOCASE,
  email          TEXT NOT NULL DEFAULT '',
  phone          TEXT NOT NULL DEFAULT '',
  name           TEXT NOT NULL DEFAULT '',
  picture        TEXT NOT NULL DEFAULT '',
  status         TEXT NOT NULL DEFAULT 'enabled',
  verified_email INTEGER NOT NULL DEFAULT 0,
  verified_phone INTEGER NOT NULL DEFAULT 0,
  created_at     INTEGER NOT NULL,
  last_login_at  INTEGER
);
-- list_users pages by (created_at, rowid).
CREATE INDEX users_created_at ON users (created_at);

CREATE TABLE password_credentials (
  user_id    TEXT PRIMARY KEY NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  hash       TEXT NOT NULL,  -- Argon2id encoded string
  updated_at INTEGER NOT NULL
);

CREATE TABLE roles (
  name        TEXT PRIMARY KEY NOT NULL,
  description TEXT NOT NULL DEFAULT '',
  created_at  INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE permissions (
  name        TEXT PRIMARY KEY NOT NULL,
  description TEXT NOT NULL DEFAULT ''
);

CREATE TABLE role_permissions (
  role_name       TEXT NOT NULL REFERENCES roles (name) ON DELETE CASCADE ON UPDATE CASCADE,
  permission_name TEXT NOT NULL
                  REFERENCES permissions (name) ON DELETE CASCADE ON UPDATE CASCADE,
  PRIMARY KEY (role_name, permission_name)
);
CREATE INDEX role_permissions_permission ON role_permissions (permission_name);

CREATE TABLE user_roles (
  user_id   TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  role_name TEXT NOT NULL REFERENCES roles (name) ON DELETE CASCADE ON UPDATE CASCADE,
  PRIMARY KEY (user_id, role_name)
);
CREATE INDEX user_roles_role ON user_roles (role_name);

CREATE TABLE tenants (
  id         TEXT PRIMARY KEY NOT NULL,
  name       TEXT NOT NULL,
  created_at INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE user_tenants (
  user_id   TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  tenant_id TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  PRIMARY KEY (user_id, tenant_id)
);
CREATE INDEX user_tenants_tenant ON user_tenants (tenant_id);

-- Roles a user holds inside one tenant; only for tenants the user belongs to.
CREATE TABLE user_tenant_roles (
  user_id   TEXT NOT NULL,
  tenant_id TEXT NOT NULL,
  role_name TEXT NOT NULL REFERENCES roles (name) ON DELETE CASCADE ON UPDATE CASCADE,
  PRIMARY KEY (user_id, tenant_id, role_name),
  FOREIGN KEY (user_id, tenant_id) REFERENCES user_tenants (user_id, tenant_id) ON DELETE CASCADE
);
CREATE INDEX user_tenant_roles_role ON user_tenant_roles (role_name);

-- One row per issued refresh JWT (id = its jti). Only the SHA-256 of the token
-- text is kept. A rotation sets rotated_at + replaced_by on the old row and
-- inserts the new one in the same family.
CREATE TABLE refresh_tokens (
  id          TEXT PRIMARY KEY NOT NULL,
  user_id     TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  family_id   TEXT NOT NULL,
  token_hash  TEXT NOT NULL,
  issued_at   INTEGER NOT NULL,
  expires_at  INTEGER NOT NULL,
  revoked_at  INTEGER,
  rotated_at  INTEGER,
  replaced_by TEXT
);
CREATE INDEX refresh_tokens_user ON refresh_tokens (user_id);
CREATE INDEX refresh_tokens_family ON refresh_tokens (family_id);
