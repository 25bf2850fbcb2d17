-- 0008_test_users: the `test` flag of Descope's test users (management API
-- `POST /v1/mgmt/user/create/test`). Test users are hidden from user search unless the
-- caller asks for them (`withTestUser`) and are the only accounts for which the
-- management API may generate sign-in codes and links. Conventions as in 0001_init.sql.

ALTER TABLE users ADD COLUMN test INTEGER NOT NULL DEFAULT 0;
CREATE INDEX users_test ON users (test) WHERE test = 1;
