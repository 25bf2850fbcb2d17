-- 0003_signing_key_private: the signing keys' private halves move into the store, sealed
-- under the key-encryption key, the same column as the SQLite engine's
-- 0011_signing_key_private.sql. Empty for a key from before this migration until a server
-- seals its <data>/keys/<kid>.pem in, and emptied when a key retires.

ALTER TABLE signing_keys ADD COLUMN private_key TEXT NOT NULL DEFAULT '';
