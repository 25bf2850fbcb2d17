// Flows over real HTTP (docs/flows.md): the files the <Descope flowId> component fetches,
// POST /v1/flow/start|next through sign-up with a password, sign-in with a password and
// with an email code read from a real SMTP sink, the errors that stop a flow, and the
// management calls flow/list and flow/export with an operator's flow.
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "gatehouse/crypto/base32.h"
#include "gatehouse/crypto/totp.h"
#include "mgmt_fixture.h"
#include "support/api.h"
#include "support/smtp_sink.h"
#include "support/temp_dir.h"

namespace gatehouse::test {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

constexpr const char* kFlow = "sign-up-or-in";
constexpr const char* kUi = "/npm/@descope/web-components-ui@3.14.1/dist/umd/";

std::string str(const json::object& o, const char* key) {
  const auto* v = o.if_contains(key);
  return v && v->is_string() ? std::string(v->as_string()) : "";
}

// A stand-in for the UI package's dist/umd (the real one is tested in the browser suite):
// large enough that gzip pays.
void write_ui_dir(const std::filesystem::path& dir) {
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "index.js") << "/* ui */\n" + std::string(20000, ';') + "\n";
  std::ofstream(dir / "index.js.map") << "{}";
}

class FlowTest : public ::testing::Test {
 public:
  static void SetUpTestSuite() {
    sink_ = std::make_unique<SmtpSink>();
    if (!sink_->start()) {
      start_error_ = sink_->error();
      return;
    }
    ui_ = std::make_unique<gatehouse::testing::TempDir>();
    write_ui_dir(ui_->path() / "umd");
    server_ = std::make_unique<ServerProcess>(std::vector<std::string>{
        "--smtp-host", "127.0.0.1", "--smtp-port", std::to_string(sink_->port()), "--smtp-tls",
        "none", "--smtp-from", "noreply@acme.test", "--ui-components-dir", ui_->file("umd")});
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
    ui_.reset();
  }

 protected:
  void SetUp() override {
    ASSERT_TRUE(server_) << "did not start: " << start_error_;
    api_ = std::make_unique<Api>(*server_);
  }
  Api& api() { return *api_; }
  const std::string& pid() { return server_->project_id(); }

  HttpResponse start(const std::string& flow = kFlow) {
    return api().http.post("/v1/flow/start",
                           json::object{{"flowId", flow},
                                        {"options", {{"location", "http://localhost:3000/login"}}},
                                        {"componentsVersion", "3.14.1"},
                                        {"input", json::object{}}},
                           bearer(pid()));
  }
  HttpResponse next(const json::object& at, const std::string& interaction,
                    json::object input = {}) {
    input["origin"] = "http://localhost:3000";
    return api().http.post("/v1/flow/next",
                           json::object{{"executionId", str(at, "executionId")},
                                        {"stepId", str(at, "stepId")},
                                        {"interactionId", interaction},
                                        {"version", 1},
                                        {"componentsVersion", "3.14.1"},
                                        {"input", input}},
                           bearer(pid()));
  }
  // start, then the email: the screen for that account.
  json::object at_email(const std::string& email) {
    auto s = start();
    EXPECT_EQ(s.status, 200) << s.body;
    auto r = next(s.obj(), "continue", {{"email", email}});
    EXPECT_EQ(r.status, 200) << r.body;
    return r.obj();
  }
  static std::string screen(const json::object& r) {
    const auto* s = r.if_contains("screen");
    return s && s->is_object() ? str(s->as_object(), "id") : "";
  }
  static std::string error_text(const json::object& r) {
    return str(r.at("screen").at("state").as_object(), "errorText");
  }
  std::string sign_up(const std::string& email, const std::string& password) {
    auto r = next(at_email(email), "signUp", {{"name", "Flo"}, {"password", password}});
    EXPECT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(str(r.obj(), "status"), "completed") << r.body;
    return r.body;
  }

  static inline std::unique_ptr<SmtpSink> sink_;
  static inline std::unique_ptr<ServerProcess> server_;
  static inline std::unique_ptr<gatehouse::testing::TempDir> ui_;
  static inline std::string start_error_;
  std::unique_ptr<Api> api_;
};

