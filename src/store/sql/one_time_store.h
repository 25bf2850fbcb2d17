// OneTimeStore in SQL both engines run (see README.md): the one_time_secrets table. Every
// change runs in one transaction, so two consumers never both see a live row. A row a
// sign-in spent stays, marked `spent`, until the sweep of expired rows; every statement
// here reads it as absent (migration 0012_one_time_spent.sql says why it is not deleted).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "gatehouse/crypto/digest.h"
#include "gatehouse/result.h"
#include "store/model.h"
#include "store/one_time_store.h"

namespace gatehouse::store::sql {

// The columns every select below reads, in this order.
#define GH_ONE_TIME_COLUMNS \
  "SELECT purpose, login_id, user_id, secret_hash, data, created_at, expires_at, attempts "

// The statement that finds a secret by its hash, where the engines differ.
inline constexpr std::string_view kOneTimeSelectByHash =
    GH_ONE_TIME_COLUMNS "FROM one_time_secrets WHERE purpose = ? AND secret_hash = ? AND spent = 0";
// SQLite's planner (no ANALYZE statistics) otherwise takes the primary key's `purpose`
// prefix over this non-covering index and reads every live row of the purpose: a
// magic-link verify cost as much as the links outstanding (sqlite_store_test).
inline constexpr std::string_view kOneTimeSelectByHashSqlite = GH_ONE_TIME_COLUMNS
    "FROM one_time_secrets INDEXED BY one_time_secrets_hash "
    "WHERE purpose = ? AND secret_hash = ? AND spent = 0";

// Marks spent the secret a sign-in spends (SessionStore::insert_spending), inside the
// caller's transaction on `c`: kCodeInvalid when it is no longer there with that hash,
// unspent and alive.
template <class Connection>
Status spend_secret(Connection& c, const SecretSpend& spend) {
  constexpr std::string_view kSpend =
      "UPDATE one_time_secrets SET spent = 1 WHERE purpose = ? AND login_id = ? "
      "AND secret_hash = ? AND expires_at > ? AND spent = 0";
  auto spent = write(c, kSpend, "spend one-time secret", spend.purpose, spend.login_id,
                     spend.secret_hash, spend.now);
  if (!spent) return spent.error();
  if (spent->changes != 1) {
    return make_error(Errc::kCodeInvalid, "one-time secret used, replaced or expired");
  }
  return ok_status();
}

template <class Pool>
class SqlOneTimeStore final : public OneTimeStore {
 public:
  SqlOneTimeStore(Pool pool, std::string_view select_by_hash)
      : pool_(std::move(pool)), select_by_hash_(select_by_hash) {}

  Status put(const OneTimeSecret& s) override {
    if (s.purpose.empty() || s.login_id.empty() || s.secret_hash.empty()) {
      return make_error(Errc::kInvalidArgument, "a one-time secret needs purpose, login id, hash");
    }
    return transaction(*pool_, [&](auto& c) -> Status {
      if (auto st = exec(c, kPurge, "purge one-time secrets", s.created_at); !st) return st;
      return exec(c, kUpsert, "write one-time secret", s.purpose, s.login_id, s.user_id,
                  s.secret_hash, s.data, s.created_at, s.expires_at);
    });
  }

  Result<Consumed> consume(const std::string& purpose, const std::string& login_id,
                           const std::string& secret_hash, int64_t now,
                           int64_t max_attempts) override {
    return transaction(*pool_, [&](auto& c) -> Result<Consumed> {
      auto row = one(c, kSelectByLogin, "read one-time secret", read, purpose, login_id);
      if (!row) return row.error();
      if (!*row) return Consumed{};
      OneTimeSecret s = std::move(**row);
      auto remove = [&]() {
        return exec(c, kDelete, "delete one-time secret", s.purpose, s.login_id);
      };
      if (s.expires_at <= now) {
        if (auto st = remove(); !st) return st.error();
        return Consumed{ConsumeOutcome::kExpired, std::move(s)};
      }
      if (crypto::constant_time_equal(s.secret_hash, secret_hash)) {
        if (auto st = remove(); !st) return st.error();
        return Consumed{ConsumeOutcome::kConsumed, std::move(s)};
      }
      ++s.attempts;
      if (s.attempts >= max_attempts) {
        if (auto st = remove(); !st) return st.error();
        return Consumed{ConsumeOutcome::kExhausted, std::move(s)};
      }
      if (auto st = exec(c, kCountAttempt, "count one-time attempt", s.purpose, s.login_id); !st) {
        return st.error();
      }
      return Consumed{ConsumeOutcome::kMismatch, std::move(s)};
    });
  }

