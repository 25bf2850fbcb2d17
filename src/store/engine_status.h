// EngineStatus: how the database behind the stores is doing, for GET /readyz and /metrics.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "gatehouse/result.h"

namespace gatehouse::store {

struct PoolUsage {
  size_t in_use = 0;    // connections leased right now
  size_t open = 0;      // connections open (idle + in use)
  size_t max = 0;       // the pool's bound
  uint64_t leases = 0;  // leases ended since the pool opened: one per store call or
                        // transaction, so a route that uses no database adds none
};

// What ping() answers about the schema: ok when the recorded version (the maximum in
// schema_migrations, or the error reading it) is the one this build migrates to.
inline Status schema_status(const Result<int64_t>& version, int64_t want) {
  if (!version) return make_error(Errc::kUnavailable, version.error().message);
  if (*version != want) {
    return make_error(Errc::kUnavailable, "database schema at version " + std::to_string(*version) +
                                              ", this build needs " + std::to_string(want));
  }
  return ok_status();
}

class EngineStatus {
 public:
  virtual ~EngineStatus() = default;
  // OK when the database answers a query and its schema is at the version this build
  // migrates to; kUnavailable otherwise, with what is wrong. Blocking: call it from a
  // worker thread.
  virtual Status ping() = 0;
  // Never blocks on the database.
  virtual PoolUsage pool_usage() = 0;
};

}  // namespace gatehouse::store
