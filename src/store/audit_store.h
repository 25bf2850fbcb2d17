// AuditStore: the append-only audit log. See stores.h for the conventions every store
// follows.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "gatehouse/result.h"
#include "store/model.h"

namespace gatehouse::store {

class AuditStore {
 public:
  virtual ~AuditStore() = default;

  virtual Result<int64_t> insert(const AuditEvent& e) = 0;  // returns the id
  // All of `events`, in order, in one transaction: all or none (auth::Audit's batches).
  virtual Status insert_all(const std::vector<AuditEvent>& events) = 0;
  // Newest first; limit 1..1000 (kInvalidArgument otherwise).
  virtual Result<std::vector<AuditEvent>> search(const AuditQuery& q) = 0;
  // Successful events of `action` per UTC day in [from, to), days without events omitted
  // (failed sign-ins do not count as sign-ins).
  virtual Result<std::vector<DayCount>> count_by_day(const std::string& action, int64_t from,
                                                     int64_t to) = 0;
};

}  // namespace gatehouse::store
