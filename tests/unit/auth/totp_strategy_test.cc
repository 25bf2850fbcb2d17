// TotpStrategy with a fake clock: the ±1 step window, replay within the window, wrong
// codes and unknown accounts alike, the lockout, and TOTP as the second factor after a
// password (tickets: single use, expiry) — no sleeps.
#include "auth/totp_strategy.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "auth/audit.h"
#include "auth/key_ring.h"
#include "auth/password_strategy.h"
#include "auth/users.h"
#include "gatehouse/crypto/base32.h"
#include "gatehouse/crypto/totp.h"
#include "store/sqlite/sqlite_store.h"
#include "support/matchers.h"
#include "support/temp_dir.h"

namespace gatehouse::auth {
namespace {

using ::gatehouse::testing::ErrcIs;
using ::gatehouse::testing::IsOk;
using ::testing::ElementsAre;

std::vector<std::string> amr(const Authenticated& a) {
  std::vector<std::string> out;
  for (const auto& v : a.session.claims.at("amr").as_array()) out.emplace_back(v.as_string());
  return out;
}

class TotpStrategyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto stores = store::open_sqlite(dir_.file("db"));
    ASSERT_THAT(stores, IsOk());
    stores_ = std::move(*stores);
    config_.project_id = "P2testtesttesttesttesttestte";
    Clock clock = [this] { return now_; };
    auto keys = KeyRing::open(dir_.path().string(), *stores_.signing_keys,
                              {.clock = clock, .kek = std::string(32, 'k')});
    ASSERT_THAT(keys, IsOk());
    audit_ = std::make_unique<Audit>(*stores_.audit, clock);
    revocations_ = std::make_unique<Revocations>(*stores_.sessions, config_, clock);
    RateLimits limits;
    limits.login = {5, 5, 900, 60};  // five attempts per login id, then locked
    limiter_ = std::make_unique<RateLimiter>(*stores_.rate_limits, limits, *audit_, clock);
    sessions_ = std::make_unique<SessionService>(
        config_, SessionService::Stores{*stores_.users, *stores_.sessions, *stores_.access}, *keys,
        *revocations_, *audit_, clock);
    hasher_ = std::make_unique<PasswordHasher>(config_, 1);
    users_ = std::make_unique<Users>(*hasher_, *stores_.users, *revocations_, *audit_, clock);
    passwords_ =
        std::make_unique<PasswordStrategy>(config_, *hasher_, *users_, *stores_.users, *sessions_,
                                           *revocations_, *limiter_, *audit_, clock);
    totp_ = std::make_unique<TotpStrategy>(config_, TotpOptions{}, *users_, *stores_.users,
                                           *stores_.totp, *sessions_, *limiter_, *audit_, clock);
    passwords_->set_second_factor(totp_.get());
  }

  // The key of a new TOTP-only account.
  std::string enrol(const std::string& login_id) {
    auto e = totp_->sign_up({.login_id = login_id}, {});
    EXPECT_THAT(e, IsOk());
    return e ? e->key : "";
  }
  // A password account with a TOTP secret in force: enrolled with its own session and
  // confirmed with the previous step's code (so the current step's stays unused).
  std::string password_and_totp(const std::string& login_id) {
    auto up = passwords_->sign_up({login_id, "long enough pw", "", "", ""}, {});
    EXPECT_THAT(up, IsOk());
    if (!up) return "";
    auto self = sessions_->sign_in_of(up->session.refresh_jwt);
    EXPECT_THAT(self, IsOk());
    auto e = totp_->update(*self, login_id, {});
    EXPECT_THAT(e, IsOk());
    EXPECT_THAT(passwords_->sign_in(login_id, "long enough pw", {}), IsOk())
        << "a secret no code was accepted for is not in force yet";
    EXPECT_THAT(totp_->verify(login_id, code(e->key, -30), up->session.refresh_jwt, {}), IsOk());
    return e->key;
  }
  // The code an authenticator shows for `key` at now + offset.
  std::string code(const std::string& key, int64_t offset = 0) {
    return crypto::totp_code(crypto::base32_decode(key).value_or(""), now_ + offset);
  }

  ::gatehouse::testing::TempDir dir_;
  int64_t now_ = 1'800'000'010;  // 10 s into a step
  AuthConfig config_;
  store::Stores stores_;
  std::unique_ptr<Audit> audit_;
  std::unique_ptr<Revocations> revocations_;
  std::unique_ptr<RateLimiter> limiter_;
  std::unique_ptr<SessionService> sessions_;
  std::unique_ptr<PasswordHasher> hasher_;
  std::unique_ptr<Users> users_;
  std::unique_ptr<PasswordStrategy> passwords_;
  std::unique_ptr<TotpStrategy> totp_;
};

