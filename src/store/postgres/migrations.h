// The PostgreSQL schema migrations compiled into the binary, and the routine that
// applies them.
//
// Each migrations/NNNN_name.sql file becomes one Migration (embedded at build time by
// src/store/sqlite/embed_migrations.cmake with ENGINE=postgres). The versions are this
// engine's own: 0001_baseline equals, in meaning, SQLite's 0001..0009.
//
// apply_migrations() holds a session-level pg_advisory_lock (kMigrationLock) while it
// reads schema_migrations and applies what is missing, each migration in its own
// transaction together with its row in schema_migrations. Two nodes starting together
// therefore apply every migration exactly once: the second waits for the lock, then sees
// the versions recorded and skips them.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

#include "gatehouse/result.h"
#include "store/postgres/connection.h"

namespace gatehouse::store::postgres {

// The advisory lock key migrations hold ("gatehous" in ASCII).
inline constexpr int64_t kMigrationLock = 0x67617465686f7573;

struct Migration {
  int version;
  std::string_view name;
  std::string_view sql;
};

std::span<const Migration> embedded_migrations();

// kInternal when the database holds a version this binary does not know (a newer build
// migrated it) or a migration fails; kUnavailable when the server cannot be reached.
Status apply_migrations(Connection& conn, std::span<const Migration> migrations);

}  // namespace gatehouse::store::postgres
