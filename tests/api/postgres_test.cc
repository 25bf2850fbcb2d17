// `gatehouse serve --database-url postgres://…` against the throwaway PostgreSQL 15 test
// cluster (tests/store_contract/pg_cluster.sh, CTest fixture pg_cluster): the whole
// sign-up / sign-in / refresh / logout round trip over real HTTP with every row in
// PostgreSQL, kept across a restart; two nodes with their own data directories sharing the
// signing keys through the store (and one with another key-encryption key refused); an
// unreachable database stops the start with a clear error. docs/postgres.md.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <libpq-fe.h>
#include <unistd.h>

#include <sys/stat.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "gatehouse/crypto/secret_box.h"
#include "gatehouse/jose/signing_key.h"
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

// Writes a key-encryption key file (mode 0600) and returns its path.
std::string write_kek(const TempDir& dir, const std::string& name, const std::string& text) {
  const std::string path = dir.file(name);
  std::ofstream(path) << text;
  ::chmod(path.c_str(), 0600);
  return path;
}

constexpr char kKekHex[] = "5f0e8c1d2b3a49687766554433221100ffeeddccbbaa99887766554433221100";

TEST_F(PostgresServerTest, NodesWithTheirOwnDataDirectoriesShareTheKeysThroughTheStore) {
  const std::string kek = write_kek(dir_, "kek", std::string(kKekHex) + "\n");
  const std::string data_a = dir_.file("a"), data_b = dir_.file("b");
  ASSERT_NO_FATAL_FAILURE(
      Start({"--database-url", url_, "--key-encryption-key-file", kek}, data_a));
  const std::string pid = server().project_id();
  auto login = api().must_sign_up("pg-two-nodes@example.com");
  const std::string jwks = api().http.get("/v2/keys/" + pid).body;

  // B shares nothing with A but the database and the key-encryption key.
  ServerProcess b({"--database-url", url_, "--key-encryption-key-file", kek}, data_b);
  ASSERT_TRUE(b.start()) << b.error();
  Api api_b(b);
  EXPECT_EQ(b.project_id(), pid);
  EXPECT_EQ(api_b.http.get("/v2/keys/" + pid).body, jwks) << "the same keys";
  EXPECT_EQ(api_b.app_get("/get_roles", login.session).status, 200) << "A's session on B";
  auto on_b = api_b.must_refresh(login.refresh);  // signed by B
  EXPECT_EQ(str(jwt_header(on_b.session).at("kid")), str(jwt_header(login.session).at("kid")));
  EXPECT_EQ(api().app_get("/get_roles", on_b.session).status, 200) << "B's session on A";
  api().must_refresh(on_b.refresh);
  for (const auto& d : {data_a, data_b}) {
    for (const auto& e : std::filesystem::directory_iterator(d + "/keys")) {
      ADD_FAILURE() << "no key lies in a file: " << e.path();
    }
  }
  EXPECT_NE(scalar(url_, "SELECT count(*) FROM signing_keys WHERE private_key LIKE 'v1:%'"), "0");
  EXPECT_EQ(scalar(url_,
                   "SELECT count(*) FROM signing_keys WHERE private_key LIKE '%PRIVATE%' OR "
                   "private_key LIKE '%" +
                       std::string(kKekHex).substr(0, 16) + "%'"),
            "0");
  const std::string logs = server().out() + server().err() + b.out() + b.err();
  EXPECT_THAT(logs, Not(HasSubstr(std::string(kKekHex).substr(0, 16))))
      << "the key is never logged";
  EXPECT_EQ(b.stop(), 0);
}

TEST_F(PostgresServerTest, ANodeWithAnotherKeyEncryptionKeyRefusesToStartSayingWhatToSet) {
  const std::string kek = write_kek(dir_, "kek", kKekHex);
  ASSERT_NO_FATAL_FAILURE(
      Start({"--database-url", url_, "--key-encryption-key-file", kek}, dir_.file("a")));

  std::string other_hex = kKekHex;
  other_hex[0] = '6';
  const std::string other = write_kek(dir_, "other", other_hex);
  ServerProcess wrong({"--database-url", url_, "--key-encryption-key-file", other},
                      dir_.file("wrong"));
  EXPECT_FALSE(wrong.start());
  EXPECT_THAT(wrong.error(), HasSubstr("sealed with another one"));
  EXPECT_THAT(wrong.error(), HasSubstr("--key-encryption-key-file " + other));
  EXPECT_THAT(wrong.error(), HasSubstr("GATEHOUSE_KEY_ENCRYPTION_KEY"));
  EXPECT_THAT(wrong.error(), Not(HasSubstr(other_hex.substr(0, 16))));

  // None configured: the node makes its own keys/kek, which is not the store's either.
  ServerProcess unset({"--database-url", url_}, dir_.file("unset"));
  EXPECT_FALSE(unset.start());
  EXPECT_THAT(unset.error(), HasSubstr("keys/kek (the default"));
  EXPECT_THAT(unset.error(), HasSubstr("--key-encryption-key-file"));

  // A key file others may read is refused before anything else.
  ::chmod(other.c_str(), 0644);
  ServerProcess open_file({"--database-url", url_, "--key-encryption-key-file", other},
                          dir_.file("open"));
  EXPECT_FALSE(open_file.start());
  EXPECT_THAT(open_file.error(), HasSubstr("chmod 600 " + other));

  // The store was not touched: the first node keeps serving.
  EXPECT_EQ(api().http.get("/readyz").status, 200);
  api().must_sign_up("pg-still-serving@example.com");
}

