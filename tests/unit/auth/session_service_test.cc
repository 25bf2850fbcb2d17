// SessionService rules with a fake clock: rotation, the grace window, reuse
// detection, logout scopes and disabled users — no sleeps.
#include "auth/session_service.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "auth/audit.h"
#include "auth/key_ring.h"
#include "auth/password_strategy.h"
#include "auth/users.h"
#include "store/sqlite/sqlite_store.h"
#include "support/matchers.h"
#include "support/temp_dir.h"

namespace gatehouse::auth {
namespace {

using ::gatehouse::testing::ErrcIs;
using ::gatehouse::testing::IsOk;

class SessionServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto stores = store::open_sqlite(dir_.file("db"));
    ASSERT_THAT(stores, IsOk());
    stores_ = std::move(*stores);
    config_.project_id = "P2testtesttesttesttesttestte";
    config_.refresh_grace = 10;
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
    passwords_ =
        std::make_unique<PasswordStrategy>(config_, *hasher_, *users_, *stores_.users, *sessions_,
                                           *revocations_, *limiter_, *audit_, clock);
    auto a = passwords_->sign_up({"ann@example.com", "long enough pw", "Ann", "", ""}, {});
    ASSERT_THAT(a, IsOk());
    first_ = *a;
  }

  ::gatehouse::testing::TempDir dir_;
  int64_t now_ = 1'800'000'000;
  AuthConfig config_;
  store::Stores stores_;
  std::unique_ptr<Audit> audit_;
  std::unique_ptr<Revocations> revocations_;
  std::unique_ptr<RateLimiter> limiter_;
  std::unique_ptr<SessionService> sessions_;
  std::unique_ptr<PasswordHasher> hasher_;
  std::unique_ptr<Users> users_;
  std::unique_ptr<PasswordStrategy> passwords_;
  Authenticated first_;
};

TEST_F(SessionServiceTest, RefreshRotatesAndKeepsClaimsCurrent) {
  ASSERT_THAT(stores_.access->create_role({"teacher", "", {}, 0}), IsOk());
  ASSERT_THAT(stores_.users->update(first_.user.id, {.roles = std::vector<std::string>{"teacher"}}),
              IsOk());
  now_ += 60;
  auto r = sessions_->refresh(first_.session.refresh_jwt);
  ASSERT_THAT(r, IsOk());
  EXPECT_NE(r->session.refresh_jwt, first_.session.refresh_jwt);
  EXPECT_EQ(r->session.claims.at("roles").as_array().size(), 1u);
  EXPECT_EQ(r->session.session_exp, now_ + config_.session_ttl);
}

TEST_F(SessionServiceTest, ReplacedTokenWorksInsideGraceWindowOnly) {
  auto second = sessions_->refresh(first_.session.refresh_jwt);
  ASSERT_THAT(second, IsOk());
  now_ += config_.refresh_grace;  // still inside: a second tab
  EXPECT_THAT(sessions_->refresh(first_.session.refresh_jwt), IsOk());
  now_ += 1;  // outside: treated as theft, the whole sign-in ends
  EXPECT_THAT(sessions_->refresh(first_.session.refresh_jwt), ErrcIs(Errc::kTokenRevoked));
  EXPECT_THAT(sessions_->refresh(second->session.refresh_jwt), ErrcIs(Errc::kTokenRevoked));
}

TEST_F(SessionServiceTest, LogoutEndsOneSignInLogoutAllEndsEvery) {
  auto other = passwords_->sign_in("ann@example.com", "long enough pw", {});
  ASSERT_THAT(other, IsOk());
  ASSERT_THAT(sessions_->logout(first_.session.refresh_jwt, {}), IsOk());
  EXPECT_THAT(sessions_->refresh(first_.session.refresh_jwt), ErrcIs(Errc::kTokenRevoked));
  auto third = passwords_->sign_in("ann@example.com", "long enough pw", {});
  ASSERT_THAT(third, IsOk());
  EXPECT_THAT(sessions_->refresh(other->session.refresh_jwt), IsOk());
  ASSERT_THAT(sessions_->logout_all(third->session.refresh_jwt, {}), IsOk());
  EXPECT_THAT(sessions_->refresh(third->session.refresh_jwt), ErrcIs(Errc::kTokenRevoked));
}

TEST_F(SessionServiceTest, ExpiredRefreshTokenIsInvalid) {
  now_ += config_.refresh_ttl + 6;
  EXPECT_THAT(sessions_->refresh(first_.session.refresh_jwt), ErrcIs(Errc::kInvalidToken));
}

TEST_F(SessionServiceTest, SessionTokenIsNotARefreshToken) {
  EXPECT_THAT(sessions_->refresh(first_.session.session_jwt), ErrcIs(Errc::kInvalidToken));
}

TEST_F(SessionServiceTest, DisabledUserCannotRefresh) {
  store::UserUpdate u;
  u.status = "disabled";
  ASSERT_THAT(stores_.users->update(first_.user.id, u), IsOk());
  EXPECT_THAT(sessions_->refresh(first_.session.refresh_jwt), ErrcIs(Errc::kUserDisabled));
}

TEST_F(SessionServiceTest, SignInFailuresLookAlikeAndAreAudited) {
  auto wrong = passwords_->sign_in("ann@example.com", "wrong password", {});
  auto unknown = passwords_->sign_in("nobody@example.com", "wrong password", {});
  ASSERT_FALSE(wrong.ok());
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(wrong.code(), Errc::kInvalidCredentials);
  EXPECT_EQ(wrong.error().message, unknown.error().message);
  store::AuditQuery q;
  q.actions = {"user.signin"};
  auto events = stores_.audit->search(q);
  ASSERT_THAT(events, IsOk());
  ASSERT_EQ(events->size(), 2u);
  EXPECT_EQ((*events)[0].result, "failure");
  EXPECT_EQ((*events)[0].login_id, "nobody@example.com");
}

TEST_F(SessionServiceTest, ExpiredPasswordBlocksSignInUntilReplaced) {
  auto cred = stores_.users->get_password(first_.user.id);
  ASSERT_THAT(cred, IsOk());
  ASSERT_THAT(stores_.users->set_password(first_.user.id, cred->hash, true), IsOk());
  auto blocked = passwords_->sign_in("ann@example.com", "long enough pw", {});
  ASSERT_THAT(blocked, ErrcIs(Errc::kPasswordExpired));
  auto replaced = passwords_->replace("ann@example.com", "long enough pw", "a new long pw", {});
  ASSERT_THAT(replaced, IsOk());
  EXPECT_THAT(passwords_->sign_in("ann@example.com", "a new long pw", {}), IsOk());
}

}  // namespace
}  // namespace gatehouse::auth
