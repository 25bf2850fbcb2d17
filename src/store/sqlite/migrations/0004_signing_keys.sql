-- 0004_signing_keys: the signing keys' public halves and their lifecycle
-- (next → current → previous → retired; src/auth/key_ring.h). The private keys
-- stay in <data>/keys/<kid>.pem (0600), never in the database. Conventions as
-- in 0001_init.sql.

CREATE TABLE signing_keys (
  kid            TEXT PRIMARY KEY NOT NULL,
  alg            TEXT NOT NULL,
  -- The public JWK as JSON text, exactly as /v2/keys publishes it.
  public_jwk     TEXT NOT NULL CHECK (CASE WHEN json_valid(public_jwk)
                                           THEN json_type(public_jwk) = 'object' ELSE 0 END),
  state          TEXT NOT NULL CHECK (state IN ('next', 'current', 'previous', 'retired')),
  created_at     INTEGER NOT NULL,
  activated_at   INTEGER,
  deactivated_at INTEGER,
  retired_at     INTEGER,
  -- Longest lifetime of a token signed with the key (seconds), raised by each
  -- process that signs with it.
  token_ttl      INTEGER NOT NULL DEFAULT 0
);
-- At most one current and one next key, whatever processes race.
CREATE UNIQUE INDEX signing_keys_one_current ON signing_keys (state) WHERE state = 'current';
CREATE UNIQUE INDEX signing_keys_one_next ON signing_keys (state) WHERE state = 'next';
