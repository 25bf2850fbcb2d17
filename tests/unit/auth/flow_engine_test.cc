// FlowEngine: every transition of the built-in sign-up-or-in flow, against a real
// FlowStore (SQLite) and fake sign-in methods, with the clock passed in.
#include "auth/flow/flow_engine.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "store/sqlite/sqlite_store.h"
#include "support/matchers.h"
#include "support/temp_dir.h"

namespace gatehouse::auth::flow {
namespace {

namespace json = boost::json;
using ::gatehouse::testing::ErrcIs;
using ::gatehouse::testing::IsOk;
using ::testing::HasSubstr;
using ::testing::StartsWith;

// Accounts are login id -> password; the code is always "123456".
class FakeMethods final : public FlowMethods {
 public:
  std::map<std::string, std::string> accounts{{"ann@x.io", "right-password"},
                                              {"tom@x.io", "totp-password"}};
  std::set<std::string> with_totp{"tom@x.io"};
  std::vector<std::string> calls;
  bool store_down = false;

  Result<bool> user_exists(const std::string& id) override {
    calls.push_back("exists " + id);
    if (store_down) return make_error(Errc::kUnavailable, "down");
    return accounts.contains(id);
  }
  Result<Authenticated> password_sign_in(const std::string& id, const std::string& pw,
                                         const Origin&) override {
    calls.push_back("signIn " + id);
    auto it = accounts.find(id);
    if (it == accounts.end() || it->second != pw) {
      return make_error(Errc::kInvalidCredentials, "bad");
    }
    if (with_totp.contains(id)) return make_error(Errc::kMfaRequired, "totp due");
    return session(id, false);
  }
  Result<Authenticated> password_sign_up(const std::string& id, const std::string& pw,
                                         const std::string& name, const Origin&) override {
    calls.push_back("signUp " + id + " " + name);
    if (pw.size() < 8) return make_error(Errc::kInvalidArgument, "Password is too short");
    if (accounts.contains(id)) return make_error(Errc::kUserExists, "taken");
    accounts[id] = pw;
    return session(id, true);
  }
  Result<std::string> send_code(const std::string& id, const std::string&, const Origin&) override {
    calls.push_back("send " + id);
    return std::string("a***@x.io");
  }
  Result<Authenticated> verify_code(const std::string& id, const std::string& code,
                                    const Origin&) override {
    calls.push_back("verify " + id);
    if (code != "123456") return make_error(Errc::kCodeInvalid, "wrong");
    return session(id, !accounts.contains(id));
  }
  Result<Authenticated> totp_verify(const std::string& id, const std::string& code,
                                    const Origin&) override {
    calls.push_back("totp " + id);
    if (code != "654321") return make_error(Errc::kInvalidCode, "wrong");
    return session(id, false);
  }
  std::string last_uri;
  Result<std::string> send_link(const std::string& id, const std::string&, const std::string& uri,
                                const Origin&) override {
    calls.push_back("link " + id);
    last_uri = uri;
    return std::string("a***@x.io");
  }
  Result<Authenticated> verify_link(const std::string& token, const Origin&) override {
    calls.push_back("verifyLink " + token);
    if (token != "good-token") return make_error(Errc::kLinkInvalid, "gone");
    return session("ann@x.io", false);
  }
  Result<PasskeyCeremony> passkey_start(const std::string& id, const std::string&,
                                        const std::string& page_origin, const Origin&) override {
    calls.push_back("passkeyStart " + id + " " + page_origin);
    return PasskeyCeremony{"tx1", R"({"publicKey":{}})", !accounts.contains(id)};
  }
  Result<Authenticated> passkey_finish(const PasskeyCeremony& c, const std::string& response,
                                       const Origin&) override {
    calls.push_back("passkeyFinish " + c.transaction_id + " " + (c.create ? "create" : "get") +
                    " " + response);
    return session("ann@x.io", c.create);
  }

 private:
  static Authenticated session(const std::string& id, bool first) {
    Authenticated a;
    a.user.login_id = id;
    a.session.session_jwt = "jwt-of-" + id;
    a.first_seen = first;
    return a;
  }
};

class FlowEngineTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto stores = store::open_sqlite(dir_.file("db"));
    ASSERT_THAT(stores, IsOk());
    stores_ = std::move(*stores);
    auto catalog = FlowCatalog::load(builtin_flow_files(), "");
    ASSERT_THAT(catalog, IsOk());
    catalog_ = std::move(*catalog);
    engine_ =
        std::make_unique<FlowEngine>(catalog_, *stores_.flows, methods_, [this] { return now_; });
  }

