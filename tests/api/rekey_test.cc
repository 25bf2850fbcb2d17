// `gatehouse key rekey` on a SQLite data directory (docs/security.md "Changing the
// key-encryption key", docs/operations.md): the signing keys' private halves are sealed
// again under a new key-encryption key in one transaction; afterwards a server started
// with the old key refuses to start saying what to set, one started with the new key
// serves the same keys, so sessions issued before still validate against the JWKS and
// refresh. A wrong current key, a server still running, the default key file as the new
// key, or a new key file others may read change nothing. PostgreSQL: postgres_test.cc.
#include <sqlite3.h>
#include <sys/stat.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include <gatehouse/key_source.h>
#include <gatehouse/session.h>

#include "support/api.h"

namespace gatehouse::test {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kNewKekHex[] = "00112233445566778899aabbccddeeff0f1e2d3c4b5a69788796a5b4c3d2e1f0";

// kid → sealed private half, for every key in the data directory's database.
std::map<std::string, std::string> sealed_keys(const std::string& data_dir) {
  std::map<std::string, std::string> out;
  sqlite3* db = nullptr;
  if (sqlite3_open_v2((data_dir + "/gatehouse.db").c_str(), &db, SQLITE_OPEN_READONLY, nullptr) ==
      SQLITE_OK) {
    sqlite3_stmt* s = nullptr;
    if (sqlite3_prepare_v2(db, "SELECT kid, private_key FROM signing_keys", -1, &s, nullptr) ==
        SQLITE_OK) {
      while (sqlite3_step(s) == SQLITE_ROW) {
        out[reinterpret_cast<const char*>(sqlite3_column_text(s, 0))] =
            reinterpret_cast<const char*>(sqlite3_column_text(s, 1));
      }
    }
    sqlite3_finalize(s);
  }
  sqlite3_close(db);
  return out;
}

// The detail of the newest audit event named `action`; "" when there is none.
std::string audit_detail(const std::string& data_dir, const std::string& action) {
  std::string out;
  sqlite3* db = nullptr;
  if (sqlite3_open_v2((data_dir + "/gatehouse.db").c_str(), &db, SQLITE_OPEN_READONLY, nullptr) ==
      SQLITE_OK) {
    sqlite3_stmt* s = nullptr;
    if (sqlite3_prepare_v2(db,
                           "SELECT detail FROM audit_events WHERE action = ? ORDER BY id DESC "
                           "LIMIT 1",
                           -1, &s, nullptr) == SQLITE_OK) {
      sqlite3_bind_text(s, 1, action.c_str(), -1, SQLITE_TRANSIENT);
      if (sqlite3_step(s) == SQLITE_ROW) {
        out = reinterpret_cast<const char*>(sqlite3_column_text(s, 0));
      }
    }
    sqlite3_finalize(s);
  }
  sqlite3_close(db);
  return out;
}

class KeyRekeyTest : public OwnServerTest {
 protected:
  // Writes a key-encryption key file with `mode` and returns its path.
  std::string write_kek(const std::string& name, const std::string& text, mode_t mode = 0600) {
    const std::string path = tmp_.file(name);
    std::ofstream(path) << text;
    ::chmod(path.c_str(), mode);
    return path;
  }
  CommandResult rekey(std::vector<std::string> extra) {
    std::vector<std::string> args = {"key", "rekey", "--data", data_};
    args.insert(args.end(), extra.begin(), extra.end());
    return run_gatehouse(args);
  }

  TempDir tmp_;
  const std::string data_ = tmp_.file("data");
};

TEST_F(KeyRekeyTest, AfterRekeyOnlyTheNewKeyStartsAServerAndOldSessionsStillValidate) {
  ASSERT_NO_FATAL_FAILURE(Start({}, data_));  // the default key: <data>/keys/kek
  const std::string pid = server().project_id();
  const std::string email = unique_email("rekey");
  auto login = api().must_sign_up(email);
  const std::string jwks = api().http.get("/v2/keys/" + pid).body;
  ASSERT_EQ(server().stop(), 0);
  const auto before = sealed_keys(data_);
  ASSERT_GE(before.size(), 2u);

  const std::string new_kek = write_kek("new-kek", std::string(kNewKekHex) + "\n");
  auto r = rekey({"--new-key-encryption-key-file", new_kek});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("re-sealed the private halves of " + std::to_string(before.size()) +
                               " signing keys"));
  EXPECT_THAT(r.out, HasSubstr("--key-encryption-key-file " + new_kek));
  EXPECT_THAT(r.out, HasSubstr(data_ + "/keys/kek still holds the old key"));
  EXPECT_THAT(r.out + r.err, Not(HasSubstr(std::string(kNewKekHex).substr(0, 16))))
      << "the key is never printed";

