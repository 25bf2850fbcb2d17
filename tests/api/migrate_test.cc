// `gatehouse migrate sqlite-to-postgres` (docs/postgres.md, "Moving from SQLite"): a SQLite
// installation with users (password, TOTP, passkey), roles, a tenant, a management key, sessions
// and audit history is moved into an empty database of the throwaway PostgreSQL cluster
// (CTest fixture pg_cluster); `serve --database-url` on the same data directory then
// carries on as if nothing happened. A second migration (target not empty) and one under a
// running server are refused; a failure half-way through the copy writes nothing.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <libpq-fe.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <fstream>
#include <string>

#include <sqlite3.h>

#include "gatehouse/crypto/base32.h"
#include "gatehouse/crypto/totp.h"
#include "mgmt_fixture.h"
#include "support/soft_authenticator.h"

namespace gatehouse::test {
namespace {

using gatehouse::testing::parse_options;
using gatehouse::testing::SoftAuthenticator;
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

  // One WebAuthn ceremony (signup or signin) with `a`: start, answer, finish.
  HttpResponse passkey(const std::string& kind, const std::string& login_id, SoftAuthenticator& a) {
    const std::string origin = "http://localhost:" + std::to_string(server().port());
    json::object body{{"origin", origin}};
    if (kind == "signup") {
      body["user"] = json::object{{"loginId", login_id}};
    } else {
      body["loginId"] = login_id;
    }
    auto started = api().http.post("/v1/auth/webauthn/" + kind + "/start", body,
                                   bearer(server().project_id()));
    if (started.status != 200) return started;
    auto parsed = parse_options(std::string(started.obj().at("options").as_string()));
    SoftAuthenticator::Ceremony c;
    c.rp_id = parsed.rp_id.empty() ? "localhost" : parsed.rp_id;
    c.challenge = parsed.challenge;
    c.origin = origin;
    const std::string answer =
        kind == "signup" ? a.create(c).response_json : a.get(c).response_json;
    return api().http.post(
        "/v1/auth/webauthn/" + kind + "/finish",
        json::object{{"transactionId", started.obj().at("transactionId")}, {"response", answer}},
        bearer(server().project_id()));
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
  SoftAuthenticator authenticator;
  auto pk = passkey("signup", "passkey@example.com", authenticator);
  ASSERT_EQ(pk.status, 200) << pk.body;
  const std::string jwks = api().http.get("/v2/keys/" + project).body;
  auto under_sqlite = migrate();
  EXPECT_NE(under_sqlite.exit_code, 0);
  EXPECT_THAT(under_sqlite.err, HasSubstr("server is running"));
  EXPECT_EQ(scalar(url_, "SELECT count(*) FROM information_schema.tables WHERE table_schema = '" +
                             schema_ + "'"),
            "0")
      << "refused before touching PostgreSQL";
  EXPECT_EQ(server().stop(), 0);

  // --- the move ---
  auto moved = migrate();
  ASSERT_EQ(moved.exit_code, 0) << moved.err;
  EXPECT_THAT(moved.out, HasSubstr("users: 5")) << "the first admin and four users";
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
  auto pk_in = passkey("signin", "passkey@example.com", authenticator);
  EXPECT_EQ(pk_in.status, 200) << "the passkey moved: " << pk_in.body;

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
  EXPECT_EQ(scalar(url_, "SELECT count(*) FROM users"), "6") << "nothing was written twice";
}

// Runs `sql` on the data directory's SQLite database; "" or SQLite's message.
std::string sqlite_exec(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  std::string error;
  if (sqlite3_open(path.c_str(), &db) != SQLITE_OK) {
    error = "cannot open " + path;
  } else if (char* msg = nullptr;
             sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &msg) != SQLITE_OK) {
    error = msg ? msg : "failed";
    sqlite3_free(msg);
  }
  sqlite3_close(db);
  return error;
}

TEST_F(MigrateTest, AFailureHalfWayOrASchemaMismatchWritesNothing) {
  ASSERT_NO_FATAL_FAILURE(Start({}, data_));
  api().must_sign_up("kept@example.com");
  EXPECT_EQ(server().stop(), 0);
  const std::string db = data_ + "/gatehouse.db";

  // A value PostgreSQL refuses in a table copied after users and meta: all rolled back.
  ASSERT_EQ(sqlite_exec(db, "UPDATE password_credentials SET expired = 'soon'"), "");
  auto bad = migrate();
  EXPECT_NE(bad.exit_code, 0);
  EXPECT_THAT(bad.err, HasSubstr("copying password_credentials"));
  EXPECT_THAT(bad.err, HasSubstr("nothing was written"));
  EXPECT_EQ(scalar(url_, "SELECT count(*) FROM users"), "0") << "users were rolled back";
  EXPECT_EQ(scalar(url_, "SELECT count(*) FROM meta"), "0");
  ASSERT_EQ(sqlite_exec(db, "UPDATE password_credentials SET expired = 0"), "");

  // A column this build's PostgreSQL schema does not have (as a newer SQLite schema would).
  ASSERT_EQ(sqlite_exec(db, "ALTER TABLE users ADD COLUMN nickname TEXT"), "");
  auto r = migrate();
  EXPECT_NE(r.exit_code, 0);
  EXPECT_THAT(r.err, HasSubstr("users.nickname exists in SQLite only"));
  EXPECT_EQ(scalar(url_, "SELECT count(*) FROM users"), "0");

  // Without it, the same database migrates: the failures left the target empty.
  ASSERT_EQ(sqlite_exec(db, "ALTER TABLE users DROP COLUMN nickname"), "");
  auto ok = migrate();
  EXPECT_EQ(ok.exit_code, 0) << ok.err;
  EXPECT_EQ(scalar(url_, "SELECT count(*) FROM users WHERE login_id = 'kept@example.com'"), "1");
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
