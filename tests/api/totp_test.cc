// TOTP as the Descope SDKs call it (docs/descope-wire.md, "TOTP"): enrolment, sign-in with
// a code computed here from the returned key, replay, guessing, re-enrolment, removal by
// management, and TOTP as the second factor after a password.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "gatehouse/crypto/base32.h"
#include "gatehouse/crypto/totp.h"
#include "mgmt_fixture.h"

namespace gatehouse::test {
namespace {

using ::testing::Contains;
using ::testing::HasSubstr;
using ::testing::StartsWith;

// The code an authenticator app shows now for `key` (base32).
std::string code_for(const std::string& key, int64_t offset = 0) {
  auto secret = crypto::base32_decode(key);
  if (!secret) throw std::runtime_error("key is not base32: " + key);
  return crypto::totp_code(*secret, unix_now() + offset);
}

// A code of the current step that is not `code`.
std::string other_code(const std::string& code) {
  std::string wrong = code;
  wrong[0] = wrong[0] == '9' ? '0' : static_cast<char>(wrong[0] + 1);
  return wrong;
}

class TotpTest : public MgmtFixture<TotpTest> {
 public:
  // Five guesses per login id, then locked, so the guessing test stays short; other tests
  // use their own login ids.
  static std::vector<std::string> ServerArgs() { return {"--limit-login", "5/5/60"}; }