  Result<Consumed> consume_by_hash(const std::string& purpose, const std::string& secret_hash,
                                   int64_t now) override {
    return transaction(*pool_, [&](auto& c) -> Result<Consumed> {
      auto row = one(c, select_by_hash_, "read one-time secret", read, purpose, secret_hash);
      if (!row) return row.error();
      if (!*row) return Consumed{};
      OneTimeSecret s = std::move(**row);
      // The index found it by equality; the compare keeps the rule "constant time" true
      // of every path that accepts a secret.
      if (!crypto::constant_time_equal(s.secret_hash, secret_hash)) return Consumed{};
      if (auto st = exec(c, kDelete, "delete one-time secret", s.purpose, s.login_id); !st) {
        return st.error();
      }
      if (s.expires_at <= now) return Consumed{ConsumeOutcome::kExpired, std::move(s)};
      return Consumed{ConsumeOutcome::kConsumed, std::move(s)};
    });
  }

  Result<std::optional<OneTimeSecret>> find(const std::string& purpose,
                                            const std::string& login_id) override {
    return leased(*pool_, [&](auto& c) {
      return one(c, kSelectByLogin, "read one-time secret", read, purpose, login_id);
    });
  }

  Result<std::optional<OneTimeSecret>> find_by_hash(const std::string& purpose,
                                                    const std::string& secret_hash) override {
    return leased(*pool_, [&](auto& c) {
      return one(c, select_by_hash_, "read one-time secret", read, purpose, secret_hash);
    });
  }

  Result<int64_t> purge(int64_t now) override {
    return transaction(*pool_, [&](auto& c) -> Result<int64_t> {
      auto w = write(c, kPurge, "purge one-time secrets", now);
      if (!w) return w.error();
      return w->changes;
    });
  }

  Result<int64_t> count_live(const std::string& purpose, int64_t now) override {
    return leased(*pool_, [&](auto& c) -> Result<int64_t> {
      auto n = one(
          c, kCountLive, "count one-time secrets", [](const auto& s) { return s.column_int64(0); },
          purpose, now);
      if (!n) return n.error();
      return n->value_or(0);
    });
  }

 private:
  static constexpr std::string_view kUpsert =
      "INSERT INTO one_time_secrets (purpose, login_id, user_id, secret_hash, data, created_at, "
      "expires_at, attempts) VALUES (?, ?, ?, ?, ?, ?, ?, 0) "
      "ON CONFLICT (purpose, login_id) DO UPDATE SET user_id = excluded.user_id, "
      "secret_hash = excluded.secret_hash, data = excluded.data, "
      "created_at = excluded.created_at, expires_at = excluded.expires_at, attempts = 0, "
      "spent = 0";
  static constexpr std::string_view kPurge = "DELETE FROM one_time_secrets WHERE expires_at <= ?";
  static constexpr std::string_view kSelectByLogin =
      GH_ONE_TIME_COLUMNS "FROM one_time_secrets WHERE purpose = ? AND login_id = ? AND spent = 0";
  static constexpr std::string_view kDelete =
      "DELETE FROM one_time_secrets WHERE purpose = ? AND login_id = ?";
  static constexpr std::string_view kCountAttempt =
      "UPDATE one_time_secrets SET attempts = attempts + 1 WHERE purpose = ? AND login_id = ?";
  static constexpr std::string_view kCountLive =
      "SELECT count(*) FROM one_time_secrets WHERE purpose = ? AND expires_at > ? AND spent = 0";

  static constexpr auto read = [](const auto& s) {
    OneTimeSecret o;
    o.purpose = s.column_text(0);
    o.login_id = s.column_text(1);
    o.user_id = s.column_text(2);
    o.secret_hash = s.column_text(3);
    o.data = s.column_text(4);
    o.created_at = s.column_int64(5);
    o.expires_at = s.column_int64(6);
    o.attempts = s.column_int64(7);
    return o;
  };

  Pool pool_;
  std::string_view select_by_hash_;
};

#undef GH_ONE_TIME_COLUMNS

}  // namespace gatehouse::store::sql
