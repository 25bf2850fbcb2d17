#include <set>
#include <string>

#include "gatehouse/clock.h"
#include "store/postgres/migrations.h"
#include "store/postgres/query.h"

namespace gatehouse::store::postgres {
namespace {

constexpr const char* kCreateMigrationsTable =
    "CREATE TABLE IF NOT EXISTS schema_migrations ("
    " version BIGINT PRIMARY KEY NOT NULL,"
    " name TEXT NOT NULL,"
    " applied_at BIGINT NOT NULL)";

std::string label(const Migration& m) {
  return "migration " + std::to_string(m.version) + "_" + std::string(m.name);
}

Result<std::set<int>> applied_versions(Connection& c) {
  auto rows = all(c, "SELECT version FROM schema_migrations", "read schema_migrations",
                  [](const Statement& s) { return static_cast<int>(s.column_int64(0)); });
  if (!rows) return rows.error();
  return std::set<int>(rows->begin(), rows->end());
}

Status apply_locked(Connection& c, std::span<const Migration> migrations) {
  if (auto st = c.exec(kCreateMigrationsTable, "create schema_migrations"); !st) return st;
  auto applied = applied_versions(c);
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
    if (auto st = c.exec("BEGIN", label(m) + ": begin"); !st) return st;
    Status st = c.exec(std::string(m.sql), label(m));
    if (st) {
      st = exec(c, "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
                "record migration", m.version, m.name, system_now());
    }
    if (st) st = c.exec("COMMIT", label(m) + ": commit");
    if (!st) {
      c.reset_state();
      return st;
    }
  }
  return ok_status();
}

}  // namespace

Status apply_migrations(Connection& c, std::span<const Migration> migrations) {
  for (size_t i = 1; i < migrations.size(); ++i) {
    if (migrations[i].version <= migrations[i - 1].version) {
      return make_error(Errc::kInternal, "migrations out of order at " + label(migrations[i]));
    }
  }
  if (auto st = exec(c, "SELECT pg_advisory_lock(?)", "lock migrations", kMigrationLock); !st) {
    return st;
  }
  Status st = apply_locked(c, migrations);
  auto unlocked = exec(c, "SELECT pg_advisory_unlock(?)", "unlock migrations", kMigrationLock);
  if (!st) return st;
  return unlocked;
}

}  // namespace gatehouse::store::postgres
