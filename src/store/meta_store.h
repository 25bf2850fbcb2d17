// MetaStore: small project-wide values (the project id, "default roles were seeded").
// See stores.h for the conventions every store follows.
#pragma once

#include <optional>
#include <string>

#include "gatehouse/result.h"

namespace gatehouse::store {

class MetaStore {
 public:
  virtual ~MetaStore() = default;

  virtual Result<std::optional<std::string>> get(const std::string& key) = 0;
  // Stores `value` unless the key exists; returns the value now stored, so that two
  // processes starting together agree on one.
  virtual Result<std::string> put_if_absent(const std::string& key, const std::string& value) = 0;
};

}  // namespace gatehouse::store