  FlowReply start() {
    auto r = engine_->start("sign-up-or-in", {});
    EXPECT_THAT(r, IsOk());
    return r ? *r : FlowReply{};
  }
  Result<FlowReply> next(const FlowReply& at, const std::string& button, json::object input = {}) {
    return engine_->next(at.execution_id, at.step_id, button, input, {});
  }
  // start → email → the screen for that account.
  FlowReply at_email(const std::string& email) {
    auto r = next(start(), "continue", {{"email", email}});
    EXPECT_THAT(r, IsOk());
    return r ? *r : FlowReply{};
  }
  static std::string error_text(const FlowReply& r) {
    return std::string(r.screen_state.at("errorText").as_string());
  }

  gatehouse::testing::TempDir dir_;
  store::Stores stores_;
  FlowCatalog catalog_;
  FakeMethods methods_;
  int64_t now_ = 1'000'000;
  std::unique_ptr<FlowEngine> engine_;
};

TEST_F(FlowEngineTest, StartShowsTheEmailScreenOnStepOne) {
  FlowReply r = start();
  EXPECT_THAT(r.execution_id, StartsWith("sign-up-or-in|#|"));
  EXPECT_EQ(r.execution_id.find('_'), std::string::npos);
  EXPECT_EQ(r.step_id, "1");
  EXPECT_EQ(r.status, "waiting");
  EXPECT_EQ(r.action, "screen");
  EXPECT_EQ(r.screen_id, "welcome");
  EXPECT_EQ(error_text(r), "");
}

TEST_F(FlowEngineTest, UnknownFlowIsNotFound) {
  EXPECT_THAT(engine_->start("no-such-flow", {}), ErrcIs(Errc::kNotFound));
}

TEST_F(FlowEngineTest, KnownEmailGoesToSignInNewEmailToSignUp) {
  FlowReply known = at_email("ann@x.io");
  EXPECT_EQ(known.screen_id, "sign-in");
  EXPECT_EQ(known.step_id, "2");
  EXPECT_EQ(known.screen_state.at("email").as_string(), "ann@x.io");
  FlowReply fresh = at_email("bob@x.io");
  EXPECT_EQ(fresh.screen_id, "sign-up");
}

TEST_F(FlowEngineTest, EmptyEmailStaysOnTheScreenWithAnError) {
  auto r = next(start(), "continue", {{"email", "  "}});
  ASSERT_THAT(r, IsOk());
  EXPECT_EQ(r->screen_id, "welcome");
  EXPECT_EQ(r->step_id, "2") << "a user error still uses the step";
  EXPECT_THAT(error_text(*r), HasSubstr("email"));
}

TEST_F(FlowEngineTest, PasswordSignInCompletes) {
  auto r = next(at_email("ann@x.io"), "signIn", {{"password", "right-password"}});
  ASSERT_THAT(r, IsOk());
  EXPECT_EQ(r->status, "completed");
  ASSERT_TRUE(r->auth.has_value());
  EXPECT_EQ(r->auth->session.session_jwt, "jwt-of-ann@x.io");
  EXPECT_FALSE(r->auth->first_seen);
}

TEST_F(FlowEngineTest, WrongPasswordShowsTheScreenAgainThenSucceeds) {
  auto r = next(at_email("ann@x.io"), "signIn", {{"password", "nope"}});
  ASSERT_THAT(r, IsOk());
  EXPECT_EQ(r->status, "waiting");
  EXPECT_EQ(r->screen_id, "sign-in");
  EXPECT_EQ(r->step_id, "3");
  EXPECT_THAT(error_text(*r), HasSubstr("not right"));
  auto again = next(*r, "signIn", {{"password", "right-password"}});
  ASSERT_THAT(again, IsOk());
  EXPECT_EQ(again->status, "completed");
}

