-- The PostgreSQL baseline: the same schema, in meaning, as the SQLite engine's
-- migrations 0001..0009 (src/store/sqlite/migrations/). Differences, all internal:
--   * INTEGER is BIGINT (times are Unix seconds; flags are 0 / 1 as in SQLite).
--   * SQLite's COLLATE NOCASE is the ICU collation `nocase` below (case-insensitive
--     equality and uniqueness); SQLite folds ASCII only, ICU folds every script.
--   * AUTOINCREMENT is BIGSERIAL; tables the SQLite engine orders by its implicit rowid
--     get an explicit `rowid BIGSERIAL` column so listings keep insertion order on ties.
--   * json_valid()/json_type() checks call gh_is_json_object(), which answers false for
--     text that is not JSON (a cast would raise a data error instead of a CHECK failure).
-- Later changes are new files (0002_name.sql, ...), applied in order by migrate.cc.

CREATE COLLATION IF NOT EXISTS nocase (provider = icu, locale = 'und-u-ks-level2',
                                       deterministic = false);

CREATE OR REPLACE FUNCTION gh_is_json_object(t text) RETURNS boolean
LANGUAGE plpgsql IMMUTABLE AS $fn$
BEGIN
  RETURN json_typeof(t::json) = 'object';
EXCEPTION WHEN others THEN
  RETURN false;
END
$fn$;

CREATE TABLE meta (
  key   TEXT PRIMARY KEY NOT NULL,
  value TEXT NOT NULL
);

CREATE TABLE users (
  id             TEXT PRIMARY KEY NOT NULL,
  login_id       TEXT COLLATE nocase NOT NULL UNIQUE,
  email          TEXT NOT NULL DEFAULT '',
  phone          TEXT NOT NULL DEFAULT '',
  name           TEXT NOT NULL DEFAULT '',
  picture        TEXT NOT NULL DEFAULT '',
  status         TEXT NOT NULL DEFAULT 'enabled',
  verified_email BIGINT NOT NULL DEFAULT 0,
  verified_phone BIGINT NOT NULL DEFAULT 0,
  created_at     BIGINT NOT NULL,
  last_login_at  BIGINT,
  test           BIGINT NOT NULL DEFAULT 0,
  rowid          BIGSERIAL NOT NULL
);
CREATE INDEX users_created_at ON users (created_at, rowid);
CREATE INDEX users_email ON users (email COLLATE nocase);
CREATE INDEX users_test ON users (test) WHERE test = 1;

CREATE TABLE password_credentials (
  user_id    TEXT PRIMARY KEY NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  hash       TEXT NOT NULL,  -- Argon2id encoded string
  updated_at BIGINT NOT NULL,
  expired    BIGINT NOT NULL DEFAULT 0
);

CREATE TABLE roles (
  name        TEXT PRIMARY KEY NOT NULL,
  description TEXT NOT NULL DEFAULT '',
  created_at  BIGINT NOT NULL DEFAULT 0
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
  id                TEXT PRIMARY KEY NOT NULL,
  name              TEXT NOT NULL,
  created_at        BIGINT NOT NULL DEFAULT 0,
  custom_attributes TEXT NOT NULL DEFAULT '{}' CHECK (gh_is_json_object(custom_attributes))
);
CREATE INDEX tenants_name ON tenants (name, id);

CREATE TABLE tenant_domains (
  tenant_id TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  domain    TEXT NOT NULL,
  position  BIGINT NOT NULL,
  PRIMARY KEY (tenant_id, domain)
);
CREATE INDEX tenant_domains_domain ON tenant_domains (domain);

CREATE TABLE user_tenants (
  user_id   TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  tenant_id TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  PRIMARY KEY (user_id, tenant_id)
);
CREATE INDEX user_tenants_tenant ON user_tenants (tenant_id);

CREATE TABLE user_tenant_roles (
  user_id   TEXT NOT NULL,
  tenant_id TEXT NOT NULL,
  role_name TEXT NOT NULL REFERENCES roles (name) ON DELETE CASCADE ON UPDATE CASCADE,
  PRIMARY KEY (user_id, tenant_id, role_name),
  FOREIGN KEY (user_id, tenant_id) REFERENCES user_tenants (user_id, tenant_id) ON DELETE CASCADE
);
CREATE INDEX user_tenant_roles_role ON user_tenant_roles (role_name);

CREATE TABLE refresh_families (
  id         TEXT PRIMARY KEY NOT NULL,
  user_id    TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  created_at BIGINT NOT NULL,
  revoked_at BIGINT
);
CREATE INDEX refresh_families_user ON refresh_families (user_id);

CREATE TABLE refresh_tokens (
  id          TEXT PRIMARY KEY NOT NULL,
  user_id     TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  family_id   TEXT NOT NULL,
  token_hash  TEXT NOT NULL,
  issued_at   BIGINT NOT NULL,
  expires_at  BIGINT NOT NULL,
  revoked_at  BIGINT,
  rotated_at  BIGINT,
  replaced_by TEXT
);
CREATE INDEX refresh_tokens_user ON refresh_tokens (user_id);
CREATE INDEX refresh_tokens_family ON refresh_tokens (family_id);

CREATE TABLE revocations (
  seq       BIGSERIAL PRIMARY KEY,
  family_id TEXT NOT NULL,
  at        BIGINT NOT NULL
);
CREATE INDEX revocations_at ON revocations (at);

