#include "gatehouse/session.h"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include "gatehouse/crypto/base64url.h"
#include "sdk_test_util.h"

namespace gatehouse {
namespace {

using namespace gatehouse::testing;

class SdkSession : public ::testing::Test {
 protected:
  SdkSession()
      : http_(std::make_shared<FakeHttp>([](const HttpRequest&) -> gatehouse::Result<HttpResponse> {
          return gatehouse::make_error(gatehouse::Errc::kUnavailable, "no handler");
        })),
        client_({.project_id = kProject,
                 .base_url = "https://auth.example.com/",
                 .keys = make_static_key_source(jwks_of({&key_a()})),
                 .http = http_,
                 .clock = clock_.clock()}) {}

  int64_t now() const { return clock_.now->load(); }

  FakeClock clock_;
  std::shared_ptr<FakeHttp> http_;
  SessionClient client_;
};

TEST_F(SdkSession, ValidateSessionReturnsPythonShapedJson) {
  boost::json::object claims = session_claims(now());
  claims["iss"] = std::string("https://auth.example.com/") + kProject;
  claims["dsub"] = "U2delegated";
  claims["amr"] = boost::json::array{"pwd"};
  std::string token = mint(key_a(), claims);

  gatehouse::Result<JwtResponse> r = client_.validate_session(token);
  ASSERT_THAT(r, IsOk());
  EXPECT_EQ(r->jwt, token);
  EXPECT_EQ(r->project_id, kProject);
  EXPECT_EQ(r->user_id, "U2delegated");
  EXPECT_TRUE(r->roles.empty());
  EXPECT_TRUE(r->permissions.empty());
  EXPECT_TRUE(r->tenants.empty());

  boost::json::object with_jwt = claims;
  with_jwt["jwt"] = token;
  boost::json::object expected = with_jwt;
  expected["sessionToken"] = with_jwt;
  expected["permissions"] = boost::json::array{};
  expected["roles"] = boost::json::array{};
  expected["tenants"] = boost::json::object{};
  expected["projectId"] = kProject;
  expected["userId"] = "U2delegated";
  EXPECT_EQ(r->to_json(), expected) << boost::json::serialize(r->to_json());
}

TEST_F(SdkSession, RolesPermissionsTenantsComeFromClaims) {
  boost::json::object claims = session_claims(now());
  claims["roles"] = {"teacher"};
  claims["permissions"] = {"grade", 7};  // non-strings ignored in the typed view
  claims["tenants"] = {{"T1", {{"roles", {"owner"}}}}};
  claims["dsub"] = "";  // empty dsub falls back to sub, as in Python
  gatehouse::Result<JwtResponse> r = client_.validate_session(mint(key_a(), claims));
  ASSERT_THAT(r, IsOk());
  EXPECT_EQ(r->roles, std::vector<std::string>{"teacher"});
  EXPECT_EQ(r->permissions, std::vector<std::string>{"grade"});
  EXPECT_TRUE(validate_tenant_roles(*r, "T1", {"owner"}));
  EXPECT_EQ(r->user_id, "U2user");
  EXPECT_EQ(r->project_id, kProject);
  boost::json::object json = r->to_json();
  EXPECT_EQ(json.at("roles"), claims.at("roles"));
  EXPECT_EQ(json.at("permissions"), claims.at("permissions"));  // copied as-is, like Python
  EXPECT_EQ(json.at("userId"), "U2user");
  EXPECT_TRUE(validate_roles(*r, {"teacher"}));
  EXPECT_FALSE(validate_roles(*r, {"student"}));
}

TEST_F(SdkSession, ErrorsNameTheFailure) {
  boost::json::object claims = session_claims(now() - 1000);  // exp = now - 400
  gatehouse::Result<JwtResponse> r = client_.validate_session(mint(key_a(), claims));
  ASSERT_THAT(r, ErrcIs(gatehouse::Errc::kInvalidToken));
  EXPECT_EQ(r.error().message, "session token expired");
  EXPECT_THAT(r, JwtIs(JwtStatus::kJwtExpired));

  claims = session_claims(now());
  claims["iss"] = "P2otherproject";
  r = client_.validate_session(mint(key_a(), claims));
  ASSERT_FALSE(r);
  EXPECT_THAT(r, JwtIs(JwtStatus::kJwtWrongIssuer));

  r = client_.validate_session(mint(key_b(), session_claims(now())));
  ASSERT_FALSE(r);
  EXPECT_THAT(r, JwtIs(JwtStatus::kJwksKidNotFound));

  r = client_.validate_session("garbage");
  ASSERT_FALSE(r);
  EXPECT_THAT(r, JwtIs(JwtStatus::kJwtMalformed));
  EXPECT_EQ(r.error().message, "session token malformed");
}

TEST_F(SdkSession, LeewayComesFromOptions) {
  boost::json::object claims = session_claims(now() - 604);  // exp = now - 4
  EXPECT_TRUE(client_.validate_session(mint(key_a(), claims)));
  claims = session_claims(now() - 606);  // exp = now - 6
  EXPECT_THAT(client_.validate_session(mint(key_a(), claims)), JwtIs(JwtStatus::kJwtExpired));
}

TEST_F(SdkSession, TokenKindsAreNotInterchangeable) {
  std::string refresh = mint(key_a(), refresh_claims(now()));
  gatehouse::Result<JwtResponse> r = client_.validate_session(refresh);
  ASSERT_THAT(r, ErrcIs(gatehouse::Errc::kInvalidToken));
  EXPECT_THAT(r, JwtIs(JwtStatus::kJwtWrongTokenKind));
  EXPECT_TRUE(client_.validate_refresh(refresh));

  std::string session = mint(key_a(), session_claims(now()));
  EXPECT_THAT(client_.validate_refresh(session), JwtIs(JwtStatus::kJwtWrongTokenKind));
  boost::json::object no_drn = refresh_claims(now());
  no_drn.erase("drn");
  EXPECT_THAT(client_.validate_refresh(mint(key_a(), no_drn)),
              JwtIs(JwtStatus::kJwtWrongTokenKind));
}

TEST_F(SdkSession, RefreshSuccessWithoutRotation) {
  std::string refresh = mint(key_a(), refresh_claims(now()));
  boost::json::object fresh_claims = session_claims(now());
  fresh_claims["roles"] = {"teacher"};
  std::string fresh_session = mint(key_a(), fresh_claims);
  http_->set_handler([&](const HttpRequest&) -> gatehouse::Result<HttpResponse> {
    return json_response(200, {{"sessionJwt", fresh_session}, {"sessionExpiration", now() + 600}});
  });

  gatehouse::Result<RefreshResult> r = client_.refresh_session(refresh);
  ASSERT_THAT(r, IsOk());
  EXPECT_EQ(r->session.jwt, fresh_session);
  EXPECT_EQ(r->session.roles, std::vector<std::string>{"teacher"});
  EXPECT_EQ(r->refresh_jwt, refresh);
  EXPECT_TRUE(r->refreshed);
  EXPECT_FALSE(r->rotated);

  std::vector<HttpRequest> sent = http_->requests();
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].method, "POST");
  EXPECT_EQ(sent[0].url, "https://auth.example.com/v1/auth/refresh");
  EXPECT_EQ(sent[0].body, "{}");
  EXPECT_EQ(header(sent[0], "Authorization"), std::string("Bearer ") + kProject + ":" + refresh);
}

