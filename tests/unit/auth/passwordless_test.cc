// Email one-time codes and magic links with a fake clock and a fake mailer: expiry,
// single use, the 5-try limit, replacement, the unknown-address answer, resend limits,
// redirect origins — no sleeps, no mail server. The mail engines' own pieces too.
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <functional>
#include <optional>
#include <regex>
#include <set>
#include <thread>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "auth/audit.h"
#include "auth/dev_mailer.h"
#include "auth/key_ring.h"
#include "auth/magic_link_strategy.h"
#include "auth/otp_strategy.h"
#include "auth/smtp_mailer.h"
#include "auth/users.h"
#include "store/sqlite/sqlite_store.h"
#include "support/matchers.h"
#include "support/temp_dir.h"

namespace gatehouse::auth {
namespace {

using ::gatehouse::testing::ErrcIs;
using ::gatehouse::testing::IsOk;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::SizeIs;

class FakeMailer final : public Mailer {
 public:
  Status send(const MailMessage& m) override {
    if (fail) return make_error(Errc::kDeliveryFailed, "down");
    sent.push_back(m);
    return ok_status();
  }
  std::vector<MailMessage> sent;
  bool fail = false;
};

class PasswordlessTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto stores = store::open_sqlite(dir_.file("db"));
    ASSERT_THAT(stores, IsOk());
    stores_ = std::move(*stores);
    config_.project_id = "P2testtesttesttesttesttestte";
    config_.product_name = "Acme";
    config_.redirect_origins = {"https://app.example.com"};
    Clock clock = [this] { return now_; };
    auto keys = KeyRing::open(dir_.path().string(), *stores_.signing_keys,
                              {.clock = clock, .kek = std::string(32, 'k')});
    ASSERT_THAT(keys, IsOk());
    audit_ = std::make_unique<Audit>(*stores_.audit, clock);
    revocations_ = std::make_unique<Revocations>(*stores_.sessions, config_, clock);
    limiter_ = std::make_unique<RateLimiter>(*stores_.rate_limits, RateLimits{}, *audit_, clock);
    sessions_ = std::make_unique<SessionService>(
        config_, SessionService::Stores{*stores_.users, *stores_.sessions, *stores_.access}, *keys,
        *revocations_, *audit_, clock);
    hasher_ = std::make_unique<PasswordHasher>(config_, 1);
    users_ = std::make_unique<Users>(*hasher_, *stores_.users, *revocations_, *audit_, clock);
    OneTimeDeps deps{config_, *users_, *stores_.users, *stores_.one_time, *sessions_, *limiter_,
                     mailer_, *audit_, clock};
    otp_ = std::make_unique<OtpStrategy>(deps);
    links_ = std::make_unique<MagicLinkStrategy>(deps);
  }

  // The code in the last mail.
  std::string mailed_code() {
    EXPECT_THAT(mailer_.sent, ::testing::Not(IsEmpty()));
    if (mailer_.sent.empty()) return "";
    std::smatch m;
    const std::string& text = mailer_.sent.back().text;
    EXPECT_TRUE(std::regex_search(text, m, std::regex("code is: ([0-9]{6})"))) << text;
    return m.size() > 1 ? m[1].str() : "";
  }
  std::string mailed_token() {
    if (mailer_.sent.empty()) return "";
    std::smatch m;
    const std::string& text = mailer_.sent.back().text;
    EXPECT_TRUE(std::regex_search(text, m, std::regex("[?&]t=([A-Za-z0-9_-]+)"))) << text;
    return m.size() > 1 ? m[1].str() : "";
  }
  store::User existing(const std::string& login_id) {
    NewUserInput in;
    in.login_id = login_id;
    auto u = users_->create(in, {});
    EXPECT_THAT(u, IsOk());
    return u ? *u : store::User{};
  }

  ::gatehouse::testing::TempDir dir_;
  int64_t now_ = 1'800'000'000;
  AuthConfig config_;
  store::Stores stores_;
  FakeMailer mailer_;
  std::unique_ptr<Audit> audit_;
  std::unique_ptr<Revocations> revocations_;
  std::unique_ptr<RateLimiter> limiter_;
  std::unique_ptr<SessionService> sessions_;
  std::unique_ptr<PasswordHasher> hasher_;
  std::unique_ptr<Users> users_;
  std::unique_ptr<OtpStrategy> otp_;
  std::unique_ptr<MagicLinkStrategy> links_;
};

// --- codes ---

TEST_F(PasswordlessTest, CodesAreSixDigitsAndVary) {
  std::set<std::string> seen;
  for (int i = 0; i < 50; ++i) {
    std::string c = OtpStrategy::new_code();
    EXPECT_TRUE(std::regex_match(c, std::regex("[0-9]{6}"))) << c;
    seen.insert(c);
  }
  EXPECT_GT(seen.size(), 45u);
  EXPECT_NE(OtpStrategy::code_hash("a@x.io", "123456"), OtpStrategy::code_hash("b@x.io", "123456"))
      << "a code is bound to its address";
}

