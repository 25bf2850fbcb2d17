-- 0012_one_time_spent: a sign-in by code or link marks its secret spent (spent = 1)
-- instead of deleting the row. The update changes a column no index holds, so it writes
-- only the row's own page; the delete also took the row out of one_time_secrets_hash and
-- one_time_secrets_expiry, two more pages in the same commit. A spent row reads as absent
-- (src/store/sql/one_time_store.h) and is swept with the expired ones minutes later.
-- Conventions as in 0001_init.sql.

ALTER TABLE one_time_secrets ADD COLUMN spent INTEGER NOT NULL DEFAULT 0;
