// `gatehouse migrate sqlite-to-postgres` (docs/postgres.md, "Moving from SQLite"): a SQLite
// installation with users (password, TOTP), roles, a tenant, a management key, sessions
// and audit history is moved into an empty database of the throwaway PostgreSQL cluster
// (CTest fixture pg_cluster); `serve --database-url` on the same data directory then
// carries on as if nothing happened. A second migration (target not empty) and one under a
// running server are refused.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <libpq-fe.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <fstream>
#include <string>

#include "gatehouse/crypto/base32.h"
#include "gatehouse/crypto/totp.h"
#include "mgmt_fixture.h"

namespace gatehouse::test {
namespace {

using ::testing::HasSubstr;

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

// The first column of the first row of `sql` ("" on any failure); an empty `sql` result
// of a command is "ok".
std::string scalar(const std::string& url, const std::string& sql) {
  PGconn* c = PQconnectdb(url.c_str());
  std::string out;
  if (PQstatus(c) == CONNECTION_OK) {
    PGresult* r = PQexec(c, sql.c_str());
    if (PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) > 0) out = PQgetvalue(r, 0, 0);
    if (PQresultStatus(r) == PGRES_COMMAND_OK) out = "ok";
    PQclear(r);
  }
  PQfinish(c);
  return out;
}

std::string totp_now(const std::string& key) {
  auto secret = crypto::base32_decode(key);
  if (!secret) return "";
  return crypto::totp_code(*secret, unix_now());
}

class MigrateTest : public OwnServerTest {
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
    schema_ = "gh_migrate_" + std::to_string(::getpid()) + "_" + std::to_string(n++);
    ASSERT_EQ(scalar(base_, "CREATE SCHEMA " + schema_), "ok");
    url_ = base_ + (base_.find('?') == std::string::npos ? "?" : "&") + "options=-csearch_path%3D" +
           schema_;
    data_ = (dir_.path() / "data").string();
  }
  void TearDown() override {
    OwnServerTest::TearDown();
    if (!schema_.empty()) {
      scalar(base_, "SET client_min_messages = warning; DROP SCHEMA " + schema_ + " CASCADE");
    }
  }
  CommandResult migrate() {
    return run_gatehouse(
        {"migrate", "sqlite-to-postgres", "--data", data_, "--database-url", url_});
  }
  HttpResponse mgmt_post(const std::string& path, const json::value& body) {
    return api().http.post(path, body, bearer(server().project_id(), mgmt_key_));
  }
  HttpResponse mgmt_get(const std::string& path) {
    return api().http.get(path, bearer(server().project_id(), mgmt_key_));
  }

  std::string base_, schema_, url_, data_, mgmt_key_;
  TempDir dir_;
};

