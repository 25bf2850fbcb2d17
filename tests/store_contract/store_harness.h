// What the store contract suite runs against: one StoreEngine per engine, each
// able to open a fresh, empty Store for one test. TempDir and the Result matchers
// (IsOk, ErrcIs) come from tests/support, shared with the other suites.
#pragma once

#include <functional>
#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include <gmock/gmock.h>

#include "gatehouse/result.h"
#include "store/stores.h"
#include "support/matchers.h"
#include "support/temp_dir.h"

namespace gatehouse::store::testing {

using ::gatehouse::testing::ErrcIs;
using ::gatehouse::testing::IsOk;
using ::gatehouse::testing::TempDir;

// One engine's stores under test and whatever backs them; destroyed after each test.
class StoreHarness {
 public:
  virtual ~StoreHarness() = default;
  virtual Stores& stores() = 0;
};

struct StoreEngine {
  std::string name;  // test name suffix: letters, digits, underscores
  std::function<Result<std::unique_ptr<StoreHarness>>()> open;
  // Non-empty when the engine cannot run here: its tests are skipped with this message.
  std::string skip_reason;
};

inline void PrintTo(const StoreEngine& engine, std::ostream* os) { *os << engine.name; }

// Every engine the contract suite runs against.
std::vector<StoreEngine> store_engines();

// The PostgreSQL test cluster's URL (see store_harness.cc), or "" with *problem saying why.
std::string postgres_test_url(std::string* problem);

// `url` with libpq's `options` parameter setting search_path to `schema`.
std::string with_search_path(const std::string& url, const std::string& schema);

}  // namespace gatehouse::store::testing
