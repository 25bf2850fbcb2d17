-- 0006_totp: TOTP secrets (authenticator apps, RFC 6238) and the tickets that carry a
-- password sign-in to its TOTP second factor (src/store/totp_store.h). Conventions as in
-- 0001_init.sql.

CREATE TABLE totp_credentials (
  user_id    TEXT PRIMARY KEY NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  -- base32, not hashed: codes are computed from it (docs/security.md, "TOTP").
  secret     TEXT NOT NULL,
  -- The last time step a code was accepted for; only goes forward (no replay).
  last_step  INTEGER NOT NULL DEFAULT -1,
  created_at INTEGER NOT NULL
);

CREATE TABLE mfa_tickets (
  ticket_hash TEXT PRIMARY KEY NOT NULL,  -- hex SHA-256 of the ticket
  user_id     TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  expires_at  INTEGER NOT NULL
);
CREATE INDEX mfa_tickets_user ON mfa_tickets (user_id);
CREATE INDEX mfa_tickets_expires ON mfa_tickets (expires_at);
