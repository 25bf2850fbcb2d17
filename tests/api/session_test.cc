// Session endpoints: refresh (with rotation and its grace window), try-refresh,
// me, logout, logoutall (docs/descope-wire.md §2.3, §3).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <future>
#include <thread>

#include "support/api.h"

namespace gatehouse::test {
namespace {

using ::testing::ElementsAre;

class SessionTest : public SharedServerTest<SessionTest> {};

TEST_F(SessionTest, RefreshReturnsANewSessionAndRotatesTheRefreshToken) {
  auto login = api().must_sign_up(unique_email("refresh"));
  auto r = api().refresh(login.refresh);
  ASSERT_EQ(r.status, 200) << r.body;
  const auto& o = r.obj();
  std::string session(o.at("sessionJwt").as_string());
  auto c = jwt_payload(session);
  EXPECT_EQ(str(c.at("sub")), login.user_id);
  EXPECT_EQ(c.at("drn"), "DS");
  EXPECT_EQ(str(c.at("iss")), pid());
  EXPECT_EQ(o.at("sessionExpiration"), c.at("exp"));
  EXPECT_GE(c.at("iat").as_int64(), jwt_payload(login.session).at("iat").as_int64());
  EXPECT_THAT(strings(c.at("amr")), ElementsAre("pwd")) << "a refreshed session keeps its methods";
  EXPECT_EQ(str(o.at("user").at("userId")), login.user_id);
  EXPECT_EQ(o.at("firstSeen"), false);

  ASSERT_TRUE(o.contains("refreshJwt")) << r.body;
  std::string rotated(o.at("refreshJwt").as_string());
  EXPECT_NE(rotated, login.refresh);
  auto rc = jwt_payload(rotated);
  EXPECT_EQ(rc.at("drn"), "DSR");
  EXPECT_NE(rc.at("jti"), jwt_payload(login.refresh).at("jti"));
  // The new refresh token works too.
  EXPECT_EQ(api().refresh(rotated).status, 200);
}

TEST_F(SessionTest, ReplacedRefreshTokenStillWorksWithinTheGraceWindow) {
  // Two tabs sharing localStorage refresh at the same moment (default grace 10 s).
  auto login = api().must_sign_up(unique_email("grace"));
  auto first = api().must_refresh(login.refresh);
  auto second = api().refresh(login.refresh);
  ASSERT_EQ(second.status, 200) << second.body;
  EXPECT_EQ(str(second.obj().at("user").at("userId")), login.user_id);
  EXPECT_EQ(api().refresh(first.refresh).status, 200);
  EXPECT_EQ(api().refresh(std::string(second.obj().at("refreshJwt").as_string())).status, 200);
}

TEST_F(SessionTest, QueryParametersOfTheBrowserSdkAreIgnored) {
  auto login = api().must_sign_up(unique_email("query"));
  auto r = api().http.post("/v1/auth/refresh?dcs=t&dcr=f", std::string("{}"),
                           bearer(pid(), login.refresh));
  EXPECT_EQ(r.status, 200) << r.body;
}

TEST_F(SessionTest, RefreshTokenIsReadFromTheDsrCookie) {
  auto login = api().must_sign_up(unique_email("cookie"));
  auto r = api().http.post(
      "/v1/auth/refresh", std::string("{}"),
      {{"Authorization", "Bearer " + pid()}, {"Cookie", "other=1; DSR=" + login.refresh}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(str(r.obj().at("user").at("userId")), login.user_id);

  auto me = api().http.get(
      "/v1/auth/me", {{"Authorization", "Bearer " + pid()}, {"Cookie", "DSR=" + login.refresh}});
  EXPECT_EQ(me.status, 200) << me.body;

  // A custom cookie name announced by x-descope-refresh-cookie-name.
  auto custom =
      api().http.post("/v1/auth/refresh", std::string("{}"),
                      {{"Authorization", "Bearer " + pid()},
                       {"x-descope-refresh-cookie-name", "MYDSR"},
                       {"Cookie", "MYDSR=" + std::string(r.obj().at("refreshJwt").as_string())}});
  EXPECT_EQ(custom.status, 200) << custom.body;
}

TEST_F(SessionTest, RefreshNeedsAValidRefreshToken) {
  auto login = api().must_sign_up(unique_email("badrefresh"));
  struct Case {
    std::string what;
    Headers headers;
  } cases[] = {
      {"no token", bearer(pid())},
      {"garbage", bearer(pid(), "garbage")},
      {"session token", bearer(pid(), login.session)},
      {"tampered", bearer(pid(), login.refresh.substr(0, login.refresh.size() - 4) + "AAAA")},
      {"other project", bearer("P0000000000000000000000000000", login.refresh)},
      {"no header", {}},
  };
  for (const auto& c : cases) {
    auto r = api().http.post("/v1/auth/refresh", std::string("{}"), c.headers);
    EXPECT_EQ(r.status, 401) << c.what << ": " << r.body;
    EXPECT_FALSE(r.obj().contains("sessionJwt")) << c.what;
    if (c.what != "other project" && c.what != "no header") {
      EXPECT_EQ(r.obj().at("errorCode"), "E061005") << c.what << ": " << r.body;
    }
  }
}

TEST_F(SessionTest, MeReturnsTheUserAtTopLevel) {
  std::string email = unique_email("me");
  auto login = api().must_sign_up(email, kPassword, "Me Myself");
  auto r = api().me(login.refresh);
  ASSERT_EQ(r.status, 200) << r.body;
  const auto& o = r.obj();
  EXPECT_EQ(str(o.at("userId")), login.user_id);
  EXPECT_THAT(strings(o.at("loginIds")), ElementsAre(email));
  EXPECT_EQ(str(o.at("email")), email);
  EXPECT_EQ(o.at("name"), "Me Myself");
  EXPECT_TRUE(o.at("roleNames").is_array());
  EXPECT_FALSE(o.contains("user"));
  EXPECT_FALSE(o.contains("sessionJwt"));

  EXPECT_EQ(api().me("").status, 401);
  EXPECT_EQ(api().me(login.session).status, 401) << "a session JWT is not a refresh token";
}

TEST_F(SessionTest, LogoutRevokesTheRefreshToken) {
  auto login = api().must_sign_up(unique_email("logout"));
  auto r = api().logout(login.refresh);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.header("content-type"), "application/json");
  EXPECT_TRUE(r.json && r.json->is_object() && r.obj().empty()) << r.body;

  auto again = api().refresh(login.refresh);
  EXPECT_EQ(again.status, 401) << again.body;
  EXPECT_EQ(again.obj().at("errorCode"), "E064001") << again.body;
  EXPECT_EQ(api().me(login.refresh).status, 401);
  // The user can sign in again.
  EXPECT_EQ(
      api().sign_in(std::string(login.response.obj().at("user").at("email").as_string())).status,
      200);
}

TEST_F(SessionTest, LogoutAlsoEndsTokensRotatedFromTheSameSignIn) {
  auto login = api().must_sign_up(unique_email("logoutfamily"));
  auto next = api().must_refresh(login.refresh);
  ASSERT_EQ(api().logout(next.refresh).status, 200);
  EXPECT_EQ(api().refresh(next.refresh).status, 401);
  EXPECT_EQ(api().refresh(login.refresh).status, 401)
      << "the replaced token is still in its grace window";
}

TEST_F(SessionTest, LogoutAllRevokesEverySessionOfTheUser) {
  std::string email = unique_email("logoutall");
  auto a = api().must_sign_up(email);
  auto b = api().must_sign_in(email);
  auto other = api().must_sign_up(unique_email("bystander"));
  ASSERT_EQ(api().refresh(b.refresh).status, 200);

  auto r = api().logout_all(a.refresh);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_TRUE(r.obj().empty()) << r.body;
  for (const auto& token : {a.refresh, b.refresh}) {
    auto x = api().refresh(token);
    EXPECT_EQ(x.status, 401) << x.body;
    EXPECT_EQ(x.obj().at("errorCode"), "E064001") << x.body;
  }
  EXPECT_EQ(api().refresh(other.refresh).status, 200) << "another user's session is untouched";
}

TEST_F(SessionTest, TryRefreshAnswersEmptyWhenThereIsNoSession) {
  auto none = api().http.post("/v1/auth/try-refresh", std::string("{}"), bearer(pid()));
  EXPECT_EQ(none.status, 200) << none.body;
  EXPECT_TRUE(none.json && none.json->is_object() && none.obj().empty()) << none.body;

  auto garbage = api().try_refresh("garbage.garbage.garbage");
  EXPECT_EQ(garbage.status, 200) << garbage.body;
  EXPECT_TRUE(garbage.json && garbage.obj().empty()) << garbage.body;

  auto login = api().must_sign_up(unique_email("tryrefresh"));
  auto ok = api().try_refresh(login.refresh);
  ASSERT_EQ(ok.status, 200) << ok.body;
  EXPECT_TRUE(ok.obj().contains("sessionJwt")) << ok.body;
  EXPECT_EQ(str(ok.obj().at("user").at("userId")), login.user_id);

  std::string latest(ok.obj().at("refreshJwt").as_string());
  ASSERT_EQ(api().logout(latest).status, 200);
  auto revoked = api().try_refresh(latest);
  EXPECT_EQ(revoked.status, 401) << revoked.body;
  EXPECT_EQ(revoked.obj().at("errorCode"), "E064001") << revoked.body;
}

TEST_F(SessionTest, TabsRefreshingAtTheSameMomentAllGetASession) {
  // Tabs share localStorage, so they refresh with the same token at once.
  constexpr int kTabs = 6;
  for (int round = 0; round < 3; ++round) {
    auto login = api().must_sign_up(unique_email("tabs"));
    std::vector<std::future<HttpResponse>> tabs;
    for (int i = 0; i < kTabs; ++i) {
      tabs.push_back(
          std::async(std::launch::async, [this, &login] { return api().refresh(login.refresh); }));
    }
    for (auto& t : tabs) {
      auto r = t.get();
      EXPECT_EQ(r.status, 200) << "round " << round << ": " << r.body;
      if (r.status == 200) {
        EXPECT_EQ(api().refresh(std::string(r.obj().at("refreshJwt").as_string())).status, 200);
      }
    }
  }
}

TEST_F(SessionTest, ConcurrentSignUpsAndSignInsAllSucceed) {
  constexpr int kUsers = 8;
  std::vector<std::string> emails;
  for (int i = 0; i < kUsers; ++i) emails.push_back(unique_email("parallel"));
  std::vector<std::future<HttpResponse>> ups;
  for (const auto& e : emails)
    ups.push_back(std::async(std::launch::async, [this, e] { return api().sign_up(e); }));
  for (auto& f : ups) {
    auto r = f.get();
    EXPECT_EQ(r.status, 200) << r.body;
  }
  std::vector<std::future<HttpResponse>> ins;
  for (const auto& e : emails)
    ins.push_back(std::async(std::launch::async, [this, e] { return api().sign_in(e); }));
  for (auto& f : ins) {
    auto r = f.get();
    EXPECT_EQ(r.status, 200) << r.body;
  }
}

TEST_F(SessionTest, AuthManagementKeyPartOfTheBearerIsIgnored) {
  // `Bearer <projectId>:<refreshJwt>:<authManagementKey>` (node/Python option).
  auto login = api().must_sign_up(unique_email("mgmtkey"));
  auto r = api().http.post(
      "/v1/auth/refresh", std::string("{}"),
      {{"Authorization", "Bearer " + pid() + ":" + login.refresh + ":K2someManagementKey"}});
  EXPECT_EQ(r.status, 200) << r.body;
}

// Refresh rotation with a 1 s grace window: reuse after the window is treated as
// theft and ends the whole family, including the token that replaced it.
class RefreshGraceTest : public OwnServerTest {};

TEST_F(RefreshGraceTest, ReuseAfterTheGraceWindowRevokesTheFamily) {
  ASSERT_NO_FATAL_FAILURE(Start({"--refresh-grace", "1"}));
  auto login = api().must_sign_up(unique_email("theft"));
  auto bystander =
      api().must_sign_in(std::string(login.response.obj().at("user").at("email").as_string()));
  auto rotated = api().must_refresh(login.refresh);
  auto sibling = api().refresh(login.refresh);
  EXPECT_EQ(sibling.status, 200) << "within the grace window: " << sibling.body;

  std::this_thread::sleep_for(std::chrono::milliseconds(2500));
  auto late = api().refresh(login.refresh);
  EXPECT_EQ(late.status, 401) << late.body;
  EXPECT_EQ(late.obj().at("errorCode"), "E064001") << late.body;

  auto victim = api().refresh(rotated.refresh);
  EXPECT_EQ(victim.status, 401) << "the rotated token belongs to the revoked family: "
                                << victim.body;
  if (sibling.status == 200) {
    EXPECT_EQ(api().refresh(std::string(sibling.obj().at("refreshJwt").as_string())).status, 401);
  }
  // A separate sign-in of the same user is a different family.
  EXPECT_EQ(api().refresh(bystander.refresh).status, 200);
}

class RestartTest : public OwnServerTest {};

TEST_F(RestartTest, SessionsSurviveARestart) {
  // Same data dir: same project id, same signing key, same refresh tokens.
  TempDir dir;
  std::string data = dir.file("data");
  ASSERT_NO_FATAL_FAILURE(Start({}, data));
  std::string pid = server().project_id();
  auto login = api().must_sign_up(unique_email("restart"));
  auto keys = api().http.get("/v2/keys/" + pid).body;
  ASSERT_EQ(server().stop(), 0);

  ASSERT_NO_FATAL_FAILURE(Start({}, data));
  EXPECT_EQ(server().project_id(), pid);
  EXPECT_EQ(api().http.get("/v2/keys/" + pid).body, keys);
  auto r = api().refresh(login.refresh);
  EXPECT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(api().app_get("/get_roles", login.session).status, 200) << "old session still verifies";
}

}  // namespace
}  // namespace gatehouse::test