TEST_F(SdkSession, RefreshWithRotation) {
  std::string refresh = mint(key_a(), refresh_claims(now()));
  boost::json::object next_claims = refresh_claims(now());
  next_claims["jti"] = "R2";
  std::string next = mint(key_a(), next_claims);
  std::string session = mint(key_a(), session_claims(now()));
  http_->set_handler([&](const HttpRequest&) -> gatehouse::Result<HttpResponse> {
    return json_response(200, {{"sessionJwt", session}, {"refreshJwt", next}});
  });
  gatehouse::Result<RefreshResult> r = client_.refresh_session(refresh);
  ASSERT_THAT(r, IsOk());
  EXPECT_TRUE(r->rotated);
  EXPECT_EQ(r->refresh_jwt, next);
  EXPECT_EQ(r->session.jwt, session);
}

TEST_F(SdkSession, RefreshPassesServerErrorThrough) {
  std::string refresh = mint(key_a(), refresh_claims(now()));
  http_->set_handler([](const HttpRequest&) -> gatehouse::Result<HttpResponse> {
    return json_response(401, {{"errorCode", "E064001"},
                               {"errorDescription", "Unauthorized"},
                               {"errorMessage", "Refresh token was revoked"}});
  });
  gatehouse::Result<RefreshResult> r = client_.refresh_session(refresh);
  ASSERT_THAT(r, ErrcIs(gatehouse::Errc::kInvalidToken));
  EXPECT_EQ(r.error().message, "Refresh token was revoked");
  EXPECT_THAT(r, JwtIs(JwtStatus::kOk));  // the token itself was fine locally

  http_->set_handler([](const HttpRequest&) -> gatehouse::Result<HttpResponse> {
    return HttpResponse{.status = 502, .body = "<html>bad gateway</html>"};
  });
  r = client_.refresh_session(refresh);
  ASSERT_THAT(r, ErrcIs(gatehouse::Errc::kUnavailable));
  EXPECT_EQ(r.error().message, "refresh failed with HTTP 502");

  http_->set_handler([](const HttpRequest&) -> gatehouse::Result<HttpResponse> {
    return json_response(200, {{"refreshJwt", "x"}});
  });
  r = client_.refresh_session(refresh);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message, "refresh response has no sessionJwt");
}

