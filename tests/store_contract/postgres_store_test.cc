// PostgreSQL-only behaviour: several Stores (as several gatehouse nodes would be) on one
// database racing on the rules SQLite keeps with its single writer, migrations under the
// advisory lock, and how an exhausted pool or an unreachable server is reported.
#include <atomic>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include <unistd.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "store/postgres/connection.h"
#include "store/postgres/connection_pool.h"
#include "store/postgres/migrations.h"
#include "store/postgres/postgres_store.h"
#include "store_harness.h"

namespace gatehouse::store::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

class PostgresStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string problem;
    base_url_ = postgres_test_url(&problem);
    if (base_url_.empty()) {
      if (std::getenv("GATEHOUSE_TEST_POSTGRES_URL_FILE") != nullptr) FAIL() << problem;
      GTEST_SKIP() << problem;
    }
    static std::atomic<int> counter{0};
    schema_ = "gh_pgtest_" + std::to_string(::getpid()) + "_" + std::to_string(counter++);
    ASSERT_THAT(admin("CREATE SCHEMA " + schema_), IsOk());
    url_ = with_search_path(base_url_, schema_);
  }
  void TearDown() override {
    raw_.reset();
    if (!schema_.empty()) (void)admin("DROP SCHEMA " + schema_ + " CASCADE");
  }

  // Runs `sql` on a connection to the database outside the test's schema.
  Status admin(const std::string& sql) {
    auto c = postgres::Connection::open(base_url_);
    if (!c) return c.error();
    return (*c)->exec(sql, "admin");
  }

  // A plain connection to the test schema, for looking behind the store's back.
  postgres::Connection& raw() {
    if (!raw_) {
      auto c = postgres::Connection::open(url_);
      EXPECT_THAT(c, IsOk());
      raw_ = std::move(*c);
    }
    return *raw_;
  }
  std::string scalar(const std::string& sql) {
    auto rows = raw().run(sql, {}, "scalar");
    EXPECT_THAT(rows, IsOk());
    if (!rows || !rows->next()) return {};
    return rows->column_text(0);
  }

  Stores open() {
    auto stores = open_postgres(url_);
    EXPECT_THAT(stores, IsOk());
    return stores ? std::move(*stores) : Stores{};
  }

  static NewUser user(const std::string& id) {
    NewUser u;
    u.id = id;
    u.login_id = id + "@example.com";
    u.email = u.login_id;
    u.created_at = 1000;
    return u;
  }
  static RefreshToken token(const std::string& id, const std::string& family) {
    RefreshToken t;
    t.id = id;
    t.user_id = "u1";
    t.family_id = family;
    t.token_hash = "hash-of-" + id;
    t.issued_at = 100;
    t.expires_at = 100 + 3600;
    return t;
  }

  std::string base_url_;
  std::string url_;
  std::string schema_;
  std::unique_ptr<postgres::Connection> raw_;
};

TEST_F(PostgresStoreTest, TwoNodesRotatingOneRefreshTokenHaveExactlyOneWinner) {
  Stores a = open();
  Stores b = open();
  ASSERT_THAT(a.users->create(user("u1")), IsOk());
  ASSERT_THAT(a.sessions->insert(token("t0", "f1")), IsOk());
  std::string current = "t0";
  for (int round = 1; round <= 25; ++round) {
    std::atomic<int> ready{0};
    Status results[2] = {ok_status(), ok_status()};
    std::string ids[2] = {"a" + std::to_string(round), "b" + std::to_string(round)};
    SessionStore* nodes[2] = {a.sessions.get(), b.sessions.get()};
    std::vector<std::thread> threads;
    for (int i = 0; i < 2; ++i) {
      threads.emplace_back([&, i] {
        ++ready;
        while (ready < 2) std::this_thread::yield();
        results[i] = nodes[i]->rotate(current, token(ids[i], "f1"), 200 + round);
      });
    }
    for (auto& t : threads) t.join();
    const int winners = (results[0] ? 1 : 0) + (results[1] ? 1 : 0);
    ASSERT_EQ(winners, 1) << "round " << round;
    const int loser = results[0] ? 1 : 0;
    EXPECT_THAT(results[loser], ErrcIs(Errc::kTokenRevoked)) << "round " << round;
    current = ids[1 - loser];
    auto old = a.sessions->get(results[0] ? ids[0] : ids[1]);
    ASSERT_THAT(old, IsOk());
  }
  // One chain: every rotated token names exactly one replacement.
  EXPECT_EQ(scalar("SELECT count(*) FROM refresh_tokens"), "26");
  EXPECT_EQ(scalar("SELECT count(*) FROM refresh_tokens WHERE rotated_at IS NULL"), "1");
}

