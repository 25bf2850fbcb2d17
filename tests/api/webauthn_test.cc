// Passkeys as the Descope SDKs call them (docs/descope-wire.md §4.6), with a software
// authenticator: sign-up → sign-in → refresh, sign-up-or-in, adding a passkey, unknown
// accounts, replayed transactions and answers, and removal by management.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "mgmt_fixture.h"
#include "support/soft_authenticator.h"

namespace gatehouse::test {
namespace {

using gatehouse::testing::parse_options;
using gatehouse::testing::ParsedOptions;
using gatehouse::testing::SoftAuthenticator;
using ::testing::HasSubstr;

// The session of a JWTResponse; throws (failing the test) unless the call succeeded.
Login login_of(HttpResponse r, const std::string& what) {
  if (r.status != 200 || !r.json) {
    throw std::runtime_error(what + " failed: " + std::to_string(r.status) + " " + r.body);
  }
  const auto& o = r.obj();
  Login l;
  l.session = std::string(o.at("sessionJwt").as_string());
  l.refresh = std::string(o.at("refreshJwt").as_string());
  l.user_id = std::string(o.at("user").at("userId").as_string());
  l.response = std::move(r);
  return l;
}

class WebAuthnTest : public MgmtFixture<WebAuthnTest> {
 protected:
  std::string origin() { return "http://localhost:" + std::to_string(server().port()); }

  struct Started {
    std::string transaction_id;
    std::string options;
    bool create = false;
    ParsedOptions parsed;
  };

  static Started started(const HttpResponse& r, const std::string& what) {
    auto o = must(r, what);
    Started s;
    s.transaction_id = std::string(o.at("transactionId").as_string());
    s.options = std::string(o.at("options").as_string());  // a JSON *string*
    s.create = o.at("create").as_bool();
    s.parsed = parse_options(s.options);
    return s;
  }

  HttpResponse sign_up_start(const std::string& login_id, const std::string& name = "",
                             json::object passkey_options = {}) {
    json::object body{{"user", {{"loginId", login_id}, {"name", name}}}, {"origin", origin()}};
    if (!passkey_options.empty()) body["passkeyOptions"] = std::move(passkey_options);
    return post("/v1/auth/webauthn/signup/start", body, bearer(pid()));
  }
  HttpResponse sign_in_start(const std::string& login_id, json::object passkey_options = {}) {
    json::object body{{"loginId", login_id}, {"origin", origin()}};
    if (!passkey_options.empty()) body["passkeyOptions"] = std::move(passkey_options);
    return post("/v1/auth/webauthn/signin/start", body, bearer(pid()));
  }
  HttpResponse finish(const std::string& path, const std::string& tx, const std::string& response) {
    return post(path, json::object{{"transactionId", tx}, {"response", response}}, bearer(pid()));
  }

  SoftAuthenticator::Ceremony ceremony(const Started& s) {
    SoftAuthenticator::Ceremony c;
    c.rp_id = s.parsed.rp_id.empty() ? "localhost" : s.parsed.rp_id;
    c.challenge = s.parsed.challenge;
    c.origin = origin();
    return c;
  }

