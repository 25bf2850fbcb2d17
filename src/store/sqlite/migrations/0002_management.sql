-- 0002_management: what the management API needs — expiring passwords, user
-- search, tenant settings, management keys and the audit log. Conventions as in
-- 0001_init.sql.

-- A password marked expired must be replaced before the next sign-in succeeds.
ALTER TABLE password_credentials ADD COLUMN expired INTEGER NOT NULL DEFAULT 0;

-- search_users matches emails case-insensitively (emails arrive lower-cased,
-- but an administrator's search may not).
CREATE INDEX users_email ON users (email COLLATE NOCASE);

-- Custom attributes are kept as the JSON object text they arrived as; the
-- CHECK keeps anything else out (CASE, because json_type fails on bad JSON).
ALTER TABLE tenants ADD COLUMN custom_attributes TEXT NOT NULL DEFAULT '{}'
  CHECK (CASE WHEN json_valid(custom_attributes)
              THEN json_type(custom_attributes) = 'object' ELSE 0 END);
-- list_tenants orders by (name, id).
CREATE INDEX tenants_name ON tenants (name, id);

-- Email domains whose users may join the tenant on their own, in the order
-- given. A child table rather than JSON so that "which tenant owns this
-- domain" is an index lookup. Domains are compared as stored (callers
-- lower-case them, as they do email login ids).
CREATE TABLE tenant_domains (
  tenant_id TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  domain    TEXT NOT NULL,
  position  INTEGER NOT NULL,
  PRIMARY KEY (tenant_id, domain)
);
CREATE INDEX tenant_domains_domain ON tenant_domains (domain);

-- Management API keys. Only the SHA-256 of the key is kept.
CREATE TABLE mgmt_keys (
  id           TEXT PRIMARY KEY NOT NULL,
  name         TEXT NOT NULL DEFAULT '',
  key_hash     TEXT NOT NULL UNIQUE,
  created_at   INTEGER NOT NULL,
  expires_at   INTEGER,
  revoked_at   INTEGER,
  last_used_at INTEGER
);

-- Append-only audit log. AUTOINCREMENT so that ids are never reused, even
-- after old events are pruned: an id is a stable cursor. user_id has no
-- foreign key on purpose: events outlive the users they name.
CREATE TABLE audit_events (
  id         INTEGER PRIMARY KEY AUTOINCREMENT,
  at         INTEGER NOT NULL,
  action     TEXT NOT NULL,
  result     TEXT NOT NULL DEFAULT '',
  user_id    TEXT NOT NULL DEFAULT '',
  login_id   TEXT NOT NULL DEFAULT '',
  actor      TEXT NOT NULL DEFAULT '',
  ip         TEXT NOT NULL DEFAULT '',
  user_agent TEXT NOT NULL DEFAULT '',
  detail     TEXT NOT NULL DEFAULT ''
);
-- Newest first overall, per action (and day counts per action), per user.
CREATE INDEX audit_events_at ON audit_events (at);
CREATE INDEX audit_events_action_at ON audit_events (action, at);
CREATE INDEX audit_events_user_at ON audit_events (user_id, at);
