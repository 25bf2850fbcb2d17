-- 0009_without_rowid: the tables every sign-in writes keep their rows in their primary
-- key's b-tree (WITHOUT ROWID) instead of a rowid table plus a separate key index, so each
-- insert or delete touches one page fewer. A sign-in by code or link writes
-- one_time_secrets, refresh_families and refresh_tokens; a refresh writes refresh_tokens.
-- Nothing reads their rowids. Same columns, keys and indexes as before (0001, 0003, 0005).
PRAGMA defer_foreign_keys = ON;

CREATE TABLE refresh_families_0009 (
  id         TEXT PRIMARY KEY NOT NULL,
  user_id    TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  created_at INTEGER NOT NULL,
  revoked_at INTEGER
) WITHOUT ROWID;
INSERT INTO refresh_families_0009
  SELECT id, user_id, created_at, revoked_at FROM refresh_families;
DROP TABLE refresh_families;
ALTER TABLE refresh_families_0009 RENAME TO refresh_families;
CREATE INDEX refresh_families_user ON refresh_families (user_id);

CREATE TABLE one_time_secrets_0009 (
  purpose     TEXT NOT NULL,
  login_id    TEXT NOT NULL COLLATE NOCASE,
  user_id     TEXT NOT NULL DEFAULT '',
  secret_hash TEXT NOT NULL,
  data        TEXT NOT NULL DEFAULT '',
  created_at  INTEGER NOT NULL,
  expires_at  INTEGER NOT NULL,
  attempts    INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (purpose, login_id)
) WITHOUT ROWID;
INSERT INTO one_time_secrets_0009
  SELECT purpose, login_id, user_id, secret_hash, data, created_at, expires_at, attempts
  FROM one_time_secrets;
DROP TABLE one_time_secrets;
ALTER TABLE one_time_secrets_0009 RENAME TO one_time_secrets;
CREATE INDEX one_time_secrets_hash ON one_time_secrets (purpose, secret_hash);
CREATE INDEX one_time_secrets_expiry ON one_time_secrets (expires_at);
