// Signing-key rotation on a running server (docs/security.md "Signing keys",
// docs/descope-wire.md §2.1): `gatehouse key rotate|retire|list` from another process,
// what GET /v2/keys publishes at each stage, which tokens keep working, the upgrade of a
// data directory from before rotation and of one whose private keys were files, two
// servers on one directory, and the C++ SDK
// validating fresh tokens while the keys rotate underneath it.
#include <sqlite3.h>
#include <sys/stat.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <array>
#include <atomic>
#include <filesystem>
#include <functional>
#include <mutex>
#include <set>
#include <sstream>
#include <thread>

#include <gatehouse/key_source.h>
#include <gatehouse/session.h>

#include "gatehouse/crypto/base64url.h"
#include "gatehouse/jose/signing_key.h"

#include "stored_keys.h"
#include "support/api.h"

namespace gatehouse::test {
namespace {

namespace fs = std::filesystem;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;

// Waits for something another process does (a server noticing a rotation: it reads the
// keys every second). Fails the test only if it never happens.
bool eventually(const std::function<bool()>& done,
                std::chrono::seconds limit = std::chrono::seconds(30)) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < deadline) {
    if (done()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return done();
}

struct KeyRow {
  std::string kid, state;
};

class KeyCli {
 public:
  explicit KeyCli(std::string data) : data_(std::move(data)) {}
  CommandResult run(std::vector<std::string> args) const {
    args.insert(args.begin(), "key");
    args.insert(args.end(), {"--data", data_});
    return run_gatehouse(args);
  }
  // `gatehouse key list` as (kid, state) rows, oldest first.
  std::vector<KeyRow> list() const {
    auto r = run({"list"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    std::vector<KeyRow> rows;
    std::istringstream in(r.out);
    std::string line;
    std::getline(in, line);  // header
    while (std::getline(in, line)) {
      auto tab = line.find('\t');
      auto tab2 = line.find('\t', tab + 1);
      rows.push_back({line.substr(0, tab), line.substr(tab + 1, tab2 - tab - 1)});
    }
    return rows;
  }
  std::string kid(const std::string& state) const {
    for (const auto& r : list()) {
      if (r.state == state) return r.kid;
    }
    return "";
  }

 private:
  std::string data_;
};

std::string kid_of(const std::string& jwt) { return str(jwt_header(jwt).at("kid")); }

class KeyRotationTest : public OwnServerTest {
 protected:
  void Start(std::vector<std::string> args = {}, std::string data = "") {
    ASSERT_NO_FATAL_FAILURE(OwnServerTest::Start(std::move(args), std::move(data)));
    cli_ = std::make_unique<KeyCli>(server().data_dir());
  }
  KeyCli& cli() { return *cli_; }

  // kids of GET /v2/keys/{projectId}, in the order published.
  static std::vector<std::string> published(const ServerProcess& s) {
    auto r = HttpClient(s.base_url()).get("/v2/keys/" + s.project_id());
    EXPECT_EQ(r.status, 200) << r.body;
    std::vector<std::string> kids;
    if (r.status != 200) return kids;
    for (const auto& k : r.obj().at("keys").as_array()) kids.push_back(str(k.at("kid")));
    return kids;
  }
  std::vector<std::string> published() { return published(server()); }

  std::unique_ptr<KeyCli> cli_;
};

TEST_F(KeyRotationTest, RotatingWhileServingKeepsOldTokensAndSignsNewOnesWithTheNextKey) {
  ASSERT_NO_FATAL_FAILURE(Start());
  const std::string k1 = cli().kid("current"), n1 = cli().kid("next");
  ASSERT_FALSE(k1.empty());
  ASSERT_FALSE(n1.empty());
  // The next key is published before it ever signs; the signing key comes first.
  EXPECT_THAT(published(), ElementsAre(k1, n1));
  const std::string email = unique_email("rotate");
  auto before = api().must_sign_up(email);
  EXPECT_EQ(kid_of(before.session), k1);
  EXPECT_EQ(kid_of(before.refresh), k1);

  // Without --force: the next key is minutes old, validators may not have it yet.
  auto refused = cli().run({"rotate"});
  EXPECT_EQ(refused.exit_code, 1);
  EXPECT_THAT(refused.err, HasSubstr("--force"));
  EXPECT_THAT(refused.err, HasSubstr(n1));
  EXPECT_EQ(cli().kid("current"), k1);

  auto rotated = cli().run({"rotate", "--force"});
  ASSERT_EQ(rotated.exit_code, 0) << rotated.err;
  EXPECT_THAT(rotated.out, HasSubstr(n1 + "  current"));
  EXPECT_THAT(rotated.out, HasSubstr(k1 + "  previous"));
  const std::string n2 = cli().kid("next");
  ASSERT_FALSE(n2.empty());
  EXPECT_EQ(cli().kid("previous"), k1);

  // The running server picks it up (it re-reads the keys every second): current, next,
  // then the key that stopped signing, still published for the tokens it signed.
  ASSERT_TRUE(eventually([&] {
    return published() == std::vector{n1, n2, k1};
  })) << "published: "
      << ::testing::PrintToString(published());
  auto after = api().must_sign_in(email);
  EXPECT_EQ(kid_of(after.session), n1);
  EXPECT_EQ(kid_of(after.refresh), n1);
  EXPECT_EQ(api().app_get("/get_roles", after.session).status, 200);

  // Tokens signed before the rotation still work, for as long as they live.
  EXPECT_EQ(api().app_get("/get_roles", before.session).status, 200);
  auto refreshed = api().refresh(before.refresh);
  ASSERT_EQ(refreshed.status, 200) << refreshed.body;
  EXPECT_EQ(kid_of(str(refreshed.obj().at("sessionJwt"))), n1);

  auto v1 = api().http.get("/v1/keys/" + server().project_id());
  auto v2 = api().http.get("/v2/keys/" + server().project_id());
  ASSERT_TRUE(v1.json && v1.json->is_array()) << v1.body;
  EXPECT_EQ(v1.json->as_array(), v2.obj().at("keys").as_array());
  EXPECT_EQ(v2.header("cache-control"), "public, max-age=300");
}

TEST_F(KeyRotationTest, RetireRefusesToCutOffLiveTokensUntilForced) {
  ASSERT_NO_FATAL_FAILURE(Start());
  const std::string k1 = cli().kid("current");
  auto old_login = api().must_sign_up(unique_email("retire"));
  ASSERT_EQ(cli().run({"rotate", "--force"}).exit_code, 0);
  const std::string n1 = cli().kid("current"), n2 = cli().kid("next");
  ASSERT_TRUE(eventually([&] { return published().size() == 3; }));

  auto refused = cli().run({"retire", k1});
  EXPECT_EQ(refused.exit_code, 1);
  EXPECT_THAT(refused.err, HasSubstr("stay valid until"));
  EXPECT_THAT(refused.err, HasSubstr("--force"));
  EXPECT_EQ(cli().kid("previous"), k1);
  EXPECT_THAT(published(), ::testing::Contains(k1));
  EXPECT_EQ(api().app_get("/get_roles", old_login.session).status, 200);

  // The current key: never, force or not.
  auto current = cli().run({"retire", n1, "--force"});
  EXPECT_EQ(current.exit_code, 1);
  EXPECT_THAT(current.err, HasSubstr("rotate first"));
  auto unknown = cli().run({"retire", "Knosuchkey"});
  EXPECT_EQ(unknown.exit_code, 1);
  EXPECT_THAT(unknown.err, HasSubstr("no signing key"));

  // Forced (a leaked key): its tokens are refused from the moment the server notices.
  auto forced = cli().run({"retire", k1, "--force"});
  ASSERT_EQ(forced.exit_code, 0) << forced.err;
  EXPECT_THAT(forced.out, HasSubstr("refused"));
  ASSERT_TRUE(eventually([&] {
    return published() == std::vector{n1, n2};
  })) << ::testing::PrintToString(published());
  EXPECT_EQ(stored_private_key(server().data_dir(), k1), "")
      << "a retired key's private half is erased";
  EXPECT_NE(stored_private_key(server().data_dir(), n1), "");
  auto dead_session = api().app_get("/get_roles", old_login.session);
  EXPECT_EQ(dead_session.status, 401) << dead_session.body;
  auto dead_refresh = api().refresh(old_login.refresh);
  EXPECT_EQ(dead_refresh.status, 401) << dead_refresh.body;
  // Everyone else carries on.
  auto fresh = api().must_sign_up(unique_email("retire-after"));
  EXPECT_EQ(kid_of(fresh.session), n1);
  EXPECT_EQ(api().app_get("/get_roles", fresh.session).status, 200);

  // A next key has signed nothing: retiring it just replaces it.
  auto next = cli().run({"retire", n2});
  ASSERT_EQ(next.exit_code, 0) << next.err;
  const std::string n3 = cli().kid("next");
  EXPECT_THAT(next.out, HasSubstr("new next key: " + n3));
  ASSERT_TRUE(eventually([&] {
    return published() == std::vector{n1, n3};
  })) << ::testing::PrintToString(published());

  // Rows stay for the record; the operations are in the audit log.
  auto rows = cli().list();
  ASSERT_EQ(rows.size(), 4u);
  EXPECT_EQ(rows[0].kid, k1);
  EXPECT_EQ(rows[0].state, "retired");
}

TEST_F(KeyRotationTest, UsageErrorsExitTwo) {
  TempDir dir;
  KeyCli cli(dir.file("data"));
  EXPECT_EQ(run_gatehouse({"key"}).exit_code, 2);
  EXPECT_EQ(cli.run({"frob"}).exit_code, 2);
  EXPECT_EQ(cli.run({"retire"}).exit_code, 2);
  EXPECT_EQ(cli.run({"rotate", "extra"}).exit_code, 2);
  auto list = cli.run({"list"});
  ASSERT_EQ(list.exit_code, 0) << list.err;
  EXPECT_THAT(list.out, ::testing::StartsWith("KID\tSTATE\t"));
}

// Writes `pem` as a 0600 private key file, as older builds kept the keys.
void write_key_file(const std::string& pem, const std::string& path) {
  auto key = jose::SigningKey::from_pem(pem);
  ASSERT_TRUE(key.ok()) << "cannot read the stored private key";
  ASSERT_TRUE(jose::save_signing_key(*key, path).ok()) << path;
}

// A data directory written before key rotation existed: keys/signing.pem and a database
// without the signing_keys table. Made here from a current one by undoing migrations 0004
// and 0011.
TEST_F(KeyRotationTest, AnExistingDataDirectoryUpgradesWithoutSigningAnyoneOut) {
  TempDir dir;
  const std::string data = dir.file("data");
  ASSERT_NO_FATAL_FAILURE(Start({}, data));
  const std::string pid = server().project_id();
  const std::string email = unique_email("upgrade");
  auto login = api().must_sign_up(email);
  const std::string kid = kid_of(login.session);
  ASSERT_EQ(server().stop(), 0);

  ASSERT_NO_FATAL_FAILURE(write_key_file(private_pem(data, kid), data + "/keys/signing.pem"));
  fs::remove(data + "/keys/kek");  // an older build had none
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open((data + "/gatehouse.db").c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db,
                         "DROP TABLE signing_keys; "
                         "DELETE FROM schema_migrations WHERE version IN (4, 11)",
                         nullptr, nullptr, nullptr),
            SQLITE_OK)
      << sqlite3_errmsg(db);
  sqlite3_close(db);

  ASSERT_NO_FATAL_FAILURE(Start({}, data));
  EXPECT_EQ(server().project_id(), pid);
  auto kids = published();
  ASSERT_EQ(kids.size(), 2u);
  EXPECT_EQ(kids[0], kid) << "the old key, with the same kid, still signs";
  EXPECT_EQ(api().app_get("/get_roles", login.session).status, 200);
  auto refreshed = api().refresh(login.refresh);
  ASSERT_EQ(refreshed.status, 200) << refreshed.body;
  EXPECT_EQ(kid_of(str(refreshed.obj().at("sessionJwt"))), kid);
  EXPECT_FALSE(fs::exists(data + "/keys/signing.pem")) << "one copy of a private key";
  EXPECT_FALSE(fs::exists(data + "/keys/" + kid + ".pem"));
  EXPECT_NE(private_pem(data, kid), "") << "sealed in the store under the new keys/kek";
  EXPECT_EQ(cli().kid("current"), kid);
}

// A data directory of the build before the private halves moved into the store: one
// keys/<kid>.pem per key, no keys/kek, no private_key column. Made here from a current
// one by undoing migration 0011.
TEST_F(KeyRotationTest, KeyFilesOfAnOlderBuildAreSealedIntoTheStoreAndRemoved) {
  TempDir dir;
  const std::string data = dir.file("data");
  ASSERT_NO_FATAL_FAILURE(Start({}, data));
  auto login = api().must_sign_up(unique_email("sealing"));
  const std::string current = cli().kid("current"), next = cli().kid("next");
  const auto kids = published();
  ASSERT_EQ(server().stop(), 0);

  for (const auto& kid : {current, next}) {
    ASSERT_NO_FATAL_FAILURE(write_key_file(private_pem(data, kid), data + "/keys/" + kid + ".pem"));
  }
  fs::remove(data + "/keys/kek");
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open((data + "/gatehouse.db").c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db,
                         "ALTER TABLE signing_keys DROP COLUMN private_key; "
                         "DELETE FROM schema_migrations WHERE version = 11",
                         nullptr, nullptr, nullptr),
            SQLITE_OK)
      << sqlite3_errmsg(db);
  sqlite3_close(db);

  ASSERT_NO_FATAL_FAILURE(Start({}, data));
  EXPECT_EQ(published(), kids) << "the same keys";
  EXPECT_EQ(api().app_get("/get_roles", login.session).status, 200);
  auto refreshed = api().refresh(login.refresh);
  ASSERT_EQ(refreshed.status, 200) << refreshed.body;
  EXPECT_EQ(kid_of(str(refreshed.obj().at("sessionJwt"))), current);
  login.refresh = str(refreshed.obj().at("refreshJwt"));
  for (const auto& kid : {current, next}) {
    EXPECT_FALSE(fs::exists(data + "/keys/" + kid + ".pem")) << "sealed, then removed";
    EXPECT_NE(private_pem(data, kid), "") << kid;
  }
  // The next key signs after a rotation: its private half came through too.
  ASSERT_EQ(cli().run({"rotate", "--force"}).exit_code, 0);
  ASSERT_TRUE(eventually([&] {
    auto r = api().refresh(login.refresh);
    if (r.status == 200) login.refresh = str(r.obj().at("refreshJwt"));
    return r.status == 200 && kid_of(str(r.obj().at("sessionJwt"))) == next;
  }));
}

// The published key set as (kid, kty, alg), in order.
std::vector<std::array<std::string, 3>> published_keys(const ServerProcess& s) {
  auto r = HttpClient(s.base_url()).get("/v2/keys/" + s.project_id());
  EXPECT_EQ(r.status, 200) << r.body;
  std::vector<std::array<std::string, 3>> keys;
  if (r.status != 200) return keys;
  for (const auto& k : r.obj().at("keys").as_array()) {
    keys.push_back({str(k.at("kid")), str(k.at("kty")), str(k.at("alg"))});
  }
  return keys;
}

std::string alg_of(const std::string& jwt) { return str(jwt_header(jwt).at("alg")); }

TEST_F(KeyRotationTest, Es256SignsFromTheStartWhenChosen) {
  ASSERT_NO_FATAL_FAILURE(Start({"--signing-alg", "ES256"}));
  auto r = api().http.get("/v2/keys/" + server().project_id());
  ASSERT_EQ(r.status, 200) << r.body;
  const auto& keys = r.obj().at("keys").as_array();
  ASSERT_EQ(keys.size(), 2u) << "current and next";
  for (const auto& k : keys) {
    const auto& o = k.as_object();
    EXPECT_EQ(o.at("kty"), "EC");
    EXPECT_EQ(o.at("crv"), "P-256");
    EXPECT_EQ(o.at("alg"), "ES256");
    EXPECT_EQ(o.at("use"), "sig");
    EXPECT_FALSE(o.contains("d")) << "nothing private";
  }
  auto login = api().must_sign_up(unique_email("es256"));
  EXPECT_EQ(alg_of(login.session), "ES256");
  EXPECT_EQ(alg_of(login.refresh), "ES256");
  EXPECT_EQ(kid_of(login.session), str(keys[0].at("kid")));
  EXPECT_EQ(api().app_get("/get_roles", login.session).status, 200);
  auto refreshed = api().refresh(login.refresh);
  ASSERT_EQ(refreshed.status, 200) << refreshed.body;
  EXPECT_EQ(alg_of(str(refreshed.obj().at("sessionJwt"))), "ES256");
  // A changed signature is refused, and so is the same token relabelled RS256.
  std::string forged = login.session;
  forged[forged.size() - 10] = forged[forged.size() - 10] == 'A' ? 'B' : 'A';
  EXPECT_EQ(api().app_get("/get_roles", forged).status, 401);
  json::object header = jwt_header(login.session);
  header["alg"] = "RS256";
  std::string relabelled = crypto::base64url_encode(json::serialize(header)) +
                           login.session.substr(login.session.find('.'));
  EXPECT_EQ(api().app_get("/get_roles", relabelled).status, 401);
}

TEST_F(KeyRotationTest, SwitchingToEs256IsARotationThatKeepsOldTokens) {
  TempDir dir;
  const std::string data = dir.file("data");
  ASSERT_NO_FATAL_FAILURE(Start({}, data));
  const std::string email = unique_email("switch");
  auto before = api().must_sign_up(email);
  EXPECT_EQ(alg_of(before.session), "RS256") << "Descope's algorithm by default";
  const std::string rsa_current = cli().kid("current"), rsa_next = cli().kid("next");
  ASSERT_EQ(server().stop(), 0);

  // The choice replaces the next key (it signed nothing); the RSA key signs until rotated.
  ASSERT_NO_FATAL_FAILURE(Start({"--signing-alg", "ES256"}, data));
  auto keys = published_keys(server());
  ASSERT_EQ(keys.size(), 2u) << ::testing::PrintToString(keys);
  EXPECT_EQ(keys[0][0], rsa_current);
  EXPECT_EQ(keys[0][2], "RS256");
  EXPECT_NE(keys[1][0], rsa_next);
  EXPECT_EQ(keys[1][1], "EC");
  EXPECT_EQ(keys[1][2], "ES256");
  EXPECT_EQ(alg_of(api().must_sign_in(email).session), "RS256");

  // The rotation (the CLI, which has no algorithm of its own, keeps the ES256 one).
  auto rotated = cli().run({"rotate", "--force"});
  ASSERT_EQ(rotated.exit_code, 0) << rotated.err;
  ASSERT_TRUE(eventually([&] {
    auto k = published_keys(server());
    return k.size() == 3 && k[0][2] == "ES256" && k[1][2] == "ES256" && k[2][0] == rsa_current;
  })) << ::testing::PrintToString(published_keys(server()));
  auto after = api().must_sign_in(email);
  EXPECT_EQ(alg_of(after.session), "ES256");
  EXPECT_EQ(api().app_get("/get_roles", after.session).status, 200);
  // Tokens of the RSA key stay valid until they expire; refreshing one gives ES256 tokens.
  EXPECT_EQ(api().app_get("/get_roles", before.session).status, 200);
  auto refreshed = api().refresh(before.refresh);
  ASSERT_EQ(refreshed.status, 200) << refreshed.body;
  EXPECT_EQ(alg_of(str(refreshed.obj().at("sessionJwt"))), "ES256");

  // Restarted without the option, the server keeps what the keys are.
  ASSERT_EQ(server().stop(), 0);
  ASSERT_NO_FATAL_FAILURE(Start({}, data));
  auto again = published_keys(server());
  ASSERT_GE(again.size(), 2u);
  EXPECT_EQ(again[1][2], "ES256") << "the next key was not switched back";
  EXPECT_EQ(alg_of(api().must_sign_in(email).session), "ES256");
  // A bad choice is refused with a reason, before anything starts.
  auto bad = run_gatehouse({"serve", "--data", data, "--signing-alg", "HS256"});
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_THAT(bad.err, HasSubstr("RS256 or ES256"));
}

// Two servers on one data directory (and the CLI) agree on the signing key.
TEST_F(KeyRotationTest, ServersSharingADirectorySignWithTheSameKey) {
  ASSERT_NO_FATAL_FAILURE(Start());
  ServerProcess other({}, server().data_dir());
  ASSERT_TRUE(other.start()) << other.error();
  Api other_api(other);
  EXPECT_EQ(published(other), published());

  ASSERT_EQ(cli().run({"rotate", "--force"}).exit_code, 0);
  const std::vector<std::string> expected{cli().kid("current"), cli().kid("next"),
                                          cli().kid("previous")};
  ASSERT_TRUE(eventually([&] { return published() == expected && published(other) == expected; }));
  auto here = api().must_sign_up(unique_email("node-a"));
  auto there = other_api.must_sign_up(unique_email("node-b"));
  EXPECT_EQ(kid_of(here.session), expected[0]);
  EXPECT_EQ(kid_of(there.session), expected[0]);
  EXPECT_EQ(other_api.app_get("/get_roles", here.session).status, 200);
  EXPECT_EQ(api().app_get("/get_roles", there.session).status, 200);
  EXPECT_EQ(other.stop(), 0);
}

// The C++ SDK's remote key source, the way an app backend uses it, validating fresh
// tokens from the server in several threads while the CLI rotates twice: zero failures.
//
// Two validators, each with the SDK's default intervals and a clock of its own that the
// test moves on (so neither waits for real minutes):
//   - by_age (max-age 300 s): re-reads the key set by age and learns each next key
//     before it signs — what kPublishLead guarantees in production;
//   - by_kid (max-age 0): learns a new key only from the first token naming it, through
//     the throttled refetch on an unknown kid.
class CountingHttp final : public ::gatehouse::HttpClient {
 public:
  Result<::gatehouse::HttpResponse> send(const ::gatehouse::HttpRequest& r) override {
    ++count;
    return inner->send(r);
  }
  std::shared_ptr<::gatehouse::HttpClient> inner = ::gatehouse::make_curl_http_client();
  std::atomic<int> count{0};
};

struct Validator {
  std::shared_ptr<std::atomic<int64_t>> now = std::make_shared<std::atomic<int64_t>>(unix_now());
  std::shared_ptr<CountingHttp> http = std::make_shared<CountingHttp>();
  std::shared_ptr<::gatehouse::KeySource> keys;
  std::unique_ptr<::gatehouse::SessionClient> client;

  Validator(const ServerProcess& s, int64_t max_age) {
    keys = ::gatehouse::make_remote_key_source(
        s.base_url(), s.project_id(),
        {.max_age = max_age, .clock = [n = now] { return n->load(); }, .http = http});
    client = std::make_unique<::gatehouse::SessionClient>(::gatehouse::SessionClient::Options{
        .project_id = s.project_id(), .base_url = s.base_url(), .keys = keys, .http = http});
  }
  bool knows(const std::string& kid) {
    auto set = keys->keys();
    return set && (*set)->find(kid) != nullptr;
  }
};

class KeyRotationMidTrafficTest : public KeyRotationTest {};

TEST_F(KeyRotationMidTrafficTest, RemoteValidatorsSeeNoFailureAcrossTwoRotations) {
  ASSERT_NO_FATAL_FAILURE(Start());
  Validator by_age(server(), 300), by_kid(server(), 0);
  constexpr int kThreads = 4;
  std::vector<Login> logins;
  for (int i = 0; i < kThreads; ++i) logins.push_back(api().must_sign_up(unique_email("traffic")));

  std::atomic<bool> stop{false};
  std::atomic<int> validations{0}, failures{0};
  std::mutex mu;
  std::set<std::string> kids_validated;
  std::vector<std::string> failure_notes;
  auto note = [&](const std::string& what) {
    ++failures;
    std::lock_guard lock(mu);
    if (failure_notes.size() < 10) failure_notes.push_back(what);
  };
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      Api own(server());
      const std::string first_session = logins[t].session;  // signed before any rotation
      std::string refresh = logins[t].refresh;
      while (!stop) {
        auto r = own.refresh(refresh);
        if (r.status != 200) {
          note("refresh answered " + std::to_string(r.status) + " " + r.body);
          continue;
        }
        refresh = str(r.obj().at("refreshJwt"));
        const std::string session = str(r.obj().at("sessionJwt"));
        for (Validator* v : {&by_age, &by_kid}) {
          for (const std::string* token : {&session, &first_session}) {
            auto s = v->client->validate_session(*token);
            if (!s) note(kid_of(*token) + ": " + s.error().message);
          }
        }
        auto roles = own.app_get("/get_roles", session);  // the server's own validation
        if (roles.status != 200) note("/get_roles answered " + std::to_string(roles.status));
        {
          std::lock_guard lock(mu);
          kids_validated.insert(kid_of(session));
        }
        ++validations;
      }
    });
  }
  auto validated = [&](const std::string& kid) {
    std::lock_guard lock(mu);
    return kids_validated.count(kid) != 0;
  };
  auto more = [&](int n) {
    const int target = validations + n;
    return eventually([&] { return validations >= target || failures > 0; });
  };

  const std::string k1 = cli().kid("current"), n1 = cli().kid("next");
  EXPECT_TRUE(more(2 * kThreads));
  EXPECT_TRUE(by_age.knows(n1) && by_kid.knows(n1)) << "fetched after n1 was published";

  // First rotation: both validators already hold n1.
  ASSERT_EQ(cli().run({"rotate", "--force"}).exit_code, 0);
  const std::string n2 = cli().kid("next");
  EXPECT_TRUE(eventually([&] { return validated(n1); })) << "the server never signed with n1";
  EXPECT_TRUE(more(2 * kThreads));

  // Time passes for the validators: by_age's set gets old, by_kid's refetch allowance
  // comes back. by_age re-reads the set (on some thread's next call) and learns n2.
  *by_age.now += 300;
  *by_kid.now += 30;
  EXPECT_TRUE(eventually([&] { return by_age.knows(n2); }));
  EXPECT_FALSE(by_kid.knows(n2));

  // Second rotation: by_kid meets n2 in a token first and fetches once, whatever the
  // number of threads that meet it at the same time.
  ASSERT_EQ(cli().run({"rotate", "--force"}).exit_code, 0);
  EXPECT_TRUE(eventually([&] { return validated(n2); })) << "the server never signed with n2";
  EXPECT_TRUE(more(2 * kThreads));

  stop = true;
  for (auto& t : threads) t.join();
  EXPECT_EQ(failures.load(), 0) << ::testing::PrintToString(failure_notes);
  EXPECT_GE(validations.load(), 6 * kThreads);
  EXPECT_TRUE(validated(k1));
  EXPECT_EQ(by_age.http->count.load(), 2) << "the first fetch and one by age";
  EXPECT_EQ(by_kid.http->count.load(), 2) << "the first fetch and one for n2";
}

}  // namespace
}  // namespace gatehouse::test