TEST_F(PasswordlessTest, SignUpOrInMailsACodeThatCreatesAVerifiedUser) {
  auto masked = otp_->start(OneTimeFlow::kSignUpOrIn, "Ann@Example.com", {.name = "Ann"}, {});
  ASSERT_THAT(masked, IsOk());
  EXPECT_EQ(*masked, "a***@e***.com");
  ASSERT_THAT(mailer_.sent, SizeIs(1));
  EXPECT_EQ(mailer_.sent[0].to, "ann@example.com");
  EXPECT_THAT(mailer_.sent[0].subject, HasSubstr("Acme"));
  EXPECT_THAT(mailer_.sent[0].text, HasSubstr("5 minutes"));
  EXPECT_THAT(mailer_.sent[0].html, HasSubstr("5 minutes"));
  const std::string code = mailed_code();
  EXPECT_THAT(mailer_.sent[0].html, HasSubstr(code));
  auto users = users_->list_all();
  ASSERT_THAT(users, IsOk());
  EXPECT_THAT(*users, IsEmpty()) << "the account is created by the proof, not the request";

  auto a = otp_->verify("ann@example.com", code, {});
  ASSERT_THAT(a, IsOk());
  EXPECT_TRUE(a->first_seen);
  EXPECT_EQ(a->user.login_id, "ann@example.com");
  EXPECT_EQ(a->user.email, "ann@example.com");
  EXPECT_EQ(a->user.name, "Ann");
  EXPECT_TRUE(a->user.verified_email);
  EXPECT_EQ(a->session.claims.at("amr").as_array().at(0), "email");

  // The same flow again signs the account in.
  ASSERT_THAT(otp_->start(OneTimeFlow::kSignUpOrIn, "ann@example.com", {}, {}), IsOk());
  auto again = otp_->verify("ann@example.com", mailed_code(), {});
  ASSERT_THAT(again, IsOk());
  EXPECT_FALSE(again->first_seen);
  EXPECT_EQ(again->user.id, a->user.id);
}

TEST_F(PasswordlessTest, ACodeWorksOnce) {
  existing("ann@example.com");
  ASSERT_THAT(otp_->start(OneTimeFlow::kSignIn, "ann@example.com", {}, {}), IsOk());
  const std::string code = mailed_code();
  auto a = otp_->verify("ann@example.com", code, {});
  ASSERT_THAT(a, IsOk());
  EXPECT_TRUE(a->user.verified_email) << "signing in by mail verifies the address";
  EXPECT_THAT(otp_->verify("ann@example.com", code, {}), ErrcIs(Errc::kCodeInvalid));
}

TEST_F(PasswordlessTest, ACodeExpiresAfterFiveMinutes) {
  existing("ann@example.com");
  ASSERT_THAT(otp_->start(OneTimeFlow::kSignIn, "ann@example.com", {}, {}), IsOk());
  const std::string code = mailed_code();
  now_ += 299;
  ASSERT_THAT(otp_->start(OneTimeFlow::kSignIn, "bob@example.com", {}, {}), IsOk());  // sweeps
  now_ += 1;
  EXPECT_THAT(otp_->verify("ann@example.com", code, {}), ErrcIs(Errc::kCodeExpired));
  EXPECT_THAT(otp_->verify("ann@example.com", code, {}), ErrcIs(Errc::kCodeInvalid));
}

TEST_F(PasswordlessTest, FiveWrongTriesKillTheCode) {
  existing("ann@example.com");
  ASSERT_THAT(otp_->start(OneTimeFlow::kSignIn, "ann@example.com", {}, {}), IsOk());
  const std::string code = mailed_code();
  const std::string wrong = code == "000000" ? "000001" : "000000";
  for (int i = 0; i < 4; ++i) {
    EXPECT_THAT(otp_->verify("ann@example.com", wrong, {}), ErrcIs(Errc::kCodeInvalid));
  }
  EXPECT_THAT(otp_->verify("ann@example.com", wrong, {}), ErrcIs(Errc::kTooManyAttempts));
  EXPECT_THAT(otp_->verify("ann@example.com", code, {}), ErrcIs(Errc::kCodeInvalid))
      << "the right code no longer works";
}

TEST_F(PasswordlessTest, ANewCodeReplacesTheOld) {
  existing("ann@example.com");
  ASSERT_THAT(otp_->start(OneTimeFlow::kSignIn, "ann@example.com", {}, {}), IsOk());
  const std::string first = mailed_code();
  std::string second;
  do {  // two draws can coincide (one in a million); the test needs them apart
    ASSERT_THAT(otp_->start(OneTimeFlow::kSignIn, "ann@example.com", {}, {}), IsOk());
    second = mailed_code();
    now_ += 120;  // past the resend waits
  } while (second == first);
  now_ = 1'800'000'000 + 10;
  EXPECT_THAT(otp_->verify("ann@example.com", first, {}), ErrcIs(Errc::kCodeInvalid));
  EXPECT_THAT(otp_->verify("ann@example.com", second, {}), IsOk());
}

