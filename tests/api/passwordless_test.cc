// Email one-time codes and magic links over real HTTP, with a real SMTP server
// (python3-aiosmtpd): every code and link is read from the mail it came in
// (docs/descope-wire.md §4.2, §4.3).
#include <chrono>
#include <thread>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "support/api.h"
#include "support/smtp_sink.h"

namespace gatehouse::test {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

constexpr const char* kOrigin = "http://localhost:3000";

// Polls `done` for up to 5 s (the server's output reaches the harness through a pipe).
template <class Fn>
bool eventually(Fn done) {
  for (int i = 0; i < 250; ++i) {
    if (done()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return done();
}

std::string error_code(const HttpResponse& r) {
  const auto* c = r.obj().if_contains("errorCode");
  return c && c->is_string() ? std::string(c->as_string()) : "";
}

// One SMTP sink and one server that mails through it, for the whole suite.
class PasswordlessTest : public ::testing::Test {
 public:
  static void SetUpTestSuite() {
    sink_ = std::make_unique<SmtpSink>();
    if (!sink_->start()) {
      start_error_ = sink_->error();
      return;
    }
    server_ = std::make_unique<ServerProcess>(std::vector<std::string>{
        "--smtp-host", "127.0.0.1", "--smtp-port", std::to_string(sink_->port()), "--smtp-tls",
        "none", "--smtp-from", "noreply@acme.test", "--product-name", "Acme", "--redirect-origins",
        kOrigin});
    if (!server_->start()) {
      start_error_ = server_->error();
      server_.reset();
    }
  }
  static void TearDownTestSuite() {
    if (server_) {
      EXPECT_EQ(server_->stop(), 0) << server_->err();
    }
    server_.reset();
    sink_.reset();
  }

 protected:
  void SetUp() override {
    ASSERT_TRUE(server_) << "did not start: " << start_error_;
    api_ = std::make_unique<Api>(*server_);
  }
  Api& api() { return *api_; }
  const std::string& pid() { return server_->project_id(); }
  SmtpSink& sink() { return *sink_; }

  HttpResponse otp(const std::string& flow, const json::object& body) {
    return api().http.post("/v1/auth/otp/" + flow + "/email", body, bearer(pid()));
  }
  HttpResponse verify(const std::string& login_id, const std::string& code) {
    return api().http.post("/v1/auth/otp/verify/email",
                           json::object{{"loginId", login_id}, {"code", code}}, bearer(pid()));
  }
  HttpResponse link(const std::string& flow, const std::string& login_id,
                    const std::string& uri = std::string(kOrigin) + "/verify") {
    return api().http.post("/v1/auth/magiclink/" + flow + "/email",
                           json::object{{"loginId", login_id}, {"URI", uri}}, bearer(pid()));
  }
  HttpResponse verify_link(const std::string& token) {
    return api().http.post("/v1/auth/magiclink/verify", json::object{{"token", token}},
                           bearer(pid()));
  }
  // The code in the n-th mail to `to` (0: the first).
  std::string code_for(const std::string& to, size_t n = 0) {
    auto mail = sink().wait_for_mail(to, n);
    EXPECT_TRUE(mail) << "no mail " << n << " to " << to;
    return mail ? code_in(*mail) : "";
  }

 private:
  static inline std::unique_ptr<SmtpSink> sink_;
  static inline std::unique_ptr<ServerProcess> server_;
  static inline std::string start_error_;
  std::unique_ptr<Api> api_;
};

TEST_F(PasswordlessTest, OtpSignUpOrInMailsACodeThatSignsIn) {
  const std::string email = unique_email("otp");
  auto r = otp("signup-in", {{"loginId", email}, {"user", {{"name", "Ada"}}}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.obj().at("maskedEmail"), "o***@t***.example");

  auto mail = sink().wait_for_mail(email);
  ASSERT_TRUE(mail);
  EXPECT_THAT(*mail, HasSubstr("From: noreply@acme.test\r\n"));
  EXPECT_THAT(*mail, HasSubstr("Subject: Your Acme code\r\n"));
  EXPECT_THAT(*mail, HasSubstr("multipart/alternative"));
  EXPECT_THAT(*mail, HasSubstr("Content-Type: text/plain"));
  EXPECT_THAT(*mail, HasSubstr("Content-Type: text/html"));
  EXPECT_THAT(*mail, HasSubstr("5 minutes"));
  const std::string code = code_in(*mail);
  ASSERT_EQ(code.size(), 6u) << *mail;

  auto v = verify(email, code);
  ASSERT_EQ(v.status, 200) << v.body;
  const auto& o = v.obj();
  ASSERT_TRUE(o.at("sessionJwt").is_string());
  ASSERT_TRUE(o.at("refreshJwt").is_string());
  EXPECT_TRUE(o.at("sessionExpiration").is_int64());
  EXPECT_EQ(o.at("cookiePath"), "/");
  EXPECT_EQ(o.at("firstSeen"), true);
  const auto& user = o.at("user").as_object();
  EXPECT_EQ(str(user.at("email")), email);
  EXPECT_EQ(user.at("verifiedEmail"), true);
  EXPECT_EQ(user.at("name"), "Ada");
  auto claims = jwt_payload(std::string(o.at("sessionJwt").as_string()));
  EXPECT_EQ(str(claims.at("amr").as_array().at(0)), "email");
  // The session is a real one: refresh and /me work with it.
  std::string refresh(o.at("refreshJwt").as_string());
  EXPECT_EQ(api().me(refresh).status, 200);
  EXPECT_EQ(api().refresh(refresh).status, 200);
}

TEST_F(PasswordlessTest, OtpSignUpOfAnExistingAddressIsUserExists) {
  const std::string email = unique_email("exists");
  api().must_sign_up(email);
  auto r = otp("signup", {{"loginId", email}});
  EXPECT_EQ(r.status, 409) << r.body;
  EXPECT_EQ(error_code(r), "E062107");
  EXPECT_EQ(sink().count_to(email), 0u);
}

TEST_F(PasswordlessTest, OtpSignInOfAnUnknownAddressAnswersExactlyAsAKnownOne) {
  const std::string known = unique_email("known");
  api().must_sign_up(known);
  // Same shape of address, so the masked forms match too.
  const std::string unknown = unique_email("known");
  auto a = otp("signin", {{"loginId", known}});
  auto b = otp("signin", {{"loginId", unknown}});
  EXPECT_EQ(a.status, 200);
  EXPECT_EQ(a.status, b.status);
  EXPECT_EQ(a.body, b.body);
  EXPECT_EQ(a.header("content-type"), b.header("content-type"));
  EXPECT_TRUE(sink().wait_for_mail(known));
  EXPECT_EQ(sink().count_to(unknown), 0u) << "nothing is mailed to an unknown address";
  auto v = verify(unknown, "123456");
  EXPECT_EQ(v.status, 401);
  EXPECT_EQ(error_code(v), "E061102");
}

TEST_F(PasswordlessTest, OtpSignInVerifiesTheEmailOfAPasswordAccount) {
  const std::string email = unique_email("pwd");
  auto up = api().must_sign_up(email);
  EXPECT_EQ(up.response.obj().at("user").at("verifiedEmail"), false);
  ASSERT_EQ(otp("signin", {{"loginId", email}}).status, 200);
  auto v = verify(email, code_for(email));
  ASSERT_EQ(v.status, 200) << v.body;
  EXPECT_EQ(v.obj().at("firstSeen"), false);
  EXPECT_EQ(str(v.obj().at("user").at("userId")), up.user_id);
  EXPECT_EQ(v.obj().at("user").at("verifiedEmail"), true);
}

TEST_F(PasswordlessTest, ACodeWorksOnce) {
  const std::string email = unique_email("once");
  ASSERT_EQ(otp("signup-in", {{"loginId", email}}).status, 200);
  const std::string code = code_for(email);
  ASSERT_EQ(verify(email, code).status, 200);
  auto again = verify(email, code);
  EXPECT_EQ(again.status, 401);
  EXPECT_EQ(error_code(again), "E061102");
}

TEST_F(PasswordlessTest, FiveWrongCodesKillTheCode) {
  const std::string email = unique_email("wrong");
  ASSERT_EQ(otp("signup-in", {{"loginId", email}}).status, 200);
  const std::string code = code_for(email);
  const std::string wrong = code == "000000" ? "000001" : "000000";
  for (int i = 0; i < 4; ++i) {
    auto r = verify(email, wrong);
    EXPECT_EQ(r.status, 401);
    EXPECT_EQ(error_code(r), "E061102");
  }
  auto fifth = verify(email, wrong);
  EXPECT_EQ(fifth.status, 401);
  EXPECT_EQ(error_code(fifth), "E061103");
  auto right = verify(email, code);
  EXPECT_EQ(right.status, 401) << "the code died with the fifth wrong try";
}

TEST_F(PasswordlessTest, ANewCodeReplacesTheOld) {
  const std::string email = unique_email("replace");
  ASSERT_EQ(otp("signup-in", {{"loginId", email}}).status, 200);
  ASSERT_EQ(otp("signup-in", {{"loginId", email}}).status, 200);
  const std::string first = code_for(email, 0);
  const std::string second = code_for(email, 1);
  if (first != second) {
    EXPECT_EQ(verify(email, first).status, 401);
  }
  EXPECT_EQ(verify(email, second).status, 200);
}

TEST_F(PasswordlessTest, CodesToOneAddressAreLimited) {
  const std::string email = unique_email("flood");
  for (int i = 0; i < 3; ++i) ASSERT_EQ(otp("signup-in", {{"loginId", email}}).status, 200);
  auto r = otp("signup-in", {{"loginId", email}});
  EXPECT_EQ(r.status, 429) << r.body;
  EXPECT_EQ(error_code(r), "E130429");
  EXPECT_FALSE(r.header("retry-after").empty());
  EXPECT_EQ(sink().count_to(email), 3u);
}

TEST_F(PasswordlessTest, UpdateEmailNeedsTheSessionAndVerifiesTheNewAddress) {
  const std::string email = unique_email("old");
  const std::string fresh = unique_email("new");
  auto login = api().must_sign_up(email);
  json::object body{{"loginId", email}, {"email", fresh}};
  auto anon = api().http.post("/v1/auth/otp/update/email", body, bearer(pid()));
  EXPECT_EQ(anon.status, 401) << anon.body;
  auto r = api().http.post("/v1/auth/otp/update/email", body, bearer(pid(), login.refresh));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.obj().at("maskedEmail"), "n***@t***.example");
  auto v = verify(email, code_for(fresh));
  ASSERT_EQ(v.status, 200) << v.body;
  EXPECT_EQ(str(v.obj().at("user").at("email")), fresh);
  EXPECT_EQ(v.obj().at("user").at("verifiedEmail"), true);
  EXPECT_EQ(str(v.obj().at("user").at("userId")), login.user_id);
  auto other = api().http.post("/v1/auth/otp/update/email",
                               json::object{{"loginId", unique_email("x")}, {"email", fresh}},
                               bearer(pid(), login.refresh));
  EXPECT_EQ(other.status, 403) << "only one's own account";
}

TEST_F(PasswordlessTest, AMagicLinkSignsInOnceFromAnyBrowser) {
  const std::string email = unique_email("link");
  auto r = link("signup-in", email);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.obj().at("maskedEmail"), "l***@t***.example");
  auto mail = sink().wait_for_mail(email);
  ASSERT_TRUE(mail);
  EXPECT_THAT(*mail, HasSubstr("Subject: Sign in to Acme\r\n"));
  EXPECT_THAT(*mail, HasSubstr("10 minutes"));
  EXPECT_THAT(link_in(*mail), StartsWith(std::string(kOrigin) + "/verify?t="));
  const std::string token = token_in(*mail);
  ASSERT_FALSE(token.empty()) << *mail;
  // Another client (no cookie, no state shared with the one that asked) completes it.
  HttpClient other(api().http);
  auto v = other.post("/v1/auth/magiclink/verify", json::object{{"token", token}}, bearer(pid()));
  ASSERT_EQ(v.status, 200) << v.body;
  EXPECT_EQ(v.obj().at("firstSeen"), true);
  EXPECT_EQ(v.obj().at("user").at("verifiedEmail"), true);
  auto again = verify_link(token);
  EXPECT_EQ(again.status, 401);
  EXPECT_EQ(error_code(again), "E063010");
}

TEST_F(PasswordlessTest, AMagicLinkPointsOnlyIntoAllowedOrigins) {
  for (const std::string uri : {"https://evil.example/verify", "http://localhost:3000.evil.io/v",
                                "http://localhost:3000@evil.io/", ""}) {
    auto r = link("signup-in", unique_email("evil"), uri);
    EXPECT_EQ(r.status, 400) << uri << " " << r.body;
  }
}

TEST_F(PasswordlessTest, AMagicLinkSignInOfAnUnknownAddressAnswersAlike) {
  const std::string known = unique_email("lk");
  api().must_sign_up(known);
  const std::string unknown = unique_email("lk");
  auto a = link("signin", known);
  auto b = link("signin", unknown);
  EXPECT_EQ(a.status, 200);
  EXPECT_EQ(a.body, b.body);
  auto mail = sink().wait_for_mail(known);
  ASSERT_TRUE(mail);
  EXPECT_EQ(sink().count_to(unknown), 0u);
  EXPECT_EQ(verify_link(token_in(*mail)).status, 200);
}

// --- password reset (§4.1): a mailed link, spent by magiclink/verify, then password/update ---

TEST_F(PasswordlessTest, APasswordResetLinkLetsTheOwnerChooseANewPassword) {
  const std::string email = unique_email("reset");
  auto before = api().must_sign_up(email);  // another device, signed in with the old password
  auto r = api().http.post(
      "/v1/auth/password/reset",
      json::object{{"loginId", email}, {"redirectUrl", std::string(kOrigin) + "/reset"}},
      bearer(pid()));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.obj().at("resetMethod"), "magiclink");
  EXPECT_EQ(r.obj().at("maskedEmail"), "r***@t***.example");
  auto mail = sink().wait_for_mail(email);
  ASSERT_TRUE(mail);
  EXPECT_THAT(*mail, HasSubstr("Subject: Reset your Acme password\r\n"));
  EXPECT_THAT(link_in(*mail), StartsWith(std::string(kOrigin) + "/reset?t="));
  const std::string token = token_in(*mail);

  auto v = verify_link(token);
  ASSERT_EQ(v.status, 200) << v.body;
  EXPECT_EQ(str(v.obj().at("user").at("userId")), before.user_id);
  EXPECT_EQ(v.obj().at("firstSeen"), false);
  const std::string refresh = str(v.obj().at("refreshJwt"));
  auto again = verify_link(token);
  EXPECT_EQ(again.status, 401) << "a reset link works once";
  EXPECT_EQ(error_code(again), "E063010");

  const std::string fresh = "Brand-New-Staple-42";
  // The password policy applies.
  auto weak = api().http.post("/v1/auth/password/update",
                              json::object{{"loginId", email}, {"newPassword", "short"}},
                              bearer(pid(), refresh));
  EXPECT_EQ(weak.status, 400) << weak.body;
  auto u = api().http.post("/v1/auth/password/update",
                           json::object{{"loginId", email}, {"newPassword", fresh}},
                           bearer(pid(), refresh));
  ASSERT_EQ(u.status, 200) << u.body;
  EXPECT_EQ(api().sign_in(email, fresh).status, 200);
  EXPECT_EQ(api().sign_in(email).status, 401) << "the old password is gone";
  EXPECT_EQ(api().refresh(before.refresh).status, 401) << "other sessions are signed out";
  EXPECT_EQ(api().refresh(refresh).status, 200) << "the reset session is kept";
}

TEST_F(PasswordlessTest, APasswordResetOfAnUnknownAddressAnswersAlikeAndMailsNothing) {
  const std::string known = unique_email("rs");
  api().must_sign_up(known);
  const std::string unknown = unique_email("rs");
  auto reset = [&](const std::string& login) {
    return api().http.post("/v1/auth/password/reset", json::object{{"loginId", login}},
                           bearer(pid()));
  };
  auto a = reset(known);
  auto b = reset(unknown);
  EXPECT_EQ(a.status, 200) << a.body;
  EXPECT_EQ(a.body, b.body);
  auto mail = sink().wait_for_mail(known);
  ASSERT_TRUE(mail);
  EXPECT_THAT(link_in(*mail), StartsWith(std::string(kOrigin) + "/reset-password?t="))
      << "without redirectUrl: the default page under the first redirect origin";
  EXPECT_EQ(sink().count_to(unknown), 0u);
  // Limited per address like codes: 3 at once (one was sent above).
  EXPECT_EQ(reset(known).status, 200);
  EXPECT_EQ(reset(known).status, 200);
  auto limited = reset(known);
  EXPECT_EQ(limited.status, 429) << limited.body;
  EXPECT_EQ(error_code(limited), "E130429");
}

TEST_F(PasswordlessTest, APasswordResetChecksItsRequest) {
  auto post = [&](const json::object& body, const Headers& h) {
    return api().http.post("/v1/auth/password/reset", body, h);
  };
  const std::string email = unique_email("rq");
  EXPECT_EQ(post({{"loginId", email}}, {}).status, 401) << "the project id is required";
  EXPECT_EQ(post(json::object{}, bearer(pid())).status, 400);
  EXPECT_EQ(post({{"loginId", 5}}, bearer(pid())).status, 400);
  auto evil =
      post({{"loginId", email}, {"redirectUrl", "https://evil.example/reset"}}, bearer(pid()));
  EXPECT_EQ(evil.status, 400) << evil.body;
  EXPECT_EQ(error_code(evil), "E011003");
}

TEST_F(PasswordlessTest, UnknownTokensAndMissingFieldsAreRefused) {
  auto r = verify_link("not-a-token");
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(error_code(r), "E063010");
  EXPECT_EQ(verify_link("").status, 400);
  EXPECT_EQ(otp("signup-in", json::object{}).status, 400);
  EXPECT_EQ(
      api()
          .http.post("/v1/auth/otp/signup-in/email", json::object{{"loginId", unique_email()}})
          .status,
      401)
      << "the project id is required";
  EXPECT_EQ(api().http.get("/v1/mgmt/dev/mailbox", bearer(pid())).status, 404)
      << "no dev mailbox when mail goes out by SMTP";
}

// --- a mail server that is down; the development engine ---

class MailServerDownTest : public OwnServerTest {};

TEST_F(MailServerDownTest, SendingFailsWithACouldNotSendError) {
  SmtpSink sink;
  ASSERT_TRUE(sink.start()) << sink.error();
  const int port = sink.port();
  sink.stop();  // nothing listens there now
  ASSERT_NO_FATAL_FAILURE(Start(
      {"--smtp-host", "127.0.0.1", "--smtp-port", std::to_string(port), "--smtp-tls", "none"}));
  auto r = api().http.post("/v1/auth/otp/signup-in/email",
                           json::object{{"loginId", unique_email("down")}},
                           bearer(server().project_id()));
  EXPECT_EQ(r.status, 500) << r.body;
  EXPECT_EQ(error_code(r), "E011500");
  EXPECT_EQ(r.obj().at("errorDescription"), "Could not send");
  EXPECT_TRUE(eventually([&] {
    return server().err().find(R"("attempt":2)") != std::string::npos;
  })) << "logged, and retried once: "
      << server().err();
  EXPECT_THAT(server().err(), HasSubstr(R"("event":"mail.failed")"));
}

class SlowMailTest : public OwnServerTest {};

// Sends wait on the SMTP relay on their own threads (--network-threads): a relay that
// stalls holds every send, and sign-ins and refreshes are still answered at once.
TEST_F(SlowMailTest, AStalledRelayHoldsTheSendsButNoSignInOrRefresh) {
  SmtpSink sink;
  ASSERT_TRUE(sink.start()) << sink.error();
  ASSERT_NO_FATAL_FAILURE(
      Start({"--workers", "2", "--network-threads", "4", "--smtp-host", "127.0.0.1", "--smtp-port",
             std::to_string(sink.port()), "--smtp-tls", "none"}));
  const std::string pid = server().project_id();
  const std::string member = unique_email("member");
  Login login = api().must_sign_up(member);

  sink.hold();
  constexpr int kSends = 4;  // more than the workers
  std::vector<std::string> addresses;
  std::vector<int> statuses(kSends, 0);
  std::vector<std::thread> senders;
  for (int i = 0; i < kSends; ++i) addresses.push_back(unique_email("held"));
  for (int i = 0; i < kSends; ++i) {
    senders.emplace_back([&, i] {
      HttpClient http(server().base_url());
      statuses[i] = http.post("/v1/auth/otp/signup-in/email",
                              json::object{{"loginId", addresses[i]}}, bearer(pid))
                        .status;
    });
  }
  const bool all_held = eventually([&] { return sink.held() == kSends; });
  EXPECT_TRUE(all_held) << "held: " << sink.held();
  if (all_held) {
    EXPECT_EQ(api().sign_in(member).status, 200);
    auto refreshed = api().refresh(login.refresh);
    EXPECT_EQ(refreshed.status, 200) << refreshed.body;
    EXPECT_EQ(sink.held(), static_cast<size_t>(kSends)) << "the sends were still waiting";
  }
  sink.release();
  for (auto& t : senders) t.join();
  for (int i = 0; i < kSends; ++i) {
    EXPECT_EQ(statuses[i], 200) << addresses[i];
    EXPECT_TRUE(sink.wait_for_mail(addresses[i])) << "no mail to " << addresses[i];
  }
}

class DevMailboxTest : public OwnServerTest {};

TEST_F(DevMailboxTest, TheDevEngineLogsAndKeepsMailForAdminsOnly) {
  ASSERT_NO_FATAL_FAILURE(Start({"--redirect-origins", kOrigin}));
  const std::string pid = server().project_id();
  const std::string email = unique_email("dev");
  auto r = api().http.post("/v1/auth/otp/signup-in/email", json::object{{"loginId", email}},
                           bearer(pid));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_TRUE(eventually([&] {
    return server().err().find(R"("event":"mail.dev")") != std::string::npos;
  })) << "each message in the server log: "
      << server().err();

  auto cli = run_gatehouse({"mgmt-key", "create", "--data", server().data_dir(), "--name", "t"});
  ASSERT_EQ(cli.exit_code, 0) << cli.err;
  std::string out = cli.out;
  while (!out.empty() && out.back() == '\n') out.pop_back();
  const std::string key = out.substr(out.rfind('\n') + 1);

  EXPECT_EQ(api().http.get("/v1/mgmt/dev/mailbox", bearer(pid)).status, 401);
  auto box = api().http.get("/v1/mgmt/dev/mailbox", bearer(pid, key));
  ASSERT_EQ(box.status, 200) << box.body;
  const auto& messages = box.obj().at("messages").as_array();
  ASSERT_EQ(messages.size(), 1u);
  EXPECT_EQ(str(messages[0].at("to")), email);
  const std::string code = code_in(str(messages[0].at("text")));
  ASSERT_EQ(code.size(), 6u);
  auto v = api().http.post("/v1/auth/otp/verify/email",
                           json::object{{"loginId", email}, {"code", code}}, bearer(pid));
  EXPECT_EQ(v.status, 200) << v.body;
}

}  // namespace
}  // namespace gatehouse::test
