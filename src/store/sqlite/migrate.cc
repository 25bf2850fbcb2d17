#include <set>
#include <string>

#include "gatehouse/clock.h"
#include "store/sqlite/connection.h"
#include "store/sqlite/migrations.h"

namespace gatehouse::store::sqlite {
namespace {

constexpr const char* kCreateMigrationsTable =
    "CREATE TABLE IF NOT EXISTS schema_migrations ("
    " version INTEGER PRIMARY KEY NOT NULL,"
    " name TEXT NOT NULL,"
    " applied_at INTEGER NOT NULL)";

Status exec(sqlite3* db, const char* sql, std::string_view what) {
  const int rc = sqlite3_exec(db, sql, nullptr, nullptr, nullptr);
  if (rc != SQLITE_OK) return sqlite_error(db, rc, what);
  return ok_status();
}

Result<std::set<int>> applied_versions(sqlite3* db) {
  sqlite3_stmt* stmt = nullptr;
  int rc = sqlite3_prepare_v2(db, "SELECT version FROM schema_migrations", -1, &stmt, nullptr);
  if (rc != SQLITE_OK) return sqlite_error(db, rc, "read schema_migrations");
  std::set<int> versions;
  while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) versions.insert(sqlite3_column_int(stmt, 0));
  sqlite3_finalize(stmt);
  if (rc != SQLITE_DONE) return sqlite_error(db, rc, "read schema_migrations");
  return versions;
}

Status record(sqlite3* db, const Migration& m) {
  sqlite3_stmt* stmt = nullptr;
  int rc = sqlite3_prepare_v2(
      db, "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)", -1, &stmt,
      nullptr);
  if (rc != SQLITE_OK) return sqlite_error(db, rc, "record migration");
  sqlite3_bind_int(stmt, 1, m.version);
  sqlite3_bind_text(stmt, 2, m.name.data(), static_cast<int>(m.name.size()), SQLITE_STATIC);
  sqlite3_bind_int64(stmt, 3, system_now());
  rc = sqlite3_step(stmt);
  sqlite3_finalize(stmt);
  if (rc != SQLITE_DONE) return sqlite_error(db, rc, "record migration");
  return ok_status();
}

std::string label(const Migration& m) {
  return "migration " + std::to_string(m.version) + "_" + std::string(m.name);
}

// Applies one migration unless another process got there first.
Status apply_one(sqlite3* db, const Migration& m) {
  if (auto st = exec(db, "BEGIN IMMEDIATE", label(m) + ": begin"); !st) return st;
  auto fail = [&](Status st) {
    sqlite3_exec(db, "ROLLBACK", nullptr, nullptr, nullptr);
    return st;
  };
  // Re-read under the write lock: the decision made before BEGIN may be stale.
  auto applied = applied_versions(db);
  if (!applied) return fail(applied.error());
  if (!applied->contains(m.version)) {
    // sqlite3_exec needs a NUL-terminated string; the embedded view is one
    // literal, but copy to stay independent of how it was produced.
    const std::string sql(m.sql);
    if (auto st = exec(db, sql.c_str(), label(m)); !st) return fail(st);
    if (auto st = record(db, m); !st) return fail(st);
  }
  if (auto st = exec(db, "COMMIT", label(m) + ": commit"); !st) return fail(st);
  return ok_status();
}

}  // namespace

Status apply_migrations(sqlite3* db, std::span<const Migration> migrations) {
  for (size_t i = 1; i < migrations.size(); ++i) {
    if (migrations[i].version <= migrations[i - 1].version) {
      return make_error(Errc::kInternal, "migrations out of order at " + label(migrations[i]));
    }
  }
  // A no-op (no write lock) once the table exists.
  if (auto st = exec(db, kCreateMigrationsTable, "create schema_migrations"); !st) return st;
  auto applied = applied_versions(db);
  if (!applied) return applied.error();

  const int newest_known = migrations.empty() ? 0 : migrations.back().version;
  if (!applied->empty() && *applied->rbegin() > newest_known) {
    return make_error(Errc::kInternal, "database schema version " +
                                           std::to_string(*applied->rbegin()) +
                                           " is newer than this build knows (" +
                                           std::to_string(newest_known) + "); upgrade gatehouse");
  }
  for (const Migration& m : migrations) {
    if (applied->contains(m.version)) continue;
    if (auto st = apply_one(db, m); !st) return st;
  }
  return ok_status();
}

}  // namespace gatehouse::store::sqlite