TEST_F(MigrateTest, EverythingCarriesOverToPostgres) {
  // --- a SQLite installation in use ---
  ASSERT_NO_FATAL_FAILURE(Start({}, data_));
  const std::string project = server().project_id();
  auto created = run_gatehouse({"mgmt-key", "create", "--name", "deploy", "--data", data_});
  ASSERT_EQ(created.exit_code, 0) << created.err;
  {
    std::string body = created.out.substr(0, created.out.size() - 1);
    mgmt_key_ = body.substr(body.rfind('\n') + 1);
  }
  ASSERT_EQ(mgmt_post("/v1/mgmt/role/create", json::object{{"name", "curator"}}).status, 200);
  ASSERT_EQ(mgmt_post("/v1/mgmt/tenant/create", json::object{{"id", "school"}, {"name", "School"}})
                .status,
            200);
  auto taught = mgmt_post(
      "/v1/mgmt/user/create",
      json::object{
          {"loginId", "taught@example.com"},
          {"roleNames", json::array{"curator"}},
          {"userTenants", json::array{json::object{{"tenantId", "school"},
                                                   {"roleNames", json::array{"curator"}}}}},
          {"password", kPassword}});
  ASSERT_EQ(taught.status, 200) << taught.body;

  auto pw = api().must_sign_up("moved@example.com");
  auto totp = api().http.post("/v1/auth/totp/signup", json::object{{"loginId", "otp@example.com"}},
                              bearer(project));
  ASSERT_EQ(totp.status, 200) << totp.body;
  const std::string totp_key(totp.obj().at("key").as_string());
  const std::string jwks = api().http.get("/v2/keys/" + project).body;
  EXPECT_EQ(server().stop(), 0);

  // --- the move ---
  auto moved = migrate();
  ASSERT_EQ(moved.exit_code, 0) << moved.err;
  EXPECT_THAT(moved.out, HasSubstr("users: 4")) << "the first admin and three users";
  EXPECT_THAT(moved.out, HasSubstr("/keys"));
  EXPECT_EQ(scalar(url_, "SELECT value FROM meta WHERE value = '" + project + "'"), project);

  // --- PostgreSQL serves the same project ---
  ASSERT_NO_FATAL_FAILURE(Start({"--database-url", url_}, data_));
  EXPECT_THAT(server().out(), HasSubstr("\"database\":\"postgres\""));
  EXPECT_EQ(server().project_id(), project);
  EXPECT_EQ(api().http.get("/v2/keys/" + project).body, jwks) << "the same signing keys";
  EXPECT_EQ(api().me(pw.refresh).status, 200);
  auto refreshed = api().refresh(pw.refresh);
  EXPECT_EQ(refreshed.status, 200) << "the old refresh token refreshes: " << refreshed.body;
  EXPECT_EQ(api().sign_in("moved@example.com").status, 200);
  EXPECT_EQ(api().sign_in("moved@example.com", "wrong password!").status, 401);
  EXPECT_EQ(api().sign_in("taught@example.com").status, 200);
  auto code = api().http.post(
      "/v1/auth/totp/verify",
      json::object{{"loginId", "otp@example.com"}, {"code", totp_now(totp_key)}}, bearer(project));
  EXPECT_EQ(code.status, 200) << "the TOTP secret moved: " << code.body;

  // The management key (only its hash was stored) still works; roles and tenants moved.
  auto user = mgmt_get("/v1/mgmt/user?loginId=taught%40example.com");
  ASSERT_EQ(user.status, 200) << user.body;
  const auto& u = user.obj().at("user").as_object();
  EXPECT_EQ(set_of(u.at("roleNames")), std::set<std::string>{"curator"});
  EXPECT_EQ(user_tenants(u),
            (std::map<std::string, std::set<std::string>>{{"school", {"curator"}}}));
  auto audit = mgmt_post("/v1/mgmt/audit/search",
                         json::object{{"userIds", json::array{json::value(pw.user_id)}}});
  ASSERT_EQ(audit.status, 200) << audit.body;
  EXPECT_FALSE(audit.obj().at("audits").as_array().empty()) << "the audit history moved";
  // New rows get fresh ids after the copied ones.
  EXPECT_EQ(api().sign_up("after@example.com").status, 200);

  // --- a second migration is refused: while the server runs, and into a used database ---
  auto under_server = migrate();
  EXPECT_NE(under_server.exit_code, 0);
  EXPECT_THAT(under_server.err, HasSubstr("server is running"));
  EXPECT_EQ(server().stop(), 0);
  auto again = migrate();
  EXPECT_NE(again.exit_code, 0);
  EXPECT_THAT(again.err, HasSubstr("not empty"));
  EXPECT_THAT(again.err, HasSubstr("DROP SCHEMA"));
  EXPECT_EQ(scalar(url_, "SELECT count(*) FROM users"), "5") << "nothing was written twice";
}

TEST_F(MigrateTest, WithoutADatabaseOrUrlItSaysWhy) {
  auto none = migrate();
  EXPECT_NE(none.exit_code, 0);
  EXPECT_THAT(none.err, HasSubstr("no SQLite database"));
  auto no_url = run_gatehouse({"migrate", "sqlite-to-postgres", "--data", data_});
  EXPECT_EQ(no_url.exit_code, 2);
  EXPECT_THAT(no_url.err, HasSubstr("usage"));
}

}  // namespace
}  // namespace gatehouse::test
