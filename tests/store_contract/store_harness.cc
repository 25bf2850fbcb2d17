#include "store_harness.h"

#include "store/sqlite/sqlite_store.h"

namespace gatehouse::store::testing {

namespace {

// SQLite on a fresh file in its own directory (the -wal and -shm files land
// next to it and go with it).
class SqliteHarness final : public StoreHarness {
 public:
  static Result<std::unique_ptr<StoreHarness>> open() {
    auto harness = std::make_unique<SqliteHarness>();
    auto stores = open_sqlite((harness->dir_.path() / "gatehouse.db").string());
    if (!stores) return stores.error();
    harness->stores_ = std::move(*stores);
    return std::unique_ptr<StoreHarness>(std::move(harness));
  }
  Stores& stores() override { return stores_; }

 private:
  TempDir dir_;  // destroyed after the stores close their files
  Stores stores_;
};

}  // namespace

std::vector<StoreEngine> store_engines() {
  std::vector<StoreEngine> engines;
  engines.push_back({"sqlite", &SqliteHarness::open});

  // ---- PostgreSQL goes here (later issue) ----
  // When src/store/postgres/ lands, add an engine whose open() connects to the
  // database named by GATEHOUSE_TEST_POSTGRES_URL, creates a fresh schema for
  // the test, migrates it and drops it in the harness destructor. Register it
  // only when the variable is set, so machines without PostgreSQL still pass:
  //   if (const char* url = std::getenv("GATEHOUSE_TEST_POSTGRES_URL")) {
  //     engines.push_back({"postgres", [url] { return PostgresHarness::open(url); }});
  //   }

  return engines;
}

}  // namespace gatehouse::store::testing
