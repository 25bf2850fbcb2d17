#include "store/sqlite/backup.h"

#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <memory>

#include "store/sqlite/connection.h"
#include "store/sqlite/migrations.h"

namespace gatehouse::store::sqlite {

namespace {

constexpr const char* kFilesTable = "gatehouse_backup_files";

struct DbCloser {
  void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
};
using Db = std::unique_ptr<sqlite3, DbCloser>;

Result<Db> open_db(const std::string& path, int flags) {
  sqlite3* raw = nullptr;
  int rc = sqlite3_open_v2(path.c_str(), &raw, flags | SQLITE_OPEN_NOMUTEX, nullptr);
  Db db(raw);
  if (rc != SQLITE_OK) {
    return make_error(Errc::kUnavailable,
                      "cannot open " + path + ": " + (raw ? sqlite3_errmsg(raw) : "out of memory"));
  }
  sqlite3_busy_timeout(db.get(), kBusyTimeoutMs);
  return db;
}

Status exec(sqlite3* db, const std::string& sql, std::string_view what) {
  int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr);
  if (rc != SQLITE_OK) return sqlite_error(db, rc, what);
  return ok_status();
}

// Copies all of `from` into `to` in one step: one consistent snapshot of the source.
Status copy(sqlite3* from, sqlite3* to) {
  sqlite3_backup* b = sqlite3_backup_init(to, "main", from, "main");
  if (!b) return sqlite_error(to, sqlite3_errcode(to), "start backup");
  int rc = sqlite3_backup_step(b, -1);
  int finish = sqlite3_backup_finish(b);
  if (rc != SQLITE_DONE) return sqlite_error(to, rc, "copy database");
  if (finish != SQLITE_OK) return sqlite_error(to, finish, "finish backup");
  return ok_status();
}

// Runs a one-column query; its rows as text.
Result<std::vector<std::string>> column(sqlite3* db, const char* sql, std::string_view what) {
  sqlite3_stmt* raw = nullptr;
  int rc = sqlite3_prepare_v2(db, sql, -1, &raw, nullptr);
  if (rc != SQLITE_OK) return sqlite_error(db, rc, what);
  std::unique_ptr<sqlite3_stmt, int (*)(sqlite3_stmt*)> stmt(raw, sqlite3_finalize);
  std::vector<std::string> out;
  while ((rc = sqlite3_step(raw)) == SQLITE_ROW) {
    const auto* text = sqlite3_column_text(raw, 0);
    out.emplace_back(text ? reinterpret_cast<const char*>(text) : "");
  }
  if (rc != SQLITE_DONE) return sqlite_error(db, rc, what);
  return out;
}

}  // namespace