// `gatehouse key rekey` on PostgreSQL with every node stopped: the keys in the database
// are sealed anew in one transaction; a node with the old key refuses to start, one with
// the new key signs and verifies with the same keys.
TEST_F(PostgresServerTest, RekeySealsTheKeysInTheDatabaseUnderTheNewKey) {
  const std::string old_kek = write_kek(dir_, "kek", kKekHex);
  const std::string data = dir_.file("data");
  ASSERT_NO_FATAL_FAILURE(
      Start({"--database-url", url_, "--key-encryption-key-file", old_kek}, data));
  const std::string pid = server().project_id();
  auto login = api().must_sign_up("pg-rekey@example.com");
  const std::string jwks = api().http.get("/v2/keys/" + pid).body;
  ASSERT_EQ(server().stop(), 0);
  const std::string kSealed = "SELECT string_agg(private_key, ',' ORDER BY kid) FROM signing_keys";
  const std::string before = scalar(url_, kSealed);
  ASSERT_THAT(before, HasSubstr("v1:"));

  std::string new_hex = kKekHex;
  new_hex[0] = 'a';
  const std::string new_kek = write_kek(dir_, "new-kek", new_hex);
  const std::vector<std::string> base = {
      "key",  "rekey", "--database-url", url_, "--data", data, "--new-key-encryption-key-file",
      new_kek};
  // Without the current key, or with another one: nothing changes.
  auto none = run_gatehouse(base);
  EXPECT_EQ(none.exit_code, 1);
  EXPECT_THAT(none.err, HasSubstr("--key-encryption-key-file"));
  EXPECT_FALSE(std::filesystem::exists(data + "/keys/kek")) << "rekey makes no key of its own";
  std::string other_hex = kKekHex;
  other_hex[0] = 'b';
  auto wrong_args = base;
  wrong_args.insert(wrong_args.end(),
                    {"--key-encryption-key-file", write_kek(dir_, "other", other_hex)});
  auto wrong = run_gatehouse(wrong_args);
  EXPECT_EQ(wrong.exit_code, 1);
  EXPECT_THAT(wrong.err, HasSubstr("sealed with another one"));
  EXPECT_EQ(scalar(url_, kSealed), before);

  auto args = base;
  args.insert(args.end(), {"--key-encryption-key-file", old_kek});
  auto r = run_gatehouse(args);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("--key-encryption-key-file " + new_kek));
  EXPECT_THAT(r.out + r.err, Not(HasSubstr(new_hex.substr(0, 16))));
  const std::string after = scalar(url_, kSealed);
  EXPECT_NE(after, before);
  EXPECT_EQ(scalar(url_,
                   "SELECT count(*) FROM signing_keys WHERE private_key <> '' AND "
                   "private_key NOT LIKE 'v1:%'"),
            "0");
  EXPECT_EQ(scalar(url_, "SELECT count(*) FROM audit_events WHERE action = 'key.rekey'"), "1");

  ServerProcess old_node({"--database-url", url_, "--key-encryption-key-file", old_kek},
                         dir_.file("old-node"));
  EXPECT_FALSE(old_node.start());
  EXPECT_THAT(old_node.error(), HasSubstr("sealed with another one"));
  EXPECT_THAT(old_node.error(), HasSubstr("--key-encryption-key-file " + old_kek));

  ASSERT_NO_FATAL_FAILURE(
      Start({"--database-url", url_, "--key-encryption-key-file", new_kek}, data));
  EXPECT_EQ(api().http.get("/v2/keys/" + pid).body, jwks);
  EXPECT_EQ(api().app_get("/get_roles", login.session).status, 200);
  api().must_refresh(login.refresh);
}

// A PostgreSQL installation of the build that kept the private halves in <data>/keys/:
// at the next start they are sealed into the store and the files removed.
TEST_F(PostgresServerTest, KeyFilesOfAnOlderBuildAreSealedIntoTheStore) {
  const std::string kek_file = write_kek(dir_, "kek", kKekHex);
  const std::string data = dir_.file("data");
  const std::vector<std::string> args = {"--database-url", url_, "--key-encryption-key-file",
                                         kek_file};
  ASSERT_NO_FATAL_FAILURE(Start(args, data));
  auto login = api().must_sign_up("pg-upgrade@example.com");
  const std::string jwks = api().http.get("/v2/keys/" + server().project_id()).body;
  ASSERT_EQ(server().stop(), 0);

  auto kek = crypto::parse_key_encryption_key(kKekHex);
  ASSERT_TRUE(kek.ok());
  std::vector<std::string> kids;
  for (const std::string state : {"current", "next"}) {
    const std::string kid =
        scalar(url_, "SELECT kid FROM signing_keys WHERE state = '" + state + "'");
    auto pem = crypto::open_secret(
        *kek, scalar(url_, "SELECT private_key FROM signing_keys WHERE kid = '" + kid + "'"), kid);
    ASSERT_TRUE(pem.ok()) << state;
    auto key = jose::SigningKey::from_pem(*pem);
    ASSERT_TRUE(key.ok());
    ASSERT_TRUE(jose::save_signing_key(*key, data + "/keys/" + kid + ".pem").ok());
    kids.push_back(kid);
  }
  ASSERT_EQ(run_sql(url_, "UPDATE signing_keys SET private_key = ''"), "");

  ASSERT_NO_FATAL_FAILURE(Start(args, data));
  EXPECT_EQ(api().http.get("/v2/keys/" + server().project_id()).body, jwks);
  EXPECT_EQ(api().app_get("/get_roles", login.session).status, 200);
  api().must_refresh(login.refresh);
  for (const auto& kid : kids) {
    EXPECT_FALSE(std::filesystem::exists(data + "/keys/" + kid + ".pem")) << kid;
    EXPECT_TRUE(crypto::open_secret(
                    *kek,
                    scalar(url_, "SELECT private_key FROM signing_keys WHERE kid = '" + kid + "'"),
                    kid)
                    .ok())
        << kid;
  }
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
