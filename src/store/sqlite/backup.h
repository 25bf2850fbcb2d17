// Backup and restore of a SQLite data directory's database (gatehouse backup / restore,
// docs/operations.md).
//
// A backup is itself a SQLite database: the live database copied with SQLite's online
// backup API (sqlite3_backup_*: one consistent snapshot, taken while the server keeps
// reading and writing), plus a table gatehouse_backup_files holding the files that live
// beside the database and belong with it (the default key-encryption key that opens the
// signing keys sealed in the database). It holds secrets: it is written 0600, and should be
// kept like the data directory.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "gatehouse/result.h"

namespace gatehouse::store::sqlite {

struct BackupFile {
  std::string name;  // relative to the data directory, e.g. "keys/kek"
  std::string content;
};

// Copies the database at `db_path` into a new file `dest` (refused when it exists) and
// stores the files `collect` returns in the copy (called after the snapshot was taken).
// Safe while servers use the database. Written to a temporary name and renamed once
// complete: a failed backup leaves nothing at `dest`.
Status backup_database(const std::string& db_path, const std::string& dest,
                       const std::function<Result<std::vector<BackupFile>>()>& collect);

// Checks a backup before anything is overwritten: PRAGMA integrity_check, a schema this
// build knows (not newer than its migrations), a project id. Returns the stored files.
Result<std::vector<BackupFile>> check_backup(const std::string& backup);

// Replaces the database at `db_path` (created when absent) with the backup's contents,
// without the stored files (dropped with secure_delete, so no private key stays in a free
// page). No process may have `db_path` open: the caller makes sure of that.
Status restore_database(const std::string& backup, const std::string& db_path);

}  // namespace gatehouse::store::sqlite
