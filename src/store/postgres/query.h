// The PostgreSQL engine's way to run SQL, the same shape as the SQLite engine's
// (src/store/sqlite/query.h), so a store method reads as its SQL and what it makes of
// the rows.
//
// Connections: leased(pool, fn) leases one connection for fn(Connection&) in autocommit
// mode; transaction(pool, fn) runs fn inside BEGIN ISOLATION LEVEL SERIALIZABLE and
// commits when fn succeeded (rolls back otherwise). Where the SQLite engine relies on its
// single writer (read, decide, write), SERIALIZABLE makes PostgreSQL abort all but one of
// the transactions that would otherwise interleave (SQLSTATE 40001 / 40P01); transaction()
// then runs fn again on a fresh snapshot, up to kMaxAttempts times, so the loser of a race
// sees the winner's write (a second refresh rotation finds the token rotated). fn must
// therefore have no effect outside the database. snapshot(pool, fn) runs fn in a
// REPEATABLE READ READ ONLY transaction so several queries see one state.
//
// Statements: `?` (or `?N`) placeholders as in SQLite; parameters as in the SQLite engine
// (text, integers, bool, optional, Params).
#pragma once

#include <concepts>
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

#include "gatehouse/result.h"
#include "store/postgres/connection.h"
#include "store/postgres/connection_pool.h"
#include "store/sql/constraint.h"
#include "store/sql/text.h"

