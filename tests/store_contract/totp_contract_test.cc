// TotpStore contract: one secret per user, the last accepted step only moves forward (a
// code is accepted once, also under concurrency), single-use expiring MFA tickets.
#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "store_contract_fixture.h"

namespace gatehouse::store::testing {
namespace {

class TotpContractTest : public StoreContractFixture {
 protected:
  void SetUp() override {
    StoreContractFixture::SetUp();
    ASSERT_THAT(users().create(new_user("U1", "ann@x.io")), IsOk());
  }
};

TEST_P(TotpContractTest, PutGetReplaceRemove) {
  EXPECT_THAT(totp().get("U1"), ErrcIs(Errc::kNotFound));
  EXPECT_FALSE(get_user("U1").has_totp);

  ASSERT_THAT(totp().put("U1", "JBSWY3DPEHPK3PXP", 100), IsOk());
  auto c = totp().get("U1");
  ASSERT_THAT(c, IsOk());
  EXPECT_EQ(c->user_id, "U1");
  EXPECT_EQ(c->secret, "JBSWY3DPEHPK3PXP");
  EXPECT_EQ(c->last_step, -1);
  EXPECT_EQ(c->created_at, 100);
  EXPECT_TRUE(get_user("U1").has_totp);

  ASSERT_THAT(totp().accept_step("U1", "JBSWY3DPEHPK3PXP", 7), IsOk());
  ASSERT_THAT(totp().put("U1", "KRSXG5CTMVRXEZLU", 200), IsOk());
  c = totp().get("U1");
  ASSERT_THAT(c, IsOk());
  EXPECT_EQ(c->secret, "KRSXG5CTMVRXEZLU");
  EXPECT_EQ(c->last_step, -1) << "a new secret starts with no accepted step";
  EXPECT_EQ(c->created_at, 200);

  ASSERT_THAT(totp().remove("U1"), IsOk());
  EXPECT_THAT(totp().get("U1"), ErrcIs(Errc::kNotFound));
  EXPECT_THAT(totp().remove("U1"), ErrcIs(Errc::kNotFound));
  EXPECT_FALSE(get_user("U1").has_totp);
}

TEST_P(TotpContractTest, UnknownUsersHaveNoSecret) {
  EXPECT_THAT(totp().put("U-none", "JBSWY3DPEHPK3PXP", 100), ErrcIs(Errc::kUserNotFound));
  EXPECT_THAT(totp().get("U-none"), ErrcIs(Errc::kNotFound));
  EXPECT_THAT(totp().accept_step("U-none", "JBSWY3DPEHPK3PXP", 1), ErrcIs(Errc::kNotFound));
}

TEST_P(TotpContractTest, AStepIsAcceptedOnceAndOnlyForward) {
  ASSERT_THAT(totp().put("U1", "S", 100), IsOk());
  EXPECT_EQ(totp().accept_step("U1", "S", 10).value(), true);
  EXPECT_EQ(totp().accept_step("U1", "S", 10).value(), false) << "replay of the same step";
  EXPECT_EQ(totp().accept_step("U1", "S", 9).value(), false) << "an earlier step";
  EXPECT_EQ(totp().accept_step("U1", "S", 11).value(), true);
  EXPECT_EQ(totp().get("U1")->last_step, 11);
}

TEST_P(TotpContractTest, AStepCheckedAgainstAReplacedSecretIsRefused) {
  ASSERT_THAT(totp().put("U1", "OLD", 100), IsOk());
  ASSERT_THAT(totp().put("U1", "NEW", 110), IsOk());
  EXPECT_EQ(totp().accept_step("U1", "OLD", 10).value(), false);
  EXPECT_EQ(totp().accept_step("U1", "NEW", 10).value(), true);
}

TEST_P(TotpContractTest, ParallelAcceptsOfOneStepSucceedOnce) {
  ASSERT_THAT(totp().put("U1", "S", 100), IsOk());
  std::atomic<int> accepted{0};
  std::atomic<int> failed{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&] {
      auto r = totp().accept_step("U1", "S", 42);
      if (!r) {
        ++failed;
      } else if (*r) {
        ++accepted;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(failed.load(), 0);
  EXPECT_EQ(accepted.load(), 1);
}

TEST_P(TotpContractTest, RemovingTheUserRemovesTheSecretAndTickets) {
  ASSERT_THAT(totp().put("U1", "S", 100), IsOk());
  ASSERT_THAT(totp().put_ticket({"h1", "U1", 500}, 100), IsOk());
  ASSERT_THAT(users().remove("U1"), IsOk());
  EXPECT_THAT(totp().get("U1"), ErrcIs(Errc::kNotFound));
  EXPECT_THAT(totp().take_ticket("h1", 100), ErrcIs(Errc::kNotFound));
}

TEST_P(TotpContractTest, TicketsWorkOnceAndExpire) {
  ASSERT_THAT(totp().put_ticket({"h1", "U1", 500}, 100), IsOk());
  EXPECT_THAT(totp().put_ticket({"h1", "U1", 500}, 100), ErrcIs(Errc::kConflict));
  EXPECT_THAT(totp().put_ticket({"h2", "U-none", 500}, 100), ErrcIs(Errc::kUserNotFound));
  auto t = totp().take_ticket("h1", 499);
  ASSERT_THAT(t, IsOk());
  EXPECT_EQ(t->user_id, "U1");
  EXPECT_EQ(t->expires_at, 500);
  EXPECT_THAT(totp().take_ticket("h1", 499), ErrcIs(Errc::kNotFound)) << "single use";

  ASSERT_THAT(totp().put_ticket({"h3", "U1", 500}, 100), IsOk());
  EXPECT_THAT(totp().take_ticket("h3", 500), ErrcIs(Errc::kNotFound)) << "expired";
  EXPECT_THAT(totp().take_ticket("nope", 100), ErrcIs(Errc::kNotFound));
}

TEST_P(TotpContractTest, ExpiredTicketsArePurged) {
  ASSERT_THAT(totp().put_ticket({"old", "U1", 200}, 100), IsOk());
  ASSERT_THAT(totp().put_ticket({"new", "U1", 900}, 300), IsOk());
  // Taking at an earlier time would see "old" alive had it not been purged by the put.
  EXPECT_THAT(totp().take_ticket("old", 150), ErrcIs(Errc::kNotFound));
  EXPECT_THAT(totp().take_ticket("new", 300), IsOk());
}

GH_INSTANTIATE_STORE_CONTRACT(TotpContractTest);

}  // namespace
}  // namespace gatehouse::store::testing