// The interleaving a logout must survive now that a rotation is one READ COMMITTED
// statement: the logout's transaction has its snapshot while the rotation still holds the
// old token's row lock, and the rotation commits a replacement that snapshot cannot see.
// A row lock held from a third connection lines the two up in that order.
TEST_F(PostgresStoreTest, ALogoutRacingARotationRevokesTheReplacementToo) {
  Stores a = open();
  ASSERT_THAT(a.users->create(user("u1")), IsOk());
  ASSERT_THAT(a.sessions->insert(token("t0", "f1")), IsOk());
  auto watcher = postgres::Connection::open(base_url_);
  ASSERT_THAT(watcher, IsOk());
  // Until a backend waits for a lock in a statement starting with `prefix`.
  auto wait_for_lock = [&](const std::string& prefix) {
    for (int i = 0; i < 2000; ++i) {
      auto rows = (*watcher)->run(
          "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
          "AND starts_with(query, ?)",
          {postgres::Param{prefix, 25}}, "watch locks");
      if (rows && rows->next() && rows->column_int64(0) > 0) return;
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
  };
  ASSERT_THAT(raw().exec("BEGIN", "begin"), IsOk());
  ASSERT_THAT(raw().exec("SELECT 1 FROM refresh_tokens WHERE id = 't0' FOR UPDATE", "lock"),
              IsOk());
  Status rotated = ok_status();
  Status revoked = ok_status();
  std::thread rotation([&] { rotated = a.sessions->rotate("t0", token("t1", "f1"), 500); });
  wait_for_lock("WITH old AS");
  std::thread logout([&] { revoked = a.sessions->revoke_family("f1", 600); });
  wait_for_lock("UPDATE refresh_tokens SET revoked_at");
  ASSERT_THAT(raw().exec("COMMIT", "commit"), IsOk());
  rotation.join();
  logout.join();
  EXPECT_THAT(revoked, IsOk());
  EXPECT_THAT(rotated, ::testing::AnyOf(IsOk(), ErrcIs(Errc::kTokenRevoked)));
  EXPECT_EQ(scalar("SELECT count(*) FROM refresh_tokens WHERE revoked_at IS NULL"), "0");
}

TEST_F(PostgresStoreTest, RateLimitAttemptsFromTwoNodesAreAllCounted) {
  Stores a = open();
  Stores b = open();
  RateLimitStore* nodes[2] = {a.rate_limits.get(), b.rate_limits.get()};
  std::vector<std::thread> threads;
  for (int i = 0; i < 4; ++i) {
    threads.emplace_back([&, i] {
      for (int n = 0; n < 25; ++n) {
        auto st = nodes[i % 2]->update({"login:x", "ip:1"}, [](std::vector<RateCounter>& c) {
          for (auto& counter : c) {
            ++counter.attempts;
            counter.window_start = 1;
          }
        });
        EXPECT_THAT(st, IsOk());
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(scalar("SELECT attempts FROM rate_limits WHERE key = 'login:x'"), "100");
  EXPECT_EQ(scalar("SELECT attempts FROM rate_limits WHERE key = 'ip:1'"), "100");
}

TEST_F(PostgresStoreTest, NodesStartingTogetherMigrateOnce) {
  std::vector<std::thread> threads;
  std::atomic<int> ok{0};
  for (int i = 0; i < 4; ++i) {
    threads.emplace_back([&] {
      if (open_postgres(url_)) ++ok;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok.load(), 4);
  EXPECT_EQ(scalar("SELECT count(*) FROM schema_migrations"),
            std::to_string(postgres::embedded_migrations().size()));
  EXPECT_EQ(scalar("SELECT count(*) FROM schema_migrations WHERE version = 1"), "1");
}

TEST_F(PostgresStoreTest, ReopeningKeepsDataAndAppliesNothingTwice) {
  {
    Stores a = open();
    ASSERT_THAT(a.users->create(user("u1")), IsOk());
  }
  Stores again = open();
  auto u = again.users->get_by_login_id("U1@EXAMPLE.COM");
  ASSERT_THAT(u, IsOk());
  EXPECT_EQ(u->id, "u1");
  EXPECT_EQ(scalar("SELECT count(*) FROM schema_migrations"),
            std::to_string(postgres::embedded_migrations().size()));
}

TEST_F(PostgresStoreTest, RefusesADatabaseMigratedByANewerBuild) {
  { Stores a = open(); }
  ASSERT_THAT(raw().exec("INSERT INTO schema_migrations VALUES (9999, 'future', 0)", "insert"),
              IsOk());
  auto stores = open_postgres(url_);
  EXPECT_THAT(stores, ErrcIs(Errc::kInternal));
  EXPECT_THAT(stores.error().message, HasSubstr("newer than this build"));
}

TEST_F(PostgresStoreTest, AnExhaustedPoolIsUnavailableAfterTheWait) {
  postgres::ConnectionPool pool(url_, 1, std::chrono::milliseconds(100), nullptr);
  auto held = pool.acquire();
  ASSERT_THAT(held, IsOk());
  const auto start = std::chrono::steady_clock::now();
  auto second = pool.acquire();
  EXPECT_THAT(second, ErrcIs(Errc::kUnavailable));
  EXPECT_GE(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(90));
}

TEST_F(PostgresStoreTest, AnUnreachableServerIsUnavailable) {
  auto stores = open_postgres("postgres://app:x@127.0.0.1:1/app?connect_timeout=2");
  EXPECT_THAT(stores, ErrcIs(Errc::kUnavailable));
  EXPECT_THAT(stores.error().message, Not(HasSubstr("x@")));
}

TEST_F(PostgresStoreTest, ConnectionsEndedByTheServerAreReplacedWithoutACrash) {
  // Tagged, so only this test's connections are ended (other tests run at the same time).
  auto opened = open_postgres(url_ + "&application_name=" + schema_);
  ASSERT_THAT(opened, IsOk());
  Stores a = std::move(*opened);
  ASSERT_THAT(a.users->create(user("u1")), IsOk());
  // Fill the pool with several open connections, then end them all from the server side
  // (what a database restart or failover does).
  std::vector<std::thread> threads;
  for (int i = 0; i < 4; ++i) {
    threads.emplace_back([&] { EXPECT_THAT(a.users->get_by_id("u1"), IsOk()); });
  }
  for (auto& t : threads) t.join();
  auto ended = raw().run(
      "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
      "WHERE application_name = ?",
      {{schema_, 25}}, "terminate");
  ASSERT_THAT(ended, IsOk());
  ASSERT_TRUE(ended->next());
  EXPECT_GE(ended->column_int64(0), 1);
  // Transactions reconnect before they start: every write succeeds.
  for (int i = 0; i < 10; ++i) {
    EXPECT_THAT(a.sessions->insert(token("t" + std::to_string(i), "f1")), IsOk()) << i;
  }
  // Single reads on a connection that broke fail once, as kUnavailable, and the broken
  // connection is replaced: after at most one failure per pooled connection, all succeed.
  int failures = 0;
  for (int i = 0; i < 20; ++i) {
    auto u = a.users->get_by_id("u1");
    if (!u) {
      EXPECT_THAT(u, ErrcIs(Errc::kUnavailable));
      ++failures;
    }
  }
  EXPECT_LE(failures, 8);
  EXPECT_THAT(a.users->get_by_id("u1"), IsOk());
}

TEST_F(PostgresStoreTest, PlaceholdersBecomeDollarParametersOutsideQuotes) {
  EXPECT_EQ(postgres::to_dollar_placeholders("SELECT ? , '?', \"a?\", ?2, ?"),
            "SELECT $1 , '?', \"a?\", $2, $2");
}

}  // namespace
}  // namespace gatehouse::store::testing