TEST_F(FlowTest, ServesConfigThemeAndScreens) {
  auto config = api().http.get("/pages/" + pid() + "/v2-beta/config.json");
  ASSERT_EQ(config.status, 200) << config.body;
  EXPECT_EQ(config.obj().at("componentsVersion"), "3.14.1");
  EXPECT_EQ(config.obj().at("flows").at(kFlow).at("version"), 1);
  EXPECT_EQ(config.header("access-control-allow-origin"), "*");
  EXPECT_EQ(config.header("cache-control"), "no-cache");
  ASSERT_FALSE(config.header("etag").empty());
  auto again = api().http.get("/pages/" + pid() + "/v2-beta/config.json",
                              {{"If-None-Match", config.header("etag")}});
  EXPECT_EQ(again.status, 304) << "revalidated, not downloaded again";

  auto theme = api().http.get("/pages/" + pid() + "/v2-beta/theme.json");
  ASSERT_EQ(theme.status, 200);
  EXPECT_TRUE(theme.obj().contains("light"));
  EXPECT_TRUE(theme.obj().contains("dark"));

  for (const char* s : {"welcome", "sign-in", "sign-up", "email-code"}) {
    auto html = api().http.get("/pages/" + pid() + "/v2-beta/" + s + ".html");
    ASSERT_EQ(html.status, 200) << s;
    EXPECT_THAT(html.header("content-type"), StartsWith("text/html"));
    EXPECT_THAT(html.body, HasSubstr("<descope-button"));
    EXPECT_THAT(html.body, HasSubstr("data-type=\"error-message\""));
    EXPECT_THAT(html.body, HasSubstr("label=")) << "every field is labelled";
  }
  EXPECT_EQ(api().http.get("/pages/" + pid() + "/v2-beta/nope.html").status, 404);
  EXPECT_EQ(api().http.get("/pages/Pother/v2-beta/config.json").status, 404);
}

TEST_F(FlowTest, ServesTheUiLibraryCachedAndCompressed) {
  auto plain = api().http.get(std::string(kUi) + "index.js");
  ASSERT_EQ(plain.status, 200);
  EXPECT_THAT(plain.body, StartsWith("/* ui */"));
  EXPECT_THAT(plain.header("content-type"), StartsWith("text/javascript"));
  EXPECT_EQ(plain.header("cache-control"), "public, max-age=31536000, immutable");

  auto gz = api().http.get(std::string(kUi) + "index.js", {{"Accept-Encoding", "gzip"}});
  ASSERT_EQ(gz.status, 200);
  EXPECT_EQ(gz.header("content-encoding"), "gzip");
  ASSERT_GE(gz.body.size(), 2u);
  EXPECT_EQ(static_cast<unsigned char>(gz.body[0]), 0x1f);
  EXPECT_LT(gz.body.size(), plain.body.size() / 10);

  EXPECT_EQ(api().http.get(std::string(kUi) + "index.js.map").status, 404);
  EXPECT_EQ(api().http.get(std::string(kUi) + "missing.js").status, 404);
}

TEST_F(FlowTest, StartAnswersTheEmailScreen) {
  auto r = start();
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_THAT(str(r.obj(), "executionId"), StartsWith(std::string(kFlow) + "|#|"));
  EXPECT_EQ(str(r.obj(), "executionId").find('_'), std::string::npos);
  EXPECT_EQ(str(r.obj(), "stepId"), "1");
  EXPECT_EQ(str(r.obj(), "status"), "waiting");
  EXPECT_EQ(str(r.obj(), "action"), "screen");
  EXPECT_EQ(screen(r.obj()), "welcome");
}

