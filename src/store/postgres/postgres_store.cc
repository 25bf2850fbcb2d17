#include "store/postgres/postgres_store.h"

#include "store/postgres/connection.h"
#include "store/postgres/connection_pool.h"
#include "store/postgres/migrations.h"
#include "store/postgres/query.h"
#include "store/sql/shared_stores.h"

namespace gatehouse::store {
namespace {

// /readyz and /metrics: the server answers a query and holds this build's schema.
class PostgresStatus : public EngineStatus {
 public:
  explicit PostgresStatus(std::shared_ptr<postgres::ConnectionPool> pool)
      : pool_(std::move(pool)) {}

  Status ping() override {
    const int want = postgres::embedded_migrations().back().version;
    auto version = postgres::leased(*pool_, [](postgres::Connection& c) -> Result<int64_t> {
      auto v = postgres::one(c, "SELECT max(version) FROM schema_migrations", "read schema version",
                             postgres::first_int);
      if (!v) return v.error();
      return v->value_or(0);
    });
    return schema_status(version, want);
  }

  PoolUsage pool_usage() override { return pool_->usage(); }

 private:
  std::shared_ptr<postgres::ConnectionPool> pool_;
};

}  // namespace

bool is_postgres_url(const std::string& url) {
  return url.starts_with("postgres://") || url.starts_with("postgresql://");
}

Result<Stores> open_postgres(const std::string& url, const PostgresOptions& options) {
  if (url.empty()) return make_error(Errc::kInvalidArgument, "postgres store needs a URL");
  auto first = postgres::Connection::open(url);
  if (!first) return first.error();
  if (auto st = postgres::apply_migrations(**first, postgres::embedded_migrations()); !st) {
    return st.error();
  }
  auto pool = std::make_shared<postgres::ConnectionPool>(url, options.pool_size,
                                                         options.acquire_wait, std::move(*first));
  Stores stores;
  sql::add_shared_stores(stores, pool, sql::kPostgresDialect);
  stores.status = std::make_shared<PostgresStatus>(pool);
  return stores;
}

}  // namespace gatehouse::store
