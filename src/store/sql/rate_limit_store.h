// RateLimitStore in SQL both engines run (see README.md): the rate_limits table. update()
// reads and writes every key in one transaction (SQLite: the single writer; PostgreSQL:
// SERIALIZABLE, retried), so no attempt is lost between nodes.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "gatehouse/result.h"
#include "store/rate_limit_store.h"

namespace gatehouse::store::sql {

template <class Pool>
class SqlRateLimitStore final : public RateLimitStore {
 public:
  explicit SqlRateLimitStore(Pool pool) : pool_(std::move(pool)) {}

  Status update(const std::vector<std::string>& keys,
                const std::function<void(std::vector<RateCounter>&)>& change) override {
    return transaction(*pool_, [&](auto& c) -> Status {
      std::vector<RateCounter> counters;
      counters.reserve(keys.size());
      for (const auto& key : keys) {
        auto row = one(
            c, kSelect, "read rate limit", [](const auto& s) { return counter(s, 0); }, key);
        if (!row) return row.error();
        counters.push_back(row->value_or(RateCounter{}));
      }
      const std::vector<RateCounter> before = counters;
      change(counters);
      for (size_t i = 0; i < keys.size(); ++i) {
        if (counters[i] == before[i]) continue;
        const RateCounter& n = counters[i];
        Status st = n == RateCounter{} ? exec(c, kDelete, "clear rate limit", keys[i])
                                       : exec(c, kUpsert, "write rate limit", keys[i], n.attempts,
                                              n.window_start, n.next_at, n.locked_until);
        if (!st) return st;
      }
      return ok_status();
    });
  }

  Result<std::vector<std::pair<std::string, RateCounter>>> locked(int64_t now) override {
    return leased(*pool_, [&](auto& c) {
      return all(
          c, kSelectLocked, "read locked rate limits",
          [](const auto& s) {
            return std::pair{s.column_text(0), counter(s, 1)};
          },
          now);
    });
  }

 private:
  static constexpr std::string_view kSelect =
      "SELECT attempts, window_start, next_at, locked_until FROM rate_limits WHERE key = ?";
  static constexpr std::string_view kUpsert =
      "INSERT INTO rate_limits (key, attempts, window_start, next_at, locked_until) "
      "VALUES (?, ?, ?, ?, ?) ON CONFLICT (key) DO UPDATE SET attempts = excluded.attempts, "
      "window_start = excluded.window_start, next_at = excluded.next_at, "
      "locked_until = excluded.locked_until";
  static constexpr std::string_view kDelete = "DELETE FROM rate_limits WHERE key = ?";
  static constexpr std::string_view kSelectLocked =
      "SELECT key, attempts, window_start, next_at, locked_until FROM rate_limits "
      "WHERE locked_until > ? ORDER BY key";

  static RateCounter counter(const auto& s, int first) {
    return RateCounter{s.column_int64(first), s.column_int64(first + 1), s.column_int64(first + 2),
                       s.column_int64(first + 3)};
  }

  Pool pool_;
};

}  // namespace gatehouse::store::sql
