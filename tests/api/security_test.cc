// Attacks on a running server (docs/security.md): password guessing against one account
// and across accounts, sign-up floods, a logout racing a grace-window refresh, sessions
// that outlive a password change, and session JWTs that outlive their sign-in.
#include <sys/stat.h>

#include <atomic>
#include <filesystem>
#include <regex>
#include <string>
#include <thread>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "mgmt_fixture.h"
#include "support/api.h"
#include "support/temp_dir.h"

namespace gatehouse::test {
namespace {

using ::testing::HasSubstr;

// `n` sign-ins with `password` at once, each on its own connection.
std::vector<HttpResponse> parallel_sign_ins(const Api& api, const std::string& login, int n,
                                            const std::string& password) {
  std::vector<HttpResponse> out(static_cast<size_t>(n));
  std::vector<std::thread> threads;
  for (int i = 0; i < n; ++i) {
    threads.emplace_back([&, i] { out[static_cast<size_t>(i)] = api.sign_in(login, password); });
  }
  for (auto& t : threads) t.join();
  return out;
}

int count_status(const std::vector<HttpResponse>& rs, int status) {
  int n = 0;
  for (const auto& r : rs) n += r.status == status;
  return n;
}

// A Descope 429: E130429 with a Retry-After that says when to come back.
::testing::AssertionResult IsRateLimited(const HttpResponse& r) {
  if (r.status != 429) return ::testing::AssertionFailure() << r.status << " " << r.body;
  if (!r.json || str(r.obj().at("errorCode")) != "E130429") {
    return ::testing::AssertionFailure() << "not Descope's rate-limit error: " << r.body;
  }
  const std::string retry = r.header("retry-after");
  if (retry.empty() || std::stoll(retry) < 1) {
    return ::testing::AssertionFailure() << "Retry-After is '" << retry << "'";
  }
  return ::testing::AssertionSuccess();
}

void sleep_for_seconds(const HttpResponse& limited) {
  std::this_thread::sleep_for(
      std::chrono::milliseconds(std::stoll(limited.header("retry-after")) * 1000 + 200));
}

class GuessingTest : public OwnServerTest {};

TEST_F(GuessingTest, ParallelWrongPasswordsReachTheHasherOnlyAsOftenAsAllowed) {
  // 5 attempts, then locked for 2 s (a short lockout keeps the test quick).
  ASSERT_NO_FATAL_FAILURE(Start({"--limit-login", "5/5/2"}));
  const std::string login = unique_email("victim");
  api().must_sign_up(login);
  auto rs = parallel_sign_ins(api(), login, 50, "Wrong-Password-123");
  EXPECT_EQ(count_status(rs, 401), 5) << "wrong passwords that were checked";
  EXPECT_EQ(count_status(rs, 429), 45);
  for (const auto& r : rs) {
    if (r.status == 429) {
      EXPECT_TRUE(IsRateLimited(r));
    }
  }
  // The right password during the lockout gets the same answer: no oracle.
  auto locked = api().sign_in(login);
  ASSERT_TRUE(IsRateLimited(locked));
  EXPECT_THAT(str(locked.obj().at("errorMessage")), HasSubstr("Too many attempts"));
  sleep_for_seconds(locked);
  EXPECT_EQ(api().sign_in(login).status, 200);
}

TEST_F(GuessingTest, WaitsGrowAfterTheFreeAttemptsAndASuccessStartsOver) {
  ASSERT_NO_FATAL_FAILURE(Start());  // the defaults: 5 free, then waits, lock at 10
  const std::string login = unique_email("slow");
  api().must_sign_up(login);
  for (int i = 0; i < 5; ++i) EXPECT_EQ(api().sign_in(login, "Wrong-Password-123").status, 401);
  auto waiting = api().sign_in(login);
  ASSERT_TRUE(IsRateLimited(waiting));
  // The first wait is 2 s, counted in whole seconds: 1 or 2 left by now.
  EXPECT_THAT(std::stoll(waiting.header("retry-after")),
              ::testing::AllOf(::testing::Ge(1), ::testing::Le(2)));
  sleep_for_seconds(waiting);
  EXPECT_EQ(api().sign_in(login).status, 200);
  // The success forgot the failures: five more run free again.
  for (int i = 0; i < 5; ++i) EXPECT_EQ(api().sign_in(login, "Wrong-Password-123").status, 401);
}

TEST_F(GuessingTest, OneAddressGuessingAcrossAccountsIsLimited) {
  ASSERT_NO_FATAL_FAILURE(Start({"--limit-address", "3/6/60"}));
  std::vector<std::string> logins;
  for (int i = 0; i < 4; ++i) {
    logins.push_back(unique_email("spray"));
    api().must_sign_up(logins.back());
  }
  for (int i = 0; i < 3; ++i) EXPECT_EQ(api().sign_in(logins[i], "Wrong-Password-123").status, 401);
  EXPECT_TRUE(IsRateLimited(api().sign_in(logins[3], "Wrong-Password-123")));
  // Successes do not count against the address.
  ASSERT_NO_FATAL_FAILURE(Start({"--limit-address", "3/6/60"}));
  const std::string login = unique_email("busy");
  api().must_sign_up(login);
  for (int i = 0; i < 10; ++i) EXPECT_EQ(api().sign_in(login).status, 200);
}

TEST_F(GuessingTest, SignUpsFromOneAddressAreLimited) {
  ASSERT_NO_FATAL_FAILURE(Start({"--limit-signup", "3/3/60"}));
  for (int i = 0; i < 3; ++i) EXPECT_EQ(api().sign_up(unique_email("flood")).status, 200);
  EXPECT_TRUE(IsRateLimited(api().sign_up(unique_email("flood"))));
}

TEST_F(GuessingTest, ReplacingAPasswordIsLimitedLikeSigningIn) {
  ASSERT_NO_FATAL_FAILURE(Start({"--limit-login", "2/2/60"}));
  const std::string login = unique_email("replace");
  api().must_sign_up(login);
  auto replace = [&](const std::string& old_password) {
    return api().http.post("/v1/auth/password/replace",
                           json::object{{"loginId", login},
                                        {"oldPassword", old_password},
                                        {"newPassword", "Another-Good-Passw0rd"}},
                           bearer(api().pid));
  };
  EXPECT_EQ(replace("Wrong-Password-123").status, 401);
  EXPECT_EQ(replace("Wrong-Password-123").status, 401);
  EXPECT_TRUE(IsRateLimited(replace(kPassword)));
  EXPECT_TRUE(IsRateLimited(api().sign_in(login)));
}

TEST_F(GuessingTest, WithRateLimitsOffEveryAttemptIsChecked) {
  ASSERT_NO_FATAL_FAILURE(Start({"--rate-limits", "off"}));
  const std::string login = unique_email("unlimited");
  api().must_sign_up(login);
  auto rs = parallel_sign_ins(api(), login, 20, "Wrong-Password-123");
  EXPECT_EQ(count_status(rs, 401), 20);
}

// Lockouts in the console: listed, audited, and lifted by an admin.
class LockoutConsoleTest : public MgmtFixture<LockoutConsoleTest> {
 public:
  static std::vector<std::string> ServerArgs() { return {"--limit-login", "3/3/600"}; }
};

TEST_F(LockoutConsoleTest, AnAdminSeesAndLiftsALockout) {
  const std::string login = unique_email("locked");
  api().must_sign_up(login);
  for (int i = 0; i < 3; ++i) EXPECT_EQ(api().sign_in(login, "Wrong-Password-123").status, 401);
  ASSERT_TRUE(IsRateLimited(api().sign_in(login)));

  auto listed = get("/v1/mgmt/lockouts");
  ASSERT_EQ(listed.status, 200) << listed.body;
  const json::object* entry = find_by(listed.obj().at("lockouts"), "value", login);
  ASSERT_NE(entry, nullptr) << listed.body;
  EXPECT_EQ(str(entry->at("kind")), "login");
  EXPECT_EQ(entry->at("attempts").as_int64(), 3);
  EXPECT_GT(entry->at("lockedUntil").as_int64(), unix_now() * 1000);

  EXPECT_TRUE(
      IsDescopeError(post("/v1/mgmt/lockouts/unlock", json::object{{"kind", "login"}}), 400));
  auto unlocked =
      post("/v1/mgmt/lockouts/unlock", json::object{{"kind", "login"}, {"value", upper(login)}});
  ASSERT_EQ(unlocked.status, 200) << unlocked.body;
  EXPECT_EQ(api().sign_in(login).status, 200);
  listed = get("/v1/mgmt/lockouts");
  EXPECT_EQ(find_by(listed.obj().at("lockouts"), "value", login), nullptr);

  auto audit = post("/v1/mgmt/audit/search",
                    json::object{{"actions", json::array{"user.locked", "user.unlocked"}}});
  ASSERT_EQ(audit.status, 200) << audit.body;
  std::vector<std::string> actions;
  for (const auto& e : audit.obj().at("audits").as_array()) {
    if (!e.as_object().at("externalIds").as_array().empty() &&
        str(e.as_object().at("externalIds").as_array()[0]) == login) {
      actions.push_back(str(e.as_object().at("action")));
    }
  }
  EXPECT_THAT(actions, ::testing::ElementsAre("user.unlocked", "user.locked"));
}

// Sessions: revocation wins every race, and ends session JWTs at once.
class RevocationTest : public SharedServerTest<RevocationTest> {
 public:
  static std::vector<std::string> ServerArgs() { return {"--refresh-grace", "30"}; }
};

TEST_F(RevocationTest, ALogoutRacingAGraceWindowRefreshLeavesNothingAlive) {
  for (int round = 0; round < 20; ++round) {
    auto r0 = api().must_sign_up(unique_email("race"));
    auto r1 = api().must_refresh(r0.refresh);  // r0 is now inside its grace window
    HttpResponse out, sibling;
    std::thread logout([&] { out = api().logout(r1.refresh); });
    std::thread refresh([&] { sibling = api().refresh(r0.refresh); });
    logout.join();
    refresh.join();
    ASSERT_EQ(out.status, 200) << out.body;
    if (sibling.status != 200) continue;  // the logout came first: refused, as it must be
    const std::string token = str(sibling.obj().at("refreshJwt"));
    const std::string session = str(sibling.obj().at("sessionJwt"));
    EXPECT_EQ(api().me(token).status, 401) << "round " << round;
    EXPECT_EQ(api().refresh(token).status, 401) << "round " << round;
    EXPECT_EQ(api().app_get("/get_roles", session).status, 401) << "round " << round;
  }
}

TEST_F(RevocationTest, ALogoutEndsTheSessionJwtAtOnce) {
  const std::string email = unique_email("bye");
  auto login = api().must_sign_up(email);
  auto elsewhere = api().must_sign_in(email);
  ASSERT_EQ(api().app_get("/get_roles", login.session).status, 200);
  ASSERT_EQ(api().logout(login.refresh).status, 200);
  auto refused = api().app_get("/get_roles", login.session);
  EXPECT_EQ(refused.status, 401);
  EXPECT_EQ(str(refused.obj().at("error")), "❌ invalid session token!");
  // Another sign-in of the same user is untouched.
  EXPECT_EQ(api().app_get("/get_roles", elsewhere.session).status, 200);
}

TEST_F(RevocationTest, ChangingThePasswordSignsOutTheOtherDevices) {
  const std::string login = unique_email("change");
  auto here = api().must_sign_up(login);
  auto there = api().must_sign_in(login);
  auto changed =
      api().http.post("/v1/auth/password/update",
                      json::object{{"loginId", login}, {"newPassword", "A-New-Passw0rd-For-Me"}},
                      bearer(api().pid, here.refresh));
  ASSERT_EQ(changed.status, 200) << changed.body;
  EXPECT_EQ(api().refresh(there.refresh).status, 401);
  EXPECT_EQ(api().app_get("/get_roles", there.session).status, 401);
  // The device that made the change stays signed in.
  EXPECT_EQ(api().app_get("/get_roles", here.session).status, 200);
  EXPECT_EQ(api().refresh(here.refresh).status, 200);
}

TEST_F(RevocationTest, ReplacingThePasswordSignsOutEveryOldSession) {
  const std::string login = unique_email("replaced");
  auto one = api().must_sign_up(login);
  auto two = api().must_sign_in(login);
  auto replaced = api().http.post(
      "/v1/auth/password/replace",
      json::object{
          {"loginId", login}, {"oldPassword", kPassword}, {"newPassword", "A-New-Passw0rd-For-Me"}},
      bearer(api().pid));
  ASSERT_EQ(replaced.status, 200) << replaced.body;
  for (const auto* old : {&one, &two}) {
    EXPECT_EQ(api().refresh(old->refresh).status, 401);
    EXPECT_EQ(api().app_get("/get_roles", old->session).status, 401);
  }
  EXPECT_EQ(api().app_get("/get_roles", str(replaced.obj().at("sessionJwt"))).status, 200);
}

class AdminPasswordTest : public MgmtFixture<AdminPasswordTest> {};

TEST_F(AdminPasswordTest, SettingAPasswordSignsTheUserOutAndDisablingEndsSessionsAtOnce) {
  const std::string login = unique_email("reset");
  auto device = api().must_sign_up(login);
  for (const char* path :
       {"/v1/mgmt/user/password/set/active", "/v1/mgmt/user/password/set/temporary"}) {
    auto set = post(path, json::object{{"loginId", login}, {"password", "An-Admin-Chose-Th1s"}});
    ASSERT_EQ(set.status, 200) << set.body;
    EXPECT_EQ(api().refresh(device.refresh).status, 401) << path;
    EXPECT_EQ(api().app_get("/get_roles", device.session).status, 401) << path;
    if (std::string(path).ends_with("temporary")) break;  // must be replaced before sign-in
    device = api().must_sign_in(login, "An-Admin-Chose-Th1s");
  }
  const std::string other = unique_email("disabled");
  auto session = api().must_sign_up(other);
  ASSERT_EQ(
      post("/v1/mgmt/user/update/status", json::object{{"loginId", other}, {"status", "disabled"}})
          .status,
      200);
  EXPECT_EQ(api().app_get("/get_roles", session.session).status, 401);
}

// Accounts: a login id that could pass for another user's id, weak passwords.
class AccountTest : public MgmtFixture<AccountTest> {};

TEST_F(AccountTest, ALoginIdCannotShadowAUserId) {
  auto victim = api().must_sign_up(unique_email("victim"));
  for (const std::string& squat : {victim.user_id, "u" + victim.user_id.substr(1)}) {
    auto r = api().sign_up(squat);
    EXPECT_TRUE(IsDescopeError(r, 400)) << squat;
    EXPECT_THAT(message_of(r), HasSubstr("must not look like a user id"));
  }
  auto other = api().must_sign_up(unique_email("other"));
  EXPECT_TRUE(IsDescopeError(
      post(
          "/v1/mgmt/user/update/loginid",
          json::object{{"loginId", str(api().me(other.refresh).obj().at("loginIds").as_array()[0])},
                       {"newLoginId", victim.user_id}}),
      400));
  EXPECT_TRUE(
      IsDescopeError(post("/v1/mgmt/user/create", json::object{{"loginId", victim.user_id}}), 400));
  // Look-ups by a user id find that user, whatever login ids exist.
  auto found = get("/v1/mgmt/user?loginId=" + victim.user_id);
  ASSERT_EQ(found.status, 200) << found.body;
  EXPECT_EQ(str(found.obj().at("user").at("userId")), victim.user_id);
  auto added =
      post("/v1/mgmt/user/update/role/add",
           json::object{{"loginId", victim.user_id}, {"roleNames", json::array{"student"}}});
  ASSERT_EQ(added.status, 200) << added.body;
  EXPECT_EQ(str(added.obj().at("user").at("userId")), victim.user_id);
}

TEST_F(AccountTest, WeakPasswordsAreRefusedNamingTheRule) {
  struct Case {
    std::string password;
    std::string says;
  };
  for (const Case& c :
       {Case{"12345678", "too simplistic"}, Case{"password", "dictionary word"},
        Case{"        ", "DIFFERENT characters"}, Case{"qwertyuiop", "dictionary word"}}) {
    auto r = api().sign_up(unique_email("weak"), c.password);
    EXPECT_TRUE(IsDescopeError(r, 400)) << c.password;
    EXPECT_THAT(message_of(r), HasSubstr("Password is too weak")) << c.password;
    EXPECT_THAT(message_of(r), HasSubstr(c.says)) << c.password;
  }
  // Context: the login id, the email's name and the words of the display name.
  auto r = api().sign_up(unique_email("annlee"), "AnnLee-2024-!!", "Ann Lee");
  EXPECT_TRUE(IsDescopeError(r, 400));
  EXPECT_THAT(message_of(r), HasSubstr("must not contain your login id, email or name"));
  // Every way a password is set is checked.
  const std::string login = unique_email("strong");
  auto session = api().must_sign_up(login);
  EXPECT_TRUE(IsDescopeError(post("/v1/mgmt/user/password/set/active",
                                  json::object{{"loginId", login}, {"password", "password1"}}),
                             400));
  EXPECT_TRUE(
      IsDescopeError(api().http.post("/v1/auth/password/update",
                                     json::object{{"loginId", login}, {"newPassword", "12345678"}},
                                     bearer(api().pid, session.refresh)),
                     400));
}

// Files: what the server writes is for its own user alone.
class FilesTest : public OwnServerTest {};

mode_t mode_of(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return 0;
  return st.st_mode & 07777;
}

TEST_F(FilesTest, TheDatabaseTheKeysAndTheAdminPasswordArePrivate) {
  ASSERT_NO_FATAL_FAILURE(Start());
  ASSERT_EQ(api().sign_up(unique_email("files")).status, 200);  // the database has data
  const std::string dir = server().data_dir();
  EXPECT_EQ(mode_of(dir + "/gatehouse.db"), 0600u);
  EXPECT_EQ(mode_of(dir + "/gatehouse.db-wal"), 0600u);
  EXPECT_EQ(mode_of(dir + "/keys"), 0700u);
  int keys = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir + "/keys")) {
    EXPECT_EQ(mode_of(entry.path().string()), 0600u) << entry.path();
    ++keys;
  }
  EXPECT_GE(keys, 1);
  EXPECT_EQ(mode_of(dir + "/first-admin-password"), 0600u);
}

