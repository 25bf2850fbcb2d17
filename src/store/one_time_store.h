// OneTimeStore: short-lived secrets sent to a person — email one-time codes, magic-link
// tokens, later password-reset links — kept only as a SHA-256 hash (hex) of the secret,
// never the secret itself. See stores.h for the conventions every store follows.
//
// One live secret per purpose and login id: put() replaces the previous one, so a new
// code kills the old. consume() is atomic (one transaction): of two concurrent consumers
// of the same secret exactly one gets kConsumed, and the row is gone afterwards. Wrong
// guesses are counted on the row; the one that reaches `max_attempts` deletes it. Expired
// rows answer kExpired once and are deleted; put() also sweeps every expired row, and
// purge() does so on demand, so nothing outlives its expiry for long.
// A secret spent by the sign-in it proves (SessionStore::insert_spending) is absent to
// every call here from then on, until a new put() for its purpose and login id.
//
//   store.put({.purpose = "otp", .login_id = "ann@x.io", .secret_hash = h, .expires_at = t});
//   Result<Consumed> c = store.consume("otp", "ann@x.io", sha256_hex(code), now, 5);
//   if (c && c->outcome == ConsumeOutcome::kConsumed) ... c->secret.data ...
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "gatehouse/result.h"

namespace gatehouse::store {

struct OneTimeSecret {
  std::string purpose;      // "otp", "magiclink", …
  std::string login_id;     // the address the secret was sent for (normalized by the caller)
  std::string user_id;      // the account, "" when the secret would create it
  std::string secret_hash;  // lower-case hex SHA-256; compared in constant time
  std::string data;         // the caller's own facts (JSON text), never a secret
  int64_t created_at = 0;
  int64_t expires_at = 0;  // dead at and after this second
  int64_t attempts = 0;    // wrong guesses so far
};

enum class ConsumeOutcome {
  kConsumed,   // matched; the row is deleted and returned
  kMismatch,   // wrong secret; the attempt is counted, the row stays
  kExhausted,  // wrong secret and that was the last allowed attempt; the row is deleted
  kExpired,    // the row had expired; it is deleted
  kMissing,    // no row (never sent, replaced, used or deleted)
};

struct Consumed {
  ConsumeOutcome outcome = ConsumeOutcome::kMissing;
  OneTimeSecret secret;  // the row as it was (kConsumed), or after counting (kMismatch)
};

class OneTimeStore {
 public:
  virtual ~OneTimeStore() = default;

  // Stores `secret`, replacing any secret of the same purpose and login id, and deletes
  // every expired row (of any purpose) at secret.created_at.
  virtual Status put(const OneTimeSecret& secret) = 0;
  // The secret of purpose + login_id, compared with `secret_hash` at `now` (see
  // ConsumeOutcome). max_attempts ≥ 1.
  virtual Result<Consumed> consume(const std::string& purpose, const std::string& login_id,
                                   const std::string& secret_hash, int64_t now,
                                   int64_t max_attempts) = 0;
  // The secret of `purpose` whose hash is `secret_hash` (links: the token alone names the
  // row; there is no wrong guess to count). kConsumed, kExpired or kMissing.
  virtual Result<Consumed> consume_by_hash(const std::string& purpose,
                                           const std::string& secret_hash, int64_t now) = 0;
  // The secret of purpose + login_id / of purpose and hash, as it is (nullopt: none),
  // changing nothing: a caller that finds the right secret spends it with the session it
  // starts (SessionStore::insert_spending); any other answer goes through consume().
  virtual Result<std::optional<OneTimeSecret>> find(const std::string& purpose,
                                                    const std::string& login_id) = 0;
  virtual Result<std::optional<OneTimeSecret>> find_by_hash(const std::string& purpose,
                                                            const std::string& secret_hash) = 0;
  // Deletes every row expired at `now`; returns how many.
  virtual Result<int64_t> purge(int64_t now) = 0;
  // Rows of `purpose` alive at `now` (tests and the console; hashes only).
  virtual Result<int64_t> count_live(const std::string& purpose, int64_t now) = 0;
};

}  // namespace gatehouse::store
