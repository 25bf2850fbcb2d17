// The PostgreSQL engine: every store interface on one PostgreSQL database through libpq —
// a bounded connection pool, prepared statements, SERIALIZABLE transactions where a rule
// must hold across nodes, versioned migrations applied at open under an advisory lock.
// Several gatehouse nodes may open one database at once. docs/postgres.md has the details.
#pragma once

#include <chrono>
#include <cstddef>
#include <string>

#include "gatehouse/result.h"
#include "store/stores.h"

namespace gatehouse::store {

struct PostgresOptions {
  size_t pool_size = 8;                          // connections per process
  std::chrono::milliseconds acquire_wait{5000};  // then kUnavailable
};

// Connects to `url` (postgres://user:pass@host:port/db?..., or libpq key=value), applies
// pending migrations and returns every store on it. kUnavailable when the server cannot
// be reached; kInternal when migrating fails.
Result<Stores> open_postgres(const std::string& url, const PostgresOptions& options = {});

// True for URLs this engine takes (postgres:// or postgresql://).
bool is_postgres_url(const std::string& url);

}  // namespace gatehouse::store