TEST_F(FlowTest, SignUpWithAPasswordThenSignInWithIt) {
  const std::string email = unique_email("flow");
  auto up = next(at_email(email), "signUp", {{"name", "Flo"}, {"password", "correct horse 1"}});
  ASSERT_EQ(up.status, 200) << up.body;
  ASSERT_EQ(str(up.obj(), "status"), "completed") << up.body;
  const auto& info = up.obj().at("authInfo").as_object();
  EXPECT_FALSE(str(info, "sessionJwt").empty());
  EXPECT_FALSE(str(info, "refreshJwt").empty()) << "body mode, as password/signin";
  EXPECT_EQ(info.at("firstSeen"), true);
  EXPECT_EQ(info.at("user").at("name"), "Flo");
  EXPECT_EQ(info.at("user").at("loginIds").at(0), json::value(email));
  // The tokens are real: the refresh token names the user.
  auto me = api().me(str(info, "refreshJwt"));
  ASSERT_EQ(me.status, 200) << me.body;
  EXPECT_EQ(me.obj().at("email"), json::value(email));

  auto at = at_email(email);
  EXPECT_EQ(screen(at), "sign-in");
  auto wrong = next(at, "signIn", {{"password", "not it at all"}});
  ASSERT_EQ(wrong.status, 200) << wrong.body;
  EXPECT_EQ(str(wrong.obj(), "status"), "waiting");
  EXPECT_EQ(screen(wrong.obj()), "sign-in");
  EXPECT_EQ(str(wrong.obj(), "stepId"), "3");
  EXPECT_THAT(error_text(wrong.obj()), HasSubstr("not right"));
  auto in = next(wrong.obj(), "signIn", {{"password", "correct horse 1"}});
  ASSERT_EQ(in.status, 200) << in.body;
  EXPECT_EQ(str(in.obj(), "status"), "completed");
  EXPECT_EQ(in.obj().at("authInfo").at("firstSeen"), false);
}

