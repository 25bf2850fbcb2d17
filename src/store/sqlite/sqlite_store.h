// SQLite engine for gatehouse::store::Store: WAL, foreign keys, versioned migrations
// (src/store/sqlite/migrations/NNNN_name.sql, applied in order at open).
// Safe to open from several processes at once (the server and the CLI).
// Thread-safe: each call leases one of up to 8 pooled connections, each with
// its own prepared-statement cache; writers wait up to 5 s for the write lock,
// then fail with kUnavailable.
#pragma once

#include <memory>
#include <string>

#include "gatehouse/result.h"
#include "store/store.h"

namespace gatehouse::store {

// Opens (creating if needed) the database file at `path` and applies pending
// migrations. ":memory:" is not supported (each connection would see its own
// database); tests use a temporary file.
Result<std::unique_ptr<Store>> open_sqlite_store(const std::string& path);

}  // namespace gatehouse::store
