// Who may call the management API (docs/descope-wire.md §6): management keys made with the CLI,
// an admin's own session, and what everyone else gets.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <sys/stat.h>

#include <fstream>
#include <regex>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "mgmt_fixture.h"

namespace gatehouse::test {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;

class MgmtAuthTest : public MgmtFixture<MgmtAuthTest> {
 protected:
  // Requests of several kinds that must all be refused the same way with `h`.
  void ExpectRefused(const Headers& h, int status, const std::string& what) {
    std::string login = unique_email("refused");
    std::vector<HttpResponse> rs = {
        get("/v1/mgmt/license", h),
        get("/v1/mgmt/role/all", h),
        post("/v1/mgmt/user/create", json::object{{"loginId", login}}, h),
        post("/v2/mgmt/user/search", json::object{}, h),
        get("/v1/mgmt/audit/daily?days=30", h),
    };
    for (const auto& r : rs) {
      EXPECT_TRUE(IsDescopeError(r, status)) << what;
      EXPECT_FALSE(r.obj().contains("users") || r.obj().contains("roles")) << what;
    }
    EXPECT_TRUE(IsDescopeError(get("/v1/mgmt/user?loginId=" + url_encode(login)), 404))
        << what << ": user created";
  }
  // The first admin's one-time password: announced on stdout by its file's path only.
  std::string one_time_password() {
    static const std::regex kLine(
        "admin account: admin@localhost  one-time password in (\\S+)  \\(must be changed");
    std::smatch m;
    std::string out = server().out();
    if (!std::regex_search(out, m, kLine))
      throw std::runtime_error("no first-admin line in: " + out);
    const std::string path = m[1];
    if (path != server().data_dir() + "/first-admin-password") {
      throw std::runtime_error("the password file is not in the data directory: " + path);
    }
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0 || (st.st_mode & 0777) != 0600) {
      throw std::runtime_error(path + " is not a 0600 file");
    }
    std::ifstream in(path);
    std::string password;
    std::getline(in, password);
    if (out.find(password) != std::string::npos) {
      throw std::runtime_error("the one-time password was printed on stdout");
    }
    return password;
  }
  // An admin made over the management API, signed in.
  std::pair<json::object, Login> new_admin(const std::string& tag) {
    return signed_in_user(tag, {{"roleNames", json::array{"admin"}}});
  }
};

TEST_F(MgmtAuthTest, KeyFromTheCliWorks) {
  auto r = get("/v1/mgmt/license");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(post("/v2/mgmt/user/search", json::object{}).status, 200);
  // The Authorization scheme is case-insensitive, as for the auth API.
  EXPECT_EQ(
      get("/v1/mgmt/license", {{"Authorization", "bearer " + pid() + ":" + key().key}}).status,
      200);
}

TEST_F(MgmtAuthTest, MissingKeyIs401) {
  ExpectRefused({}, 401, "no Authorization header");
  ExpectRefused(bearer(pid()), 401, "project id only");
  ExpectRefused({{"Authorization", "Bearer " + pid() + ":"}}, 401, "empty key");
  ExpectRefused({{"Authorization", "Bearer " + key().key}}, 401, "key without project id");
  ExpectRefused({{"Authorization", "Basic " + pid() + ":" + key().key}}, 401, "Basic scheme");
}

TEST_F(MgmtAuthTest, MalformedKeyIs401) {
  for (const std::string& k :
       {std::string("gh_"), std::string("gh_abc"), std::string("gh__secret"), "gh_" + key().id,
        "gh_" + key().id + "_", "gh_" + std::string(40, 'a') + "_x", std::string("gh_ab!c_secret"),
        std::string("not-a-key"), std::string("a.b.c"),
        std::string("eyJhbGciOiJSUzI1NiJ9.e30.c2ln"), std::string(5000, 'k')}) {
    ExpectRefused(bearer(pid(), k), 401, "key " + k.substr(0, 60));
  }
}

TEST_F(MgmtAuthTest, WrongSecretOfAKnownKeyIs401) {
  std::string k = key().key;
  std::string flipped = k;
  flipped.back() = flipped.back() == 'A' ? 'B' : 'A';
  ExpectRefused(bearer(pid(), flipped), 401, "last character changed");
  ExpectRefused(bearer(pid(), "gh_" + key().id + "_" + std::string(43, 'A')), 401, "other secret");
  ExpectRefused(bearer(pid(), k + "x"), 401, "extra character");
  ExpectRefused(bearer(pid(), k.substr(0, k.size() - 1)), 401, "truncated");
  EXPECT_EQ(get("/v1/mgmt/license").status, 200) << "the right key still works";
}