  // Signs up `login_id` with `a`; the sign-up's JWTResponse.
  Login sign_up(const std::string& login_id, SoftAuthenticator& a) {
    auto s = started(sign_up_start(login_id, "Pat Key"), "signup/start");
    auto made = a.create(ceremony(s));
    return login_of(finish("/v1/auth/webauthn/signup/finish", s.transaction_id, made.response_json),
                    "signup/finish");
  }
  HttpResponse sign_in(const std::string& login_id, SoftAuthenticator& a) {
    auto s = started(sign_in_start(login_id), "signin/start");
    auto got = a.get(ceremony(s));
    return finish("/v1/auth/webauthn/signin/finish", s.transaction_id, got.response_json);
  }
  json::object user_of(const std::string& login_id) {
    return must_user(get("/v1/mgmt/user?loginId=" + url_encode(login_id)), "load user");
  }
};

TEST_F(WebAuthnTest, SignUpThenSignInThenRefresh) {
  const std::string login = unique_email("passkey");
  auto r = sign_up_start(login, "Pat Key");
  auto s = started(r, "signup/start");
  EXPECT_TRUE(s.create);
  EXPECT_EQ(s.parsed.rp_id, "localhost");
  EXPECT_EQ(s.parsed.challenge.size(), 32u);
  EXPECT_GE(s.parsed.user_id.size(), 16u);
  auto opts = json::parse(s.options).as_object().at("publicKey").as_object();
  EXPECT_EQ(opts.at("user").at("name").as_string(), login);
  EXPECT_EQ(opts.at("user").at("displayName").as_string(), "Pat Key");
  EXPECT_EQ(opts.at("pubKeyCredParams").as_array().size(), 2u);

  SoftAuthenticator a;
  auto made = a.create(ceremony(s));
  auto up =
      login_of(finish("/v1/auth/webauthn/signup/finish", s.transaction_id, made.response_json),
               "signup/finish");
  const auto& body = up.response.obj();
  EXPECT_TRUE(body.at("firstSeen").as_bool());
  EXPECT_EQ(body.at("user").at("loginIds").as_array().at(0).as_string(), login);
  EXPECT_TRUE(body.at("user").at("webauthn").as_bool());
  EXPECT_THAT(jwt_payload(up.session).at("amr"),
              ::testing::Eq(json::value(json::array{"webauthn"})));

  // The same transaction cannot be finished twice.
  auto again = finish("/v1/auth/webauthn/signup/finish", s.transaction_id, made.response_json);
  EXPECT_TRUE(IsDescopeError(again, 401, "E062111")) << again.body;

  auto in = sign_in(login, a);
  ASSERT_EQ(in.status, 200) << in.body;
  auto login_in = login_of(in, "signin/finish");
  EXPECT_EQ(login_in.user_id, up.user_id);
  EXPECT_FALSE(in.obj().at("firstSeen").as_bool());
  auto refreshed = api().must_refresh(login_in.refresh);
  EXPECT_EQ(refreshed.user_id, up.user_id);
  EXPECT_TRUE(user_of(login).at("webauthn").as_bool());
}

TEST_F(WebAuthnTest, SignInOptionsListThePasskeysAndHideUnknownAccounts) {
  const std::string login = unique_email("list");
  SoftAuthenticator a;
  sign_up(login, a);
  auto known = started(sign_in_start(login), "signin/start");
  EXPECT_FALSE(known.create);
  EXPECT_EQ(known.parsed.allow_credentials, 1u);
  auto pk = json::parse(known.options).at("publicKey").as_object();
  EXPECT_EQ(pk.at("rpId").as_string(), "localhost");
  EXPECT_EQ(pk.at("allowCredentials").at(0).at("type").as_string(), "public-key");

  // Unknown: one credential id all the same, stable, and nothing to sign in with.
  const std::string nobody = unique_email("nobody");
  auto u1 = started(sign_in_start(nobody), "signin/start unknown");
  auto u2 = started(sign_in_start(nobody), "signin/start unknown");
  EXPECT_FALSE(u1.create);
  EXPECT_EQ(u1.parsed.allow_credentials, 1u);
  auto id1 = json::parse(u1.options).at("publicKey").at("allowCredentials").at(0).at("id");
  auto id2 = json::parse(u2.options).at("publicKey").at("allowCredentials").at(0).at("id");
  EXPECT_EQ(id1, id2);
  // Our real passkey does not open the unknown account's ceremony.
  auto got = a.get(ceremony(u1));
  auto r = finish("/v1/auth/webauthn/signin/finish", u1.transaction_id, got.response_json);
  EXPECT_TRUE(IsDescopeError(r, 401, "E062111")) << r.body;

  // Discoverable: no login id, no allowCredentials; the passkey names the account.
  auto disc = started(sign_in_start(""), "signin/start discoverable");
  EXPECT_EQ(disc.parsed.allow_credentials, 0u);
  got = a.get(ceremony(disc));
  auto d = finish("/v1/auth/webauthn/signin/finish", disc.transaction_id, got.response_json);
  ASSERT_EQ(d.status, 200) << d.body;
}

TEST_F(WebAuthnTest, VerificationFailuresAreRefused) {
  const std::string login = unique_email("refuse");
  SoftAuthenticator a;
  sign_up(login, a);

  // Wrong origin in the client data.
  auto s = started(sign_in_start(login), "signin/start");
  auto c = ceremony(s);
  c.origin = "http://evil.example";
  auto r = finish("/v1/auth/webauthn/signin/finish", s.transaction_id, a.get(c).response_json);
  EXPECT_TRUE(IsDescopeError(r, 401, "E062111")) << r.body;
  EXPECT_THAT(message_of(r), HasSubstr("origin_mismatch"));

  // An answer to another ceremony (a replayed assertion).
  auto s1 = started(sign_in_start(login), "signin/start");
  auto s2 = started(sign_in_start(login), "signin/start");
  auto old = a.get(ceremony(s1));
  r = finish("/v1/auth/webauthn/signin/finish", s2.transaction_id, old.response_json);
  EXPECT_TRUE(IsDescopeError(r, 401, "E062111")) << r.body;
  EXPECT_THAT(message_of(r), HasSubstr("challenge_mismatch"));

  // A counter that went back (a cloned authenticator) after a sign-in that moved it to 1.
  ASSERT_EQ(sign_in(login, a).status, 200);
  auto s3 = started(sign_in_start(login), "signin/start");
  a.counter = 0;
  a.counter_step = 0;
  r = finish("/v1/auth/webauthn/signin/finish", s3.transaction_id,
             a.get(ceremony(s3)).response_json);
  EXPECT_TRUE(IsDescopeError(r, 401, "E062111")) << r.body;
  EXPECT_THAT(message_of(r), HasSubstr("counter_regression"));

  // UV required, not given.
  a.counter = 100;
  a.counter_step = 1;
  a.user_verified = false;
  auto s4 = started(sign_in_start(login, json::object{{"userVerification", "required"}}),
                    "signin/start uv");
  EXPECT_EQ(s4.parsed.user_verification, "required");
  r = finish("/v1/auth/webauthn/signin/finish", s4.transaction_id,
             a.get(ceremony(s4)).response_json);
  EXPECT_THAT(message_of(r), HasSubstr("user_not_verified"));

  // Garbage, unknown transactions, a sign-in transaction on the sign-up finish.
  auto s5 = started(sign_in_start(login), "signin/start");
  r = finish("/v1/auth/webauthn/signin/finish", s5.transaction_id, "{not json");
  EXPECT_TRUE(IsDescopeError(r, 400, "E011001")) << r.body;
  r = finish("/v1/auth/webauthn/signin/finish", "nope", "{}");
  EXPECT_TRUE(IsDescopeError(r, 401, "E062111")) << r.body;
  auto s6 = started(sign_in_start(login), "signin/start");
  a.user_verified = true;
  r = finish("/v1/auth/webauthn/signup/finish", s6.transaction_id,
             a.get(ceremony(s6)).response_json);
  EXPECT_TRUE(IsDescopeError(r, 401, "E062111")) << r.body;
  r = post("/v1/auth/webauthn/signin/finish", json::object{{"response", "{}"}}, bearer(pid()));
  EXPECT_TRUE(IsDescopeError(r, 400)) << r.body;
  // A start from an origin that is not allowed.
  r = post("/v1/auth/webauthn/signin/start",
           json::object{{"loginId", login}, {"origin", "https://evil.example"}}, bearer(pid()));
  EXPECT_TRUE(IsDescopeError(r, 400, "E011003")) << r.body;
  // Sign-up of a taken login id.
  r = sign_up_start(login);
  EXPECT_TRUE(IsDescopeError(r, 409, "E062107")) << r.body;
}

TEST_F(WebAuthnTest, SignUpOrInSaysWhichFinishToCall) {
  const std::string login = unique_email("either");
  auto body = json::object{{"loginId", login}, {"origin", origin()}};
  auto s = started(post("/v1/auth/webauthn/signup-in/start", body, bearer(pid())), "signup-in");
  EXPECT_TRUE(s.create);
  SoftAuthenticator a;
  auto made = a.create(ceremony(s));
  auto up = finish("/v1/auth/webauthn/signup/finish", s.transaction_id, made.response_json);
  ASSERT_EQ(up.status, 200) << up.body;
  auto s2 = started(post("/v1/auth/webauthn/signup-in/start", body, bearer(pid())), "signup-in");
  EXPECT_FALSE(s2.create);
  auto in = finish("/v1/auth/webauthn/signin/finish", s2.transaction_id,
                   a.get(ceremony(s2)).response_json);
  EXPECT_EQ(in.status, 200) << in.body;
}

TEST_F(WebAuthnTest, UpdateAddsAPasskeyToThePasswordUser) {
  const std::string login = unique_email("update");
  auto user = api().must_sign_up(login);
  EXPECT_FALSE(user_of(login).at("webauthn").as_bool());
  json::object body{{"loginId", login}, {"origin", origin()}};
  // A refresh token is required.
  auto r = post("/v1/auth/webauthn/update/start", body, bearer(pid()));
  EXPECT_TRUE(IsDescopeError(r, 401)) << r.body;
  // Of that same user.
  auto other = api().must_sign_up(unique_email("other"));
  r = post("/v1/auth/webauthn/update/start", body, bearer(pid(), other.refresh));
  EXPECT_TRUE(IsDescopeError(r, 403)) << r.body;

  auto s = started(post("/v1/auth/webauthn/update/start", body, bearer(pid(), user.refresh)),
                   "update/start");
  EXPECT_TRUE(s.create);
  EXPECT_EQ(s.parsed.user_id, user.user_id) << "the user handle is the user id";
  SoftAuthenticator a;
  auto f = finish("/v1/auth/webauthn/update/finish", s.transaction_id,
                  a.create(ceremony(s)).response_json);
  ASSERT_EQ(f.status, 200) << f.body;
  EXPECT_EQ(f.body, "{}");
  EXPECT_TRUE(user_of(login).at("webauthn").as_bool());

  // A second passkey: the first is excluded.
  auto s2 = started(post("/v1/auth/webauthn/update/start", body, bearer(pid(), user.refresh)),
                    "update/start");
  EXPECT_EQ(s2.parsed.exclude_credentials, 1u);
  // The same authenticator cannot register twice.
  f = finish("/v1/auth/webauthn/update/finish", s2.transaction_id,
             a.create(ceremony(s2)).response_json);
  EXPECT_TRUE(IsDescopeError(f, 401, "E062111")) << f.body;

  auto in = sign_in(login, a);
  ASSERT_EQ(in.status, 200) << in.body;
  EXPECT_EQ(login_of(in, "signin").user_id, user.user_id);
}

TEST_F(WebAuthnTest, ManagementDeletesAllPasskeys) {
  const std::string login = unique_email("mgmt");
  SoftAuthenticator a;
  sign_up(login, a);
  ASSERT_TRUE(user_of(login).at("webauthn").as_bool());
  // Project id alone is not a management caller.
  auto r = post("/v1/mgmt/user/passkeys/delete", json::object{{"loginId", login}}, bearer(pid()));
  EXPECT_TRUE(IsDescopeError(r, 401)) << r.body;
  r = post("/v1/mgmt/user/passkeys/delete", json::object{{"loginId", login}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_FALSE(user_of(login).at("webauthn").as_bool());
  auto in = sign_in(login, a);
  EXPECT_TRUE(IsDescopeError(in, 401, "E062111")) << in.body;
  r = post("/v1/mgmt/user/passkeys/delete", json::object{{"loginId", unique_email("none")}});
  EXPECT_TRUE(IsDescopeError(r, 404, kUserNotFound)) << r.body;
}

TEST_F(WebAuthnTest, TheSignedInUserRemovesTheirPasskeys) {
  const std::string login = unique_email("selfremove");
  auto user = api().must_sign_up(login);
  json::object body{{"loginId", login}, {"origin", origin()}};
  auto s = started(post("/v1/auth/webauthn/update/start", body, bearer(pid(), user.refresh)),
                   "update/start");
  SoftAuthenticator a;
  ASSERT_EQ(finish("/v1/auth/webauthn/update/finish", s.transaction_id,
                   a.create(ceremony(s)).response_json)
                .status,
            200);
  ASSERT_TRUE(user_of(login).at("webauthn").as_bool());

  // Without the user's session nothing is removed; another user's session removes only theirs.
  auto r = post("/v1/auth/me/passkeys/delete", json::object{}, bearer(pid()));
  EXPECT_TRUE(IsDescopeError(r, 401)) << r.body;
  auto other = api().must_sign_up(unique_email("selfremove-other"));
  r = post("/v1/auth/me/passkeys/delete", json::object{}, bearer(pid(), other.refresh));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.obj().at("removed"), 0);
  EXPECT_TRUE(user_of(login).at("webauthn").as_bool());

  r = post("/v1/auth/me/passkeys/delete", json::object{}, bearer(pid(), user.refresh));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.obj().at("removed"), 1);
  EXPECT_FALSE(user_of(login).at("webauthn").as_bool());
  EXPECT_TRUE(IsDescopeError(sign_in(login, a), 401, "E062111"));
  EXPECT_EQ(api().sign_in(login).status, 200) << "the password still signs in";
}

}  // namespace
}  // namespace gatehouse::test