TEST_F(FlowTest, WeakPasswordShowsThePolicyOnTheScreen) {
  auto r = next(at_email(unique_email("weak")), "signUp", {{"name", "W"}, {"password", "abc"}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(screen(r.obj()), "sign-up");
  EXPECT_FALSE(error_text(r.obj()).empty());
}

TEST_F(FlowTest, SignInWithAnEmailCodeFromTheMail) {
  const std::string email = unique_email("flowcode");
  sign_up(email, "correct horse 2");
  auto sent = next(at_email(email), "emailCode");
  ASSERT_EQ(sent.status, 200) << sent.body;
  EXPECT_EQ(screen(sent.obj()), "email-code");
  auto mail = sink_->wait_for_mail(email);
  ASSERT_TRUE(mail);
  auto wrong = next(sent.obj(), "verify", {{"code", "000000"}});
  ASSERT_EQ(wrong.status, 200) << wrong.body;
  EXPECT_EQ(screen(wrong.obj()), "email-code");
  EXPECT_FALSE(error_text(wrong.obj()).empty());
  auto done = next(wrong.obj(), "verify", {{"code", code_in(*mail)}});
  ASSERT_EQ(done.status, 200) << done.body;
  EXPECT_EQ(str(done.obj(), "status"), "completed") << done.body;
  EXPECT_EQ(done.obj().at("authInfo").at("user").at("email"), json::value(email));
}

TEST_F(FlowTest, AccountWithTotpGivesItsCodeAfterThePassword) {
  const std::string email = unique_email("flowtotp");
  auto up = json::parse(sign_up(email, "correct horse 3")).as_object();
  const std::string refresh = str(up.at("authInfo").as_object(), "refreshJwt");
  // Enrol an authenticator app and put it in force with a code, as the account page does.
  auto enrol = api().http.post("/v1/auth/totp/update", json::object{{"loginId", email}},
                               bearer(pid(), refresh));
  ASSERT_EQ(enrol.status, 200) << enrol.body;
  auto key = crypto::base32_decode(str(enrol.obj(), "key"));
  ASSERT_TRUE(key);
  auto in_force = api().http.post(
      "/v1/auth/totp/verify",
      json::object{{"loginId", email}, {"code", crypto::totp_code(*key, unix_now())}},
      bearer(pid(), refresh));
  ASSERT_EQ(in_force.status, 200) << in_force.body;

  auto asked = next(at_email(email), "signIn", {{"password", "correct horse 3"}});
  ASSERT_EQ(asked.status, 200) << asked.body;
  EXPECT_EQ(str(asked.obj(), "status"), "waiting");
  ASSERT_EQ(screen(asked.obj()), "totp") << asked.body;
  EXPECT_EQ(asked.body.find("mfaTicket"), std::string::npos) << "no ticket leaves the server";
  // The next time step: the current one was used to put the secret in force.
  auto done = next(asked.obj(), "verify", {{"code", crypto::totp_code(*key, unix_now() + 30)}});
  ASSERT_EQ(done.status, 200) << done.body;
  ASSERT_EQ(str(done.obj(), "status"), "completed") << done.body;
  auto claims = jwt_payload(str(done.obj().at("authInfo").as_object(), "sessionJwt"));
  EXPECT_THAT(set_of(claims.at("amr")), ::testing::Contains("mfa"));
}

TEST_F(FlowTest, ReplayedStepAndUnknownExecutionAreDescopeErrors) {
  auto s = start();
  ASSERT_EQ(s.status, 200);
  auto first = next(s.obj(), "continue", {{"email", unique_email("replay")}});
  ASSERT_EQ(first.status, 200);
  auto again = next(s.obj(), "continue", {{"email", unique_email("replay")}});
  EXPECT_TRUE(IsDescopeError(again, 400, "E102116")) << again.body;

  json::object gone{{"executionId", std::string(kFlow) + "|#|nope"}, {"stepId", "1"}};
  auto unknown = next(gone, "continue", {{"email", "a@b.c"}});
  EXPECT_TRUE(IsDescopeError(unknown, 400, "E103205")) << unknown.body;

  EXPECT_TRUE(IsDescopeError(start("no-such-flow"), 404));
  auto wrong_button = next(first.obj(), "verify", {{"code", "123456"}});
  EXPECT_TRUE(IsDescopeError(wrong_button, 400, "E011003")) << wrong_button.body;
}

TEST_F(FlowTest, NeedsTheProjectId) {
  auto r = api().http.post("/v1/flow/start", json::object{{"flowId", kFlow}}, bearer("Pother"));
  EXPECT_EQ(r.status, 401);
}

// An operator's flow beside the built-in one.
class FlowMgmtTest : public MgmtFixture<FlowMgmtTest> {
 public:
  static std::vector<std::string> ServerArgs() {
    static gatehouse::testing::TempDir dir;
    std::filesystem::create_directories(dir.path() / "screens");
    std::ofstream(dir.path() / "sign-in-passkey.json")
        << R"({"id":"sign-in-passkey","name":"Passkey only","start":"passkey-only",)"
           R"("screens":{"passkey-only":{"on":{"go":{"do":"passkey.start"}}}}})";
    std::ofstream(dir.path() / "screens" / "passkey-only.html")
        << R"(<descope-button id="go">Use a passkey</descope-button>)";
    return {"--flows-dir", dir.path().string()};
  }
};

TEST_F(FlowMgmtTest, ListsAndExportsFlows) {
  auto list = must(post("/v1/mgmt/flow/list", json::object{}), "flow list");
  EXPECT_EQ(list.at("total"), 2);
  EXPECT_NE(find_by(list.at("flows"), "id", kFlow), nullptr);
  const auto* extra = find_by(list.at("flows"), "id", "sign-in-passkey");
  ASSERT_NE(extra, nullptr);
  EXPECT_EQ(extra->at("name"), "Passkey only");

  auto out = must(post("/v1/mgmt/flow/export", json::object{{"flowId", kFlow}}), "export");
  EXPECT_EQ(out.at("flow").at("id"), kFlow);
  EXPECT_EQ(out.at("flow").at("dsl").at("start"), "welcome");
  const auto* welcome = find_by(out.at("screens"), "id", "welcome");
  ASSERT_NE(welcome, nullptr);
  EXPECT_THAT(std::string(welcome->at("htmlTemplate").as_string()), HasSubstr("descope-button"));
  EXPECT_TRUE(IsDescopeError(post("/v1/mgmt/flow/export", json::object{{"flowId", "x"}}), 404));
  EXPECT_EQ(post("/v1/mgmt/flow/list", json::object{}, bearer(pid())).status, 401);

  // The operator's flow runs and its screen is served.
  auto html = get("/pages/" + pid() + "/v2-beta/passkey-only.html", {});
  EXPECT_EQ(html.status, 200);
  auto s = post("/v1/flow/start", json::object{{"flowId", "sign-in-passkey"}}, bearer(pid()));
  ASSERT_EQ(s.status, 200) << s.body;
  EXPECT_EQ(s.obj().at("screen").at("id"), "passkey-only");
}

}  // namespace
}  // namespace gatehouse::test