// The OneTimeStore, with something done right after each find(): what another request
// could do between a verify's check of the secret and its spending of it.
class RacingSecrets final : public store::OneTimeStore {
 public:
  RacingSecrets(store::OneTimeStore& real, std::function<void()> meanwhile)
      : real_(real), meanwhile_(std::move(meanwhile)) {}
  Status put(const store::OneTimeSecret& s) override { return real_.put(s); }
  Result<store::Consumed> consume(const std::string& purpose, const std::string& login_id,
                                  const std::string& hash, int64_t now, int64_t max) override {
    return real_.consume(purpose, login_id, hash, now, max);
  }
  Result<store::Consumed> consume_by_hash(const std::string& purpose, const std::string& hash,
                                          int64_t now) override {
    return real_.consume_by_hash(purpose, hash, now);
  }
  Result<std::optional<store::OneTimeSecret>> find(const std::string& purpose,
                                                   const std::string& login_id) override {
    auto found = real_.find(purpose, login_id);
    meanwhile_();
    return found;
  }
  Result<std::optional<store::OneTimeSecret>> find_by_hash(const std::string& purpose,
                                                           const std::string& hash) override {
    auto found = real_.find_by_hash(purpose, hash);
    meanwhile_();
    return found;
  }
  Result<int64_t> purge(int64_t now) override { return real_.purge(now); }
  Result<int64_t> count_live(const std::string& purpose, int64_t now) override {
    return real_.count_live(purpose, now);
  }

 private:
  store::OneTimeStore& real_;
  std::function<void()> meanwhile_;
};

// A signed-in, verified account signs in again with one store write; a new code mailed
// between the check of the old one and its spending wins: the old one signs nothing in.
TEST_F(PasswordlessTest, ACodeReplacedWhileItIsCheckedSignsNothingIn) {
  existing("ann@example.com");
  ASSERT_THAT(otp_->start(OneTimeFlow::kSignIn, "ann@example.com", {}, {}), IsOk());
  auto first = otp_->verify("ann@example.com", mailed_code(), {});
  ASSERT_THAT(first, IsOk());
  ASSERT_TRUE(first->user.verified_email);
  const int64_t signed_in_at = now_;

  now_ += 100;
  ASSERT_THAT(otp_->start(OneTimeFlow::kSignIn, "ann@example.com", {}, {}), IsOk());
  const std::string old_code = mailed_code();
  RacingSecrets racing(*stores_.one_time, [&] {
    ASSERT_THAT(otp_->start(OneTimeFlow::kSignIn, "ann@example.com", {}, {}), IsOk());
  });
  OtpStrategy raced({config_, *users_, *stores_.users, racing, *sessions_, *limiter_, mailer_,
                     *audit_, [this] { return now_; }});
  auto a = raced.verify("ann@example.com", old_code, {});
  const std::string replacement = mailed_code();
  if (replacement == old_code) GTEST_SKIP() << "the two draws coincided (one in a million)";
  EXPECT_THAT(a, ErrcIs(Errc::kCodeInvalid));
  EXPECT_EQ(users_->by_login_id("ann@example.com")->last_login_at, signed_in_at)
      << "no sign-in was started";
  now_ += 10;
  auto b = otp_->verify("ann@example.com", replacement, {});
  ASSERT_THAT(b, IsOk());
  EXPECT_EQ(b->user.last_login_at, now_);
}