TEST_F(FilesTest, ADataDirectoryOthersCanReadIsRefused) {
  ::gatehouse::testing::TempDir tmp;
  const std::string dir = tmp.file("open");
  ASSERT_EQ(::mkdir(dir.c_str(), 0755), 0);
  ASSERT_EQ(::chmod(dir.c_str(), 0755), 0);
  ServerProcess refused({}, dir);
  EXPECT_FALSE(refused.start());
  EXPECT_THAT(refused.error(), HasSubstr("chmod 700 " + dir));
  auto cli = run_gatehouse({"user", "list", "--data", dir});
  EXPECT_NE(cli.exit_code, 0);
  EXPECT_THAT(cli.err, HasSubstr("chmod 700"));
  // A database an older build left readable by others is narrowed at the next start.
  ASSERT_EQ(::chmod(dir.c_str(), 0700), 0);
  ASSERT_NO_FATAL_FAILURE(Start({}, dir));
  ASSERT_EQ(server().stop(), 0);
  ASSERT_EQ(::chmod((dir + "/gatehouse.db").c_str(), 0644), 0);
  ASSERT_NO_FATAL_FAILURE(Start({}, dir));
  EXPECT_EQ(mode_of(dir + "/gatehouse.db"), 0600u);
}

}  // namespace
}  // namespace gatehouse::test
