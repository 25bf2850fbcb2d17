// Password sign-up and sign-in as the Descope SDKs call them (docs/descope-wire.md §2, §4.1).
#include <cstdint>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "support/api.h"

namespace gatehouse::test {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

constexpr int64_t kSessionTtl = 120;

class SignUpTest : public SharedServerTest<SignUpTest> {
 public:
  static std::vector<std::string> ServerArgs() {
    return {"--session-ttl", std::to_string(kSessionTtl)};
  }
};

TEST_F(SignUpTest, ReturnsAJwtResponseWithTheNewUser) {
  std::string email = unique_email("signup");
  int64_t before = unix_now();
  auto r = api().sign_up(email, kPassword, "Ada Lovelace");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.header("content-type"), "application/json");
  const auto& o = r.obj();

  ASSERT_TRUE(o.contains("sessionJwt") && o.at("sessionJwt").is_string()) << r.body;
  ASSERT_TRUE(o.contains("refreshJwt") && o.at("refreshJwt").is_string()) << r.body;
  std::string session(o.at("sessionJwt").as_string()), refresh(o.at("refreshJwt").as_string());
  EXPECT_NE(session, refresh);

  auto claims = jwt_payload(session);
  auto rclaims = jwt_payload(refresh);
  ASSERT_TRUE(o.at("sessionExpiration").is_int64()) << r.body;
  EXPECT_EQ(o.at("sessionExpiration").as_int64(), claims.at("exp").as_int64());
  ASSERT_TRUE(o.at("cookieExpiration").is_int64()) << r.body;
  EXPECT_EQ(o.at("cookieExpiration").as_int64(), rclaims.at("exp").as_int64());
  ASSERT_TRUE(o.at("cookieMaxAge").is_int64()) << r.body;
  int64_t max_age = o.at("cookieMaxAge").as_int64();
  EXPECT_GE(max_age, o.at("cookieExpiration").as_int64() - unix_now() - 1);
  EXPECT_LE(max_age, o.at("cookieExpiration").as_int64() - before + 1);
  EXPECT_NEAR(static_cast<double>(max_age), 28 * 24 * 3600, 1)
      << "default refresh lifetime is four weeks";
  ASSERT_TRUE(o.at("cookieDomain").is_string());
  EXPECT_EQ(o.at("cookiePath"), "/");
  EXPECT_EQ(o.at("firstSeen"), true);

  const auto& user = o.at("user").as_object();
  ASSERT_TRUE(user.at("userId").is_string());
  std::string user_id(user.at("userId").as_string());
  EXPECT_EQ(user_id.size(), 28u) << user_id;
  EXPECT_EQ(user_id[0], 'U') << user_id;
  EXPECT_THAT(strings(user.at("loginIds")), ElementsAre(email));
  EXPECT_EQ(user.at("name"), "Ada Lovelace");
  EXPECT_EQ(str(user.at("email")), email);
  EXPECT_THAT(strings(user.at("roleNames")), IsEmpty());
  EXPECT_EQ(user.at("password"), true);
  EXPECT_EQ(user.at("status"), "enabled");
  // The SDK-facing claims copy matches the token.
  if (o.contains("claims")) {
    EXPECT_EQ(o.at("claims").as_object(), claims);
  }
}

TEST_F(SignUpTest, SessionJwtCarriesDescopeClaims) {
  auto login = api().must_sign_up(unique_email("claims"));
  auto header = jwt_header(login.session);
  EXPECT_EQ(header.at("alg"), "RS256");
  EXPECT_EQ(header.at("typ"), "JWT");
  ASSERT_TRUE(header.contains("kid") && header.at("kid").is_string());

  auto c = jwt_payload(login.session);
  EXPECT_EQ(str(c.at("iss")), pid());
  EXPECT_EQ(str(c.at("sub")), login.user_id);
  EXPECT_EQ(c.at("drn"), "DS");
  ASSERT_TRUE(c.at("iat").is_int64() && c.at("exp").is_int64());
  EXPECT_EQ(c.at("exp").as_int64() - c.at("iat").as_int64(), kSessionTtl);
  EXPECT_NEAR(static_cast<double>(c.at("iat").as_int64()), static_cast<double>(unix_now()), 5);
  EXPECT_THAT(strings(c.at("amr")), ElementsAre("pwd"));
  EXPECT_THAT(strings(c.at("roles")), IsEmpty());
  EXPECT_THAT(strings(c.at("permissions")), IsEmpty());
  EXPECT_TRUE(c.at("tenants").is_object());
  // Claims that break Python SDK validation must be absent.
  EXPECT_FALSE(c.contains("aud"));
  EXPECT_FALSE(c.contains("nbf"));
  EXPECT_FALSE(c.contains("dsub"));
}