CREATE TABLE mgmt_keys (
  id           TEXT PRIMARY KEY NOT NULL,
  name         TEXT NOT NULL DEFAULT '',
  key_hash     TEXT NOT NULL UNIQUE,
  created_at   BIGINT NOT NULL,
  expires_at   BIGINT,
  revoked_at   BIGINT,
  last_used_at BIGINT,
  rowid        BIGSERIAL NOT NULL
);

CREATE TABLE audit_events (
  id         BIGSERIAL PRIMARY KEY,
  at         BIGINT NOT NULL,
  action     TEXT NOT NULL,
  result     TEXT NOT NULL DEFAULT '',
  user_id    TEXT NOT NULL DEFAULT '',
  login_id   TEXT NOT NULL DEFAULT '',
  actor      TEXT NOT NULL DEFAULT '',
  ip         TEXT NOT NULL DEFAULT '',
  user_agent TEXT NOT NULL DEFAULT '',
  detail     TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_events_at ON audit_events (at);
CREATE INDEX audit_events_action_at ON audit_events (action, at);
CREATE INDEX audit_events_user_at ON audit_events (user_id, at);

CREATE TABLE rate_limits (
  key          TEXT PRIMARY KEY NOT NULL,
  attempts     BIGINT NOT NULL,
  window_start BIGINT NOT NULL,
  next_at      BIGINT NOT NULL DEFAULT 0,
  locked_until BIGINT NOT NULL DEFAULT 0
);

CREATE TABLE signing_keys (
  kid            TEXT PRIMARY KEY NOT NULL,
  alg            TEXT NOT NULL,
  -- The public JWK as JSON text, exactly as /v2/keys publishes it.
  public_jwk     TEXT NOT NULL CHECK (gh_is_json_object(public_jwk)),
  state          TEXT NOT NULL CHECK (state IN ('next', 'current', 'previous', 'retired')),
  created_at     BIGINT NOT NULL,
  activated_at   BIGINT,
  deactivated_at BIGINT,
  retired_at     BIGINT,
  -- Longest lifetime of a token signed with the key (seconds), raised by each
  -- process that signs with it.
  token_ttl      BIGINT NOT NULL DEFAULT 0,
  rowid          BIGSERIAL NOT NULL
);
CREATE UNIQUE INDEX signing_keys_one_current ON signing_keys (state) WHERE state = 'current';
CREATE UNIQUE INDEX signing_keys_one_next ON signing_keys (state) WHERE state = 'next';

CREATE TABLE one_time_secrets (
  purpose     TEXT NOT NULL,
  login_id    TEXT COLLATE nocase NOT NULL,
  user_id     TEXT NOT NULL DEFAULT '',
  secret_hash TEXT NOT NULL,
  data        TEXT NOT NULL DEFAULT '',
  created_at  BIGINT NOT NULL,
  expires_at  BIGINT NOT NULL,
  attempts    BIGINT NOT NULL DEFAULT 0,
  PRIMARY KEY (purpose, login_id)
);
CREATE INDEX one_time_secrets_hash ON one_time_secrets (purpose, secret_hash);
CREATE INDEX one_time_secrets_expiry ON one_time_secrets (expires_at);

CREATE TABLE totp_credentials (
  user_id    TEXT PRIMARY KEY NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  -- base32, not hashed: codes are computed from it (docs/security.md, "TOTP").
  secret     TEXT NOT NULL,
  -- The last time step a code was accepted for; only goes forward (no replay).
  last_step  BIGINT NOT NULL DEFAULT -1,
  created_at BIGINT NOT NULL
);

CREATE TABLE mfa_tickets (
  ticket_hash TEXT PRIMARY KEY NOT NULL,  -- hex SHA-256 of the ticket
  user_id     TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  expires_at  BIGINT NOT NULL
);
CREATE INDEX mfa_tickets_user ON mfa_tickets (user_id);
CREATE INDEX mfa_tickets_expires ON mfa_tickets (expires_at);

CREATE TABLE webauthn_credentials (
  credential_id TEXT PRIMARY KEY NOT NULL,  -- base64url of the raw credential id
  user_id       TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  public_key    TEXT NOT NULL,              -- base64url of the SPKI DER (public, not secret)
  alg           BIGINT NOT NULL,            -- COSE: -7 ES256, -257 RS256
  sign_count    BIGINT NOT NULL DEFAULT 0,
  name          TEXT NOT NULL DEFAULT '',
  created_at    BIGINT NOT NULL,
  last_used_at  BIGINT,
  rowid         BIGSERIAL NOT NULL
);
CREATE INDEX webauthn_credentials_user ON webauthn_credentials (user_id);

CREATE TABLE webauthn_challenges (
  transaction_hash TEXT PRIMARY KEY NOT NULL,  -- hex SHA-256 of the transaction id
  kind             TEXT NOT NULL,              -- signup | signin | update
  challenge        TEXT NOT NULL,              -- base64url
  user_id          TEXT NOT NULL DEFAULT '',   -- no foreign key: sign-up has no user yet
  login_id         TEXT NOT NULL DEFAULT '',
  name             TEXT NOT NULL DEFAULT '',
  require_uv       BIGINT NOT NULL DEFAULT 0,
  origin           TEXT NOT NULL DEFAULT '',
  created_at       BIGINT NOT NULL,
  expires_at       BIGINT NOT NULL
);
CREATE INDEX webauthn_challenges_expires ON webauthn_challenges (expires_at);
