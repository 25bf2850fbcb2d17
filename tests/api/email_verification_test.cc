// --email-verification required over real HTTP, with a real SMTP server: a password
// sign-up is mailed a code and gets no session, and password sign-in is refused with
// E062113 until an email code or magic link proves the address (docs/descope-wire.md §4.1,
// docs/configuration.md). The default (optional) is what every other suite runs.
#include <memory>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "support/api.h"
#include "support/smtp_sink.h"

namespace gatehouse::test {
namespace {

using ::testing::HasSubstr;

constexpr const char* kOrigin = "http://localhost:3000";

std::string error_code(const HttpResponse& r) {
  const auto* c = r.obj().if_contains("errorCode");
  return c && c->is_string() ? std::string(c->as_string()) : "";
}

std::string message(const HttpResponse& r) {
  const auto* m = r.obj().if_contains("errorMessage");
  return m && m->is_string() ? std::string(m->as_string()) : "";
}

class EmailVerificationTest : public ::testing::Test {
 public:
  static void SetUpTestSuite() {
    sink_ = std::make_unique<SmtpSink>();
    if (!sink_->start()) {
      start_error_ = sink_->error();
      return;
    }
    server_ = std::make_unique<ServerProcess>(std::vector<std::string>{
        "--smtp-host", "127.0.0.1", "--smtp-port", std::to_string(sink_->port()), "--smtp-tls",
        "none", "--smtp-from", "noreply@acme.test", "--redirect-origins", kOrigin,
        "--email-verification", "required"});
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
  const std::string& data_dir() { return server_->data_dir(); }
  HttpResponse verify_code(const std::string& login_id, const std::string& code) {
    return api().http.post("/v1/auth/otp/verify/email",
                           json::object{{"loginId", login_id}, {"code", code}}, bearer(pid()));
  }
  // A password sign-up, which must answer "not verified" and mail a code; the code.
  std::string sign_up_unverified(const std::string& email) {
    auto r = api().sign_up(email);
    EXPECT_EQ(r.status, 403) << r.body;
    EXPECT_EQ(error_code(r), "E062113") << r.body;
    EXPECT_EQ(r.obj().if_contains("sessionJwt"), nullptr) << "no session before the proof";
    EXPECT_EQ(r.obj().if_contains("refreshJwt"), nullptr);
    auto mail = sink().wait_for_mail(email);
    EXPECT_TRUE(mail) << "no verification mail to " << email;
    return mail ? code_in(*mail) : "";
  }

 private:
  static inline std::unique_ptr<SmtpSink> sink_;
  static inline std::unique_ptr<ServerProcess> server_;
  static inline std::string start_error_;
  std::unique_ptr<Api> api_;
};

TEST_F(EmailVerificationTest, ASignUpIsMailedACodeAndSignsInOnlyOnceVerified) {
  const std::string email = unique_email("verify");
  const std::string code = sign_up_unverified(email);
  ASSERT_EQ(code.size(), 6u);

  // The right password is refused with a clear error; a wrong one says nothing more.
  auto refused = api().sign_in(email);
  EXPECT_EQ(refused.status, 403) << refused.body;
  EXPECT_EQ(error_code(refused), "E062113");
  EXPECT_THAT(message(refused), HasSubstr("Verify your email"));
  auto wrong = api().sign_in(email, "Not-The-Password-1");
  EXPECT_EQ(wrong.status, 401) << wrong.body;
  EXPECT_EQ(error_code(wrong), "E062111");
  // Nor can the password be replaced around it.
  auto replace = api().http.post(
      "/v1/auth/password/replace",
      json::object{{"loginId", email}, {"oldPassword", kPassword}, {"newPassword", "Other-9-Pass"}},
      bearer(pid()));
  EXPECT_EQ(replace.status, 403) << replace.body;

  auto v = verify_code(email, code);
  ASSERT_EQ(v.status, 200) << v.body;
  EXPECT_EQ(v.obj().at("user").at("verifiedEmail"), true);
  EXPECT_EQ(v.obj().at("user").at("password"), true);
  auto in = api().sign_in(email);
  ASSERT_EQ(in.status, 200) << in.body;
  EXPECT_EQ(in.obj().at("user").at("verifiedEmail"), true);
}

TEST_F(EmailVerificationTest, AMagicLinkVerifiesTheAddressToo) {
  const std::string email = unique_email("vlink");
  sign_up_unverified(email);
  auto r = api().http.post(
      "/v1/auth/magiclink/signin/email",
      json::object{{"loginId", email}, {"URI", std::string(kOrigin) + "/verify"}}, bearer(pid()));
  ASSERT_EQ(r.status, 200) << r.body;
  auto mail = sink().wait_for_mail(email, 1);
  ASSERT_TRUE(mail);
  auto v = api().http.post("/v1/auth/magiclink/verify", json::object{{"token", token_in(*mail)}},
                           bearer(pid()));
  ASSERT_EQ(v.status, 200) << v.body;
  EXPECT_EQ(api().sign_in(email).status, 200);
}

TEST_F(EmailVerificationTest, ANewCodeCanBeAskedForWithAnEmailCodeSignIn) {
  const std::string email = unique_email("vagain");
  sign_up_unverified(email);
  auto r =
      api().http.post("/v1/auth/otp/signin/email", json::object{{"loginId", email}}, bearer(pid()));
  ASSERT_EQ(r.status, 200) << r.body;
  auto mail = sink().wait_for_mail(email, 1);
  ASSERT_TRUE(mail);
  ASSERT_EQ(verify_code(email, code_in(*mail)).status, 200);
  EXPECT_EQ(api().sign_in(email).status, 200);
}

TEST_F(EmailVerificationTest, ASignUpWithoutAnEmailAddressIsRefused) {
  std::string login = unique_email("nomail");
  login = login.substr(0, login.find('@'));  // a login id that is not an email address
  auto r = api().sign_up(login);
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_EQ(error_code(r), "E011003");
  EXPECT_EQ(api().sign_in(login).status, 401) << "nothing was created";
}

TEST_F(EmailVerificationTest, ManagementAccountsNeedVerifiedEmailToo) {
  auto cli = run_gatehouse({"mgmt-key", "create", "--data", data_dir(), "--name", "t"});
  ASSERT_EQ(cli.exit_code, 0) << cli.err;
  std::string out = cli.out;
  while (!out.empty() && out.back() == '\n') out.pop_back();
  const Headers mgmt = bearer(pid(), out.substr(out.rfind('\n') + 1));
  const std::string plain = unique_email("mplain");
  const std::string vouched = unique_email("mvouched");
  for (const auto& [login, verified] : {std::pair{plain, false}, std::pair{vouched, true}}) {
    auto r = api().http.post(
        "/v1/mgmt/user/create",
        json::object{{"loginId", login}, {"password", kPassword}, {"verifiedEmail", verified}},
        mgmt);
    ASSERT_EQ(r.status, 200) << r.body;
  }
  auto refused = api().sign_in(plain);
  EXPECT_EQ(refused.status, 403) << refused.body;
  EXPECT_EQ(error_code(refused), "E062113");
  EXPECT_EQ(sink().count_to(plain), 0u) << "sign-in mails nothing by itself";
  EXPECT_EQ(api().sign_in(vouched).status, 200);
}

TEST(EmailVerificationFlag, OnlyOptionalOrRequired) {
  auto r = run_gatehouse({"serve", "--email-verification", "sometimes", "--port", "0"});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_THAT(r.err, HasSubstr("email-verification"));
  auto help = run_gatehouse({"serve", "--help"});
  EXPECT_THAT(help.out + help.err, HasSubstr("GATEHOUSE_EMAIL_VERIFICATION"));
}

}  // namespace
}  // namespace gatehouse::test