TEST_F(SignUpTest, RefreshJwtIsADsrTokenOfTheSameUser) {
  auto login = api().must_sign_up(unique_email("dsr"));
  EXPECT_EQ(jwt_header(login.refresh).at("kid"), jwt_header(login.session).at("kid"));
  auto c = jwt_payload(login.refresh);
  EXPECT_EQ(c.at("drn"), "DSR");
  EXPECT_EQ(str(c.at("iss")), pid());
  EXPECT_EQ(str(c.at("sub")), login.user_id);
  ASSERT_TRUE(c.contains("jti") && c.at("jti").is_string());
  EXPECT_FALSE(c.at("jti").as_string().empty());
  EXPECT_EQ(c.at("exp").as_int64() - c.at("iat").as_int64(), 28 * 24 * 3600);
  EXPECT_FALSE(c.contains("aud"));
}

TEST_F(SignUpTest, DuplicateLoginIdIs409UserExists) {
  std::string email = unique_email("dup");
  api().must_sign_up(email);
  for (const auto& again : {email, std::string("  ") + email, "DUP" + email.substr(3)}) {
    auto r = api().sign_up(again);
    EXPECT_EQ(r.status, 409) << again << ": " << r.body;
    EXPECT_EQ(r.obj().at("errorCode"), "E062107") << r.body;
  }
}

TEST_F(SignUpTest, WeakPasswordIs400WithAReadableMessage) {
  std::string email = unique_email("weak");
  auto r = api().sign_up(email, "short");
  ASSERT_EQ(r.status, 400) << r.body;
  EXPECT_EQ(r.obj().at("errorCode"), "E011003");
  EXPECT_EQ(r.obj().at("errorMessage"), "Password must be at least 8 characters long");
  // Nothing was created: the same login id can still sign up.
  EXPECT_EQ(api().sign_up(email).status, 200);
}

TEST_F(SignUpTest, PasswordPolicyEndpointDescribesThePolicy) {
  auto r = api().http.get("/v1/auth/password/policy", bearer(pid()));
  ASSERT_EQ(r.status, 200) << r.body;
  const auto& o = r.obj();
  ASSERT_TRUE(o.contains("minLength")) << r.body;
  EXPECT_EQ(o.at("minLength"), 8);
  for (const char* k : {"lowercase", "uppercase", "number", "nonAlphanumeric"}) {
    ASSERT_TRUE(o.contains(k)) << k << " missing: " << r.body;
    EXPECT_TRUE(o.at(k).is_bool()) << k;
  }
  EXPECT_EQ(api().http.get("/v1/auth/password/policy").status, 401);
}

TEST_F(SignUpTest, AcceptsNullsAndUnknownFieldsLikeThePythonSdkSends) {
  std::string email = unique_email("nulls");
  auto body = json::object{
      {"loginId", email},
      {"password", kPassword},
      {"user", json::object{{"name", nullptr}, {"givenName", "Grace"}, {"familyName", "Hopper"}}},
      {"loginOptions", json::object{{"stepup", false}, {"customClaims", nullptr}, {"mfa", false}}},
      {"providerId", nullptr},
      {"somethingNew", 42}};
  auto r = api().http.post("/v1/auth/password/signup", body, bearer(pid()));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.obj().at("user").at("name"), "Grace Hopper");
}

class SignInTest : public SharedServerTest<SignInTest> {
 protected:
  void SetUp() override {
    SharedServerTest::SetUp();
    if (email().empty()) {
      email() = unique_email("signin");
      user_id() = api().must_sign_up(email()).user_id;
    }
  }
  static std::string& email() {
    static std::string e;
    return e;
  }
  static std::string& user_id() {
    static std::string id;
    return id;
  }
};

TEST_F(SignInTest, ReturnsTheSameUserWithFirstSeenFalse) {
  auto r = api().sign_in(email());
  ASSERT_EQ(r.status, 200) << r.body;
  const auto& o = r.obj();
  EXPECT_EQ(o.at("firstSeen"), false);
  EXPECT_EQ(str(o.at("user").at("userId")), user_id());
  EXPECT_THAT(strings(o.at("user").at("loginIds")), ElementsAre(email()));
  auto c = jwt_payload(std::string(o.at("sessionJwt").as_string()));
  EXPECT_EQ(str(c.at("sub")), user_id());
  EXPECT_EQ(o.at("sessionExpiration"), c.at("exp"));
}