TEST_F(FlowEngineTest, PasswordSignUpCreatesTheAccountWithTheName) {
  auto r = next(at_email("bob@x.io"), "signUp", {{"name", "Bob"}, {"password", "long-enough"}});
  ASSERT_THAT(r, IsOk());
  EXPECT_EQ(r->status, "completed");
  EXPECT_TRUE(r->auth->first_seen);
  EXPECT_EQ(methods_.calls.back(), "signUp bob@x.io Bob");
}

TEST_F(FlowEngineTest, WeakPasswordOnSignUpShowsThePolicyMessage) {
  auto r = next(at_email("bob@x.io"), "signUp", {{"name", "Bob"}, {"password", "short"}});
  ASSERT_THAT(r, IsOk());
  EXPECT_EQ(r->screen_id, "sign-up");
  EXPECT_EQ(error_text(*r), "Password is too short");
}

TEST_F(FlowEngineTest, EmailCodeSendsThenVerifies) {
  auto sent = next(at_email("ann@x.io"), "emailCode");
  ASSERT_THAT(sent, IsOk());
  EXPECT_EQ(sent->screen_id, "email-code");
  EXPECT_EQ(sent->screen_state.at("masked").as_string(), "a***@x.io");
  auto wrong = next(*sent, "verify", {{"code", "000000"}});
  ASSERT_THAT(wrong, IsOk());
  EXPECT_EQ(wrong->screen_id, "email-code");
  EXPECT_THAT(error_text(*wrong), HasSubstr("not right"));
  auto right = next(*wrong, "verify", {{"code", "123456"}});
  ASSERT_THAT(right, IsOk());
  EXPECT_EQ(right->status, "completed");
}

TEST_F(FlowEngineTest, TotpAccountGivesItsCodeAfterThePassword) {
  auto r = next(at_email("tom@x.io"), "signIn", {{"password", "totp-password"}});
  ASSERT_THAT(r, IsOk());
  EXPECT_EQ(r->status, "waiting");
  EXPECT_EQ(r->screen_id, "totp");
  auto wrong = next(*r, "verify", {{"code", "000000"}});
  ASSERT_THAT(wrong, IsOk());
  EXPECT_EQ(wrong->screen_id, "totp");
  EXPECT_THAT(error_text(*wrong), HasSubstr("not right"));
  auto done = next(*wrong, "verify", {{"code", "654321"}});
  ASSERT_THAT(done, IsOk());
  EXPECT_EQ(done->status, "completed");
  EXPECT_EQ(methods_.calls.back(), "totp tom@x.io");
}

TEST_F(FlowEngineTest, TotpStepNeedsTheRightPasswordFirst) {
  auto r = next(at_email("tom@x.io"), "signIn", {{"password", "wrong"}});
  ASSERT_THAT(r, IsOk());
  EXPECT_EQ(r->screen_id, "sign-in") << "a wrong password never reaches the TOTP step";
  // Going back and naming another account forgets the checked password.
  auto ok = next(at_email("tom@x.io"), "signIn", {{"password", "totp-password"}});
  ASSERT_THAT(ok, IsOk());
  auto back = next(*ok, "back");
  ASSERT_THAT(back, IsOk());
  auto other = next(*back, "continue", {{"email", "ann@x.io"}});
  ASSERT_THAT(other, IsOk());
  EXPECT_EQ(other->screen_id, "sign-in");
  EXPECT_EQ(std::count(methods_.calls.begin(), methods_.calls.end(), "totp tom@x.io"), 0);
}

TEST_F(FlowEngineTest, MagicLinkLeadsBackToThePageAndStepThenSignsIn) {
  auto s = engine_->start("sign-up-or-in", {}, "http://localhost:3000/login?x=1#top");
  ASSERT_THAT(s, IsOk());
  auto at = next(*s, "continue", {{"email", "ann@x.io"}});
  ASSERT_THAT(at, IsOk());
  auto sent = next(*at, "emailLink");
  ASSERT_THAT(sent, IsOk());
  EXPECT_EQ(sent->screen_id, "link-sent");
  // The page without its query, then the execution and the step the link resumes.
  std::string exec = s->execution_id;
  exec.replace(exec.find("|#|"), 3, "%7C%23%7C");
  EXPECT_EQ(methods_.last_uri, "http://localhost:3000/login?descope-login-flow=" + exec + "_3");
  EXPECT_EQ(sent->step_id, "3");
  auto wrong = next(*sent, "submit", {{"token", "used-token"}});
  ASSERT_THAT(wrong, IsOk());
  EXPECT_EQ(wrong->screen_id, "link-sent");
  EXPECT_THAT(error_text(*wrong), HasSubstr("expired"));
  auto done = next(*wrong, "submit", {{"token", "good-token"}});
  ASSERT_THAT(done, IsOk());
  EXPECT_EQ(done->status, "completed");
}

