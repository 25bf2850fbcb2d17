#include "auth/rate_limiter.h"

#include <algorithm>

#include "auth/login_id.h"

namespace gatehouse::auth {

namespace {

constexpr std::string_view kLoginPrefix = "login:";
constexpr std::string_view kAddressPrefix = "ip:";
constexpr std::string_view kSignupPrefix = "signup:";
constexpr std::string_view kSendPrefix = "send:";

// The wait before attempt number `attempts + 1`, once `attempts` reached `free`: 2 s, then
// doubling. Times are whole seconds, so a wait of n seconds lasts between n - 1 and n: the
// first one is 2 so that the attempt right after the free ones is always refused.
int64_t wait_after(const RatePolicy& p, int64_t attempts) {
  int64_t over = attempts - p.free;  // 0 for the first delayed attempt
  if (over < 0) return 0;
  if (over >= 30) return p.max_wait;
  return std::min<int64_t>(int64_t{2} << over, p.max_wait);
}

// Applies one attempt at `now` to `c`; false (and `retry_after`) when it may not start.
bool take(store::RateCounter& c, const RatePolicy& p, int64_t now, int64_t* retry_after) {
  if (c.locked_until > now) {
    *retry_after = c.locked_until - now;
    return false;
  }
  if (c.attempts == 0 || now - c.window_start >= p.period || c.locked_until != 0) {
    c = store::RateCounter{0, now, 0, 0};  // a new window (also after a lockout ended)
  }
  if (c.next_at > now) {
    *retry_after = c.next_at - now;
    return false;
  }
  ++c.attempts;
  if (c.attempts >= p.lock_after) {
    c.locked_until = now + p.period;
  } else if (c.attempts >= p.free) {
    c.next_at = now + wait_after(p, c.attempts);
  }
  return true;
}

Error rate_limited(int64_t retry_after) {
  Error e = make_error(Errc::kRateLimited, "Too many attempts; try again in " +
                                               std::to_string(retry_after) +
                                               (retry_after == 1 ? " second" : " seconds"));
  e.retry_after = retry_after;
  return e;
}

}  // namespace

Status validate(const RatePolicy& p) {
  if (p.free < 1 || p.lock_after < p.free || p.period < 1 || p.max_wait < 1) {
    return make_error(Errc::kInvalidArgument,
                      "a rate limit needs free ≥ 1, lockout after ≥ free and positive times");
  }
  return ok_status();
}

RateLimiter::RateLimiter(store::RateLimitStore& store, RateLimits limits, Audit& audit, Clock clock)
    : store_(store), limits_(limits), audit_(audit), clock_(std::move(clock)) {}

Status RateLimiter::admit(const std::vector<std::string>& keys,
                          const std::vector<RatePolicy>& policies, const Origin& origin,
                          const std::string& login_id) {
  const int64_t now = clock_();
  int64_t retry_after = 0;
  std::vector<bool> locked_now(keys.size(), false);
  auto st = store_.update(keys, [&](std::vector<store::RateCounter>& counters) {
    retry_after = 0;
    // All keys must admit the attempt before any counts it.
    std::vector<store::RateCounter> next = counters;
    for (size_t i = 0; i < keys.size(); ++i) {
      int64_t wait = 0;
      if (!take(next[i], policies[i], now, &wait)) retry_after = std::max(retry_after, wait);
    }
    if (retry_after > 0) return;
    for (size_t i = 0; i < keys.size(); ++i) {
      locked_now[i] = next[i].locked_until != 0 && counters[i].locked_until <= now;
    }
    counters = std::move(next);
  });
  if (!st) return st;
  for (size_t i = 0; i < keys.size(); ++i) {
    if (!locked_now[i]) continue;
    const bool login = keys[i].starts_with(kLoginPrefix) || keys[i].starts_with(kSendPrefix);
    audit_.record(origin, login ? "user.locked" : "address.locked", true, "", login_id,
                  (login ? "login id " : "address ") + keys[i].substr(keys[i].find(':') + 1) +
                      " locked after too many attempts");
  }
  if (retry_after > 0) return rate_limited(retry_after);
  return ok_status();
}

Result<RateLimiter::Attempt> RateLimiter::begin_sign_in(const std::string& login_id,
                                                        const Origin& origin) {
  Attempt a{std::string(kLoginPrefix) + login_id, std::string(kAddressPrefix) + origin.ip};
  if (!limits_.enabled) return a;
  if (auto st =
          admit({a.login_key, a.address_key}, {limits_.login, limits_.address}, origin, login_id);
      !st) {
    return st.error();
  }
  return a;
}

void RateLimiter::end_sign_in(const Attempt& a, bool success) {
  if (!limits_.enabled || !success) return;
  // A right secret ends the login id's run of failures and does not count against the
  // address. A lock taken in the meantime (parallel attempts) stays.
  (void)store_.update({a.login_key, a.address_key}, [&](std::vector<store::RateCounter>& c) {
    if (c[0].locked_until == 0) c[0] = store::RateCounter{};
    if (c[1].locked_until == 0 && c[1].attempts > 0) {
      --c[1].attempts;
      if (c[1].attempts < limits_.address.free) c[1].next_at = 0;
      if (c[1].attempts == 0) c[1] = store::RateCounter{};
    }
  });
}

Status RateLimiter::admit_sign_up(const Origin& origin) {
  if (!limits_.enabled) return ok_status();
  return admit({std::string(kSignupPrefix) + origin.ip}, {limits_.signup}, origin, "");
}

Status RateLimiter::admit_send(const std::string& login_id, const Origin& origin) {
  if (!limits_.enabled) return ok_status();
  return admit({std::string(kSendPrefix) + login_id}, {limits_.send}, origin, login_id);
}

Result<std::vector<Lockout>> RateLimiter::lockouts() {
  auto locked = store_.locked(clock_());
  if (!locked) return locked.error();
  std::vector<Lockout> out;
  for (const auto& [key, c] : *locked) {
    auto colon = key.find(':');
    std::string prefix = key.substr(0, colon + 1);
    std::string kind = prefix == kLoginPrefix || prefix == kSendPrefix ? "login" : "address";
    out.push_back(Lockout{kind, key.substr(colon + 1), c.attempts, c.locked_until});
  }
  return out;
}

Status RateLimiter::unlock(const std::string& kind, const std::string& value,
                           const Origin& origin) {
  if (value.empty()) return make_error(Errc::kInvalidArgument, "Say what to unlock");
  std::vector<std::string> keys;
  std::string shown = value;
  if (kind == "login") {
    auto id = normalize_login_id(value);  // counted under the normalised id
    if (!id) return id.error();
    shown = *id;
    keys = {std::string(kLoginPrefix) + *id, std::string(kSendPrefix) + *id};
  } else if (kind == "address") {
    keys = {std::string(kAddressPrefix) + value, std::string(kSignupPrefix) + value};
  } else {
    return make_error(Errc::kInvalidArgument, "kind must be \"login\" or \"address\"");
  }
  if (auto st = store_.update(keys,
                              [](std::vector<store::RateCounter>& c) {
                                for (auto& x : c) x = store::RateCounter{};
                              });
      !st) {
    return st;
  }
  audit_.record(origin, kind == "login" ? "user.unlocked" : "address.unlocked", true, "",
                kind == "login" ? shown : "", kind + " " + shown + " unlocked");
  return ok_status();
}

}  // namespace gatehouse::auth