  const auto after = sealed_keys(data_);
  ASSERT_EQ(after.size(), before.size());
  for (const auto& [kid, sealed] : before) {
    EXPECT_THAT(after.at(kid), HasSubstr("v1:")) << kid;
    EXPECT_NE(after.at(kid), sealed) << kid << " is sealed anew";
  }
  const std::string audit = audit_detail(data_, "key.rekey");
  EXPECT_THAT(audit, HasSubstr(std::to_string(before.size()) + " signing keys re-sealed"));
  EXPECT_THAT(audit, Not(HasSubstr(std::string(kNewKekHex).substr(0, 16))));

  // The old key (still in keys/kek, the default) opens nothing now: the server says so.
  ServerProcess old_key({}, data_);
  EXPECT_FALSE(old_key.start());
  EXPECT_THAT(old_key.error(), HasSubstr("sealed with another one"));
  EXPECT_THAT(old_key.error(), HasSubstr("--key-encryption-key-file"));

  ASSERT_NO_FATAL_FAILURE(Start({"--key-encryption-key-file", new_kek}, data_));
  EXPECT_EQ(server().project_id(), pid);
  EXPECT_EQ(api().http.get("/v2/keys/" + pid).body, jwks) << "the same keys, published as before";
  // A validator that knows only the JWKS accepts the session issued before the rekey.
  ::gatehouse::SessionClient client(::gatehouse::SessionClient::Options{
      .project_id = pid,
      .base_url = server().base_url(),
      .keys = ::gatehouse::make_remote_key_source(server().base_url(), pid)});
  auto validated = client.validate_session(login.session);
  ASSERT_TRUE(validated.ok()) << validated.error().message;
  EXPECT_EQ(validated->user_id, login.user_id);
  EXPECT_EQ(api().app_get("/get_roles", login.session).status, 200);
  auto refreshed = api().must_refresh(login.refresh);  // signed with the re-sealed key
  EXPECT_TRUE(client.validate_session(refreshed.session).ok());
  api().must_sign_in(email);

  // Keys made from now on are sealed under the new key: a rotation, then a restart.
  auto rotated = run_gatehouse(
      {"key", "rotate", "--force", "--data", data_, "--key-encryption-key-file", new_kek});
  EXPECT_EQ(rotated.exit_code, 0) << rotated.err;
  ASSERT_EQ(server().stop(), 0);
  ASSERT_NO_FATAL_FAILURE(Start({"--key-encryption-key-file", new_kek}, data_));
  api().must_refresh(refreshed.refresh);
}

TEST_F(KeyRekeyTest, ARekeyThatCannotBeDoneChangesNothing) {
  ASSERT_NO_FATAL_FAILURE(Start({}, data_));
  auto login = api().must_sign_up(unique_email("rekey-refused"));
  const std::string new_kek = write_kek("new-kek", kNewKekHex);

  // A server runs on the directory: it would keep sealing with the old key.
  auto running = rekey({"--new-key-encryption-key-file", new_kek});
  EXPECT_EQ(running.exit_code, 1);
  EXPECT_THAT(running.err, HasSubstr("a server is running on " + data_));
  ASSERT_EQ(server().stop(), 0);
  const auto before = sealed_keys(data_);

  // The current key given is not the one the store's keys are sealed with.
  std::string wrong_hex = kNewKekHex;
  wrong_hex[0] = 'f';
  const std::string wrong = write_kek("wrong-kek", wrong_hex);
  auto r = rekey({"--key-encryption-key-file", wrong, "--new-key-encryption-key-file", new_kek});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("sealed with another one"));
  EXPECT_THAT(r.err, HasSubstr("--key-encryption-key-file " + wrong));
  EXPECT_THAT(r.err, Not(HasSubstr(wrong_hex.substr(0, 16))));

  // The new key into the default key's file, a new key file others may read, none at all,
  // the current key again.
  r = rekey({"--new-key-encryption-key-file", data_ + "/keys/kek"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("cannot go in " + data_ + "/keys/kek"));
  const std::string open_file = write_kek("open-kek", kNewKekHex, 0644);
  r = rekey({"--new-key-encryption-key-file", open_file});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("chmod 600 " + open_file));
  r = rekey({"--new-key-encryption-key-file", tmp_.file("missing")});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("does not exist"));
  r = rekey({});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("usage: gatehouse key rekey"));
  std::filesystem::copy_file(data_ + "/keys/kek", tmp_.file("same-kek"));
  ::chmod(tmp_.file("same-kek").c_str(), 0600);
  r = rekey({"--new-key-encryption-key-file", tmp_.file("same-kek")});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("sealed with already"));

  EXPECT_EQ(sealed_keys(data_), before) << "nothing was written";
  EXPECT_EQ(audit_detail(data_, "key.rekey"), "");
  ASSERT_NO_FATAL_FAILURE(Start({}, data_));  // the old key still opens everything
  api().must_refresh(login.refresh);
}

}  // namespace
}  // namespace gatehouse::test
