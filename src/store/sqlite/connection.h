// One SQLite connection with its prepared-statement cache, and the two RAII
// helpers every engine method uses: Statement (a bound, resettable statement)
// and Transaction (BEGIN IMMEDIATE ... COMMIT, rolled back unless committed).
//
// A Connection is used by one thread at a time (the pool hands it out), so it
// is opened with SQLITE_OPEN_NOMUTEX and holds no lock of its own.
//
//   auto stmt = conn.prepare("SELECT value FROM meta WHERE key = ?");
//   if (!stmt) return stmt.error();
//   stmt->bind(1, key);
//   int rc = stmt->step();  // SQLITE_ROW, SQLITE_DONE or an (extended) error code
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>

#include <sqlite3.h>

#include "gatehouse/result.h"

namespace gatehouse::store::sqlite {

// How long a connection waits for another writer before SQLITE_BUSY.
inline constexpr int kBusyTimeoutMs = 5000;

// The Error for a failed SQLite call: SQLITE_BUSY / SQLITE_LOCKED become
// kUnavailable, anything else kInternal. `what` names the operation; SQLite's
// own message is appended (it names tables and columns, never bound values).
Error sqlite_error(sqlite3* db, int rc, std::string_view what);

// True for every SQLITE_CONSTRAINT_* code.
inline bool is_constraint(int rc) { return (rc & 0xff) == SQLITE_CONSTRAINT; }

class Statement {
 public:
  Statement(sqlite3_stmt* stmt, bool* in_use, bool owned);
  Statement(Statement&& other) noexcept;
  Statement& operator=(Statement&&) = delete;
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  ~Statement();  // resets (releasing read locks) and clears bindings

  // Parameters are 1-based. A failed bind (a programming error) is reported by
  // the next step().
  Statement& bind(int index, std::string_view value);
  Statement& bind(int index, int64_t value);
  Statement& bind(int index, int value) { return bind(index, static_cast<int64_t>(value)); }
  Statement& bind(int index, bool value) { return bind(index, static_cast<int64_t>(value)); }
  Statement& bind_null(int index);

  int step();

  std::string column_text(int col) const;  // NULL reads as ""
  int64_t column_int64(int col) const;     // NULL reads as 0
  bool column_bool(int col) const { return column_int64(col) != 0; }

 private:
  sqlite3_stmt* stmt_;
  bool* in_use_;  // the cache's flag for this statement; null when owned
  bool owned_;    // finalized on destruction (the cached one was busy)
  int bind_rc_ = SQLITE_OK;
};

class Connection {
 public:
  // Opens `path` with WAL, foreign_keys=ON, synchronous=NORMAL and the busy
  // timeout. The file is created when missing.
  static Result<std::unique_ptr<Connection>> open(const std::string& path);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  sqlite3* db() const { return db_; }

  // A statement for `sql`, prepared once per connection and cached. If the
  // cached one is still active (nested use), a fresh uncached one is returned.
  Result<Statement> prepare(std::string_view sql);

  // Runs SQL without results (BEGIN, COMMIT, PRAGMA ... = ...).
  Status exec(const char* sql);

  // Rows changed by the last INSERT/UPDATE/DELETE on this connection.
  int64_t changes() const { return sqlite3_changes64(db_); }

  // Rolls back a transaction left open by a failure; false when the connection
  // is still inside one afterwards and must not be reused.
  bool reset_state();

 private:
  explicit Connection(sqlite3* db) : db_(db) {}

  struct Cached {
    sqlite3_stmt* stmt = nullptr;
    bool in_use = false;
  };
  // Transparent hashing so a lookup by string_view does not allocate.
  struct SqlHash {
    using is_transparent = void;
    size_t operator()(std::string_view sql) const { return std::hash<std::string_view>{}(sql); }
  };
  sqlite3* db_;
  std::unordered_map<std::string, Cached, SqlHash, std::equal_to<>> cache_;
};

// BEGIN IMMEDIATE: takes the write lock up front (waiting up to the busy
// timeout), so a transaction never fails half-way because another writer won.
class Transaction {
 public:
  static Result<Transaction> begin(Connection& conn);
  Transaction(Transaction&& other) noexcept;
  Transaction& operator=(Transaction&&) = delete;
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  ~Transaction();  // rolls back unless commit() succeeded

  Status commit();

 private:
  explicit Transaction(Connection* conn) : conn_(conn) {}
  Connection* conn_;  // null once committed or moved from
};

// BEGIN (deferred) for a consistent snapshot across several reads; always
// ended with COMMIT on destruction (nothing was written).
class ReadTransaction {
 public:
  static Result<ReadTransaction> begin(Connection& conn);
  ReadTransaction(ReadTransaction&& other) noexcept;
  ReadTransaction& operator=(ReadTransaction&&) = delete;
  ReadTransaction(const ReadTransaction&) = delete;
  ReadTransaction& operator=(const ReadTransaction&) = delete;
  ~ReadTransaction();

 private:
  explicit ReadTransaction(Connection* conn) : conn_(conn) {}
  Connection* conn_;
};

}  // namespace gatehouse::store::sqlite
