// The JWT attack corpus (tests/jwt_corpus) against the real server: every crafted token,
// signed where a recipe signs with the server's own key (opened from its data directory,
// as a thief of the database and its key-encryption key would not need to), is refused by the
// tutorial's /get_roles, the management API (as a forged admin session), /v1/auth/refresh and
// /v1/auth/me.
#include "gatehouse/jose/signing_key.h"
#include "jwt_corpus/corpus.h"
#include "mgmt_fixture.h"
#include "stored_keys.h"

namespace gatehouse::test {
namespace {

namespace corpus = gatehouse::testing::jwt_corpus;

class JwtCorpusTest : public MgmtFixture<JwtCorpusTest> {
 protected:
  void SetUp() override {
    MgmtFixture::SetUp();
    if (HasFatalFailure()) return;
    auto [user, login] = signed_in_user("corpusadmin", {{"roleNames", json::array{"admin"}}});
    admin_ = login;
    // The key that signed the admin's session, sealed in the store (auth/key_ring.h).
    const std::string kid(jwt_header(admin_.session).at("kid").as_string());
    auto key = jose::SigningKey::from_pem(private_pem(server().data_dir(), kid));
    ASSERT_TRUE(key.ok()) << "cannot load the server's signing key";
    keys_ = std::make_unique<corpus::Keys>(corpus::Keys::make(*key));
    claims_.project = pid();
    claims_.now = unix_now();
    claims_.session = jwt_payload(admin_.session);
    claims_.refresh = jwt_payload(admin_.refresh);
  }

  // /get_roles: the tutorial's own 401.
  void ExpectAppRefuses(const corpus::Token& t) {
    auto r = api().app_get("/get_roles", t.text);
    if (t.server_status != 401) {
      EXPECT_EQ(r.status, t.server_status) << t.label();
      return;
    }
    EXPECT_EQ(r.status, 401) << t.label() << "\n  " << r.body;
    EXPECT_EQ(r.body, R"({"error":"❌ invalid session token!"})") << t.label();
  }

  // A forged admin session on the management API: Descope's 401, and no user created.
  void ExpectMgmtRefuses(const corpus::Token& t, const std::string& login_id) {
    auto r =
        post("/v1/mgmt/user/create", json::object{{"loginId", login_id}}, bearer(pid(), t.text));
    EXPECT_TRUE(IsDescopeError(r, t.server_status, t.server_status == 401 ? "E061005" : ""))
        << t.label();
  }

  void ExpectSessionCallsRefuse(const corpus::Token& t) {
    for (const auto& r : {api().refresh(t.text), api().me(t.text)}) {
      EXPECT_TRUE(IsDescopeError(r, t.server_status, t.server_status == 401 ? "E061005" : ""))
          << t.label();
    }
  }

  Login admin_;
  std::unique_ptr<corpus::Keys> keys_;
  corpus::Claims claims_;
};

TEST_F(JwtCorpusTest, ControlsAreAccepted) {
  // Re-signed with the server's key, unchanged claims pass every door the attacks knock
  // on: the corpus's rejections come from the attacks, not from the harness.
  for (const auto& t : corpus::control_tokens(*keys_, claims_)) {
    if (!t.for_server) continue;
    if (t.use == corpus::Use::kSession) {
      EXPECT_EQ(api().app_get("/get_roles", t.text).status, 200) << t.label();
      auto created =
          post("/v1/mgmt/user/create", json::object{{"loginId", unique_email("control")}},
               bearer(pid(), t.text));
      EXPECT_EQ(created.status, 200) << t.label() << "\n  " << created.body;
    } else {
      EXPECT_EQ(t.text, admin_.refresh) << "re-signing reproduces the server's token";
      EXPECT_EQ(api().me(t.text).status, 200) << t.label();
    }
  }
}

TEST_F(JwtCorpusTest, EveryAttackIsRefused) {
  std::vector<std::string> forged_logins;
  for (const auto& t : corpus::attack_tokens(*keys_, claims_)) {
    if (t.use == corpus::Use::kSession) {
      ExpectAppRefuses(t);
      forged_logins.push_back(unique_email("forged"));
      ExpectMgmtRefuses(t, forged_logins.back());
    } else {
      ExpectSessionCallsRefuse(t);
    }
  }
  // None of the forged admin sessions created anyone.
  for (const auto& login_id : forged_logins) {
    EXPECT_EQ(get("/v1/mgmt/user?loginId=" + url_encode(login_id)).status, 404) << login_id;
  }
  // And the genuine sign-in still works: no attack revoked it.
  EXPECT_EQ(api().me(admin_.refresh).status, 200);
  EXPECT_EQ(api().app_get("/get_roles", admin_.session).status, 200);
}

}  // namespace
}  // namespace gatehouse::test