TEST_F(TotpStrategyTest, EnrolmentGivesABase32KeyAndItsUri) {
  auto e = totp_->sign_up({.login_id = "Ann@Example.com", .name = "Ann"}, {});
  ASSERT_THAT(e, IsOk());
  auto secret = crypto::base32_decode(e->key);
  ASSERT_TRUE(secret);
  EXPECT_EQ(secret->size(), crypto::kTotpKeyBytes);
  EXPECT_EQ(e->provisioning_url,
            "otpauth://totp/Gatehouse:ann%40example.com?secret=" + e->key + "&issuer=Gatehouse");
  auto user = users_->by_login_id("ann@example.com");
  ASSERT_THAT(user, IsOk());
  EXPECT_TRUE(user->has_totp);
  EXPECT_FALSE(user->has_password);
  EXPECT_THAT(totp_->sign_up({.login_id = "ann@example.com"}, {}), ErrcIs(Errc::kUserExists));
}

TEST_F(TotpStrategyTest, TheWindowIsOneStepEitherSide) {
  const std::string a = enrol("a@example.com");
  const std::string b = enrol("b@example.com");
  const std::string c = enrol("c@example.com");
  EXPECT_THAT(totp_->verify("a@example.com", code(a, -30), "", {}), IsOk());
  EXPECT_THAT(totp_->verify("b@example.com", code(b, +30), "", {}), IsOk());
  EXPECT_THAT(totp_->verify("c@example.com", code(c, -60), "", {}), ErrcIs(Errc::kInvalidCode));
  EXPECT_THAT(totp_->verify("c@example.com", code(c, +60), "", {}), ErrcIs(Errc::kInvalidCode));
  EXPECT_THAT(totp_->verify("c@example.com", code(c), "", {}), IsOk());
}

TEST_F(TotpStrategyTest, ACodeIsAcceptedOnceInItsWindow) {
  const std::string key = enrol("ann@example.com");
  const std::string now_code = code(key);
  auto first = totp_->verify("ann@example.com", now_code, "", {});
  ASSERT_THAT(first, IsOk());
  EXPECT_TRUE(first->first_seen);
  EXPECT_THAT(amr(*first), ElementsAre("totp"));
  EXPECT_THAT(totp_->verify("ann@example.com", now_code, "", {}), ErrcIs(Errc::kInvalidCode));
  // 30 s on, the same code is still inside the window and still refused; so is the one
  // before it, which is older than the step accepted.
  now_ += 30;
  EXPECT_THAT(totp_->verify("ann@example.com", now_code, "", {}), ErrcIs(Errc::kInvalidCode));
  // The next step's code is new.
  auto next = totp_->verify("ann@example.com", code(key), "", {});
  ASSERT_THAT(next, IsOk());
  EXPECT_FALSE(next->first_seen);
}

TEST_F(TotpStrategyTest, WrongCodesUnknownAccountsAndAccountsWithoutTotpLookAlike) {
  const std::string key = enrol("ann@example.com");
  std::string wrong = code(key);
  wrong[0] = wrong[0] == '9' ? '0' : static_cast<char>(wrong[0] + 1);
  ASSERT_THAT(passwords_->sign_up({"pat@example.com", "long enough pw", "", "", ""}, {}), IsOk());
  auto a = totp_->verify("ann@example.com", wrong, "", {});
  auto b = totp_->verify("nobody@example.com", "123456", "", {});
  auto c = totp_->verify("pat@example.com", "123456", "", {});
  auto d = totp_->verify("ann@example.com", "12345x", "", {});
  for (const auto* r : {&a, &b, &c, &d}) {
    ASSERT_THAT(*r, ErrcIs(Errc::kInvalidCode));
    EXPECT_EQ(r->error().message, a.error().message);
  }
  EXPECT_THAT(totp_->verify("ann@example.com", "", "", {}), ErrcIs(Errc::kInvalidArgument));
}

TEST_F(TotpStrategyTest, WrongCodesCountTowardsTheLockout) {
  const std::string key = enrol("ann@example.com");
  for (int i = 0; i < 5; ++i) {
    EXPECT_THAT(totp_->verify("ann@example.com", "000000", "", {}), ErrcIs(Errc::kInvalidCode));
  }
  auto locked = totp_->verify("ann@example.com", code(key), "", {});
  ASSERT_THAT(locked, ErrcIs(Errc::kRateLimited));
  EXPECT_GT(locked.error().retry_after, 0);
}

