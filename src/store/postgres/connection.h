// One PostgreSQL connection (libpq) with its prepared-statement cache, the row cursor
// every engine method reads through (Statement, named as in the SQLite engine so row
// readers look the same) and the RAII transaction helpers.
//
// A Connection is used by one thread at a time (the pool hands it out). Statements are
// written with SQLite-style placeholders (`?` in order, or `?N`), rewritten once to
// PostgreSQL's `$N` when first prepared. Parameters and results travel in text format.
//
//   auto rows = conn.run("SELECT value FROM meta WHERE key = ?", params, "read meta");
//   while (rows->next()) use(rows->column_text(0));
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <libpq-fe.h>

#include "gatehouse/result.h"

namespace gatehouse::store::postgres {

// Constraint kinds a write can break (Written::constraint), from SQLSTATE class 23.
inline constexpr int kConstraintPrimaryKey = 1;  // 23505 on a <table>_pkey constraint
inline constexpr int kConstraintUnique = 2;      // 23505 on any other unique constraint
inline constexpr int kConstraintForeignKey = 3;  // 23503
inline constexpr int kConstraintNotNull = 4;     // 23502
inline constexpr int kConstraintCheck = 5;       // 23514
inline constexpr int kConstraintOther = 6;       // any other 23xxx

// The Error for a constraint the caller did not expect.
Error constraint_error(int constraint, std::string_view what);

// One bound parameter in text format; nullopt is NULL. `oid` is its type (20 = int8,
// 25 = text), 0 lets the server infer it.
struct Param {
  std::optional<std::string> text;
  unsigned oid = 0;
};

// The rows of one executed statement; next() moves to the first row, then on.
class Statement {
 public:
  explicit Statement(PGresult* res) : res_(res), rows_(PQntuples(res)) {}
  Statement(Statement&& other) noexcept;
  Statement& operator=(Statement&&) = delete;
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  ~Statement();

  bool next() { return ++row_ < rows_; }
  int64_t affected() const;  // rows an INSERT / UPDATE / DELETE changed

  std::string column_text(int col) const;  // NULL reads as ""
  int64_t column_int64(int col) const;     // NULL reads as 0; booleans as 0 / 1
  bool column_bool(int col) const { return column_int64(col) != 0; }
  bool column_is_null(int col) const { return PQgetisnull(res_, row_, col) != 0; }

 private:
  PGresult* res_;
  int rows_;
  int row_ = -1;
};

// What a failed statement reported, kept for the caller that must tell a constraint or a
// serialization failure from other errors.
struct Failure {
  std::string sqlstate;
  std::string constraint;
};

class Connection {
 public:
  // Connects to `url` (a libpq connection URI or key=value string). kUnavailable when
  // the server cannot be reached.
  static Result<std::unique_ptr<Connection>> open(const std::string& url);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  PGconn* conn() const { return conn_; }

  // Prepares `sql` once per connection (cached), executes it with `params` and returns
  // its rows. A broken constraint or any other failure is an Error; last_failure() then
  // says which.
  Result<Statement> run(std::string_view sql, const std::vector<Param>& params,
                        std::string_view what);

  // Runs SQL without parameters or results (BEGIN, COMMIT, several ;-separated statements).
  Status exec(const std::string& sql, std::string_view what);

  const Failure& last_failure() const { return failure_; }

  bool in_transaction() const;
  // True when the server end is gone (restarted, connection terminated, network).
  bool broken() const { return PQstatus(conn_) != CONNECTION_OK; }
  // Reconnects a broken connection in place (PQreset); its prepared statements are
  // forgotten and prepared again on next use.
  bool reconnect();
  // Rolls back a transaction left open; false when the connection is broken or still in
  // a transaction and must not be reused.
  bool reset_state();

 private:
  explicit Connection(PGconn* conn) : conn_(conn) {}
  Error result_error(PGresult* res, std::string_view what);

  struct SqlHash {
    using is_transparent = void;
    size_t operator()(std::string_view sql) const { return std::hash<std::string_view>{}(sql); }
  };
  PGconn* conn_;
  std::unordered_map<std::string, std::string, SqlHash, std::equal_to<>> names_;  // sql -> name
  Failure failure_;
};

// `sql` with `?` / `?N` placeholders rewritten to `$N` (outside quoted text).
std::string to_dollar_placeholders(std::string_view sql);

}  // namespace gatehouse::store::postgres