namespace gatehouse::store::postgres {

inline constexpr int kMaxAttempts = 30;

// True when the last failure on `c` was a serialization failure or deadlock (retry).
inline bool must_retry(const Connection& c) {
  const auto& state = c.last_failure().sqlstate;
  return state == "40001" || state == "40P01";
}

template <class Fn>
auto leased(ConnectionPool& pool, Fn&& fn) -> decltype(fn(std::declval<Connection&>())) {
  auto conn = pool.acquire();
  if (!conn) return conn.error();
  return fn(**conn);
}

// Sleeps a random time that grows with the attempt (up to 20 ms), so retrying losers do
// not collide again in step.
void backoff(int attempt);

template <class Fn>
auto transaction(ConnectionPool& pool, Fn&& fn) -> decltype(fn(std::declval<Connection&>())) {
  auto conn = pool.acquire();
  if (!conn) return conn.error();
  Connection& c = **conn;
  for (int attempt = 1;; ++attempt) {
    if (auto st = c.exec("BEGIN ISOLATION LEVEL SERIALIZABLE", "begin"); !st) {
      // A pooled connection whose server end went away (a database restart) fails here,
      // before anything of fn ran: reconnect once and carry on.
      if (!c.broken() || !c.reconnect()) return st.error();
      if (auto again = c.exec("BEGIN ISOLATION LEVEL SERIALIZABLE", "begin"); !again) {
        return again.error();
      }
    }
    auto result = fn(c);
    if (result) {
      auto st = c.exec("COMMIT", "commit");
      if (st) return result;
      if (!must_retry(c) || attempt == kMaxAttempts) {
        c.reset_state();
        return st.error();
      }
    } else if (!must_retry(c) || attempt == kMaxAttempts) {
      c.reset_state();
      return result;
    }
    c.reset_state();  // ROLLBACK, then run fn again on a fresh snapshot
    backoff(attempt);
  }
}

template <class Fn>
auto snapshot(ConnectionPool& pool, Fn&& fn) -> decltype(fn(std::declval<Connection&>())) {
  auto conn = pool.acquire();
  if (!conn) return conn.error();
  if (auto st = (*conn)->exec("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", "begin read");
      !st) {
    return st.error();
  }
  auto result = fn(**conn);
  (*conn)->reset_state();  // read-only: ROLLBACK ends it
  return result;
}

// --- parameters ---

using sql::Params;  // store/sql/text.h

namespace detail {

inline constexpr unsigned kInt8 = 20;
inline constexpr unsigned kText = 25;

inline void bind_one(std::vector<Param>& p, std::string_view v) {
  p.push_back({std::string(v), kText});
}
inline void bind_one(std::vector<Param>& p, const char* v) { bind_one(p, std::string_view(v)); }
inline void bind_one(std::vector<Param>& p, const std::string& v) {
  bind_one(p, std::string_view(v));
}
template <std::integral T>
void bind_one(std::vector<Param>& p, T v) {
  p.push_back({std::to_string(static_cast<int64_t>(v)), kInt8});
}
template <class T>
void bind_one(std::vector<Param>& p, const std::optional<T>& v) {
  if (v) {
    bind_one(p, *v);
  } else {
    p.push_back({std::nullopt, std::is_integral_v<T> ? kInt8 : kText});
  }
}
inline void bind_one(std::vector<Param>& p, const Params& params) {
  for (const auto& v : params) {
    std::visit([&](const auto& x) { bind_one(p, x); }, v);
  }
}

template <class... Args>
std::vector<Param> params_of(const Args&... args) {
  std::vector<Param> p;
  p.reserve(sizeof...(args));
  (bind_one(p, args), ...);
  return p;
}

int constraint_kind(const Failure& f);

}  // namespace detail

// --- statements ---

// What a write did: the rows it changed, or the kind of constraint it broke
// (kConstraint*). After a broken constraint the surrounding transaction is aborted: the
// caller must return an error (every store does).
struct Written {
  int64_t changes = 0;
  int constraint = 0;
};

// The kind of constraint `w` broke, and the error for one the caller does not expect
// (store/sql/constraint.h).
inline sql::Broke broke(const Written& w) {
  switch (w.constraint) {
    case 0:
      return sql::Broke::kNone;
    case kConstraintPrimaryKey:
      return sql::Broke::kPrimaryKey;
    case kConstraintUnique:
      return sql::Broke::kUnique;
    case kConstraintForeignKey:
      return sql::Broke::kForeignKey;
    case kConstraintCheck:
      return sql::Broke::kCheck;
    default:
      return sql::Broke::kOther;
  }
}
inline Error constraint_failure(Connection&, const Written& w, std::string_view what) {
  return constraint_error(w.constraint, what);
}

template <class... Args>
Result<Written> write(Connection& c, std::string_view sql, std::string_view what,
                      const Args&... args) {
  auto rows = c.run(sql, detail::params_of(args...), what);
  if (!rows) {
    const int kind = detail::constraint_kind(c.last_failure());
    if (kind != 0) return Written{0, kind};
    return rows.error();
  }
  return Written{rows->affected(), 0};
}

template <class... Args>
Status exec(Connection& c, std::string_view sql, std::string_view what, const Args&... args) {
  auto rows = c.run(sql, detail::params_of(args...), what);
  if (!rows) return rows.error();
  return ok_status();
}

template <class... Args>
Status exec_one(Connection& c, std::string_view sql, std::string_view what, Error missing,
                const Args&... args) {
  auto rows = c.run(sql, detail::params_of(args...), what);
  if (!rows) return rows.error();
  if (rows->affected() == 0) return missing;
  return ok_status();
}

template <class Read, class... Args>
auto one(Connection& c, std::string_view sql, std::string_view what, Read&& read,
         const Args&... args)
    -> Result<std::optional<std::invoke_result_t<Read, const Statement&>>> {
  using Row = std::invoke_result_t<Read, const Statement&>;
  auto rows = c.run(sql, detail::params_of(args...), what);
  if (!rows) return rows.error();
  if (!rows->next()) return std::optional<Row>();
  return std::optional<Row>(read(std::as_const(*rows)));
}

template <class Read, class... Args>
auto all(Connection& c, std::string_view sql, std::string_view what, Read&& read,
         const Args&... args) -> Result<std::vector<std::invoke_result_t<Read, const Statement&>>> {
  std::vector<std::invoke_result_t<Read, const Statement&>> out;
  auto rows = c.run(sql, detail::params_of(args...), what);
  if (!rows) return rows.error();
  while (rows->next()) out.push_back(read(std::as_const(*rows)));
  return out;
}

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

}  // namespace gatehouse::store::postgres