TEST_F(PasswordlessTest, OneCodeSentByManyAtOnceSignsInOnce) {
  existing("ann@example.com");
  ASSERT_THAT(otp_->start(OneTimeFlow::kSignIn, "ann@example.com", {}, {}), IsOk());
  ASSERT_THAT(otp_->verify("ann@example.com", mailed_code(), {}), IsOk());  // verifies the email
  now_ += 100;
  ASSERT_THAT(otp_->start(OneTimeFlow::kSignIn, "ann@example.com", {}, {}), IsOk());
  const std::string code = mailed_code();
  constexpr int kThreads = 6;
  std::atomic<int> ok = 0;
  std::atomic<int> invalid = 0;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      auto a = otp_->verify("ann@example.com", code, {});
      if (a) {
        ++ok;
      } else if (a.code() == Errc::kCodeInvalid) {
        ++invalid;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(ok.load(), 1);
  EXPECT_EQ(invalid.load(), kThreads - 1);
}

TEST_F(PasswordlessTest, SignInOfAnUnknownAddressAnswersAlikeAndMailsNothing) {
  existing("ann@example.com");
  auto known = otp_->start(OneTimeFlow::kSignIn, "ann@example.com", {}, {});
  auto unknown = otp_->start(OneTimeFlow::kSignIn, "amy@example.com", {}, {});
  ASSERT_THAT(known, IsOk());
  ASSERT_THAT(unknown, IsOk());
  EXPECT_EQ(*known, *unknown) << "same masked answer";
  EXPECT_THAT(mailer_.sent, SizeIs(1));
  // Verify answers as for a real code, down to the attempt limit.
  for (int i = 0; i < 4; ++i) {
    EXPECT_THAT(otp_->verify("amy@example.com", "123456", {}), ErrcIs(Errc::kCodeInvalid));
  }
  EXPECT_THAT(otp_->verify("amy@example.com", "123456", {}), ErrcIs(Errc::kTooManyAttempts));
  auto users = users_->list_all();
  ASSERT_THAT(users, IsOk());
  EXPECT_THAT(*users, SizeIs(1));
}

TEST_F(PasswordlessTest, SignUpOfATakenAddressIsUserExists) {
  existing("ann@example.com");
  EXPECT_THAT(otp_->start(OneTimeFlow::kSignUp, "ANN@example.com", {}, {}),
              ErrcIs(Errc::kUserExists));
  EXPECT_THAT(
      links_->start(OneTimeFlow::kSignUp, "ann@example.com", "https://app.example.com/v", {}, {}),
      ErrcIs(Errc::kUserExists));
  EXPECT_THAT(mailer_.sent, IsEmpty());
}

TEST_F(PasswordlessTest, MailsToOneAddressAreLimited) {
  for (int i = 0; i < 3; ++i) {
    ASSERT_THAT(otp_->start(OneTimeFlow::kSignUpOrIn, "ann@example.com", {}, {}), IsOk());
  }
  auto r = otp_->start(OneTimeFlow::kSignUpOrIn, "ann@example.com", {}, {});
  ASSERT_THAT(r, ErrcIs(Errc::kRateLimited));
  EXPECT_GT(r.error().retry_after, 0);
  EXPECT_THAT(otp_->start(OneTimeFlow::kSignUpOrIn, "bob@example.com", {}, {}), IsOk());
  now_ += r.error().retry_after;
  EXPECT_THAT(otp_->start(OneTimeFlow::kSignUpOrIn, "ann@example.com", {}, {}), IsOk());
}

TEST_F(PasswordlessTest, AMailThatCannotBeSentIsDeliveryFailed) {
  mailer_.fail = true;
  EXPECT_THAT(otp_->start(OneTimeFlow::kSignUpOrIn, "ann@example.com", {}, {}),
              ErrcIs(Errc::kDeliveryFailed));
  EXPECT_THAT(links_->start(OneTimeFlow::kSignUpOrIn, "bob@example.com",
                            "https://app.example.com/verify", {}, {}),
              ErrcIs(Errc::kDeliveryFailed));
}

TEST_F(PasswordlessTest, UpdateEmailMailsTheNewAddressAndVerifiesIt) {
  auto ann = existing("ann@example.com");
  SessionService::SignIn self{ann, "family"};
  EXPECT_THAT(otp_->update_email(self, "bob@example.com", "new@example.com", {}),
              ErrcIs(Errc::kForbidden));
  auto masked = otp_->update_email(self, "ann@example.com", "New@Example.com", {});
  ASSERT_THAT(masked, IsOk());
  EXPECT_EQ(*masked, "n***@e***.com");
  EXPECT_EQ(mailer_.sent.back().to, "new@example.com");
  auto a = otp_->verify("ann@example.com", mailed_code(), {});
  ASSERT_THAT(a, IsOk());
  EXPECT_EQ(a->user.id, ann.id);
  EXPECT_EQ(a->user.email, "new@example.com");
  EXPECT_TRUE(a->user.verified_email);
}

TEST_F(PasswordlessTest, ADisabledAccountGetsNoCode) {
  auto ann = existing("ann@example.com");
  ASSERT_THAT(users_->update(ann.id, {.status = std::string("disabled")}, {}), IsOk());
  auto r = otp_->start(OneTimeFlow::kSignIn, "ann@example.com", {}, {});
  ASSERT_THAT(r, IsOk());
  EXPECT_THAT(mailer_.sent, IsEmpty());
}

// --- magic links ---

TEST_F(PasswordlessTest, ALinkSignsInOnceFromAnywhere) {
  auto masked = links_->start(OneTimeFlow::kSignUpOrIn, "ann@example.com",
                              "https://app.example.com/verify", {.name = "Ann"}, {});
  ASSERT_THAT(masked, IsOk());
  EXPECT_EQ(*masked, "a***@e***.com");
  ASSERT_THAT(mailer_.sent, SizeIs(1));
  EXPECT_THAT(mailer_.sent[0].text, HasSubstr("https://app.example.com/verify?t="));
  EXPECT_THAT(mailer_.sent[0].text, HasSubstr("10 minutes"));
  const std::string token = mailed_token();
  EXPECT_GE(token.size(), 43u);
  auto a = links_->verify(token, {.ip = "198.51.100.7"});
  ASSERT_THAT(a, IsOk());
  EXPECT_TRUE(a->first_seen);
  EXPECT_TRUE(a->user.verified_email);
  EXPECT_EQ(a->user.name, "Ann");
  EXPECT_THAT(links_->verify(token, {}), ErrcIs(Errc::kLinkInvalid));

  // The next link of the verified account signs in (the one-write path), once.
  now_ += 60;
  ASSERT_THAT(links_->start(OneTimeFlow::kSignIn, "ann@example.com",
                            "https://app.example.com/verify", {}, {}),
              IsOk());
  const std::string next = mailed_token();
  auto b = links_->verify(next, {});
  ASSERT_THAT(b, IsOk());
  EXPECT_FALSE(b->first_seen);
  EXPECT_EQ(b->user.id, a->user.id);
  EXPECT_EQ(b->user.last_login_at, now_);
  EXPECT_THAT(links_->verify(next, {}), ErrcIs(Errc::kLinkInvalid));
}

TEST_F(PasswordlessTest, ALinkKeepsItsQueryAndFragment) {
  ASSERT_THAT(links_->start(OneTimeFlow::kSignUpOrIn, "ann@example.com",
                            "https://app.example.com/verify?x=1#top", {}, {}),
              IsOk());
  EXPECT_THAT(mailer_.sent.back().text, HasSubstr("https://app.example.com/verify?x=1&t="));
  EXPECT_THAT(mailer_.sent.back().text, HasSubstr("#top"));
}

TEST_F(PasswordlessTest, ALinkExpiresAfterTenMinutes) {
  ASSERT_THAT(links_->start(OneTimeFlow::kSignUpOrIn, "ann@example.com",
                            "https://app.example.com/verify", {}, {}),
              IsOk());
  const std::string token = mailed_token();
  now_ += 600;
  EXPECT_THAT(links_->verify(token, {}), ErrcIs(Errc::kLinkInvalid));
}

TEST_F(PasswordlessTest, ANewLinkReplacesTheOld) {
  const std::string uri = "https://app.example.com/verify";
  ASSERT_THAT(links_->start(OneTimeFlow::kSignUpOrIn, "ann@example.com", uri, {}, {}), IsOk());
  const std::string first = mailed_token();
  ASSERT_THAT(links_->start(OneTimeFlow::kSignUpOrIn, "ann@example.com", uri, {}, {}), IsOk());
  const std::string second = mailed_token();
  EXPECT_THAT(links_->verify(first, {}), ErrcIs(Errc::kLinkInvalid));
  EXPECT_THAT(links_->verify(second, {}), IsOk());
}

TEST_F(PasswordlessTest, LinksPointOnlyIntoAllowedOrigins) {
  for (const char* uri : {"https://evil.example.com/verify", "https://app.example.com.evil.io/v",
                          "https://app.example.com@evil.io/v", "http://app.example.com/verify", "",
                          "/verify", "https://app.example.com/ver ify"}) {
    EXPECT_THAT(links_->start(OneTimeFlow::kSignUpOrIn, "ann@example.com", uri, {}, {}),
                ErrcIs(Errc::kInvalidArgument))
        << uri;
  }
  EXPECT_THAT(mailer_.sent, IsEmpty());
  EXPECT_TRUE(
      MagicLinkStrategy::under_origin("https://APP.example.com", "https://app.example.com"));
  EXPECT_TRUE(
      MagicLinkStrategy::under_origin("https://app.example.com?a", "https://app.example.com"));
}

TEST_F(PasswordlessTest, ALinkForAnUnknownAddressOnSignInIsNeverMailed) {
  auto r =
      links_->start(OneTimeFlow::kSignIn, "amy@example.com", "https://app.example.com/v", {}, {});
  ASSERT_THAT(r, IsOk());
  EXPECT_EQ(*r, "a***@e***.com");
  EXPECT_THAT(mailer_.sent, IsEmpty());
}

// --- password reset ---

TEST_F(PasswordlessTest, AResetLinkSignsTheAccountInOnce) {
  auto ann = existing("ann@example.com");
  auto masked = links_->send_password_reset("Ann@Example.com", "", {});
  ASSERT_THAT(masked, IsOk());
  EXPECT_EQ(*masked, "a***@e***.com");
  ASSERT_THAT(mailer_.sent, SizeIs(1));
  EXPECT_EQ(mailer_.sent[0].to, "ann@example.com");
  EXPECT_THAT(mailer_.sent[0].subject, HasSubstr("Reset your Acme password"));
  EXPECT_THAT(mailer_.sent[0].text, HasSubstr("https://app.example.com/reset-password?t="))
      << "no redirectUrl: the default page under the first redirect origin";
  EXPECT_THAT(mailer_.sent[0].text, HasSubstr("10 minutes"));
  const std::string token = mailed_token();
  auto a = links_->verify(token, {});
  ASSERT_THAT(a, IsOk());
  EXPECT_EQ(a->user.id, ann.id);
  EXPECT_FALSE(a->first_seen);
  EXPECT_TRUE(a->user.verified_email) << "the link reached the address";
  EXPECT_THAT(links_->verify(token, {}), ErrcIs(Errc::kLinkInvalid)) << "a reset works once";
  auto events = audit_->search({.actions = {"user.signin"}, .results = {"success"}});
  ASSERT_THAT(events, IsOk());
  ASSERT_THAT(*events, ::testing::Not(IsEmpty()));
  EXPECT_EQ(events->front().detail, "password-reset") << "a reset session is recognisable";
}

TEST_F(PasswordlessTest, AResetLinkExpiresAfterTenMinutes) {
  existing("ann@example.com");
  ASSERT_THAT(links_->send_password_reset("ann@example.com", "https://app.example.com/r", {}),
              IsOk());
  const std::string token = mailed_token();
  now_ += 599;
  ASSERT_THAT(links_->send_password_reset("ann@example.com", "https://app.example.com/r", {}),
              IsOk());
  EXPECT_THAT(links_->verify(token, {}), ErrcIs(Errc::kLinkInvalid)) << "replaced by the new one";
  const std::string second = mailed_token();
  now_ += 600;
  EXPECT_THAT(links_->verify(second, {}), ErrcIs(Errc::kLinkInvalid)) << "expired";
}

TEST_F(PasswordlessTest, ResetAndSignInLinksDoNotReplaceEachOther) {
  existing("ann@example.com");
  const std::string uri = "https://app.example.com/verify";
  ASSERT_THAT(links_->start(OneTimeFlow::kSignIn, "ann@example.com", uri, {}, {}), IsOk());
  const std::string signin = mailed_token();
  ASSERT_THAT(links_->send_password_reset("ann@example.com", uri, {}), IsOk());
  const std::string reset = mailed_token();
  EXPECT_THAT(links_->verify(signin, {}), IsOk());
  EXPECT_THAT(links_->verify(reset, {}), IsOk());
}

TEST_F(PasswordlessTest, AResetOfAnUnknownOrDisabledAccountAnswersAlikeAndMailsNothing) {
  auto r = links_->send_password_reset("amy@example.com", "", {});
  ASSERT_THAT(r, IsOk());
  EXPECT_EQ(*r, "a***@e***.com");
  auto ann = existing("ann@example.com");
  ASSERT_THAT(users_->update(ann.id, {.status = std::string("disabled")}, {}), IsOk());
  auto d = links_->send_password_reset("ann@example.com", "", {});
  ASSERT_THAT(d, IsOk());
  EXPECT_EQ(*d, "a***@e***.com");
  EXPECT_THAT(mailer_.sent, IsEmpty());
}

TEST_F(PasswordlessTest, ResetsAreLimitedAndPointOnlyIntoAllowedOrigins) {
  existing("ann@example.com");
  EXPECT_THAT(links_->send_password_reset("ann@example.com", "https://evil.example.com/r", {}),
              ErrcIs(Errc::kInvalidArgument));
  EXPECT_THAT(mailer_.sent, IsEmpty());
  for (int i = 0; i < 3; ++i) {
    ASSERT_THAT(links_->send_password_reset("ann@example.com", "", {}), IsOk());
  }
  EXPECT_THAT(links_->send_password_reset("ann@example.com", "", {}), ErrcIs(Errc::kRateLimited));
  EXPECT_THAT(links_->send_password_reset("amy@example.com", "", {}), IsOk());
  for (int i = 0; i < 3; ++i) {
    (void)links_->send_password_reset("amy@example.com", "", {});
  }
  EXPECT_THAT(links_->send_password_reset("amy@example.com", "", {}), ErrcIs(Errc::kRateLimited))
      << "an unknown address is limited alike";
  EXPECT_THAT(mailer_.sent, SizeIs(3));
}

// --- email verification (--email-verification required) ---

TEST_F(PasswordlessTest, AVerificationCodeProvesTheAddressOfAnAccount) {
  auto ann = existing("ann@example.com");
  ASSERT_FALSE(ann.verified_email);
  EmailVerifier& verifier = *otp_;
  auto masked = verifier.send_verification(ann, {});
  ASSERT_THAT(masked, IsOk());
  EXPECT_EQ(*masked, "a***@e***.com");
  ASSERT_THAT(mailer_.sent, SizeIs(1));
  EXPECT_EQ(mailer_.sent[0].to, "ann@example.com");
  const std::string code = mailed_code();
  now_ += 299;
  auto a = otp_->verify("ann@example.com", code, {});
  ASSERT_THAT(a, IsOk());
  EXPECT_EQ(a->user.id, ann.id);
  EXPECT_TRUE(a->user.verified_email);
  EXPECT_THAT(otp_->verify("ann@example.com", code, {}), ErrcIs(Errc::kCodeInvalid));

  // Expires like any code; counted against the address like any code.
  ASSERT_THAT(verifier.send_verification(ann, {}), IsOk());
  const std::string late = mailed_code();
  now_ += 300;
  EXPECT_THAT(otp_->verify("ann@example.com", late, {}), ErrcIs(Errc::kCodeExpired));
  int refused = 0;
  for (int i = 0; i < 4; ++i) {
    auto r = verifier.send_verification(ann, {});
    if (!r) {
      EXPECT_THAT(r, ErrcIs(Errc::kRateLimited));
      ++refused;
    }
  }
  EXPECT_GE(refused, 1) << "4 in the same second: more than the 3 free sends";

  auto bob = existing("bob");  // a login id without an email address
  EXPECT_THAT(verifier.send_verification(bob, {}), ErrcIs(Errc::kInvalidArgument));
}

// --- test users' generators (mgmt tests/generate) ---

TEST_F(PasswordlessTest, GeneratedCodesAreForTestUsersOnlyUnmailedAndUnlimited) {
  existing("ann@example.com");
  EXPECT_THAT(otp_->generate_for_test("ann@example.com", {}), ErrcIs(Errc::kInvalidArgument));
  EXPECT_THAT(otp_->generate_for_test("nobody@example.com", {}), ErrcIs(Errc::kUserNotFound));
  NewUserInput in;
  in.login_id = "tess@example.com";
  in.test = true;
  auto tess = users_->create(in, {});
  ASSERT_THAT(tess, IsOk());
  // Far past the 3 mails an address may get at once.
  std::string code;
  for (int i = 0; i < 20; ++i) {
    auto c = otp_->generate_for_test("Tess@Example.com", {.actor = "mgmt-key:k"});
    ASSERT_THAT(c, IsOk()) << i;
    code = *c;
  }
  EXPECT_THAT(mailer_.sent, IsEmpty());
  auto a = otp_->verify("tess@example.com", code, {});
  ASSERT_THAT(a, IsOk());
  EXPECT_EQ(a->user.id, tess->id);
  EXPECT_FALSE(a->first_seen);
  EXPECT_TRUE(a->user.verified_email);
  EXPECT_THAT(otp_->verify("tess@example.com", code, {}), ErrcIs(Errc::kCodeInvalid));

  // Expires like a mailed code.
  auto late = otp_->generate_for_test("tess@example.com", {});
  ASSERT_THAT(late, IsOk());
  now_ += 300;
  EXPECT_THAT(otp_->verify("tess@example.com", *late, {}), ErrcIs(Errc::kCodeExpired));

  ASSERT_THAT(users_->update(tess->id, {.status = std::string("disabled")}, {}), IsOk());
  EXPECT_THAT(otp_->generate_for_test("tess@example.com", {}), ErrcIs(Errc::kUserDisabled));
}

TEST_F(PasswordlessTest, GeneratedLinksAreForTestUsersOnlyAndObeyTheOrigins) {
  existing("ann@example.com");
  const std::string uri = "https://app.example.com/verify";
  EXPECT_THAT(links_->generate_for_test("ann@example.com", uri, {}),
              ErrcIs(Errc::kInvalidArgument));
  NewUserInput in;
  in.login_id = "tess@example.com";
  in.test = true;
  ASSERT_THAT(users_->create(in, {}), IsOk());
  EXPECT_THAT(links_->generate_for_test("tess@example.com", "https://evil.example.com/v", {}),
              ErrcIs(Errc::kInvalidArgument));
  std::string link;
  for (int i = 0; i < 20; ++i) {
    auto l = links_->generate_for_test("tess@example.com", uri, {});
    ASSERT_THAT(l, IsOk()) << i;
    link = *l;
  }
  EXPECT_THAT(mailer_.sent, IsEmpty());
  ASSERT_THAT(link, ::testing::StartsWith(uri + "?t="));
  const std::string token = link.substr(uri.size() + 3);
  auto a = links_->verify(token, {});
  ASSERT_THAT(a, IsOk());
  EXPECT_EQ(a->user.login_id, "tess@example.com");
  EXPECT_THAT(links_->verify(token, {}), ErrcIs(Errc::kLinkInvalid));

  auto late = links_->generate_for_test("tess@example.com", uri, {});
  ASSERT_THAT(late, IsOk());
  now_ += 600;
  EXPECT_THAT(links_->verify(late->substr(uri.size() + 3), {}), ErrcIs(Errc::kLinkInvalid));
}

// --- mail engines ---

TEST(DevMailerTest, LogsEachMessageAndKeepsTheNewest) {
  std::vector<std::string> lines;
  DevMailer dev(
      2, [] { return int64_t{42}; }, [&](const std::string& l) { lines.push_back(l); });
  for (const char* to : {"a@x.io", "b@x.io", "c@x.io"}) {
    ASSERT_THAT(dev.send(code_mail("Acme", to, "123456", 300)), IsOk());
  }
  ASSERT_THAT(lines, SizeIs(3));
  EXPECT_THAT(lines[0], HasSubstr(R"("event":"mail.dev")"));
  EXPECT_THAT(lines[0], HasSubstr("123456"));
  auto kept = dev.messages();
  ASSERT_THAT(kept, SizeIs(2));
  EXPECT_EQ(kept[0].message.to, "c@x.io");
  EXPECT_EQ(kept[1].message.to, "b@x.io");
  EXPECT_EQ(kept[0].at, 42);
}

TEST(SmtpMailerTest, PayloadIsMultipartWithCrlfAndNoInjectedHeaders) {
  MailMessage m =
      link_mail("Acme <&>", "ann@example.com\r\nBcc: evil@x.io", "https://a/v?t=x", 600);
  std::string p = smtp_payload("noreply@example.com", m, 0);
  EXPECT_THAT(p, HasSubstr("From: noreply@example.com\r\n"));
  EXPECT_THAT(p, HasSubstr("To: ann@example.comBcc: evil@x.io\r\n"));
  EXPECT_THAT(p, HasSubstr("Content-Type: multipart/alternative; boundary="));
  EXPECT_THAT(p, HasSubstr("Content-Type: text/plain; charset=utf-8"));
  EXPECT_THAT(p, HasSubstr("Content-Type: text/html; charset=utf-8"));
  EXPECT_THAT(p, HasSubstr("Acme &lt;&amp;&gt;"));
  EXPECT_EQ(p.find("\n\n"), std::string::npos) << "every line ends in CRLF";
  EXPECT_EQ(p.find("Date: Thu, 01 Jan 1970 00:00:00 +0000\r\n"), 0u);
}

// A minimal SMTP relay on 127.0.0.1 that serves one connection at a time and counts
// connections and messages. kTimesOutBetweenMessages answers the second MAIL on a connection
// with 421 and closes it, as a relay whose idle timeout ran out between two sends does.
class FakeRelay {
 public:
  enum Mode { kKeepsConnections, kTimesOutBetweenMessages };
  explicit FakeRelay(Mode mode) : mode_(mode) {
    listen_fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof a;
    if (::bind(listen_fd_, reinterpret_cast<sockaddr*>(&a), len) != 0 ||
        ::listen(listen_fd_, 8) != 0 ||
        ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&a), &len) != 0) {
      ADD_FAILURE() << "fake relay: cannot listen";
    }
    port_ = ntohs(a.sin_port);
    thread_ = std::thread([this] { run(); });
  }
  ~FakeRelay() {
    ::shutdown(listen_fd_, SHUT_RDWR);
    if (int fd = client_fd_.load(); fd >= 0) ::shutdown(fd, SHUT_RDWR);
    thread_.join();
    ::close(listen_fd_);
  }
  int port() const { return port_; }
  int connections() const { return connections_; }
  int messages() const { return messages_; }

 private:
  void run() {
    for (;;) {
      int fd = ::accept(listen_fd_, nullptr, nullptr);
      if (fd < 0) return;
      ++connections_;
      client_fd_ = fd;
      serve(fd);
      client_fd_ = -1;
      ::close(fd);
    }
  }
  static void say(int fd, std::string_view text) {
    (void)::send(fd, text.data(), text.size(), MSG_NOSIGNAL);
  }
  void serve(int fd) {
    say(fd, "220 fake ESMTP\r\n");
    std::string buffer;
    bool in_data = false;
    int here = 0;  // messages on this connection
    char chunk[4096];
    for (;;) {
      size_t eol;
      while ((eol = buffer.find("\r\n")) == std::string::npos) {
        ssize_t n = ::recv(fd, chunk, sizeof chunk, 0);
        if (n <= 0) return;
        buffer.append(chunk, static_cast<size_t>(n));
      }
      std::string line = buffer.substr(0, eol);
      buffer.erase(0, eol + 2);
      if (in_data) {
        if (line != ".") continue;
        in_data = false;
        ++messages_;
        ++here;
        say(fd, "250 OK queued\r\n");
        continue;
      }
      std::string verb = line.substr(0, 4);
      if (verb == "EHLO") {
        say(fd, "250-fake\r\n250 8BITMIME\r\n");
      } else if (verb == "DATA") {
        in_data = true;
        say(fd, "354 end with .\r\n");
      } else if (verb == "MAIL" && here > 0 && mode_ == kTimesOutBetweenMessages) {
        say(fd, "421 4.4.2 idle too long, closing\r\n");
        return;
      } else if (verb == "QUIT") {
        say(fd, "221 bye\r\n");
        return;
      } else {
        say(fd, "250 OK\r\n");  // HELO, MAIL, RCPT, RSET, NOOP
      }
    }
  }

  const Mode mode_;
  int listen_fd_ = -1;
  int port_ = 0;
  std::atomic<int> client_fd_{-1};
  std::atomic<int> connections_{0};
  std::atomic<int> messages_{0};
  std::thread thread_;
};