 protected:
  HttpResponse totp_sign_up(const std::string& login_id, json::object user = {}) {
    json::object body{{"loginId", login_id}};
    if (!user.empty()) body["user"] = std::move(user);
    return api().http.post("/v1/auth/totp/signup", body, bearer(pid()));
  }
  HttpResponse verify(const std::string& login_id, const std::string& code,
                      const std::string& ticket = "") {
    return api().http.post("/v1/auth/totp/verify",
                           json::object{{"loginId", login_id}, {"code", code}},
                           bearer(pid(), ticket));
  }
  HttpResponse update(const std::string& login_id, const std::string& refresh) {
    return api().http.post("/v1/auth/totp/update", json::object{{"loginId", login_id}},
                           bearer(pid(), refresh));
  }
  // The key of a fresh TOTP-only account.
  std::string enrolled(const std::string& login_id) {
    auto r = totp_sign_up(login_id);
    return std::string(must(r, "totp sign-up").at("key").as_string());
  }
  json::object user_of(const std::string& login_id) {
    return must_user(get("/v1/mgmt/user?loginId=" + url_encode(login_id)), "load user");
  }
};

TEST_F(TotpTest, SignUpReturnsTheKeyItsUriAndAQrCode) {
  const std::string login = unique_email("enrol");
  auto r = totp_sign_up(login, json::object{{"name", "Tia Otp"}});
  ASSERT_EQ(r.status, 200) << r.body;
  const auto& o = r.obj();
  const std::string key = str(o.at("key"));
  auto secret = crypto::base32_decode(key);
  ASSERT_TRUE(secret) << key;
  EXPECT_EQ(secret->size(), 20u) << "160-bit secrets";
  EXPECT_EQ(key.find('='), std::string::npos) << "unpadded, as otpauth URIs carry it";
  EXPECT_EQ(str(o.at("provisioningURL")), "otpauth://totp/Gatehouse:" + url_encode(login) +
                                              "?secret=" + key + "&issuer=Gatehouse");
  // A base64 PNG without a data: prefix ("\x89PNG\r\n\x1a\n" encodes as iVBORw0KGgo).
  EXPECT_THAT(str(o.at("image")), StartsWith("iVBORw0KGgo"));
  EXPECT_GT(str(o.at("image")).size(), 200u);
  EXPECT_FALSE(o.contains("sessionJwt")) << "enrolment is not a sign-in";

  auto user = user_of(login);
  EXPECT_EQ(user.at("TOTP"), true);
  EXPECT_EQ(user.at("password"), false);
  EXPECT_EQ(user.at("name"), "Tia Otp");

  auto again = totp_sign_up(login);
  EXPECT_TRUE(IsDescopeError(again, 409, "E062107")) << again.body;
}

TEST_F(TotpTest, VerifyWithTheCurrentCodeSignsInOnce) {
  const std::string login = unique_email("verify");
  const std::string key = enrolled(login);
  const std::string code = code_for(key);
  auto r = verify(login, code);
  ASSERT_EQ(r.status, 200) << r.body;
  const auto& o = r.obj();
  ASSERT_TRUE(o.at("sessionJwt").is_string());
  ASSERT_TRUE(o.at("refreshJwt").is_string());
  EXPECT_EQ(o.at("firstSeen"), true) << "the first sign-in of the new account";
  EXPECT_EQ(o.at("user").at("TOTP"), true);
  auto claims = jwt_payload(str(o.at("sessionJwt")));
  EXPECT_THAT(strings(claims.at("amr")), Contains("totp"));
  EXPECT_EQ(api().me(str(o.at("refreshJwt"))).status, 200);

  // The same code again, inside its window: refused as a wrong code would be.
  auto replay = verify(login, code);
  EXPECT_TRUE(IsDescopeError(replay, 401, "E061102")) << replay.body;
}

TEST_F(TotpTest, TheStepBeforeIsAcceptedButNotTwoSteps) {
  const std::string login = unique_email("drift");
  const std::string key = enrolled(login);
  EXPECT_TRUE(IsDescopeError(verify(login, code_for(key, -90)), 401, "E061102"));
  EXPECT_EQ(verify(login, code_for(key, -30)).status, 200);
}

TEST_F(TotpTest, AWrongCodeAndAnUnknownLoginIdAnswerAlike) {
  const std::string login = unique_email("wrong");
  const std::string key = enrolled(login);
  auto wrong = verify(login, other_code(code_for(key)));
  auto unknown = verify(unique_email("nobody"), "123456");
  auto malformed = verify(login, "12a456");
  for (const auto* r : {&wrong, &unknown, &malformed}) {
    EXPECT_TRUE(IsDescopeError(*r, 401, "E061102")) << r->body;
    EXPECT_EQ(r->body, wrong.body);
  }
  // A password account without TOTP answers the same too.
  const std::string pwd_only = unique_email("pwdonly");
  api().must_sign_up(pwd_only);
  EXPECT_EQ(verify(pwd_only, "123456").body, wrong.body);
}

TEST_F(TotpTest, WrongCodesCountTowardsTheLockout) {
  const std::string login = unique_email("guess");
  const std::string key = enrolled(login);
  const std::string wrong = other_code(code_for(key));
  for (int i = 0; i < 5; ++i) EXPECT_EQ(verify(login, wrong).status, 401);
  // Locked: even the right code gets the rate-limit answer, no oracle.
  auto locked = verify(login, code_for(key));
  EXPECT_EQ(locked.status, 429) << locked.body;
  EXPECT_EQ(str(locked.obj().at("errorCode")), "E130429");
  EXPECT_FALSE(locked.header("retry-after").empty());
}

TEST_F(TotpTest, UpdateReplacesTheSecretOfTheSignedInUserOnly) {
  const std::string login = unique_email("update");
  const std::string old_key = enrolled(login);
  auto first = verify(login, code_for(old_key));
  ASSERT_EQ(first.status, 200) << first.body;
  const std::string refresh = str(first.obj().at("refreshJwt"));

  auto r = update(login, refresh);
  ASSERT_EQ(r.status, 200) << r.body;
  const std::string new_key = str(r.obj().at("key"));
  EXPECT_NE(new_key, old_key);
  EXPECT_THAT(str(r.obj().at("provisioningURL")), HasSubstr("secret=" + new_key));
  EXPECT_THAT(str(r.obj().at("image")), StartsWith("iVBORw0KGgo"));

  EXPECT_TRUE(IsDescopeError(verify(login, code_for(old_key, 30)), 401, "E061102"))
      << "the old secret stopped working";
  EXPECT_EQ(verify(login, code_for(new_key)).status, 200);

  // Someone else's account, or no session: refused.
  const std::string other = unique_email("other");
  enrolled(other);
  EXPECT_TRUE(IsDescopeError(update(other, refresh), 403));
  EXPECT_TRUE(IsDescopeError(update(login, ""), 401));
}

TEST_F(TotpTest, ManagementDeleteRemovesTotp) {
  const std::string login = unique_email("mgmtdel");
  const std::string key = enrolled(login);
  ASSERT_EQ(user_of(login).at("TOTP"), true);
  auto r = post("/v1/mgmt/user/totp/delete", json::object{{"loginId", login}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(user_of(login).at("TOTP"), false);
  EXPECT_TRUE(IsDescopeError(verify(login, code_for(key)), 401, "E061102"));
  // Idempotent; unknown users and callers without a key are told so.
  EXPECT_EQ(post("/v1/mgmt/user/totp/delete", json::object{{"loginId", login}}).status, 200);
  EXPECT_TRUE(IsDescopeError(
      post("/v1/mgmt/user/totp/delete", json::object{{"loginId", unique_email("none")}}), 404,
      kUserNotFound));
  EXPECT_TRUE(IsDescopeError(
      post("/v1/mgmt/user/totp/delete", json::object{{"loginId", login}}, bearer(pid())), 401));
}

TEST_F(TotpTest, APasswordAccountWithTotpNeedsTheCodeAfterThePassword) {
  const std::string login = unique_email("mfa");
  auto signed_up = api().must_sign_up(login);
  auto enrol = update(login, signed_up.refresh);
  ASSERT_EQ(enrol.status, 200) << enrol.body;
  const std::string key = str(enrol.obj().at("key"));
  EXPECT_EQ(user_of(login).at("TOTP"), true);
  // Not in force until a code was accepted: a user who never scanned it is not locked out.
  EXPECT_EQ(api().sign_in(login).status, 200);
  // Confirmed with the user's own session (the previous step's code, so that the current
  // one stays fresh for the sign-in below); someone else's session does not confirm it.
  auto stranger = api().must_sign_up(unique_email("mfa-stranger"));
  EXPECT_TRUE(IsDescopeError(verify(login, code_for(key, -30), stranger.refresh), 401, "E061102"));
  auto confirmed = verify(login, code_for(key, -30), signed_up.refresh);
  ASSERT_EQ(confirmed.status, 200) << confirmed.body;

  // The password alone: no session, a ticket for the second step.
  auto first = api().sign_in(login);
  ASSERT_TRUE(IsDescopeError(first, 401, "E062801")) << first.body;
  EXPECT_FALSE(first.obj().contains("sessionJwt"));
  ASSERT_TRUE(first.obj().contains("mfaTicket")) << first.body;
  const std::string ticket = str(first.obj().at("mfaTicket"));
  // A wrong password gives no ticket.
  auto bad = api().sign_in(login, "Wrong-Password-123");
  EXPECT_TRUE(IsDescopeError(bad, 401, "E062111"));
  EXPECT_FALSE(bad.obj().contains("mfaTicket"));

  // The code alone is not enough for an account with a password.
  const std::string code = code_for(key);
  EXPECT_TRUE(IsDescopeError(verify(login, code), 401, "E061102"));
  EXPECT_TRUE(IsDescopeError(verify(login, code, "not-a-ticket"), 401, "E061102"));

  auto r = verify(login, code, ticket);
  ASSERT_EQ(r.status, 200) << r.body;
  auto claims = jwt_payload(str(r.obj().at("sessionJwt")));
  EXPECT_THAT(strings(claims.at("amr")), Contains("pwd"));
  EXPECT_THAT(strings(claims.at("amr")), Contains("totp"));
  EXPECT_THAT(strings(claims.at("amr")), Contains("mfa"));
  EXPECT_EQ(r.obj().at("firstSeen"), false);

  // The ticket works once.
  EXPECT_TRUE(IsDescopeError(verify(login, code_for(key, 30), ticket), 401, "E061102"));

  // Another user's ticket does not carry over.
  const std::string other = unique_email("mfa-other");
  auto other_up = api().must_sign_up(other);
  auto other_enrol = update(other, other_up.refresh);
  ASSERT_EQ(other_enrol.status, 200);
  ASSERT_EQ(verify(other, code_for(str(other_enrol.obj().at("key"))), other_up.refresh).status,
            200);
  auto other_first = api().sign_in(other);
  ASSERT_TRUE(IsDescopeError(other_first, 401, "E062801"));
  EXPECT_TRUE(IsDescopeError(
      verify(login, code_for(key, 30), str(other_first.obj().at("mfaTicket"))), 401, "E061102"));

  // Once TOTP is removed, the password is enough again.
  ASSERT_EQ(post("/v1/mgmt/user/totp/delete", json::object{{"loginId", login}}).status, 200);
  EXPECT_EQ(api().sign_in(login).status, 200);
}

TEST_F(TotpTest, TheSignedInUserTurnsTotpOffWithACodeOfIt) {
  const std::string login = unique_email("selfoff");
  auto signed_up = api().must_sign_up(login);
  auto enrol = update(login, signed_up.refresh);
  ASSERT_EQ(enrol.status, 200) << enrol.body;
  const std::string key = str(enrol.obj().at("key"));
  ASSERT_EQ(verify(login, code_for(key, -30), signed_up.refresh).status, 200);
  ASSERT_TRUE(IsDescopeError(api().sign_in(login), 401, "E062801")) << "TOTP is in force";
  auto turn_off = [&](const std::string& code, const std::string& refresh) {
    return post("/v1/auth/me/totp/delete", json::object{{"code", code}}, bearer(pid(), refresh));
  };

  // A session alone does not weaken the account: a code is required, and it must be right.
  EXPECT_TRUE(IsDescopeError(
      post("/v1/auth/me/totp/delete", json::object{}, bearer(pid(), signed_up.refresh)), 400));
  EXPECT_TRUE(
      IsDescopeError(turn_off(other_code(code_for(key)), signed_up.refresh), 401, "E061102"));
  // The code confirmed above cannot be used again.
  EXPECT_TRUE(IsDescopeError(turn_off(code_for(key, -30), signed_up.refresh), 401, "E061102"));
  // Another user's session with this user's code turns off nothing of theirs.
  auto stranger = api().must_sign_up(unique_email("selfoff-stranger"));
  EXPECT_TRUE(IsDescopeError(turn_off(code_for(key), stranger.refresh), 401, "E061102"));
  // No session, no change.
  EXPECT_TRUE(IsDescopeError(turn_off(code_for(key), ""), 401));
  EXPECT_EQ(user_of(login).at("TOTP"), true);

  auto r = turn_off(code_for(key), signed_up.refresh);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(user_of(login).at("TOTP"), false);
  EXPECT_EQ(api().sign_in(login).status, 200) << "the password is enough again";
}

}  // namespace
}  // namespace gatehouse::test
