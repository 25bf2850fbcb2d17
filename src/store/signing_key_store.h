// SigningKeyStore: the signing keys — public halves, private halves sealed under the
// key-encryption key (crypto/secret_box.h; the store never sees them in clear), and where
// each is in its lifecycle (next → current → previous → retired; auth/key_ring.h has the
// rules). Every node on one database reads its keys here. See stores.h for the
// conventions every store follows.
//
// Every change is one compare-and-set step, so processes that act at once (the server's
// poll, two CLI commands) cannot leave two current keys or two next keys: the loser gets
// kConflict (or false) and nothing of its change is written.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "gatehouse/result.h"

namespace gatehouse::store {

enum class KeyState {
  kNext,      // published, not signing yet
  kCurrent,   // signs every new token; exactly one once the store is initialised
  kPrevious,  // stopped signing; published while tokens it signed may be valid
  kRetired,   // neither signs nor verifies
};

// "next", "current", "previous", "retired".
inline const char* key_state_name(KeyState s) {
  switch (s) {
    case KeyState::kNext:
      return "next";
    case KeyState::kCurrent:
      return "current";
    case KeyState::kPrevious:
      return "previous";
    case KeyState::kRetired:
      return "retired";
  }
  return "?";
}

struct SigningKeyRecord {
  std::string kid;         // RFC 7638 thumbprint
  std::string alg;         // "RS256"
  std::string public_jwk;  // the public JWK as JSON text, as /v2/keys publishes it
  KeyState state = KeyState::kNext;
  int64_t created_at = 0;      // published from (Unix seconds)
  int64_t activated_at = 0;    // became current; 0 = never
  int64_t deactivated_at = 0;  // stopped signing; 0 = still signs or never did
  int64_t retired_at = 0;      // 0 = not retired
  // Longest lifetime (seconds) of a token signed with this key, raised by every process
  // that signs with it: a previous key must verify for this long after deactivated_at.
  int64_t token_ttl = 0;
  // The private key's PEM sealed under the key-encryption key with the kid as associated
  // data ("v1:…", crypto::seal_secret). Required on insert; emptied when the key retires,
  // and empty for a key written by a build that kept it in <data>/keys/<kid>.pem until
  // set_private_key() stores it.
  std::string private_key;

  bool operator==(const SigningKeyRecord&) const = default;
};

// One private half sealed again under a new key-encryption key (`gatehouse key rekey`).
struct ResealedKey {
  std::string kid;
  std::string from;  // the sealed value the store holds now
  std::string to;    // what replaces it
};

class SigningKeyStore {
 public:
  virtual ~SigningKeyStore() = default;

  // Every key, oldest first (created_at, then insertion order).
  virtual Result<std::vector<SigningKeyRecord>> list() = 0;

  // A data directory's first keys: inserts `current` (state kCurrent) and `next` (kNext)
  // when the store holds no key at all. false (nothing written) when it already held one.
  virtual Result<bool> initialize(const SigningKeyRecord& current,
                                  const SigningKeyRecord& next) = 0;

  // Inserts `next` (state kNext) unless a next key exists: false then, nothing written.
  // kConflict on a kid that is taken, or when the current key's sealed private half is no
  // longer `current_sealed` (what the caller read; see rotate).
  virtual Result<bool> add_next(const SigningKeyRecord& next, std::string_view current_sealed) = 0;

  // One lifecycle step, atomically: `from` (current) becomes previous with
  // deactivated_at = at, `to` (next) becomes current with activated_at = at, and
  // `new_next` is inserted as the next key. kConflict when `from` is not the current key
  // or `to` not the next key any more (another process rotated first), on a taken kid, or
  // when `from`'s sealed private half is no longer `from_sealed` (what the caller read):
  // a `key rekey` re-sealed the keys meanwhile, and `new_next`, sealed under the
  // key-encryption key the caller read them with, would be the one key left under the old
  // KEK. Nothing is written then.
  virtual Status rotate(std::string_view from, std::string_view from_sealed, std::string_view to,
                        const SigningKeyRecord& new_next, int64_t at) = 0;

  // `kid` becomes retired (retired_at = at, its private_key emptied, so no secret outlives
  // it) if it is in state `expected`; kConflict when it is in another state, kNotFound for
  // an unknown kid. A current key is never retired.
  virtual Status retire(std::string_view kid, KeyState expected, int64_t at) = 0;

  // Stores the sealed private half of a key that has none (one from before the private
  // halves lived here): true when written; false (nothing written) when the key already
  // has one or is retired. kNotFound for an unknown kid, kInvalidArgument for an empty
  // `sealed`.
  virtual Result<bool> set_private_key(std::string_view kid, std::string_view sealed) = 0;

  // Replaces the sealed private halves of `keys` in one step, for a new key-encryption
  // key: each kid must still hold `from`, and `keys` must name every key that holds a
  // private half (so none stays sealed under the old KEK). kConflict otherwise (another
  // process rotated, retired or re-sealed meanwhile) and nothing is written;
  // kInvalidArgument for an empty `to` or a kid named twice.
  virtual Status reseal_private_keys(const std::vector<ResealedKey>& keys) = 0;

  // token_ttl = max(token_ttl, ttl); kNotFound for an unknown kid.
  virtual Status raise_token_ttl(std::string_view kid, int64_t ttl) = 0;
};

}  // namespace gatehouse::store