TEST_F(SignInTest, HistoryListsTheUsersOwnSuccessfulSignInsNewestFirst) {
  const std::string mine = unique_email("history");
  auto up = api().must_sign_up(mine);
  const int64_t start = unix_now();
  api().must_sign_in(mine);
  auto last = api().must_sign_in(mine);
  ASSERT_EQ(api().sign_in(mine, "Not-The-Password-1").status, 401);
  api().must_sign_in(email());  // someone else's sign-in
  const int64_t end = unix_now();
  auto get = [&](const std::string& token) {
    return api().http.get("/v1/auth/me/history", bearer(api().pid, token));
  };
  auto r = get(last.refresh);
  ASSERT_EQ(r.status, 200) << r.body;
  ASSERT_TRUE(r.json && r.json->is_array()) << r.body;
  const auto& rows = r.json->as_array();
  ASSERT_EQ(rows.size(), 3u) << "the sign-up and two sign-ins, not the failed try: " << r.body;
  int64_t previous = INT64_MAX;
  for (const auto& row : rows) {
    const auto& o = row.as_object();
    EXPECT_EQ(str(o.at("userId")), up.user_id);
    ASSERT_TRUE(o.at("loginTime").is_int64()) << r.body;
    const int64_t at = o.at("loginTime").as_int64();
    EXPECT_GE(at, start - 5);
    EXPECT_LE(at, end);
    EXPECT_LE(at, previous) << "newest first";
    previous = at;
    EXPECT_EQ(str(o.at("ip")), "127.0.0.1");
    EXPECT_TRUE(o.at("city").is_string());
    EXPECT_TRUE(o.at("country").is_string());
  }
  // The refresh token is the credential: nothing, garbage or a session JWT is 401.
  EXPECT_EQ(api().http.get("/v1/auth/me/history", bearer(api().pid)).status, 401);
  EXPECT_EQ(get("garbage").status, 401);
  EXPECT_EQ(get(last.session).status, 401);
  ASSERT_EQ(api().logout(last.refresh).status, 200);
  EXPECT_EQ(get(last.refresh).status, 401) << "not after logout";
}

TEST_F(SignInTest, WrongPasswordAndUnknownUserLookTheSame) {
  auto wrong = api().sign_in(email(), "Not-The-Password-1");
  auto unknown = api().sign_in(unique_email("nobody"), "Not-The-Password-1");
  ASSERT_EQ(wrong.status, 401) << wrong.body;
  EXPECT_EQ(unknown.status, 401) << unknown.body;
  EXPECT_EQ(wrong.body, unknown.body);
  EXPECT_EQ(wrong.header("content-type"), unknown.header("content-type"));
  EXPECT_THAT(std::string(wrong.obj().at("errorCode").as_string()),
              ::testing::MatchesRegex("E[0-9]{6}"));
  EXPECT_THAT(wrong.body, ::testing::Not(HasSubstr(email())));
}

TEST_F(SignInTest, EmailLoginIdsAreCaseInsensitive) {
  std::string mixed = "Mixed.Case-" + unique_email("x");
  mixed[mixed.find('@') + 1] = 'T';  // @Test.example
  auto up = api().must_sign_up(mixed);
  std::string lower = mixed;
  for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  std::string upper = mixed;
  for (auto& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  EXPECT_THAT(strings(up.response.obj().at("user").at("loginIds")), ElementsAre(lower));
  for (const auto& id : {mixed, lower, upper, " " + lower + " "}) {
    auto r = api().sign_in(id);
    ASSERT_EQ(r.status, 200) << id << ": " << r.body;
    EXPECT_EQ(str(r.obj().at("user").at("userId")), up.user_id) << id;
  }
}

TEST_F(SignInTest, PasswordsAreCaseSensitive) {
  std::string flipped = kPassword;
  for (auto& c : flipped)
    c = std::isupper(static_cast<unsigned char>(c)) ? static_cast<char>(std::tolower(c))
                                                    : static_cast<char>(std::toupper(c));
  EXPECT_EQ(api().sign_in(email(), flipped).status, 401);
}

TEST_F(SignInTest, MissingOrUnknownProjectIdIs401) {
  json::object body{{"loginId", email()}, {"password", kPassword}};
  std::vector<Headers> cases = {
      {},
      {{"Authorization", "Bearer "}},
      {{"Authorization", "Bearer P0000000000000000000000000000"}},
      {{"Authorization", "Bearer " + pid() + "x"}},
      {{"Authorization", "Basic " + pid()}},
      {{"Authorization", pid()}},
  };
  for (const auto& h : cases) {
    std::string shown = h.empty() ? "(none)" : h[0].second;
    auto r = api().http.post("/v1/auth/password/signin", body, h);
    EXPECT_EQ(r.status, 401) << shown << ": " << r.body;
    EXPECT_EQ(r.header("content-type"), "application/json") << shown;
    EXPECT_TRUE(r.obj().contains("errorCode")) << shown << ": " << r.body;
    EXPECT_FALSE(r.obj().contains("sessionJwt")) << shown;
    auto s = api().http.post("/v1/auth/password/signup",
                             json::object{{"loginId", unique_email()}, {"password", kPassword}}, h);
    EXPECT_EQ(s.status, 401) << "sign-up with " << shown << ": " << s.body;
  }
}

TEST_F(SignInTest, IgnoresAStaleRefreshTokenInTheBearer) {
  // web-js attaches its stored refresh JWT to every call, even sign-in.
  auto r = api().http.post("/v1/auth/password/signin",
                           json::object{{"loginId", email()}, {"password", kPassword}},
                           bearer(pid(), "garbage.not.ajwt"));
  EXPECT_EQ(r.status, 200) << r.body;
}

}  // namespace
}  // namespace gatehouse::test
