// What the store contract suite runs against: one StoreEngine per engine, each
// able to open a fresh, empty Store for one test, plus small test helpers
// (a temporary directory, Result matchers).
#pragma once

#include <filesystem>
#include <functional>
#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include <gmock/gmock.h>

#include "gatehouse/result.h"
#include "store/stores.h"

namespace gatehouse {

// gtest prints a Result through this (found by ADL).
template <class T>
void PrintTo(const Result<T>& r, std::ostream* os) {
  if (r.ok()) {
    *os << "ok";
  } else {
    *os << errc_name(r.code()) << ": " << r.error().message;
  }
}

}  // namespace gatehouse

namespace gatehouse::store::testing {

MATCHER(IsOk, "is ok") {
  if (arg.ok()) return true;
  *result_listener << "error " << errc_name(arg.code()) << ": " << arg.error().message;
  return false;
}

MATCHER_P(ErrcIs, code, std::string("fails with ") + errc_name(code)) {
  if (arg.ok()) {
    *result_listener << "succeeded";
    return false;
  }
  *result_listener << "error " << errc_name(arg.code()) << ": " << arg.error().message;
  return arg.code() == code;
}

// A directory under the system temp dir, removed with everything in it.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

// One engine's stores under test and whatever backs them; destroyed after each test.
class StoreHarness {
 public:
  virtual ~StoreHarness() = default;
  virtual Stores& stores() = 0;
};

struct StoreEngine {
  std::string name;  // test name suffix: letters, digits, underscores
  std::function<Result<std::unique_ptr<StoreHarness>>()> open;
};

inline void PrintTo(const StoreEngine& engine, std::ostream* os) { *os << engine.name; }

// Every engine the contract suite runs against.
std::vector<StoreEngine> store_engines();

}  // namespace gatehouse::store::testing
