// EngineStatus: how the database behind the stores is doing, for GET /readyz and /metrics.
#pragma once

#include <cstddef>

#include "gatehouse/result.h"

namespace gatehouse::store {

struct PoolUsage {
  size_t in_use = 0;  // connections leased right now
  size_t open = 0;    // connections open (idle + in use)
  size_t max = 0;     // the pool's bound
};

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