TEST_F(TotpStrategyTest, UpdateReplacesTheKeyOfTheSignedInUserOnly) {
  const std::string old_key = enrol("ann@example.com");
  auto signed_in = totp_->verify("ann@example.com", code(old_key), "", {});
  ASSERT_THAT(signed_in, IsOk());
  auto self = sessions_->sign_in_of(signed_in->session.refresh_jwt);
  ASSERT_THAT(self, IsOk());
  EXPECT_THAT(totp_->update(*self, "bob@example.com", {}), ErrcIs(Errc::kForbidden));
  auto e = totp_->update(*self, "ann@example.com", {});
  ASSERT_THAT(e, IsOk());
  EXPECT_NE(e->key, old_key);
  now_ += 30;
  EXPECT_THAT(totp_->verify("ann@example.com", code(old_key), "", {}), ErrcIs(Errc::kInvalidCode));
  EXPECT_THAT(totp_->verify("ann@example.com", code(e->key), "", {}), IsOk());
}

TEST_F(TotpStrategyTest, APasswordWithTotpEndsInATicketThatTheCodeRedeemsOnce) {
  const std::string key = password_and_totp("pat@example.com");
  auto first = passwords_->sign_in("pat@example.com", "long enough pw", {});
  ASSERT_THAT(first, ErrcIs(Errc::kMfaRequired));
  const std::string ticket = first.error().mfa_ticket;
  EXPECT_GE(ticket.size(), 40u);
  EXPECT_THAT(passwords_->sign_in("pat@example.com", "wrong password!", {}),
              ErrcIs(Errc::kInvalidCredentials));

  EXPECT_THAT(totp_->verify("pat@example.com", code(key), "", {}), ErrcIs(Errc::kInvalidCode))
      << "the code alone is not enough for an account with a password";
  auto r = totp_->verify("pat@example.com", code(key), ticket, {});
  ASSERT_THAT(r, IsOk());
  EXPECT_THAT(amr(*r), ElementsAre("pwd", "totp", "mfa"));
  now_ += 30;
  EXPECT_THAT(totp_->verify("pat@example.com", code(key), ticket, {}), ErrcIs(Errc::kInvalidCode))
      << "single use";
}

TEST_F(TotpStrategyTest, OnlyTheUsersOwnSignInConfirmsANewSecret) {
  auto pat = passwords_->sign_up({"pat@example.com", "long enough pw", "", "", ""}, {});
  auto bob = passwords_->sign_up({"bob@example.com", "long enough pw", "", "", ""}, {});
  ASSERT_THAT(pat, IsOk());
  ASSERT_THAT(bob, IsOk());
  auto self = sessions_->sign_in_of(pat->session.refresh_jwt);
  ASSERT_THAT(self, IsOk());
  auto e = totp_->update(*self, "pat@example.com", {});
  ASSERT_THAT(e, IsOk());
  EXPECT_THAT(totp_->verify("pat@example.com", code(e->key), bob->session.refresh_jwt, {}),
              ErrcIs(Errc::kInvalidCode));
  EXPECT_THAT(totp_->verify("pat@example.com", code(e->key), "x.y.z", {}),
              ErrcIs(Errc::kInvalidCode));
  EXPECT_THAT(passwords_->sign_in("pat@example.com", "long enough pw", {}), IsOk())
      << "still not in force";
  EXPECT_THAT(totp_->verify("pat@example.com", code(e->key), pat->session.refresh_jwt, {}), IsOk());
  EXPECT_THAT(passwords_->sign_in("pat@example.com", "long enough pw", {}),
              ErrcIs(Errc::kMfaRequired));
}

TEST_F(TotpStrategyTest, ATicketExpires) {
  const std::string key = password_and_totp("pat@example.com");
  auto first = passwords_->sign_in("pat@example.com", "long enough pw", {});
  ASSERT_THAT(first, ErrcIs(Errc::kMfaRequired));
  now_ += TotpOptions{}.ticket_ttl;
  EXPECT_THAT(totp_->verify("pat@example.com", code(key), first.error().mfa_ticket, {}),
              ErrcIs(Errc::kInvalidCode));
}

TEST_F(TotpStrategyTest, RemovingTotpLetsThePasswordSignInAlone) {
  password_and_totp("pat@example.com");
  ASSERT_THAT(passwords_->sign_in("pat@example.com", "long enough pw", {}),
              ErrcIs(Errc::kMfaRequired));
  auto user = users_->by_login_id("pat@example.com");
  ASSERT_THAT(user, IsOk());
  ASSERT_THAT(totp_->remove(*user, {}), IsOk());
  EXPECT_THAT(totp_->remove(*user, {}), IsOk()) << "idempotent";
  EXPECT_THAT(passwords_->sign_in("pat@example.com", "long enough pw", {}), IsOk());
}

}  // namespace
}  // namespace gatehouse::auth
