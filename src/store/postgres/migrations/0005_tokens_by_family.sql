-- 0005_tokens_by_family: a refresh token's foreign key points at its family instead of its
-- user, and refresh_tokens_user goes: the same change as the SQLite engine's
-- 0013_tokens_by_family.sql, which says why.

INSERT INTO refresh_families (id, user_id, created_at, revoked_at)
  SELECT family_id, min(user_id), min(issued_at),
         CASE WHEN count(revoked_at) = count(*) THEN max(revoked_at) END
  FROM refresh_tokens t
  WHERE NOT EXISTS (SELECT 1 FROM refresh_families f WHERE f.id = t.family_id)
  GROUP BY family_id;

ALTER TABLE refresh_tokens DROP CONSTRAINT refresh_tokens_user_id_fkey;
ALTER TABLE refresh_tokens ADD CONSTRAINT refresh_tokens_family_id_fkey
  FOREIGN KEY (family_id) REFERENCES refresh_families (id) ON DELETE CASCADE;
DROP INDEX refresh_tokens_user;