TEST_F(SdkSession, RefreshRejectsBadTokensBeforeCallingServer) {
  EXPECT_THAT(client_.refresh_session(mint(key_a(), session_claims(now()))),
              JwtIs(JwtStatus::kJwtWrongTokenKind));
  boost::json::object expired = refresh_claims(now() - 100000);
  EXPECT_THAT(client_.refresh_session(mint(key_a(), expired)), JwtIs(JwtStatus::kJwtExpired));
  EXPECT_EQ(http_->count(), 0u);
}

TEST_F(SdkSession, RefreshValidatesWhatTheServerReturns) {
  std::string refresh = mint(key_a(), refresh_claims(now()));
  std::string forged = mint(key_b(), session_claims(now()));
  http_->set_handler([&](const HttpRequest&) -> gatehouse::Result<HttpResponse> {
    return json_response(200, {{"sessionJwt", forged}});
  });
  EXPECT_THAT(client_.refresh_session(refresh), JwtIs(JwtStatus::kJwksKidNotFound));
}

TEST_F(SdkSession, ValidateAndRefresh) {
  std::string refresh = mint(key_a(), refresh_claims(now()));
  std::string valid = mint(key_a(), session_claims(now()));
  gatehouse::Result<RefreshResult> r = client_.validate_and_refresh_session(valid, refresh);
  ASSERT_THAT(r, IsOk());
  EXPECT_FALSE(r->refreshed);
  EXPECT_EQ(r->session.jwt, valid);
  EXPECT_EQ(r->refresh_jwt, refresh);
  EXPECT_EQ(http_->count(), 0u);

  std::string expired = mint(key_a(), session_claims(now() - 5000));
  std::string fresh = mint(key_a(), session_claims(now()));
  http_->set_handler([&](const HttpRequest&) -> gatehouse::Result<HttpResponse> {
    return json_response(200, {{"sessionJwt", fresh}});
  });
  r = client_.validate_and_refresh_session(expired, refresh);
  ASSERT_THAT(r, IsOk());
  EXPECT_TRUE(r->refreshed);
  EXPECT_EQ(r->session.jwt, fresh);
  EXPECT_EQ(http_->count(), 1u);

  EXPECT_THAT(client_.validate_and_refresh_session(expired, ""), JwtIs(JwtStatus::kJwtExpired));
}

TEST(SdkSessionOptions, ConfigurationErrorsThrow) {
  EXPECT_THROW(SessionClient({.base_url = "https://x"}), std::invalid_argument);
  EXPECT_THROW(SessionClient({.project_id = kProject}), std::invalid_argument);
  EXPECT_NO_THROW(SessionClient({.project_id = kProject, .base_url = "https://x"}));
}

TEST(SdkSessionOptions, UnreachableServerIsUnavailable) {
  // Port 1 on loopback refuses at once; exercises the real libcurl client.
  SessionClient client({.project_id = kProject, .base_url = "http://127.0.0.1:1"});
  gatehouse::Result<JwtResponse> r = client.validate_session(mint(key_a(), session_claims(kStart)));
  ASSERT_THAT(r, ErrcIs(gatehouse::Errc::kUnavailable));
  EXPECT_THAT(r, JwtIs(JwtStatus::kJwksFetchFail));
}

// ES256 and RS256 keys side by side (a server switching algorithm publishes both): each
// token verifies with its own key, and only under its own algorithm.
TEST(SdkSessionEs256, VerifiesEs256AndRs256FromOneKeySet) {
  static const jose::SigningKey ec = *jose::SigningKey::generate("ES256");
  FakeClock clock;
  SessionClient client({.project_id = kProject,
                        .keys = make_static_key_source(jwks_of({&key_a(), &ec})),
                        .clock = clock.clock()});
  for (const jose::SigningKey* key : {&key_a(), &ec}) {
    std::string token = mint(*key, session_claims(clock.now->load()));
    auto r = client.validate_session(token);
    ASSERT_THAT(r, IsOk()) << key->alg();
    EXPECT_EQ(r->user_id, session_claims(0).at("sub").as_string());
  }
  // An ES256 signature under the RSA key's kid is refused (the alg is pinned per key).
  std::string es = mint(ec, session_claims(clock.now->load()));
  auto header = boost::json::parse(*crypto::base64url_decode(es.substr(0, es.find('.'))));
  header.as_object()["kid"] = key_a().kid();
  std::string swapped =
      crypto::base64url_encode(boost::json::serialize(header)) + es.substr(es.find('.'));
  EXPECT_FALSE(client.validate_session(swapped));
}

}  // namespace
}  // namespace gatehouse
