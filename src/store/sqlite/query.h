// The SQLite engine's way to run SQL, so that a store method reads as its SQL and what
// it makes of the rows, not as prepare / bind / step / check runs.
//
// Connections: leased(pool, fn), transaction(pool, fn) and snapshot(pool, fn) lease one
// connection for fn(Connection&); transaction wraps it in BEGIN IMMEDIATE and commits
// when fn succeeded (rolls back otherwise), holding the pool's writer mutex throughout
// (never call transaction() inside another on the same pool), snapshot in a read transaction so
// several queries see one state of the database.
//
// Statements: one call prepares (cached per connection), binds every parameter in order
// and steps.
//
//   Result<std::optional<User>> u = one(c, kSelectUser, "read user", read_user_row, id);
//   Result<std::vector<Role>> r = all(c, kListRoles, "list roles", read_role_row);
//   Result<bool> found = exists(c, kRoleExists, "check role", name);
//   Status st = exec(c, kDeleteUserRoles, "delete user roles", user_id);
//   Status gone = exec_one(c, kDeleteRole, "delete role", not_found, name);
//   Result<Written> w = write(c, kInsertRole, "insert role", name, description, at);
//   if (w && w->constraint == SQLITE_CONSTRAINT_PRIMARYKEY) return conflict(...);
//
// Parameters: text (std::string, std::string_view, literals), integers and bool,
// std::optional<T> (NULL when empty; sql::null_if_zero for "not happened yet"), and Params (one
// parameter per element, for queries assembled from the filters present).
// `what` names the operation in error messages, which never carry bound values.
#pragma once

#include <concepts>
#include <cstdint>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

#include "gatehouse/result.h"
#include "store/sql/constraint.h"
#include "store/sql/text.h"
#include "store/sqlite/connection.h"
#include "store/sqlite/connection_pool.h"

