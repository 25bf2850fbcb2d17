#include "store/sqlite/sqlite_store.h"

#include <sys/stat.h>

#include "store/sql/shared_stores.h"
#include "store/sqlite/connection.h"
#include "store/sqlite/connection_pool.h"
#include "store/sqlite/migrations.h"
#include "store/sqlite/query.h"

namespace gatehouse::store {

namespace {

// Ready when the file the pool opens new connections on is still the one opened at start
// (renamed or deleted, a new connection would create an empty database there, and this
// process would go on writing to an unlinked file) and a query sees the schema at this
// build's version.
class SqliteStatus : public EngineStatus {
 public:
  SqliteStatus(std::string path, std::shared_ptr<sqlite::ConnectionPool> pool)
      : path_(std::move(path)), pool_(std::move(pool)) {
    struct stat st {};
    if (::stat(path_.c_str(), &st) == 0) {
      dev_ = st.st_dev;
      ino_ = st.st_ino;
    }
  }

  Status ping() override {
    struct stat st {};
    if (::stat(path_.c_str(), &st) != 0) {
      return make_error(Errc::kUnavailable, "database file " + path_ + " is missing");
    }
    if (st.st_dev != dev_ || st.st_ino != ino_) {
      return make_error(Errc::kUnavailable,
                        "database file " + path_ + " was replaced since the server opened it");
    }
    const int want = sqlite::embedded_migrations().back().version;
    auto version = sqlite::leased(*pool_, [](sqlite::Connection& conn) -> Result<int64_t> {
      auto stmt = conn.prepare("SELECT max(version) FROM schema_migrations");
      if (!stmt) return stmt.error();
      int rc = stmt->step();
      if (rc != SQLITE_ROW) return sqlite::sqlite_error(conn.db(), rc, "read schema version");
      return stmt->column_int64(0);
    });
    return schema_status(version, want);
  }

  PoolUsage pool_usage() override { return pool_->usage(); }

 private:
  const std::string path_;
  std::shared_ptr<sqlite::ConnectionPool> pool_;
  dev_t dev_ = 0;
  ino_t ino_ = 0;
};

}  // namespace

Result<Stores> open_sqlite(const std::string& path) {
  if (path.empty() || path == ":memory:") {
    return make_error(Errc::kInvalidArgument,
                      "sqlite store needs a file path (in-memory databases are not shared "
                      "between connections)");
  }
  auto first = sqlite::Connection::open(path);
  if (!first) return first.error();
  if (auto st = sqlite::apply_migrations((*first)->db(), sqlite::embedded_migrations()); !st) {
    return st.error();
  }
  auto pool =
      std::make_shared<sqlite::ConnectionPool>(path, sqlite::kMaxConnections, std::move(*first));
  Stores stores;
  sql::add_shared_stores(stores, pool, sql::kSqliteDialect);
  stores.status = std::make_shared<SqliteStatus>(path, pool);
  return stores;
}

}  // namespace gatehouse::store
