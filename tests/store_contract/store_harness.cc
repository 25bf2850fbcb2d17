#include "store_harness.h"

#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <fstream>

#include "store/postgres/connection.h"
#include "store/postgres/postgres_store.h"
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

// PostgreSQL on a fresh schema of the test cluster's database (tests/store_contract/
// pg_cluster.sh), migrated like a new installation and dropped afterwards, so tests
// never see each other's rows.
class PostgresHarness final : public StoreHarness {
 public:
  static Result<std::unique_ptr<StoreHarness>> open(const std::string& url) {
    static std::atomic<int> counter{0};
    auto admin = postgres::Connection::open(url);
    if (!admin) return admin.error();
    auto harness = std::make_unique<PostgresHarness>();
    harness->url_ = url;
    harness->schema_ =
        "gh_test_" + std::to_string(::getpid()) + "_" + std::to_string(counter.fetch_add(1));
    if (auto st = (*admin)->exec("CREATE SCHEMA " + harness->schema_, "create schema"); !st) {
      return st.error();
    }
    auto stores = open_postgres(with_search_path(url, harness->schema_));
    if (!stores) return stores.error();
    harness->stores_ = std::move(*stores);
    return std::unique_ptr<StoreHarness>(std::move(harness));
  }
  ~PostgresHarness() override {
    stores_ = Stores{};  // closes the pool's connections first
    if (auto admin = postgres::Connection::open(url_)) {
      (void)(*admin)->exec("DROP SCHEMA IF EXISTS " + schema_ + " CASCADE", "drop schema");
    }
  }
  Stores& stores() override { return stores_; }

 private:
  std::string url_;
  std::string schema_;
  Stores stores_;
};

}  // namespace

std::string with_search_path(const std::string& url, const std::string& schema) {
  return url + (url.find('?') == std::string::npos ? "?" : "&") + "options=-csearch_path%3D" +
         schema;
}

// The PostgreSQL test cluster's URL: GATEHOUSE_TEST_POSTGRES_URL, or the file named by
// GATEHOUSE_TEST_POSTGRES_URL_FILE (written by pg_cluster.sh, which CTest runs as a
// fixture before these tests). Empty when neither is set.
std::string postgres_test_url(std::string* problem) {
  if (const char* url = std::getenv("GATEHOUSE_TEST_POSTGRES_URL"); url != nullptr && *url) {
    return url;
  }
  const char* file = std::getenv("GATEHOUSE_TEST_POSTGRES_URL_FILE");
  if (file == nullptr || *file == 0) {
    *problem =
        "PostgreSQL engine skipped: no test cluster (run through ctest, which starts one with "
        "tests/store_contract/pg_cluster.sh, or set GATEHOUSE_TEST_POSTGRES_URL)";
    return {};
  }
  std::ifstream in(file);
  std::string url;
  std::getline(in, url);
  if (url.empty()) *problem = std::string("PostgreSQL test cluster URL file missing: ") + file;
  return url;
}

std::vector<StoreEngine> store_engines() {
  std::vector<StoreEngine> engines;
  engines.push_back({"sqlite", &SqliteHarness::open, {}});

  std::string problem;
  const std::string url = postgres_test_url(&problem);
  if (!url.empty()) {
    engines.push_back({"postgres", [url] { return PostgresHarness::open(url); }, {}});
  } else if (std::getenv("GATEHOUSE_TEST_POSTGRES_URL_FILE") != nullptr) {
    // Under ctest the cluster must be there: fail, do not skip.
    engines.push_back({"postgres",
                       [problem]() -> Result<std::unique_ptr<StoreHarness>> {
                         return make_error(Errc::kUnavailable, problem);
                       },
                       {}});
  } else {
    engines.push_back({"postgres", nullptr, problem});
  }
  return engines;
}

}  // namespace gatehouse::store::testing
