// SessionStore contract: refresh tokens, rotation (one winner) and revocation.
#include <atomic>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "store_contract_fixture.h"

namespace gatehouse::store::testing {
namespace {

class SessionContractTest : public StoreContractFixture {};

TEST_P(SessionContractTest, RefreshTokenInsertAndGet) {
  ASSERT_THAT(users().create(new_user("U1", "a@x.io")), IsOk());
  ASSERT_THAT(sessions().insert(token("T1", "U1", "F1")), IsOk());

  RefreshToken t = get_token("T1");
  EXPECT_EQ(t.id, "T1");
  EXPECT_EQ(t.user_id, "U1");
  EXPECT_EQ(t.family_id, "F1");
  EXPECT_EQ(t.token_hash, "hash-of-T1");
  EXPECT_EQ(t.issued_at, 100);
  EXPECT_EQ(t.expires_at, 3700);
  EXPECT_EQ(t.revoked_at, 0);
  EXPECT_EQ(t.rotated_at, 0);
  EXPECT_EQ(t.replaced_by, "");

  EXPECT_THAT(sessions().get("T404"), ErrcIs(Errc::kNotFound));
  EXPECT_THAT(sessions().insert(token("T1", "U1", "F1")), ErrcIs(Errc::kConflict));
  EXPECT_THAT(sessions().insert(token("T2", "U404", "F2")), ErrcIs(Errc::kUserNotFound));
}

// A refresh reads its token and the token's user together: both as get() and
// get_by_id() read them, roles and tenant roles included.
TEST_P(SessionContractTest, ATokenIsReadWithItsUser) {
  create_roles({"admin", "teacher"});
  Tenant tenant;
  tenant.id = "TN1";
  tenant.name = "First";
  ASSERT_THAT(access().create_tenant(tenant), IsOk());
  ASSERT_THAT(users().create(new_user("U1", "a@x.io", {"teacher", "admin"})), IsOk());
  UserUpdate up;
  up.tenants = std::vector<UserTenant>{UserTenant{"TN1", "", {"teacher"}}};
  ASSERT_THAT(users().update("U1", up), IsOk());
  ASSERT_THAT(users().create(new_user("U2", "b@x.io")), IsOk());
  ASSERT_THAT(sessions().insert(token("T1", "U1", "F1")), IsOk());
  ASSERT_THAT(sessions().insert(token("T2", "U2", "F2")), IsOk());

  auto both = sessions().get_with_user("T1");
  ASSERT_THAT(both, IsOk());
  EXPECT_EQ(both->token.id, "T1");
  EXPECT_EQ(both->token.family_id, "F1");
  EXPECT_EQ(both->token.token_hash, "hash-of-T1");
  EXPECT_EQ(both->token.revoked_at, 0);
  EXPECT_EQ(both->user.id, "U1");
  EXPECT_EQ(both->user.login_id, "a@x.io");
  EXPECT_EQ(both->user.name, "Name of U1");
  EXPECT_EQ(both->user.status, "enabled");
  EXPECT_THAT(both->user.roles, ::testing::ElementsAre("admin", "teacher"));
  ASSERT_THAT(both->user.tenants, ::testing::SizeIs(1));
  EXPECT_EQ(both->user.tenants[0].tenant_id, "TN1");
  EXPECT_EQ(both->user.tenants[0].tenant_name, "First");
  EXPECT_THAT(both->user.tenants[0].roles, ::testing::ElementsAre("teacher"));
  EXPECT_EQ(both->user.last_login_at, get_user("U1").last_login_at);

  auto other = sessions().get_with_user("T2");
  ASSERT_THAT(other, IsOk());
  EXPECT_EQ(other->user.id, "U2");
  EXPECT_TRUE(other->user.roles.empty());
  EXPECT_TRUE(other->user.tenants.empty());

  // A token of an ended sign-in reads as revoked, as get() reads it.
  ASSERT_THAT(sessions().revoke_family("F1", 900), IsOk());
  auto revoked = sessions().get_with_user("T1");
  ASSERT_THAT(revoked, IsOk());
  EXPECT_EQ(revoked->token.revoked_at, 900);
  EXPECT_EQ(revoked->user.id, "U1");

  EXPECT_THAT(sessions().get_with_user("T404"), ErrcIs(Errc::kNotFound));
  // Deleting a user takes its tokens with it.
  ASSERT_THAT(users().remove("U2"), IsOk());
  EXPECT_THAT(sessions().get_with_user("T2"), ErrcIs(Errc::kNotFound));
}

TEST_P(SessionContractTest, TheFirstTokenOfAFamilyIsTheUsersLastLogin) {
  ASSERT_THAT(users().create(new_user("U1", "a@x.io")), IsOk());
  EXPECT_EQ(users().get_by_id("U1")->last_login_at, 0);
  RefreshToken first = token("T1", "U1", "F1");
  first.issued_at = 5000;
  ASSERT_THAT(sessions().insert(first), IsOk());
  EXPECT_EQ(users().get_by_id("U1")->last_login_at, 5000);
  // More tokens of the same sign-in (rotation) are not new sign-ins.
  RefreshToken next = token("T2", "U1", "F1");
  next.issued_at = 6000;
  ASSERT_THAT(sessions().rotate("T1", next, 6000), IsOk());
  EXPECT_EQ(users().get_by_id("U1")->last_login_at, 5000);
  // A new family is.
  RefreshToken other = token("T3", "U1", "F2");
  other.issued_at = 7000;
  ASSERT_THAT(sessions().insert(other), IsOk());
  EXPECT_EQ(users().get_by_id("U1")->last_login_at, 7000);
}

// A token belongs to its sign-in (family), the family to its user: deleting the user
// removes every family of the user and every token of those, rotated ones included, and
// leaves other users' sign-ins alone.
TEST_P(SessionContractTest, DeletingAUserRemovesEveryTokenOfEachOfItsSignIns) {
  ASSERT_THAT(users().create(new_user("U1", "a@x.io")), IsOk());
  ASSERT_THAT(users().create(new_user("U2", "b@x.io")), IsOk());
  ASSERT_THAT(sessions().insert(token("T1", "U1", "F1")), IsOk());
  ASSERT_THAT(sessions().rotate("T1", token("T2", "U1", "F1"), 200), IsOk());
  ASSERT_THAT(sessions().insert(token("T3", "U1", "F2")), IsOk());
  ASSERT_THAT(sessions().revoke_family("F2", 300), IsOk());
  ASSERT_THAT(sessions().insert(token("T4", "U2", "F3")), IsOk());

  ASSERT_THAT(users().remove("U1"), IsOk());
  for (const char* id : {"T1", "T2", "T3"}) {
    EXPECT_THAT(sessions().get(id), ErrcIs(Errc::kNotFound)) << id;
  }
  EXPECT_EQ(get_token("T4").user_id, "U2");
  EXPECT_THAT(sessions().rotate("T4", token("T5", "U2", "F3"), 400), IsOk());
  // The deleted user's sign-in cannot be started again under its old family id.
  EXPECT_THAT(sessions().insert(token("T6", "U1", "F1")), ErrcIs(Errc::kUserNotFound));
}

TEST_P(SessionContractTest, RotateMarksTheOldTokenAndInsertsTheNewOne) {
  ASSERT_THAT(users().create(new_user("U1", "a@x.io")), IsOk());
  ASSERT_THAT(sessions().insert(token("T1", "U1", "F1")), IsOk());

  ASSERT_THAT(sessions().rotate("T1", token("T2", "U1", "F1"), 500), IsOk());
  RefreshToken old = get_token("T1");
  EXPECT_EQ(old.rotated_at, 500);
  EXPECT_EQ(old.replaced_by, "T2");
  EXPECT_EQ(old.revoked_at, 0);
  RefreshToken next = get_token("T2");
  EXPECT_EQ(next.family_id, "F1");
  EXPECT_EQ(next.rotated_at, 0);

  // A token can be rotated once: the second attempt fails and inserts nothing.
  EXPECT_THAT(sessions().rotate("T1", token("T3", "U1", "F1"), 600), ErrcIs(Errc::kTokenRevoked));
  EXPECT_THAT(sessions().get("T3"), ErrcIs(Errc::kNotFound));
  EXPECT_EQ(get_token("T1").replaced_by, "T2");

  EXPECT_THAT(sessions().rotate("T404", token("T4", "U1", "F1"), 600), ErrcIs(Errc::kNotFound));
  EXPECT_THAT(sessions().get("T4"), ErrcIs(Errc::kNotFound));
}

TEST_P(SessionContractTest, FailedRotationLeavesTheOldTokenUntouched) {
  ASSERT_THAT(users().create(new_user("U1", "a@x.io")), IsOk());
  ASSERT_THAT(users().create(new_user("U2", "b@x.io")), IsOk());
  ASSERT_THAT(sessions().insert(token("T0", "U1", "F1")), IsOk());
  ASSERT_THAT(sessions().insert(token("T1", "U1", "F1")), IsOk());

  // The replacement's id is taken: the insert fails after the mark, so the
  // whole rotation must roll back.
  EXPECT_THAT(sessions().rotate("T1", token("T0", "U1", "F1"), 500), ErrcIs(Errc::kConflict));
  EXPECT_EQ(get_token("T1").rotated_at, 0);
  EXPECT_EQ(get_token("T1").replaced_by, "");

  EXPECT_THAT(sessions().rotate("T1", token("T2", "U1", "F-other"), 500),
              ErrcIs(Errc::kInvalidArgument));
  EXPECT_THAT(sessions().rotate("T1", token("T2", "U2", "F1"), 500),
              ErrcIs(Errc::kInvalidArgument));
  EXPECT_THAT(sessions().get("T2"), ErrcIs(Errc::kNotFound));
  EXPECT_EQ(get_token("T1").rotated_at, 0);

  // Still rotatable afterwards.
  EXPECT_THAT(sessions().rotate("T1", token("T2", "U1", "F1"), 500), IsOk());
}

TEST_P(SessionContractTest, RevokedTokenCannotBeRotated) {
  ASSERT_THAT(users().create(new_user("U1", "a@x.io")), IsOk());
  ASSERT_THAT(sessions().insert(token("T1", "U1", "F1")), IsOk());
  ASSERT_THAT(sessions().revoke("T1", 400), IsOk());
  EXPECT_THAT(sessions().rotate("T1", token("T2", "U1", "F1"), 500), ErrcIs(Errc::kTokenRevoked));
  EXPECT_THAT(sessions().get("T2"), ErrcIs(Errc::kNotFound));
}

TEST_P(SessionContractTest, RevokeOneToken) {
  ASSERT_THAT(users().create(new_user("U1", "a@x.io")), IsOk());
  ASSERT_THAT(sessions().insert(token("T1", "U1", "F1")), IsOk());
  ASSERT_THAT(sessions().insert(token("T2", "U1", "F1")), IsOk());

  ASSERT_THAT(sessions().revoke("T1", 400), IsOk());
  EXPECT_EQ(get_token("T1").revoked_at, 400);
  EXPECT_EQ(get_token("T2").revoked_at, 0);

  // Revoking again succeeds and keeps the first time.
  ASSERT_THAT(sessions().revoke("T1", 900), IsOk());
  EXPECT_EQ(get_token("T1").revoked_at, 400);

  EXPECT_THAT(sessions().revoke("T404", 400), ErrcIs(Errc::kNotFound));
}

TEST_P(SessionContractTest, RevokeFamily) {
  ASSERT_THAT(users().create(new_user("U1", "a@x.io")), IsOk());
  ASSERT_THAT(sessions().insert(token("A1", "U1", "FA")), IsOk());
  ASSERT_THAT(sessions().insert(token("A2", "U1", "FA")), IsOk());
  ASSERT_THAT(sessions().insert(token("B1", "U1", "FB")), IsOk());
  ASSERT_THAT(sessions().revoke("A2", 300), IsOk());

  ASSERT_THAT(sessions().revoke_family("FA", 700), IsOk());
  EXPECT_EQ(get_token("A1").revoked_at, 700);
  EXPECT_EQ(get_token("A2").revoked_at, 300);  // already revoked: unchanged
  EXPECT_EQ(get_token("B1").revoked_at, 0);

  EXPECT_THAT(sessions().revoke_family("F-unknown", 700), IsOk());
}

TEST_P(SessionContractTest, RevokeAllTokensOfAUser) {
  ASSERT_THAT(users().create(new_user("U1", "a@x.io")), IsOk());
  ASSERT_THAT(users().create(new_user("U2", "b@x.io")), IsOk());
  ASSERT_THAT(sessions().insert(token("A1", "U1", "FA")), IsOk());
  ASSERT_THAT(sessions().insert(token("B1", "U1", "FB")), IsOk());
  ASSERT_THAT(sessions().insert(token("C1", "U2", "FC")), IsOk());

  ASSERT_THAT(sessions().revoke_user("U1", 800), IsOk());
  EXPECT_EQ(get_token("A1").revoked_at, 800);
  EXPECT_EQ(get_token("B1").revoked_at, 800);
  EXPECT_EQ(get_token("C1").revoked_at, 0);

  EXPECT_THAT(sessions().revoke_user("U404", 800), IsOk());
}

// --- sign-ins proven by a one-time secret (an email code or link) ---

class SpendingContractTest : public StoreContractFixture {
 protected:
  void SetUp() override {
    StoreContractFixture::SetUp();
    ASSERT_THAT(users().create(new_user("U1", "a@x.io")), IsOk());
    OneTimeSecret s;
    s.purpose = "otp";
    s.login_id = "a@x.io";
    s.user_id = "U1";
    s.secret_hash = "h1";
    s.data = R"({"intent":"signin"})";
    s.created_at = 1000;
    s.expires_at = 1300;
    ASSERT_THAT(one_time().put(s), IsOk());
  }
  static SecretSpend spend(const std::string& hash = "h1", int64_t now = 1100) {
    return SecretSpend{.purpose = "otp", .login_id = "a@x.io", .secret_hash = hash, .now = now};
  }
  bool secret_is_there() {
    auto found = one_time().find("otp", "a@x.io");
    EXPECT_THAT(found, IsOk());
    return found && found->has_value();
  }
};

TEST_P(SpendingContractTest, TheSignInAndTheSpentSecretAreOneWrite) {
  RefreshToken first = token("T1", "U1", "F1");
  first.issued_at = 1100;
  ASSERT_THAT(sessions().insert_spending(first, spend()), IsOk());
  EXPECT_EQ(get_token("T1").family_id, "F1");
  EXPECT_EQ(users().get_by_id("U1")->last_login_at, 1100);
  EXPECT_FALSE(secret_is_there()) << "spent";
  // The same secret cannot start a second sign-in; nothing of it is written.
  EXPECT_THAT(sessions().insert_spending(token("T2", "U1", "F2"), spend()),
              ErrcIs(Errc::kCodeInvalid));
  EXPECT_THAT(sessions().get("T2"), ErrcIs(Errc::kNotFound));
  EXPECT_EQ(one_time().consume("otp", "a@x.io", "h1", 1100, 5)->outcome, ConsumeOutcome::kMissing);
}

// A spent secret is kept only until the sweep of expired rows; no read sees it meanwhile,
// and a new secret for the same address takes its place.
TEST_P(SpendingContractTest, ASpentSecretIsAbsentToEveryReadUntilANewOneIsPut) {
  ASSERT_THAT(sessions().insert_spending(token("T1", "U1", "F1"), spend()), IsOk());
  auto by_hash = one_time().find_by_hash("otp", "h1");
  ASSERT_THAT(by_hash, IsOk());
  EXPECT_FALSE(by_hash->has_value());
  EXPECT_EQ(*one_time().count_live("otp", 1100), 0);
  EXPECT_EQ(one_time().consume_by_hash("otp", "h1", 1100)->outcome, ConsumeOutcome::kMissing);

  OneTimeSecret next;
  next.purpose = "otp";
  next.login_id = "a@x.io";
  next.user_id = "U1";
  next.secret_hash = "h2";
  next.created_at = 1150;
  next.expires_at = 1450;
  ASSERT_THAT(one_time().put(next), IsOk());
  auto found = one_time().find("otp", "a@x.io");
  ASSERT_THAT(found, IsOk());
  ASSERT_TRUE(found->has_value());
  EXPECT_EQ((*found)->secret_hash, "h2");
  EXPECT_EQ((*found)->attempts, 0);
  EXPECT_EQ(*one_time().count_live("otp", 1150), 1);
  EXPECT_THAT(sessions().insert_spending(token("T2", "U1", "F2"), spend("h1", 1150)),
              ErrcIs(Errc::kCodeInvalid));
  EXPECT_THAT(sessions().insert_spending(token("T3", "U1", "F3"), spend("h2", 1160)), IsOk());
  EXPECT_EQ(*one_time().purge(1449), 0) << "spent, not yet expired";
  EXPECT_EQ(*one_time().purge(1450), 1);
}

TEST_P(SpendingContractTest, AWrongExpiredOrReplacedSecretStartsNothing) {
  EXPECT_THAT(sessions().insert_spending(token("T1", "U1", "F1"), spend("h2")),
              ErrcIs(Errc::kCodeInvalid));
  EXPECT_THAT(sessions().insert_spending(token("T2", "U1", "F2"), spend("h1", 1300)),
              ErrcIs(Errc::kCodeInvalid))
      << "dead at its expiry";
  EXPECT_THAT(sessions().get("T1"), ErrcIs(Errc::kNotFound));
  EXPECT_THAT(sessions().get("T2"), ErrcIs(Errc::kNotFound));
  EXPECT_EQ(users().get_by_id("U1")->last_login_at, 0);
  EXPECT_TRUE(secret_is_there()) << "a failed spend changes nothing";
}

// The secret's delete is undone with the rest when the sign-in cannot be written.
TEST_P(SpendingContractTest, ASignInThatFailsKeepsTheSecret) {
  EXPECT_THAT(sessions().insert_spending(token("T1", "U404", "F1"), spend()),
              ErrcIs(Errc::kUserNotFound));
  ASSERT_THAT(sessions().insert(token("T0", "U1", "F0")), IsOk());
  EXPECT_THAT(sessions().insert_spending(token("T0", "U1", "F9"), spend()),
              ErrcIs(Errc::kConflict));
  EXPECT_TRUE(secret_is_there());
  EXPECT_THAT(sessions().insert_spending(token("T1", "U1", "F1"), spend()), IsOk());
}

TEST_P(SpendingContractTest, OfConcurrentSpendsOfOneSecretExactlyOneStarts) {
  constexpr int kThreads = 6;
  std::atomic<int> won = 0;
  std::atomic<int> refused = 0;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      const std::string n = std::to_string(t);
      auto st = sessions().insert_spending(token("T" + n, "U1", "F" + n), spend());
      if (st) {
        ++won;
      } else if (st.code() == Errc::kCodeInvalid) {
        ++refused;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(won.load(), 1);
  EXPECT_EQ(refused.load(), kThreads - 1);
  int present = 0;
  for (int t = 0; t < kThreads; ++t) present += sessions().get("T" + std::to_string(t)) ? 1 : 0;
  EXPECT_EQ(present, 1);
}

GH_INSTANTIATE_STORE_CONTRACT(SpendingContractTest);

TEST_P(SessionContractTest, ConcurrentRotationsOfOneTokenHaveOneWinner) {
  ASSERT_THAT(users().create(new_user("U1", "a@x.io")), IsOk());
  ASSERT_THAT(sessions().insert(token("T0", "U1", "F1")), IsOk());
  constexpr int kThreads = 6;
  std::atomic<int> won = 0;
  std::atomic<int> revoked = 0;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      auto st = sessions().rotate("T0", token("N" + std::to_string(t), "U1", "F1"), 500);
      if (st) {
        ++won;
      } else if (st.code() == Errc::kTokenRevoked) {
        ++revoked;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(won.load(), 1);
  EXPECT_EQ(revoked.load(), kThreads - 1);
  const std::string winner = get_token("T0").replaced_by;
  int present = 0;
  for (int t = 0; t < kThreads; ++t) {
    const std::string id = "N" + std::to_string(t);
    if (sessions().get(id)) {
      ++present;
      EXPECT_EQ(id, winner);
    }
  }
  EXPECT_EQ(present, 1);
}

// --- sign-ins that were ended ---

// A refresh racing a logout of the same sign-in: whichever runs first, no token of the
// family is left live (a replacement the rotation inserted is revoked with the family).
TEST_P(SessionContractTest, ARotationRacingAFamilyRevocationLeavesNoLiveToken) {
  ASSERT_THAT(users().create(new_user("U1", "a@x.io")), IsOk());
  constexpr int kRounds = 20;
  for (int round = 0; round < kRounds; ++round) {
    const std::string n = std::to_string(round);
    ASSERT_THAT(sessions().insert(token("T" + n, "U1", "F" + n)), IsOk());
  }
  std::atomic<int> unexpected = 0;
  for (int round = 0; round < kRounds; ++round) {
    const std::string n = std::to_string(round);
    std::thread rotation([&] {
      auto st = sessions().rotate("T" + n, token("R" + n, "U1", "F" + n), 500);
      if (!st && st.code() != Errc::kTokenRevoked) ++unexpected;
    });
    std::thread logout([&] {
      if (!sessions().revoke_family("F" + n, 600)) ++unexpected;
    });
    rotation.join();
    logout.join();
    EXPECT_NE(get_token("T" + n).revoked_at, 0) << "round " << n;
    if (auto replacement = sessions().get("R" + n)) {
      EXPECT_NE(replacement->revoked_at, 0) << "round " << n;
    }
  }
  EXPECT_EQ(unexpected.load(), 0);
}

TEST_P(SessionContractTest, ARevokedFamilyAcceptsNoNewToken) {
  ASSERT_THAT(users().create(new_user("U1", "a@x.io")), IsOk());
  ASSERT_THAT(sessions().insert(token("T1", "U1", "F1")), IsOk());
  ASSERT_THAT(sessions().revoke_family("F1", 700), IsOk());
  // The grace-window sibling and the rotation that lost the race to a logout.
  EXPECT_THAT(sessions().insert(token("T2", "U1", "F1")), ErrcIs(Errc::kTokenRevoked));
  EXPECT_THAT(sessions().rotate("T1", token("T3", "U1", "F1"), 800), ErrcIs(Errc::kTokenRevoked));
  EXPECT_THAT(sessions().get("T2"), ErrcIs(Errc::kNotFound));
  EXPECT_THAT(sessions().get("T3"), ErrcIs(Errc::kNotFound));
  // Another sign-in of the same user is not affected.
  EXPECT_THAT(sessions().insert(token("T4", "U1", "F2")), IsOk());
}

TEST_P(SessionContractTest, AFamilyBelongsToOneUser) {
  ASSERT_THAT(users().create(new_user("U1", "a@x.io")), IsOk());
  ASSERT_THAT(users().create(new_user("U2", "b@x.io")), IsOk());
  ASSERT_THAT(sessions().insert(token("T1", "U1", "F1")), IsOk());
  EXPECT_THAT(sessions().insert(token("T2", "U2", "F1")), ErrcIs(Errc::kInvalidArgument));
}

TEST_P(SessionContractTest, RevokeUserCanKeepTheCurrentSignIn) {
  ASSERT_THAT(users().create(new_user("U1", "a@x.io")), IsOk());
  ASSERT_THAT(sessions().insert(token("A1", "U1", "FA")), IsOk());
  ASSERT_THAT(sessions().insert(token("B1", "U1", "FB")), IsOk());
  ASSERT_THAT(sessions().insert(token("C1", "U1", "FC")), IsOk());
  ASSERT_THAT(sessions().revoke_user("U1", 900, "FB"), IsOk());
  EXPECT_EQ(get_token("A1").revoked_at, 900);
  EXPECT_EQ(get_token("B1").revoked_at, 0);
  EXPECT_EQ(get_token("C1").revoked_at, 900);
  EXPECT_THAT(sessions().insert(token("B2", "U1", "FB")), IsOk());
}

TEST_P(SessionContractTest, TheRevocationLogListsEndedSignInsInOrder) {
  ASSERT_THAT(users().create(new_user("U1", "a@x.io")), IsOk());
  ASSERT_THAT(users().create(new_user("U2", "b@x.io")), IsOk());
  for (auto [t, u, f] :
       {std::tuple{"A1", "U1", "FA"}, std::tuple{"B1", "U1", "FB"}, std::tuple{"C1", "U2", "FC"}}) {
    ASSERT_THAT(sessions().insert(token(t, u, f)), IsOk());
  }
  auto empty = sessions().revocations(0, 0);
  ASSERT_THAT(empty, IsOk());
  EXPECT_THAT(*empty, IsEmpty());

  ASSERT_THAT(sessions().revoke_family("FC", 100), IsOk());
  ASSERT_THAT(sessions().revoke_family("FC", 150), IsOk());  // already ended: not logged again
  ASSERT_THAT(sessions().revoke_user("U1", 200), IsOk());
  auto log = sessions().revocations(0, 0);
  ASSERT_THAT(log, IsOk());
  ASSERT_THAT(*log, SizeIs(3));
  EXPECT_EQ((*log)[0].family_id, "FC");
  EXPECT_EQ((*log)[0].at, 100);
  EXPECT_EQ((*log)[1].family_id, "FA");
  EXPECT_EQ((*log)[2].family_id, "FB");
  EXPECT_LT((*log)[0].seq, (*log)[1].seq);
  EXPECT_LT((*log)[1].seq, (*log)[2].seq);

  auto after_first = sessions().revocations((*log)[0].seq, 0);
  ASSERT_THAT(after_first, IsOk());
  EXPECT_THAT(*after_first, SizeIs(2));
  auto recent = sessions().revocations(0, 150);
  ASSERT_THAT(recent, IsOk());
  EXPECT_THAT(*recent, SizeIs(2));

  ASSERT_THAT(sessions().prune_revocations(150), IsOk());
  auto pruned = sessions().revocations(0, 0);
  ASSERT_THAT(pruned, IsOk());
  ASSERT_THAT(*pruned, SizeIs(2));
  EXPECT_EQ((*pruned)[0].family_id, "FA");
}

TEST_P(SessionContractTest, RevocationWinsAgainstAConcurrentInsert) {
  ASSERT_THAT(users().create(new_user("U1", "a@x.io")), IsOk());
  for (int round = 0; round < 30; ++round) {
    const std::string family = "F" + std::to_string(round);
    const std::string first = "A" + std::to_string(round);
    const std::string sibling = "B" + std::to_string(round);
    ASSERT_THAT(sessions().insert(token(first, "U1", family)), IsOk());
    std::thread logout([&] { EXPECT_THAT(sessions().revoke_family(family, 500), IsOk()); });
    std::thread refresh([&] { (void)sessions().insert(token(sibling, "U1", family)); });
    logout.join();
    refresh.join();
    // Whichever ran first, no live token of the family is left.
    for (const auto& id : {first, sibling}) {
      auto t = sessions().get(id);
      if (t) {
        EXPECT_NE(t->revoked_at, 0) << id << " in round " << round;
      }
    }
  }
}

GH_INSTANTIATE_STORE_CONTRACT(SessionContractTest);

}  // namespace
}  // namespace gatehouse::store::testing