Status backup_database(const std::string& db_path, const std::string& dest,
                       const std::function<Result<std::vector<BackupFile>>()>& collect) {
  struct stat st {};
  if (::stat(db_path.c_str(), &st) != 0) {
    return make_error(Errc::kNotFound, "no database at " + db_path);
  }
  if (::stat(dest.c_str(), &st) == 0) {
    return make_error(Errc::kConflict, dest + " exists; back up to a new file");
  }
  const std::string tmp = dest + ".partial";
  ::unlink(tmp.c_str());
  auto src = open_db(db_path, SQLITE_OPEN_READWRITE);
  if (!src) return src.error();
  Status result = [&]() -> Status {
    auto out = open_db(tmp, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
    if (!out) return out.error();
    ::chmod(tmp.c_str(), 0600);
    if (auto s = copy(src->get(), out->get()); !s) return s;
    auto collected = collect();
    if (!collected) return collected.error();
    const std::vector<BackupFile>& files = *collected;
    // A plain file, not WAL: the backup is one file to carry around.
    if (auto s = exec(out->get(), "PRAGMA journal_mode=DELETE", "backup journal mode"); !s)
      return s;
    if (auto s = exec(out->get(),
                      std::string("CREATE TABLE ") + kFilesTable +
                          " (name TEXT PRIMARY KEY, content BLOB NOT NULL)",
                      "create backup files table");
        !s) {
      return s;
    }
    sqlite3_stmt* raw = nullptr;
    std::string sql = std::string("INSERT INTO ") + kFilesTable + " (name, content) VALUES (?, ?)";
    int rc = sqlite3_prepare_v2(out->get(), sql.c_str(), -1, &raw, nullptr);
    if (rc != SQLITE_OK) return sqlite_error(out->get(), rc, "store backup files");
    std::unique_ptr<sqlite3_stmt, int (*)(sqlite3_stmt*)> stmt(raw, sqlite3_finalize);
    for (const auto& f : files) {
      sqlite3_reset(raw);
      sqlite3_bind_text(raw, 1, f.name.data(), static_cast<int>(f.name.size()), SQLITE_TRANSIENT);
      sqlite3_bind_blob(raw, 2, f.content.data(), static_cast<int>(f.content.size()),
                        SQLITE_TRANSIENT);
      rc = sqlite3_step(raw);
      if (rc != SQLITE_DONE) return sqlite_error(out->get(), rc, "store backup file");
    }
    stmt.reset();
    auto check = column(out->get(), "PRAGMA integrity_check", "check backup");
    if (!check) return check.error();
    if (check->size() != 1 || (*check)[0] != "ok") {
      return make_error(Errc::kInternal, "the backup failed its integrity check");
    }
    return ok_status();
  }();
  if (result && ::rename(tmp.c_str(), dest.c_str()) != 0) {
    result = make_error(Errc::kInternal, "cannot rename the backup to " + dest);
  }
  if (!result) ::unlink(tmp.c_str());
  return result;
}

Result<std::vector<BackupFile>> check_backup(const std::string& backup) {
  struct stat st {};
  if (::stat(backup.c_str(), &st) != 0) return make_error(Errc::kNotFound, "no file " + backup);
  auto db = open_db(backup, SQLITE_OPEN_READONLY);
  if (!db) return db.error();
  auto check = column(db->get(), "PRAGMA integrity_check", "check backup");
  if (!check) {
    return make_error(Errc::kInvalidArgument,
                      backup + " is not a Gatehouse backup: " + check.error().message);
  }
  if (check->size() != 1 || (*check)[0] != "ok") {
    std::string why = check->empty() ? "" : (*check)[0];
    return make_error(Errc::kInvalidArgument, backup + " failed its integrity check: " + why);
  }
  auto version = column(db->get(), "SELECT max(version) FROM schema_migrations", "schema version");
  if (!version || version->size() != 1) {
    return make_error(Errc::kInvalidArgument, backup + " is not a Gatehouse database");
  }
  const int known = embedded_migrations().back().version;
  if (std::atoi((*version)[0].c_str()) > known) {
    return make_error(Errc::kInvalidArgument, backup + " was made by a newer Gatehouse (schema " +
                                                  (*version)[0] + ", this build knows " +
                                                  std::to_string(known) + ")");
  }
  auto project = column(db->get(), "SELECT value FROM meta WHERE key = 'project_id'", "project id");
  if (!project || project->empty()) {
    return make_error(Errc::kInvalidArgument, backup + " holds no project id");
  }
  sqlite3_stmt* raw = nullptr;
  std::string sql = std::string("SELECT name, content FROM ") + kFilesTable + " ORDER BY name";
  int rc = sqlite3_prepare_v2(db->get(), sql.c_str(), -1, &raw, nullptr);
  if (rc != SQLITE_OK) {
    return make_error(Errc::kInvalidArgument,
                      backup + " was not made by gatehouse backup (no stored key files)");
  }
  std::unique_ptr<sqlite3_stmt, int (*)(sqlite3_stmt*)> stmt(raw, sqlite3_finalize);
  std::vector<BackupFile> files;
  while ((rc = sqlite3_step(raw)) == SQLITE_ROW) {
    BackupFile f;
    f.name = reinterpret_cast<const char*>(sqlite3_column_text(raw, 0));
    const void* blob = sqlite3_column_blob(raw, 1);
    f.content.assign(static_cast<const char*>(blob),
                     static_cast<size_t>(sqlite3_column_bytes(raw, 1)));
    files.push_back(std::move(f));
  }
  if (rc != SQLITE_DONE) return sqlite_error(db->get(), rc, "read backup files");
  return files;
}

Status restore_database(const std::string& backup, const std::string& db_path) {
  auto src = open_db(backup, SQLITE_OPEN_READONLY);
  if (!src) return src.error();
  auto dest = open_db(db_path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
  if (!dest) return dest.error();
  ::chmod(db_path.c_str(), 0600);
  if (auto s = copy(src->get(), dest->get()); !s) return s;
  if (auto s = exec(dest->get(),
                    std::string("PRAGMA secure_delete=ON; DROP TABLE IF EXISTS ") + kFilesTable,
                    "drop backup files");
      !s) {
    return s;
  }
  if (auto s = exec(dest->get(), "PRAGMA journal_mode=WAL; PRAGMA wal_checkpoint(TRUNCATE)",
                    "checkpoint");
      !s) {
    return s;
  }
  return ok_status();
}

}  // namespace gatehouse::store::sqlite