TEST_F(FlowEngineTest, MagicLinkInAnotherBrowserSignsInFromStart) {
  auto r = engine_->start("sign-up-or-in", {}, "http://localhost:3000/login", "good-token");
  ASSERT_THAT(r, IsOk());
  EXPECT_EQ(r->status, "completed");
  auto bad = engine_->start("sign-up-or-in", {}, "http://localhost:3000/login", "bad-token");
  ASSERT_THAT(bad, IsOk());
  EXPECT_EQ(bad->screen_id, "welcome");
  EXPECT_THAT(error_text(*bad), HasSubstr("expired"));
}

TEST_F(FlowEngineTest, SubmitWithoutAPendingLinkOrPasskeyIsRefused) {
  EXPECT_THAT(next(at_email("ann@x.io"), "submit", {{"token", "good-token"}}),
              ErrcIs(Errc::kInvalidArgument));
}

TEST_F(FlowEngineTest, BackReturnsToTheEmailScreen) {
  auto r = next(at_email("ann@x.io"), "back");
  ASSERT_THAT(r, IsOk());
  EXPECT_EQ(r->screen_id, "welcome");
}

TEST_F(FlowEngineTest, PasskeyAsksTheBrowserThenFinishesOnSubmit) {
  auto asked = next(at_email("ann@x.io"), "passkey", {{"origin", "http://localhost:3000"}});
  ASSERT_THAT(asked, IsOk());
  EXPECT_EQ(asked->action, "webauthnGet");
  ASSERT_TRUE(asked->passkey.has_value());
  EXPECT_EQ(asked->passkey->transaction_id, "tx1");
  EXPECT_EQ(methods_.calls.back(), "passkeyStart ann@x.io http://localhost:3000");
  auto done = next(*asked, "submit", {{"transactionId", "tx1"}, {"response", R"({"id":"cred"})"}});
  ASSERT_THAT(done, IsOk());
  EXPECT_EQ(done->status, "completed");
  EXPECT_EQ(methods_.calls.back(), R"(passkeyFinish tx1 get {"id":"cred"})");
}

TEST_F(FlowEngineTest, NewAccountPasskeyIsACreateCeremony) {
  auto asked = next(at_email("bob@x.io"), "passkey", {{"name", "Bob"}});
  ASSERT_THAT(asked, IsOk());
  EXPECT_EQ(asked->action, "webauthnCreate");
}

TEST_F(FlowEngineTest, CancelledPasskeyShowsAnErrorOnTheSameScreen) {
  auto asked = next(at_email("ann@x.io"), "passkey");
  ASSERT_THAT(asked, IsOk());
  auto r = next(*asked, "submit", {{"failure", "NotAllowedError"}});
  ASSERT_THAT(r, IsOk());
  EXPECT_EQ(r->status, "waiting");
  EXPECT_EQ(r->screen_id, "sign-in");
  EXPECT_THAT(error_text(*r), HasSubstr("passkey"));
}

TEST_F(FlowEngineTest, ReplayedStepIsRefusedAndChangesNothing) {
  FlowReply s = start();
  auto first = next(s, "continue", {{"email", "ann@x.io"}});
  ASSERT_THAT(first, IsOk());
  EXPECT_THAT(next(s, "continue", {{"email", "bob@x.io"}}), ErrcIs(Errc::kFlowStepUsed));
  // The execution is still on the first answer's screen and step.
  auto r = next(*first, "signIn", {{"password", "right-password"}});
  ASSERT_THAT(r, IsOk());
  EXPECT_EQ(r->status, "completed");
}

TEST_F(FlowEngineTest, NonNumericOrFutureStepIsRefused) {
  FlowReply s = start();
  EXPECT_THAT(engine_->next(s.execution_id, "x", "continue", {}, {}), ErrcIs(Errc::kFlowStepUsed));
  EXPECT_THAT(engine_->next(s.execution_id, "7", "continue", {}, {}), ErrcIs(Errc::kFlowStepUsed));
}

