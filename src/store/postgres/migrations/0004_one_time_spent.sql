-- 0004_one_time_spent: a sign-in by code or link marks its secret spent instead of deleting
-- it: the same column as the SQLite engine's 0012_one_time_spent.sql, which says why.

ALTER TABLE one_time_secrets ADD COLUMN spent INTEGER NOT NULL DEFAULT 0;
