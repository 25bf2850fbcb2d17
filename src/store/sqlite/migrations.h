// The SQLite schema migrations compiled into the binary, and the routine that
// applies them.
//
// Each migrations/NNNN_name.sql file becomes one Migration (embedded at build
// time by embed_migrations.cmake). apply_migrations() runs the pending ones in
// version order, each in its own BEGIN IMMEDIATE transaction together with its
// row in schema_migrations, so two processes opening one database at once apply
// every migration exactly once: the second waits for the write lock, then sees
// the version recorded and skips it.
//
// Migrations run with foreign_keys=ON (it cannot be switched inside a
// transaction). A later migration that rebuilds a table should start with
// `PRAGMA defer_foreign_keys = ON;` so the checks happen at its COMMIT.
#pragma once

#include <span>
#include <string_view>

#include <sqlite3.h>

#include "gatehouse/result.h"

namespace gatehouse::store::sqlite {

struct Migration {
  int version;            // NNNN from the file name; strictly increasing
  std::string_view name;  // the part after NNNN_
  std::string_view sql;   // the whole file
};

// In version order (generated file: embedded_migrations.cc).
std::span<const Migration> embedded_migrations();

// Applies the pending migrations of `migrations` to `db`. Fails with kInternal
// when the database holds a version this binary does not know (it was migrated
// by a newer build) or a migration fails; kUnavailable when the database stays
// locked past the busy timeout.
Status apply_migrations(sqlite3* db, std::span<const Migration> migrations);

}  // namespace gatehouse::store::sqlite
