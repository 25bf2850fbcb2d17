// RateLimitStore: counters of attempts per key (a login id, a client address), changed
// atomically so that parallel attempts cannot exceed a limit, and shared by every node
// that uses the same store. The rules (windows, back-off, lockout) are auth's
// (auth/rate_limiter.h); the store only keeps the numbers. See stores.h for the
// conventions every store follows.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "gatehouse/result.h"
#include "store/model.h"

namespace gatehouse::store {

class RateLimitStore {
 public:
  virtual ~RateLimitStore() = default;

  // Reads the counters of `keys` (absent ones all zero), lets `change` set their new
  // values in place and writes them back, in one transaction: two callers never act on
  // the same values. A counter left all zero is deleted. `change` runs inside the
  // transaction: keep it quick and free of I/O.
  virtual Status update(const std::vector<std::string>& keys,
                        const std::function<void(std::vector<RateCounter>&)>& change) = 0;
  // Counters locked at `now` (locked_until > now), by key, in key order.
  virtual Result<std::vector<std::pair<std::string, RateCounter>>> locked(int64_t now) = 0;
};

}  // namespace gatehouse::store