SmtpConfig relay_config(int port) {
  return {.host = "127.0.0.1",
          .port = port,
          .tls = "none",
          .from = "noreply@example.com",
          .timeout_seconds = 5,
          .attempts = 2};
}

TEST(SmtpMailerTest, MessagesInARowShareOneConnectionToTheRelay) {
  FakeRelay relay(FakeRelay::kKeepsConnections);
  std::vector<std::string> lines;
  {
    SmtpMailer smtp(relay_config(relay.port()), [&](const std::string& l) { lines.push_back(l); });
    for (int i = 0; i < 3; ++i) {
      ASSERT_THAT(smtp.send(code_mail("Acme", "ann@example.com", "123456", 300)), IsOk());
    }
  }  // the mailer ends its session (QUIT), or the relay's destructor would wait on it
  EXPECT_EQ(relay.messages(), 3);
  EXPECT_EQ(relay.connections(), 1);
  EXPECT_THAT(lines, IsEmpty());
}

TEST(SmtpMailerTest, AConnectionTheRelayClosedIsReplacedWithoutAFailure) {
  FakeRelay relay(FakeRelay::kTimesOutBetweenMessages);
  std::vector<std::string> lines;
  SmtpMailer smtp(relay_config(relay.port()), [&](const std::string& l) { lines.push_back(l); });
  for (int i = 0; i < 3; ++i) {
    ASSERT_THAT(smtp.send(code_mail("Acme", "ann@example.com", "123456", 300)), IsOk());
  }
  EXPECT_EQ(relay.messages(), 3);
  EXPECT_EQ(relay.connections(), 3);
  EXPECT_THAT(lines, IsEmpty()) << "a closed kept connection is not a failed attempt";
}

TEST(SmtpMailerTest, AnUnreachableServerFailsAfterTheBoundedAttempts) {
  std::vector<std::string> lines;
  SmtpMailer smtp({.host = "127.0.0.1",
                   .port = 1,
                   .tls = "none",
                   .from = "noreply@example.com",
                   .timeout_seconds = 2,
                   .attempts = 2},
                  [&](const std::string& l) { lines.push_back(l); });
  EXPECT_THAT(smtp.send(code_mail("Acme", "ann@example.com", "123456", 300)),
              ErrcIs(Errc::kDeliveryFailed));
  ASSERT_THAT(lines, SizeIs(2));
  EXPECT_THAT(lines[0], HasSubstr(R"("event":"mail.failed")"));
  EXPECT_THAT(lines[0], HasSubstr("a***@e***.com"));
  EXPECT_EQ(lines[0].find("123456"), std::string::npos) << "no secret in the log";
  EXPECT_EQ(lines[0].find("ann@example.com"), std::string::npos);
}

}  // namespace
}  // namespace gatehouse::auth
