-- 0011_signing_key_private: the signing keys' private halves move into the store, sealed
-- under the key-encryption key ("v1:" + base64url(nonce || ciphertext), the kid as
-- associated data; core/include/gatehouse/crypto/secret_box.h), so every node on one
-- database has them. Empty for a key from before this migration until the server seals its
-- <data>/keys/<kid>.pem in, and emptied when a key retires. Conventions as in 0001_init.sql.

ALTER TABLE signing_keys ADD COLUMN private_key TEXT NOT NULL DEFAULT '';
