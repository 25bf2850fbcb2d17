-- 0005_one_time_secrets: one-time codes and link tokens (store/one_time_store.h). Only a
-- SHA-256 hash of each secret is kept. One row per purpose and login id: a new secret
-- replaces the old. Conventions as in 0001_init.sql.

CREATE TABLE one_time_secrets (
  purpose     TEXT NOT NULL,
  login_id    TEXT NOT NULL COLLATE NOCASE,
  user_id     TEXT NOT NULL DEFAULT '',
  secret_hash TEXT NOT NULL,
  data        TEXT NOT NULL DEFAULT '',
  created_at  INTEGER NOT NULL,
  expires_at  INTEGER NOT NULL,
  attempts    INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (purpose, login_id)
);
-- Links are found by their token's hash.
CREATE INDEX one_time_secrets_hash ON one_time_secrets (purpose, secret_hash);
CREATE INDEX one_time_secrets_expiry ON one_time_secrets (expires_at);