TEST_F(FlowEngineTest, ExpiredExecutionIsFlowExpired) {
  FlowReply s = start();
  now_ += FlowEngine::kDefaultTtl;
  EXPECT_THAT(next(s, "continue", {{"email", "ann@x.io"}}), ErrcIs(Errc::kFlowExpired));
}

TEST_F(FlowEngineTest, UnknownExecutionIsFlowExpired) {
  EXPECT_THAT(engine_->next("sign-up-or-in|#|nope", "1", "continue", {}, {}),
              ErrcIs(Errc::kFlowExpired));
}

TEST_F(FlowEngineTest, CompletedExecutionCannotContinue) {
  auto at = at_email("ann@x.io");
  auto done = next(at, "signIn", {{"password", "right-password"}});
  ASSERT_THAT(done, IsOk());
  EXPECT_THAT(engine_->next(at.execution_id, done->step_id, "signIn", {}, {}),
              ErrcIs(Errc::kFlowExpired));
}

TEST_F(FlowEngineTest, ButtonOfAnotherScreenIsRefused) {
  // "signIn" belongs to the sign-in screen; on the email screen it is the wrong method.
  EXPECT_THAT(next(start(), "signIn", {{"password", "right-password"}}),
              ErrcIs(Errc::kInvalidArgument));
  EXPECT_TRUE(methods_.calls.empty()) << "no sign-in was attempted";
  // On the sign-up screen of a new account, a password sign-in is no choice either.
  EXPECT_THAT(next(at_email("bob@x.io"), "signIn", {{"password", "x"}}),
              ErrcIs(Errc::kInvalidArgument));
}

TEST_F(FlowEngineTest, StorageFailureIsAnErrorNotAScreen) {
  methods_.store_down = true;
  EXPECT_THAT(next(start(), "continue", {{"email", "ann@x.io"}}), ErrcIs(Errc::kUnavailable));
}

TEST(FlowDefinitionTest, RejectsBrokenDefinitions) {
  EXPECT_THAT(parse_flow("[]"), ErrcIs(Errc::kInvalidArgument));
  EXPECT_THAT(parse_flow(R"({"id":"a_b","screens":{"s":{}}})"), ErrcIs(Errc::kInvalidArgument))
      << "'_' would break descope-login-flow=<exec>_<step>";
  EXPECT_THAT(parse_flow(R"({"id":"a","screens":{"s":{"on":{"x":{"goto":"nowhere"}}}}})"),
              ErrcIs(Errc::kInvalidArgument));
  EXPECT_THAT(parse_flow(R"({"id":"a","screens":{"s":{"on":{"x":{"do":"teleport"}}}}})"),
              ErrcIs(Errc::kInvalidArgument));
  auto ok = parse_flow(R"({"id":"a","screens":{"s":{"on":{"x":{"goto":"s"}}}}})");
  ASSERT_THAT(ok, IsOk());
  EXPECT_EQ(ok->start, "s");
}

TEST(FlowCatalogTest, OperatorDirAddsFlowsAndNeedsTheirScreens) {
  gatehouse::testing::TempDir dir;
  std::filesystem::create_directories(dir.path() / "screens");
  {
    std::ofstream(dir.path() / "sign-in-passkey.json")
        << R"({"id":"sign-in-passkey","screens":{"passkey-only":{"on":{"go":{"do":"passkey.start"}}}}})";
  }
  EXPECT_THAT(FlowCatalog::load(builtin_flow_files(), dir.path().string()),
              ErrcIs(Errc::kInvalidArgument))
      << "no screens/passkey-only.html";
  { std::ofstream(dir.path() / "screens" / "passkey-only.html") << "<p>hi</p>"; }
  auto c = FlowCatalog::load(builtin_flow_files(), dir.path().string());
  ASSERT_THAT(c, IsOk());
  EXPECT_NE(c->find("sign-in-passkey"), nullptr);
  EXPECT_NE(c->find("sign-up-or-in"), nullptr);
  EXPECT_EQ(c->screen_html("passkey-only"), "<p>hi</p>");
  EXPECT_THAT(*c->screen_html("welcome"), HasSubstr("descope-button"));
}

}  // namespace
}  // namespace gatehouse::auth::flow
