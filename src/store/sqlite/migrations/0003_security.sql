-- 0003_security: sign-ins that can be ended for good, the revocations validators
-- apply to session JWTs, and rate-limit counters. Conventions as in 0001_init.sql.

-- One row per sign-in (a refresh-token family). Revoking the row refuses every token of
-- the family, also one written after the revocation: a refresh racing a logout cannot
-- leave a live token behind.
CREATE TABLE refresh_families (
  id         TEXT PRIMARY KEY NOT NULL,
  user_id    TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  created_at INTEGER NOT NULL,
  revoked_at INTEGER
);
CREATE INDEX refresh_families_user ON refresh_families (user_id);
-- Families of tokens issued before this migration: revoked when all their tokens are.
INSERT INTO refresh_families (id, user_id, created_at, revoked_at)
  SELECT family_id, min(user_id), min(issued_at),
         CASE WHEN count(revoked_at) = count(*) THEN max(revoked_at) END
  FROM refresh_tokens GROUP BY family_id;

-- Ended sign-ins, in order: session JWTs carry their family id (`sid`), and every server
-- process keeps the recent ones in memory so that a protected endpoint refuses such a
-- session at once, without a database read per request. Rows older than the longest
-- session lifetime no longer matter and are pruned.
CREATE TABLE revocations (
  seq       INTEGER PRIMARY KEY AUTOINCREMENT,
  family_id TEXT NOT NULL,
  at        INTEGER NOT NULL
);
CREATE INDEX revocations_at ON revocations (at);

-- Attempts per key ("login:<id>", "ip:<address>", "signup:<address>") inside a window,
-- with the earliest time the next attempt may start and a lockout end. Updated in one
-- transaction per attempt, so parallel attempts cannot exceed the limit.
CREATE TABLE rate_limits (
  key          TEXT PRIMARY KEY NOT NULL,
  attempts     INTEGER NOT NULL,
  window_start INTEGER NOT NULL,
  next_at      INTEGER NOT NULL DEFAULT 0,
  locked_until INTEGER NOT NULL DEFAULT 0
);
