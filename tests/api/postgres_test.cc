// `gatehouse serve --database-url postgres://…` against the throwaway PostgreSQL 15 test
// cluster (tests/store_contract/pg_cluster.sh, CTest fixture pg_cluster): the whole
// sign-up / sign-in / refresh / logout round trip over real HTTP with every row in
// PostgreSQL, kept across a restart; an unreachable database stops the start with a clear
// error. docs/postgres.md.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <libpq-fe.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <fstream>
#include <string>

#include "support/api.h"

namespace gatehouse::test {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

// The cluster's URL from the file the fixture wrote ("" when not run through ctest).
std::string cluster_url() {
  if (const char* url = std::getenv("GATEHOUSE_TEST_POSTGRES_URL"); url != nullptr && *url) {
    return url;
  }
  const char* file = std::getenv("GATEHOUSE_TEST_POSTGRES_URL_FILE");
  if (file == nullptr) return {};
  std::ifstream in(file);
  std::string url;
  std::getline(in, url);
  return url;
}

// Runs one statement on the cluster; "" on success, the server's message otherwise.
std::string run_sql(const std::string& url, const std::string& sql) {
  PGconn* c = PQconnectdb(url.c_str());
  std::string error;
  if (PQstatus(c) != CONNECTION_OK) {
    error = PQerrorMessage(c);
  } else {
    PGresult* r = PQexec(c, sql.c_str());
    if (PQresultStatus(r) != PGRES_COMMAND_OK && PQresultStatus(r) != PGRES_TUPLES_OK) {
      error = PQresultErrorMessage(r);
    }
    PQclear(r);
  }
  PQfinish(c);
  return error;
}

// The first column of the first row of `sql`.
std::string scalar(const std::string& url, const std::string& sql) {
  PGconn* c = PQconnectdb(url.c_str());
  std::string out;
  if (PQstatus(c) == CONNECTION_OK) {
    PGresult* r = PQexec(c, sql.c_str());
    if (PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) > 0) out = PQgetvalue(r, 0, 0);
    PQclear(r);
  }
  PQfinish(c);
  return out;
}

// Each test gets its own schema of the cluster's database (search_path in the URL).
class PostgresServerTest : public OwnServerTest {
 protected:
  void SetUp() override {
    base_ = cluster_url();
    if (base_.empty()) {
      if (std::getenv("GATEHOUSE_TEST_POSTGRES_URL_FILE") != nullptr) {
        FAIL() << "the PostgreSQL test cluster's URL file is missing";
      }
      GTEST_SKIP() << "no PostgreSQL test cluster (run through ctest: fixture pg_cluster)";
    }
    static std::atomic<int> n{0};
    schema_ = "gh_api_" + std::to_string(::getpid()) + "_" + std::to_string(n++);
    ASSERT_EQ(run_sql(base_, "CREATE SCHEMA " + schema_), "");
    url_ = base_ + (base_.find('?') == std::string::npos ? "?" : "&") + "options=-csearch_path%3D" +
           schema_;
  }
  void TearDown() override {
    OwnServerTest::TearDown();
    if (!schema_.empty()) {
      run_sql(base_, "SET client_min_messages = warning; DROP SCHEMA " + schema_ + " CASCADE");
    }
  }

  std::string base_, schema_, url_;
  TempDir dir_;  // the data directory (signing keys), kept across a restart
};

TEST_F(PostgresServerTest, SignUpSignInRefreshLogoutWithEveryRowInPostgres) {
  const std::string data = (dir_.path() / "data").string();
  ASSERT_NO_FATAL_FAILURE(Start({"--database-url", url_, "--database-pool", "4"}, data));
  EXPECT_THAT(server().out(), HasSubstr("\"database\":\"postgres\""));
  EXPECT_THAT(server().out() + server().err(), Not(HasSubstr("app:x@")))
      << "the URL's password is never logged";

  auto up = api().must_sign_up("pg-user@example.com");
  auto in = api().must_sign_in("pg-user@example.com");
  EXPECT_EQ(in.user_id, up.user_id);
  EXPECT_EQ(scalar(url_, "SELECT count(*) FROM users WHERE login_id = 'PG-USER@example.com'"), "1")
      << "the user is a row in PostgreSQL (login ids compare without case)";
  EXPECT_EQ(api().me(in.refresh).status, 200);

  auto refreshed = api().must_refresh(in.refresh);
  EXPECT_NE(refreshed.refresh, in.refresh);
  EXPECT_EQ(scalar(url_, "SELECT count(*) FROM refresh_tokens WHERE rotated_at IS NOT NULL"), "1");

  EXPECT_EQ(api().logout(refreshed.refresh).status, 200);
  EXPECT_EQ(api().refresh(refreshed.refresh).status, 401) << "logged out";
  EXPECT_EQ(api().refresh(in.refresh).status, 401) << "the whole sign-in was ended";
  EXPECT_EQ(api().refresh(up.refresh).status, 200) << "the sign-up's own session lives on";

  // A restart on the same database (and data directory) keeps the account.
  EXPECT_EQ(server().stop(), 0);
  ASSERT_NO_FATAL_FAILURE(Start({"--database-url", url_}, data));
  EXPECT_EQ(api().sign_in("pg-user@example.com").status, 200);
  EXPECT_EQ(api().sign_in("pg-user@example.com", "wrong password!").status, 401);
}

TEST_F(PostgresServerTest, TheCliActsOnTheSameDatabase) {
  const std::string data = (dir_.path() / "data").string();
  ASSERT_NO_FATAL_FAILURE(Start({"--database-url", url_}, data));
  // `gatehouse user add` with the same URL writes the user into PostgreSQL; the running
  // server signs them in at once.
  auto added = run_gatehouse({"user", "add", "--data", data, "--database-url", url_, "--email",
                              "cli-pg@example.com", "--password-stdin", "--name", "CLI User"},
                             std::string(kPassword) + "\n");
  ASSERT_EQ(added.exit_code, 0) << added.err;
  EXPECT_EQ(scalar(url_, "SELECT name FROM users WHERE login_id = 'cli-pg@example.com'"),
            "CLI User");
  EXPECT_EQ(api().sign_in("cli-pg@example.com").status, 200);
}

TEST_F(PostgresServerTest, AnUnreachableDatabaseStopsTheStartWithAClearError) {
  ServerProcess s({"--database-url", "postgres://app:secret-pw@127.0.0.1:1/app"});
  EXPECT_FALSE(s.start());
  EXPECT_THAT(s.error(), HasSubstr("postgres"));
  EXPECT_THAT(s.error(), Not(HasSubstr("secret-pw")));
}

TEST_F(PostgresServerTest, ANonPostgresUrlIsRefused) {
  auto r = run_gatehouse({"serve", "--database-url", "mysql://x@y/z"});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_THAT(r.err, HasSubstr("postgres://"));
}

}  // namespace
}  // namespace gatehouse::test
