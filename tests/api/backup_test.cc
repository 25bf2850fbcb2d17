// gatehouse backup / restore (docs/operations.md): a running server with users is backed
// up, the backup restored into a fresh data directory, and a server there signs the same
// users in with the same project and keys — tokens issued before the backup still verify.
// The signing keys travel sealed in the database; the default key-encryption key
// (keys/kek) travels with them, a configured one does not.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <sys/stat.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <thread>

#include "support/api.h"

namespace gatehouse::test {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

class BackupTest : public OwnServerTest {
 protected:
  TempDir tmp_;
  std::string file(const std::string& name) { return tmp_.file(name); }
};

TEST_F(BackupTest, BackupOfARunningServerRestoresIntoAFreshDirectory) {
  ASSERT_NO_FATAL_FAILURE(Start());
  const std::string pid = server().project_id();
  std::vector<std::string> emails;
  for (int i = 0; i < 3; ++i) emails.push_back(unique_email("backup"));
  std::vector<Login> logins;
  for (const auto& e : emails) logins.push_back(api().must_sign_up(e));
  HttpClient http(server().base_url());
  const std::string jwks = http.get("/v2/keys/" + pid).body;

  // Taken while the server serves sign-ups: a consistent snapshot, not a torn copy.
  std::atomic<bool> stop{false};
  std::atomic<int> signed_up{0};
  std::thread traffic([&] {
    while (!stop) {
      if (api().sign_up(unique_email("during")).status == 200) ++signed_up;
    }
  });
  auto b = run_gatehouse({"backup", file("gh.backup"), "--data", server().data_dir()});
  stop = true;
  traffic.join();
  ASSERT_EQ(b.exit_code, 0) << b.err;
  EXPECT_THAT(b.out, HasSubstr("backed up"));
  EXPECT_THAT(b.out, HasSubstr("keys/kek"));
  struct stat st {};
  ASSERT_EQ(::stat(file("gh.backup").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 077, 0u) << "the backup holds private keys";
  EXPECT_FALSE(fs::exists(file("gh.backup.partial")));
  // Never over an existing file.
  auto again = run_gatehouse({"backup", file("gh.backup"), "--data", server().data_dir()});
  EXPECT_NE(again.exit_code, 0);
  EXPECT_THAT(again.err, HasSubstr("exists"));
  // A user who signs up after the backup is not in it.
  const std::string later = unique_email("later");
  api().must_sign_up(later);
  ASSERT_EQ(server().stop(), 0);

  const std::string fresh = tmp_.file("restored");
  auto r = run_gatehouse({"restore", file("gh.backup"), "--data", fresh});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("restored"));
  struct stat kek {};
  ASSERT_EQ(::stat((fresh + "/keys/kek").c_str(), &kek), 0);
  EXPECT_EQ(kek.st_mode & 0777, 0600u);

  ServerProcess restored({}, fresh);
  ASSERT_TRUE(restored.start()) << restored.error();
  EXPECT_EQ(restored.project_id(), pid);
  Api api2(restored);
  for (const auto& e : emails) api2.must_sign_in(e);
  EXPECT_EQ(api2.sign_in(later).status, 401);
  // Same keys: published alike, and the session and refresh tokens issued before the
  // backup work against the restored server.
  HttpClient http2(restored.base_url());
  EXPECT_EQ(http2.get("/v2/keys/" + pid).body, jwks);
  EXPECT_EQ(api2.app_get("/get_roles", logins[0].session).status, 200);
  api2.must_refresh(logins[1].refresh);
  EXPECT_EQ(restored.stop(), 0);
}

TEST_F(BackupTest, AConfiguredKeyEncryptionKeyIsNotInTheBackupAndARestoreNeedsIt) {
  const std::string kek = file("kek");
  std::ofstream(kek) << "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f\n";
  fs::permissions(kek, fs::perms::owner_read | fs::perms::owner_write);
  ASSERT_NO_FATAL_FAILURE(Start({"--key-encryption-key-file", kek}));
  auto login = api().must_sign_up(unique_email("kek"));
  auto b = run_gatehouse(
      {"backup", file("b"), "--data", server().data_dir(), "--key-encryption-key-file", kek});
  ASSERT_EQ(b.exit_code, 0) << b.err;
  EXPECT_THAT(b.out, HasSubstr("does not carry"));
  EXPECT_THAT(b.out, HasSubstr(kek));
  ASSERT_EQ(server().stop(), 0);

  const std::string fresh = tmp_.file("restored");
  auto r = run_gatehouse({"restore", file("b"), "--data", fresh});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("--key-encryption-key-file"));
  EXPECT_FALSE(fs::exists(fresh + "/keys/kek"));
  {
    ServerProcess without({}, fresh);
    EXPECT_FALSE(without.start()) << "the keys do not open with a new default key";
    EXPECT_THAT(without.error(), HasSubstr("another one"));
  }
  ServerProcess with({"--key-encryption-key-file", kek}, fresh);
  ASSERT_TRUE(with.start()) << with.error();
  EXPECT_EQ(Api(with).app_get("/get_roles", login.session).status, 200);
  EXPECT_EQ(with.stop(), 0);
}

TEST_F(BackupTest, RestoreRefusesALiveServerExistingDataAndDamagedBackups) {
  // A directory that outlives the first server process (which removes its own).
  ASSERT_NO_FATAL_FAILURE(Start({}, file("data")));
  api().must_sign_up(unique_email("live"));
  const std::string data = server().data_dir();
  ASSERT_EQ(run_gatehouse({"backup", file("b1"), "--data", data}).exit_code, 0);

  // Under a running server: refused, even forced.
  auto live = run_gatehouse({"restore", file("b1"), "--data", data, "--force"});
  EXPECT_NE(live.exit_code, 0);
  EXPECT_THAT(live.err, HasSubstr("server is running"));
  ASSERT_EQ(server().stop(), 0);

  // Over existing data: only with --force.
  auto exists = run_gatehouse({"restore", file("b1"), "--data", data});
  EXPECT_NE(exists.exit_code, 0);
  EXPECT_THAT(exists.err, HasSubstr("--force"));

  // A damaged backup is refused before anything is touched.
  fs::copy_file(file("b1"), file("damaged"));
  {
    std::fstream f(file("damaged"), std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(static_cast<std::streamoff>(fs::file_size(file("damaged")) / 2));
    std::string junk(8192, '\x5a');
    f.write(junk.data(), static_cast<std::streamsize>(junk.size()));
  }
  auto damaged = run_gatehouse({"restore", file("damaged"), "--data", data, "--force"});
  EXPECT_NE(damaged.exit_code, 0);
  {
    std::ofstream f(file("not-a-db"));
    f << "hello";
  }
  auto junk = run_gatehouse({"restore", file("not-a-db"), "--data", data, "--force"});
  EXPECT_NE(junk.exit_code, 0);
  EXPECT_THAT(junk.err, HasSubstr("not"));

  // Forced over the directory it came from: the server starts and serves again.
  auto forced = run_gatehouse({"restore", file("b1"), "--data", data, "--force"});
  ASSERT_EQ(forced.exit_code, 0) << forced.err;
  ASSERT_NO_FATAL_FAILURE(Start({}, data));
  HttpClient http(server().base_url());
  EXPECT_EQ(http.get("/readyz").status, 200);
}

}  // namespace
}  // namespace gatehouse::test
