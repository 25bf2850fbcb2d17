// RateLimiter: how many guesses a login id and a client address get.
//
// Every attempt that checks a secret (a sign-in, a password replace) is counted *before*
// the secret is hashed, against two keys: the login id and the client address. Counting
// is one atomic store update for both keys, so parallel attempts cannot exceed a limit,
// and every node sharing the store shares the counts. A key's attempts in its window
// (a window is `period` seconds from its first attempt) run free up to `free`; each
// further one must wait, the wait doubling from 2 s up to `max_wait`; at `lock_after`
// attempts the key is locked for `period`. A refused
// attempt is kRateLimited with Error::retry_after, whatever the password: a lockout is
// no oracle. A success forgets the login id's count and gives the address its attempt
// back, so only failures add up. Sign-ups are counted per address the same way.
//
// Locks and unlocks are audited; Lockouts lists the keys locked now, and an admin can
// unlock one (Users of the console see both).
//
//   auto attempt = limiter.begin_sign_in(login_id, origin);   // before hashing
//   if (!attempt) return attempt.error();                      // 429
//   bool ok = check_password(...);
//   limiter.end_sign_in(*attempt, ok);
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "auth/audit.h"
#include "gatehouse/clock.h"
#include "gatehouse/result.h"
#include "store/rate_limit_store.h"

namespace gatehouse::auth {

struct RatePolicy {
  int free = 5;           // attempts in a window before waits start
  int lock_after = 10;    // attempts in a window that lock the key
  int64_t period = 900;   // seconds: the window, and how long a lockout lasts
  int64_t max_wait = 60;  // seconds, the longest wait between two attempts
};

struct RateLimits {
  bool enabled = true;
  RatePolicy login;  // per login id
  // Per client address. Generous on purpose: a school's classroom signs up and mistypes
  // from behind one NAT address; the per-login limit is what stops guessing one account.
  RatePolicy address{100, 300, 900, 60};   // failures per client address
  RatePolicy signup{100, 1000, 3600, 60};  // sign-ups per client address
  // One-time codes and links mailed to one address: a few at once, then waits, then a
  // lockout, so nobody floods a mailbox or gets fresh codes to guess without end.
  RatePolicy send{3, 10, 900, 60};
};

// A key locked now, for the console.
struct Lockout {
  std::string kind;   // "login" or "address"
  std::string value;  // the login id or the address
  int64_t attempts = 0;
  int64_t locked_until = 0;
};

class RateLimiter {
 public:
  RateLimiter(store::RateLimitStore& store, RateLimits limits, Audit& audit, Clock clock);

  // An admitted attempt; hand it back to end_sign_in with its outcome.
  struct Attempt {
    std::string login_key;
    std::string address_key;
  };

  // kRateLimited (with retry_after) when either key must wait or is locked.
  Result<Attempt> begin_sign_in(const std::string& login_id, const Origin& origin);
  // `success`: the secret was right. Best effort: a store error is logged by the caller's
  // audit, never turned into a failed sign-in.
  void end_sign_in(const Attempt& attempt, bool success);
  // Counts a sign-up from the caller's address; kRateLimited when it must wait.
  Status admit_sign_up(const Origin& origin);
  // Counts a message (code, link) about to be mailed to `login_id`; kRateLimited when the
  // address must wait.
  Status admit_send(const std::string& login_id, const Origin& origin);

  Result<std::vector<Lockout>> lockouts();
  // Forgets the count of a login id or an address ("login" / "address"); audited.
  Status unlock(const std::string& kind, const std::string& value, const Origin& origin);

  const RateLimits& limits() const { return limits_; }

 private:
  Status admit(const std::vector<std::string>& keys, const std::vector<RatePolicy>& policies,
               const Origin& origin, const std::string& login_id);

  store::RateLimitStore& store_;
  RateLimits limits_;
  Audit& audit_;
  Clock clock_;
};

// kInvalidArgument unless `p` is usable (free ≥ 1, lock_after ≥ free, positive times).
Status validate(const RatePolicy& p);

}  // namespace gatehouse::auth
