-- 0013_tokens_by_family: a refresh token belongs to its family (refresh_families), and
-- through it to its user. The token's foreign key now points at the family, ON DELETE
-- CASCADE, so deleting a user removes its families and their tokens through
-- refresh_families_user and refresh_tokens_family. refresh_tokens_user served only the
-- old cascade from users; without it every token insert (each sign-in and each refresh)
-- writes one index page fewer. user_id stays as a column: reads and rotation check it.
-- Conventions as in 0001_init.sql.

-- A token whose family row is missing cannot be written since 0003; a family for any
-- such token keeps it valid, as 0003 did for the tokens it found.
INSERT INTO refresh_families (id, user_id, created_at, revoked_at)
  SELECT family_id, min(user_id), min(issued_at),
         CASE WHEN count(revoked_at) = count(*) THEN max(revoked_at) END
  FROM refresh_tokens
  WHERE family_id NOT IN (SELECT id FROM refresh_families)
  GROUP BY family_id;

CREATE TABLE refresh_tokens_0013 (
  id          TEXT PRIMARY KEY NOT NULL,
  user_id     TEXT NOT NULL,
  family_id   TEXT NOT NULL REFERENCES refresh_families (id) ON DELETE CASCADE,
  token_hash  TEXT NOT NULL,
  issued_at   INTEGER NOT NULL,
  expires_at  INTEGER NOT NULL,
  revoked_at  INTEGER,
  rotated_at  INTEGER,
  replaced_by TEXT
);
INSERT INTO refresh_tokens_0013
  SELECT id, user_id, family_id, token_hash, issued_at, expires_at, revoked_at, rotated_at,
         replaced_by
  FROM refresh_tokens;
DROP TABLE refresh_tokens;
ALTER TABLE refresh_tokens_0013 RENAME TO refresh_tokens;
CREATE INDEX refresh_tokens_family ON refresh_tokens (family_id);