namespace gatehouse::store::sqlite {

// --- connections ---

template <class Fn>
auto leased(ConnectionPool& pool, Fn&& fn) -> decltype(fn(std::declval<Connection&>())) {
  auto conn = pool.acquire();
  if (!conn) return conn.error();
  return fn(**conn);
}

template <class Fn>
auto transaction(ConnectionPool& pool, Fn&& fn) -> decltype(fn(std::declval<Connection&>())) {
  // Taken before the connection, so queued writers do not hold connections readers need;
  // unlocked last, after ~Transaction has rolled back and the lease is back.
  std::lock_guard writing(pool.writer());
  auto conn = pool.acquire();
  if (!conn) return conn.error();
  auto tx = Transaction::begin(**conn);
  if (!tx) return tx.error();
  auto result = fn(**conn);
  if (!result) return result;  // ~Transaction rolls back
  if (auto st = tx->commit(); !st) return st.error();
  return result;
}

template <class Fn>
auto snapshot(ConnectionPool& pool, Fn&& fn) -> decltype(fn(std::declval<Connection&>())) {
  auto conn = pool.acquire();
  if (!conn) return conn.error();
  auto rtx = ReadTransaction::begin(**conn);
  if (!rtx) return rtx.error();
  return fn(**conn);
}

// --- parameters ---

using sql::Params;  // store/sql/text.h

namespace detail {

inline void bind_one(Statement& s, int& i, std::string_view v) { s.bind(i++, v); }
template <std::integral T>
void bind_one(Statement& s, int& i, T v) {
  s.bind(i++, static_cast<int64_t>(v));
}
template <class T>
void bind_one(Statement& s, int& i, const std::optional<T>& v) {
  if (v) {
    bind_one(s, i, *v);
  } else {
    s.bind_null(i++);
  }
}
inline void bind_one(Statement& s, int& i, const Params& params) {
  for (const auto& p : params) {
    std::visit([&](const auto& v) { bind_one(s, i, v); }, p);
  }
}

template <class... Args>
Result<Statement> prepared(Connection& c, std::string_view sql, const Args&... args) {
  auto stmt = c.prepare(sql);
  if (!stmt) return stmt.error();
  [[maybe_unused]] int index = 1;
  (bind_one(*stmt, index, args), ...);
  return stmt;
}

}  // namespace detail

// --- statements ---

// What a write did: the rows the statement itself changed (cascades not counted), or
// the constraint it broke (an extended SQLITE_CONSTRAINT_* code) for the caller to name.
struct Written {
  int64_t changes = 0;
  int constraint = 0;  // 0 = none
};

// The kind of constraint `w` broke, and the error for one the caller does not expect
// (store/sql/constraint.h).
inline sql::Broke broke(const Written& w) {
  switch (w.constraint) {
    case 0:
      return sql::Broke::kNone;
    case SQLITE_CONSTRAINT_PRIMARYKEY:
      return sql::Broke::kPrimaryKey;
    case SQLITE_CONSTRAINT_UNIQUE:
      return sql::Broke::kUnique;
    case SQLITE_CONSTRAINT_FOREIGNKEY:
      return sql::Broke::kForeignKey;
    case SQLITE_CONSTRAINT_CHECK:
      return sql::Broke::kCheck;
    default:
      return sql::Broke::kOther;
  }
}
inline Error constraint_failure(Connection& c, const Written& w, std::string_view what) {
  return sqlite_error(c.db(), w.constraint, what);
}

// Runs a statement without result rows. A broken constraint is reported in the value;
// any other failure is an Error.
template <class... Args>
Result<Written> write(Connection& c, std::string_view sql, std::string_view what,
                      const Args&... args) {
  auto stmt = detail::prepared(c, sql, args...);
  if (!stmt) return stmt.error();
  const int rc = stmt->step();
  if (rc == SQLITE_DONE) return Written{c.changes(), 0};
  if (is_constraint(rc)) return Written{0, rc};
  return sqlite_error(c.db(), rc, what);
}

// write() for statements that break no constraint the caller expects: any failure,
// a broken constraint included, is an Error.
template <class... Args>
Status exec(Connection& c, std::string_view sql, std::string_view what, const Args&... args) {
  auto stmt = detail::prepared(c, sql, args...);
  if (!stmt) return stmt.error();
  const int rc = stmt->step();
  if (rc != SQLITE_DONE) return sqlite_error(c.db(), rc, what);
  return ok_status();
}

// exec() for a statement that must change a row (a delete or update by key): `missing`
// when it changed none.
template <class... Args>
Status exec_one(Connection& c, std::string_view sql, std::string_view what, Error missing,
                const Args&... args) {
  auto stmt = detail::prepared(c, sql, args...);
  if (!stmt) return stmt.error();
  const int rc = stmt->step();
  if (rc != SQLITE_DONE) return sqlite_error(c.db(), rc, what);
  if (c.changes() == 0) return missing;
  return ok_status();
}

// The first row, made by read(const Statement&), or nullopt when there is none.
template <class Read, class... Args>
auto one(Connection& c, std::string_view sql, std::string_view what, Read&& read,
         const Args&... args)
    -> Result<std::optional<std::invoke_result_t<Read, const Statement&>>> {
  using Row = std::invoke_result_t<Read, const Statement&>;
  auto stmt = detail::prepared(c, sql, args...);
  if (!stmt) return stmt.error();
  const int rc = stmt->step();
  if (rc == SQLITE_DONE) return std::optional<Row>();
  if (rc != SQLITE_ROW) return sqlite_error(c.db(), rc, what);
  return std::optional<Row>(read(std::as_const(*stmt)));
}

// Every row, each made by read(const Statement&).
template <class Read, class... Args>
auto all(Connection& c, std::string_view sql, std::string_view what, Read&& read,
         const Args&... args) -> Result<std::vector<std::invoke_result_t<Read, const Statement&>>> {
  std::vector<std::invoke_result_t<Read, const Statement&>> rows;
  auto stmt = detail::prepared(c, sql, args...);
  if (!stmt) return stmt.error();
  int rc;
  while ((rc = stmt->step()) == SQLITE_ROW) rows.push_back(read(std::as_const(*stmt)));
  if (rc != SQLITE_DONE) return sqlite_error(c.db(), rc, what);
  return rows;
}

// True when the query returns a row.
template <class... Args>
Result<bool> exists(Connection& c, std::string_view sql, std::string_view what,
                    const Args&... args) {
  auto row = one(
      c, sql, what, [](const Statement&) { return true; }, args...);
  if (!row) return row.error();
  return row->has_value();
}

// One-column row readers, for the engine's own statements (store/sql/constraint.h).
using sql::first_int;
using sql::first_text;

}  // namespace gatehouse::store::sqlite
