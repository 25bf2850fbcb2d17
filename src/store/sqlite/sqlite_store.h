// The SQLite engine: every store interface on one SQLite file — WAL, foreign keys,
// versioned migrations (migrations/NNNN_name.sql, applied in order at open). Safe to open
// from several processes at once (the server and the CLI). Thread-safe: each call leases
// one of up to 8 pooled connections, each with its own prepared-statement cache; writers
// wait up to 5 s for the write lock, then fail with kUnavailable.
#pragma once

#include <string>

#include "gatehouse/result.h"
#include "store/stores.h"

namespace gatehouse::store {

// Opens (creating if needed) the database file at `path`, applies pending migrations and
// returns every store on it. ":memory:" is not supported (each connection would see its
// own database); tests use a temporary file.
Result<Stores> open_sqlite(const std::string& path);

}  // namespace gatehouse::store
