-- 0007_webauthn: passkeys (WebAuthn credentials) and the challenges of ceremonies in
-- progress (src/store/webauthn_store.h). Conventions as in 0001_init.sql.

CREATE TABLE webauthn_credentials (
  credential_id TEXT PRIMARY KEY NOT NULL,  -- base64url of the raw credential id
  user_id       TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  public_key    TEXT NOT NULL,              -- base64url of the SPKI DER (public, not secret)
  alg           INTEGER NOT NULL,           -- COSE: -7 ES256, -257 RS256
  sign_count    INTEGER NOT NULL DEFAULT 0,
  name          TEXT NOT NULL DEFAULT '',
  created_at    INTEGER NOT NULL,
  last_used_at  INTEGER
);
CREATE INDEX webauthn_credentials_user ON webauthn_credentials (user_id);

CREATE TABLE webauthn_challenges (
  transaction_hash TEXT PRIMARY KEY NOT NULL,  -- hex SHA-256 of the transaction id
  kind             TEXT NOT NULL,              -- signup | signin | update
  challenge        TEXT NOT NULL,              -- base64url
  user_id          TEXT NOT NULL DEFAULT '',   -- no foreign key: sign-up has no user yet
  login_id         TEXT NOT NULL DEFAULT '',
  name             TEXT NOT NULL DEFAULT '',
  require_uv       INTEGER NOT NULL DEFAULT 0,
  origin           TEXT NOT NULL DEFAULT '',
  created_at       INTEGER NOT NULL,
  expires_at       INTEGER NOT NULL
);
CREATE INDEX webauthn_challenges_expires ON webauthn_challenges (expires_at);