TEST_F(MgmtAuthTest, AnotherProjectsIdIs401) {
  ExpectRefused(bearer("P0000000000000000000000000000", key().key), 401, "other project");
  ExpectRefused(bearer(pid() + "x", key().key), 401, "project id with a suffix");
  auto r = get("/v1/mgmt/license", bearer("P0000000000000000000000000000", key().key));
  EXPECT_TRUE(IsDescopeError(r, 401, "E061005"));
}

TEST_F(MgmtAuthTest, RevokedKeyIs401) {
  auto k = create_key("to revoke");
  ASSERT_EQ(get("/v1/mgmt/license", bearer(pid(), k.key)).status, 200);
  auto r = gatehouse({"mgmt-key", "revoke", k.id});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr(k.id));
  ExpectRefused(bearer(pid(), k.key), 401, "revoked key");
  EXPECT_EQ(get("/v1/mgmt/license").status, 200) << "other keys keep working";
  auto list = gatehouse({"mgmt-key", "list"});
  ASSERT_EQ(list.exit_code, 0) << list.err;
  EXPECT_THAT(list.out, ::testing::ContainsRegex(k.id + "\tto revoke\t.*\trevoked\n"));
}

TEST_F(MgmtAuthTest, ExpiredKeyIs401) {
  auto k = create_key("short-lived", {"--expires-in", "1"});
  EXPECT_THAT(k.cli.out, Not(HasSubstr("expires never")));
  ASSERT_EQ(get("/v1/mgmt/license", bearer(pid(), k.key)).status, 200) << "valid for a day";
  auto list = gatehouse({"mgmt-key", "list"});
  EXPECT_THAT(list.out, ::testing::ContainsRegex(k.id + "\tshort-lived\t.*\tactive\n"));
  // Waiting a day is not an option: move the expiry into the past in the
  // database (the server reads it on every request).
  if (::access("/usr/bin/python3", X_OK) != 0)
    GTEST_SKIP() << "needs /usr/bin/python3 to edit the database";
  int rc =
      run_program({"/usr/bin/python3", "-c",
                   "import sqlite3, sys\n"
                   "c = sqlite3.connect(sys.argv[1], timeout=10)\n"
                   "n = c.execute('UPDATE mgmt_keys SET expires_at = ? WHERE id = ?',"
                   " (int(sys.argv[3]), sys.argv[2])).rowcount\n"
                   "c.commit()\n"
                   "sys.exit(0 if n == 1 else 3)\n",
                   server().data_dir() + "/gatehouse.db", k.id, std::to_string(unix_now() - 1)});
  ASSERT_EQ(rc, 0) << "could not expire the key in the database";
  ExpectRefused(bearer(pid(), k.key), 401, "expired key");
  list = gatehouse({"mgmt-key", "list"});
  EXPECT_THAT(list.out, ::testing::ContainsRegex(k.id + "\tshort-lived\t.*\texpired\n"));
  EXPECT_EQ(get("/v1/mgmt/license").status, 200);
}

TEST_F(MgmtAuthTest, FirstAdminSessionWorksAfterReplacingTheOneTimePassword) {
  std::string otp = one_time_password();
  // The one-time password is already expired.
  EXPECT_TRUE(IsDescopeError(api().sign_in("admin@localhost", otp), 401, "E062909"));
  auto r = api().http.post("/v1/auth/password/replace",
                           json::object{{"loginId", "admin@localhost"},
                                        {"oldPassword", otp},
                                        {"newPassword", "Chosen-By-The-Boss-1"}},
                           bearer(pid()));
  ASSERT_EQ(r.status, 200) << r.body;
  std::string session = str(r.obj().at("sessionJwt"));
  EXPECT_THAT(strings(jwt_payload(session).at("roles")), ElementsAre("admin"));

  Headers h = bearer(pid(), session);
  auto lic = get("/v1/mgmt/license", h);
  EXPECT_EQ(lic.status, 200) << lic.body;
  std::string email = unique_email("byadmin");
  auto created = post("/v1/mgmt/user/create",
                      json::object{{"loginId", email}, {"roleNames", json::array{"student"}}}, h);
  ASSERT_EQ(created.status, 200) << created.body;
  std::string uid = str(created.obj().at("user").at("userId"));
  auto search = post("/v2/mgmt/user/search", json::object{{"roleNames", json::array{"admin"}}}, h);
  ASSERT_EQ(search.status, 200) << search.body;
  EXPECT_GE(search.obj().at("total").as_int64(), 1);
  // The audit log names the admin (not a key) as the actor.
  auto audit = must(
      post("/v1/mgmt/audit/search",
           json::object{{"actions", json::array{"user.created"}}, {"userIds", json::array{uid}}}),
      "audit");
  ASSERT_EQ(audit.at("audits").as_array().size(), 1u) << audit;
  EXPECT_EQ(str(audit.at("audits").as_array()[0].at("actorId")),
            str(r.obj().at("user").at("userId")));
  EXPECT_EQ(api().sign_in("admin@localhost", "Chosen-By-The-Boss-1").status, 200);
}

