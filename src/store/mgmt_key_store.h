// MgmtKeyStore: management API keys, by id; only a hash of each key is kept. See
// stores.h for the conventions every store follows.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "gatehouse/result.h"
#include "store/model.h"

namespace gatehouse::store {

class MgmtKeyStore {
 public:
  virtual ~MgmtKeyStore() = default;

  virtual Status insert(const MgmtKey& key) = 0;                 // kConflict on a taken id/hash
  virtual Result<MgmtKey> get(const std::string& id) = 0;        // kNotFound
  virtual Result<std::vector<MgmtKey>> list() = 0;               // oldest first
  virtual Status revoke(const std::string& id, int64_t at) = 0;  // kNotFound; first time kept
  // Records a use (last_used_at never moves backwards); kNotFound.
  virtual Status touch(const std::string& id, int64_t at) = 0;
};

}  // namespace gatehouse::store
