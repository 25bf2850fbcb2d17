// RateLimitStore on PostgreSQL: the rate_limits table.
#include "store/postgres/engine.h"
#include "store/postgres/query.h"

namespace gatehouse::store::postgres {
namespace {

constexpr std::string_view kSelectCounter =
    "SELECT attempts, window_start, next_at, locked_until FROM rate_limits WHERE key = ?";
constexpr std::string_view kUpsertCounter =
    "INSERT INTO rate_limits (key, attempts, window_start, next_at, locked_until) "
    "VALUES (?, ?, ?, ?, ?) ON CONFLICT (key) DO UPDATE SET attempts = excluded.attempts, "
    "window_start = excluded.window_start, next_at = excluded.next_at, "
    "locked_until = excluded.locked_until";
constexpr std::string_view kDeleteCounter = "DELETE FROM rate_limits WHERE key = ?";
constexpr std::string_view kSelectLocked =
    "SELECT key, attempts, window_start, next_at, locked_until FROM rate_limits "
    "WHERE locked_until > ? ORDER BY key";

RateCounter read_counter(const Statement& s, int first) {
  return RateCounter{s.column_int64(first), s.column_int64(first + 1), s.column_int64(first + 2),
                     s.column_int64(first + 3)};
}

class PostgresRateLimitStore final : public RateLimitStore {
 public:
  explicit PostgresRateLimitStore(Pool pool) : pool_(std::move(pool)) {}

  Status update(const std::vector<std::string>& keys,
                const std::function<void(std::vector<RateCounter>&)>& change) override {
    return transaction(*pool_, [&](Connection& c) -> Status {
      std::vector<RateCounter> counters;
      counters.reserve(keys.size());
      for (const auto& key : keys) {
        auto row = one(
            c, kSelectCounter, "read rate limit",
            [](const Statement& s) { return read_counter(s, 0); }, key);
        if (!row) return row.error();
        counters.push_back(row->value_or(RateCounter{}));
      }
      const std::vector<RateCounter> before = counters;
      change(counters);
      for (size_t i = 0; i < keys.size(); ++i) {
        if (counters[i] == before[i]) continue;
        const RateCounter& n = counters[i];
        Status st = n == RateCounter{}
                        ? exec(c, kDeleteCounter, "clear rate limit", keys[i])
                        : exec(c, kUpsertCounter, "write rate limit", keys[i], n.attempts,
                               n.window_start, n.next_at, n.locked_until);
        if (!st) return st;
      }
      return ok_status();
    });
  }

  Result<std::vector<std::pair<std::string, RateCounter>>> locked(int64_t now) override {
    return leased(*pool_, [&](Connection& c) {
      return all(
          c, kSelectLocked, "read locked rate limits",
          [](const Statement& s) {
            return std::pair{s.column_text(0), read_counter(s, 1)};
          },
          now);
    });
  }

 private:
  Pool pool_;
};

}  // namespace

std::unique_ptr<RateLimitStore> make_rate_limit_store(Pool pool) {
  return std::make_unique<PostgresRateLimitStore>(std::move(pool));
}

}  // namespace gatehouse::store::postgres