TEST_F(MgmtAuthTest, AdminMadeWithTheCliWorks) {
  std::string email = unique_email("cliadmin");
  auto add = gatehouse({"user", "add", "--email", email, "--password-stdin", "--roles", "admin"},
                       std::string(kPassword) + "\n");
  ASSERT_EQ(add.exit_code, 0) << add.err;
  auto login = api().must_sign_in(email);
  auto r = get("/v1/mgmt/role/all", bearer(pid(), login.session));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_NE(find_by(r.obj().at("roles"), "name", "admin"), nullptr);
}

TEST_F(MgmtAuthTest, AnAdminsRefreshTokenIsNotAManagementCredential) {
  auto [u, login] = new_admin("admrefresh");
  ASSERT_EQ(get("/v1/mgmt/license", bearer(pid(), login.session)).status, 200);
  ExpectRefused(bearer(pid(), login.refresh), 401, "admin refresh token");
  std::string tampered = login.session.substr(0, login.session.size() - 4) + "AAAA";
  ExpectRefused(bearer(pid(), tampered), 401, "tampered admin session");
  ExpectRefused(bearer("P0000000000000000000000000000", login.session), 401,
                "admin session, other project");
}

TEST_F(MgmtAuthTest, NonAdminSessionIs403) {
  auto [u, login] = signed_in_user("nonadmin", {{"roleNames", json::array{"teacher", "student"}}});
  ExpectRefused(bearer(pid(), login.session), 403, "teacher session");
  auto r = get("/v1/mgmt/license", bearer(pid(), login.session));
  EXPECT_TRUE(IsDescopeError(r, 403));
  EXPECT_THAT(message_of(r), HasSubstr("admin"));
  auto self = api().must_sign_up(unique_email("selfsignup"));
  ExpectRefused(bearer(pid(), self.session), 403, "self-signed-up session");
  // Nor can a non-admin promote themselves.
  auto promote = post("/v1/mgmt/user/update/role/add",
                      json::object{{"userId", login.user_id}, {"roleNames", json::array{"admin"}}},
                      bearer(pid(), login.session));
  EXPECT_TRUE(IsDescopeError(promote, 403));
  EXPECT_THAT(strings(user_by_id(login.user_id).at("roleNames")),
              Not(::testing::Contains("admin")));
}

TEST_F(MgmtAuthTest, AdminWhoseRoleWasRemovedIs403) {
  auto [u, login] = new_admin("demoted");
  Headers h = bearer(pid(), login.session);
  ASSERT_EQ(get("/v1/mgmt/license", h).status, 200);
  must(post("/v1/mgmt/user/update/role/remove",
            json::object{{"userId", login.user_id}, {"roleNames", json::array{"admin"}}}),
       "remove admin");
  EXPECT_THAT(strings(jwt_payload(login.session).at("roles")), ElementsAre("admin"))
      << "the token still says admin";
  ExpectRefused(h, 403, "demoted admin");
  // Given back: the same token works again.
  must(post("/v1/mgmt/user/update/role/add",
            json::object{{"userId", login.user_id}, {"roleNames", json::array{"admin"}}}),
       "re-add admin");
  EXPECT_EQ(get("/v1/mgmt/license", h).status, 200);
}

TEST_F(MgmtAuthTest, DisabledOrDeletedAdminIsRefused) {
  auto [u, login] = new_admin("disabledadmin");
  Headers h = bearer(pid(), login.session);
  ASSERT_EQ(get("/v1/mgmt/license", h).status, 200);
  must(post("/v1/mgmt/user/update/status",
            json::object{{"userId", login.user_id}, {"status", "disabled"}}),
       "disable");
  // Disabling ends the admin's sign-ins, so the session JWT itself is refused at once.
  ExpectRefused(h, 401, "disabled admin");

  auto [u2, gone] = new_admin("deletedadmin");
  must(post("/v1/mgmt/user/delete", json::object{{"userId", gone.user_id}}), "delete");
  for (const auto& r : {get("/v1/mgmt/license", bearer(pid(), gone.session)),
                        get("/v1/mgmt/role/all", bearer(pid(), gone.session))}) {
    EXPECT_GE(r.status, 401) << r.body;
    EXPECT_LE(r.status, 403) << r.body;
    EXPECT_TRUE(IsDescopeError(r, r.status));
  }
}

TEST_F(MgmtAuthTest, UnknownManagementRoutesAreJson404) {
  for (const char* path : {"/v1/mgmt/sso/settings", "/v1/mgmt/accesskey/all", "/v1/mgmt/nothing"}) {
    auto r = get(path);
    EXPECT_TRUE(IsDescopeError(r, 404)) << path;
  }
}

}  // namespace
}  // namespace gatehouse::test
