// OneTimeStore contract: one live secret per purpose and login id, hashes compared in
// constant time, wrong guesses counted, single use even under concurrent consumers.
#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "store_contract_fixture.h"

namespace gatehouse::store::testing {
namespace {

class OneTimeContractTest : public StoreContractFixture {
 protected:
  static OneTimeSecret secret(const std::string& login_id, const std::string& hash,
                              int64_t created_at = 1000, int64_t expires_at = 1300,
                              const std::string& purpose = "otp") {
    OneTimeSecret s;
    s.purpose = purpose;
    s.login_id = login_id;
    s.user_id = "U1";
    s.secret_hash = hash;
    s.data = R"({"intent":"signin"})";
    s.created_at = created_at;
    s.expires_at = expires_at;
    return s;
  }
  ConsumeOutcome consume(const std::string& login_id, const std::string& hash, int64_t now = 1100,
                         const std::string& purpose = "otp") {
    auto c = one_time().consume(purpose, login_id, hash, now, 5);
    EXPECT_THAT(c, IsOk());
    return c ? c->outcome : ConsumeOutcome::kMissing;
  }
};

TEST_P(OneTimeContractTest, TheRightSecretIsConsumedOnce) {
  ASSERT_THAT(one_time().put(secret("ann@x.io", "h1")), IsOk());
  auto c = one_time().consume("otp", "ann@x.io", "h1", 1100, 5);
  ASSERT_THAT(c, IsOk());
  EXPECT_EQ(c->outcome, ConsumeOutcome::kConsumed);
  EXPECT_EQ(c->secret.user_id, "U1");
  EXPECT_EQ(c->secret.data, R"({"intent":"signin"})");
  EXPECT_EQ(c->secret.expires_at, 1300);
  EXPECT_EQ(consume("ann@x.io", "h1"), ConsumeOutcome::kMissing);
}

// find() and find_by_hash() read a secret as it is and change nothing.
TEST_P(OneTimeContractTest, FindingASecretChangesNothing) {
  ASSERT_THAT(one_time().put(secret("ann@x.io", "h1")), IsOk());
  EXPECT_EQ(consume("ann@x.io", "bad"), ConsumeOutcome::kMismatch);
  auto by_login = one_time().find("otp", "ANN@x.io");
  ASSERT_THAT(by_login, IsOk());
  ASSERT_TRUE(by_login->has_value());
  EXPECT_EQ((*by_login)->secret_hash, "h1");
  EXPECT_EQ((*by_login)->user_id, "U1");
  EXPECT_EQ((*by_login)->expires_at, 1300);
  EXPECT_EQ((*by_login)->attempts, 1);
  auto by_hash = one_time().find_by_hash("otp", "h1");
  ASSERT_THAT(by_hash, IsOk());
  ASSERT_TRUE(by_hash->has_value());
  EXPECT_EQ((*by_hash)->login_id, "ann@x.io");
  EXPECT_FALSE(one_time().find("magiclink", "ann@x.io")->has_value());
  EXPECT_FALSE(one_time().find_by_hash("otp", "h2")->has_value());
  // Found past its expiry too (the caller decides); still there afterwards.
  ASSERT_THAT(one_time().put(secret("bob@x.io", "h3", 1000, 1050)), IsOk());
  EXPECT_TRUE(one_time().find("otp", "bob@x.io")->has_value());
  EXPECT_EQ(consume("ann@x.io", "h1"), ConsumeOutcome::kConsumed);
}

TEST_P(OneTimeContractTest, LoginIdsMatchWithoutCaseAndPurposesAreApart) {
  ASSERT_THAT(one_time().put(secret("ann@x.io", "h1")), IsOk());
  ASSERT_THAT(one_time().put(secret("ann@x.io", "h2", 1000, 1300, "magiclink")), IsOk());
  EXPECT_EQ(consume("bob@x.io", "h1"), ConsumeOutcome::kMissing);
  EXPECT_EQ(consume("ANN@x.io", "h2"), ConsumeOutcome::kMismatch);
  EXPECT_EQ(consume("ANN@x.io", "h1"), ConsumeOutcome::kConsumed);
  EXPECT_EQ(consume("ann@x.io", "h2", 1100, "magiclink"), ConsumeOutcome::kConsumed);
}

TEST_P(OneTimeContractTest, ANewSecretReplacesTheOldOneAndItsAttempts) {
  ASSERT_THAT(one_time().put(secret("ann@x.io", "h1")), IsOk());
  EXPECT_EQ(consume("ann@x.io", "bad"), ConsumeOutcome::kMismatch);
  ASSERT_THAT(one_time().put(secret("ann@x.io", "h2", 1050, 1350)), IsOk());
  EXPECT_EQ(consume("ann@x.io", "h1"), ConsumeOutcome::kMismatch);
  auto c = one_time().consume("otp", "ann@x.io", "h2", 1100, 5);
  ASSERT_THAT(c, IsOk());
  EXPECT_EQ(c->outcome, ConsumeOutcome::kConsumed);
  EXPECT_EQ(c->secret.attempts, 1) << "counted since the replacement only";
  EXPECT_EQ(c->secret.expires_at, 1350);
}

TEST_P(OneTimeContractTest, WrongGuessesAreCountedAndTheLastOneKillsTheSecret) {
  ASSERT_THAT(one_time().put(secret("ann@x.io", "h1")), IsOk());
  for (int i = 1; i <= 4; ++i) {
    auto c = one_time().consume("otp", "ann@x.io", "bad", 1100, 5);
    ASSERT_THAT(c, IsOk());
    EXPECT_EQ(c->outcome, ConsumeOutcome::kMismatch);
    EXPECT_EQ(c->secret.attempts, i);
  }
  EXPECT_EQ(consume("ann@x.io", "bad"), ConsumeOutcome::kExhausted);
  EXPECT_EQ(consume("ann@x.io", "h1"), ConsumeOutcome::kMissing) << "dead after 5 wrong tries";
}

TEST_P(OneTimeContractTest, ExpiryIsExclusive) {
  ASSERT_THAT(one_time().put(secret("ann@x.io", "h1", 1000, 1300)), IsOk());
  EXPECT_EQ(consume("ann@x.io", "h1", 1300), ConsumeOutcome::kExpired);
  EXPECT_EQ(consume("ann@x.io", "h1", 1300), ConsumeOutcome::kMissing);
  ASSERT_THAT(one_time().put(secret("bob@x.io", "h2", 1000, 1300)), IsOk());
  EXPECT_EQ(consume("bob@x.io", "h2", 1299), ConsumeOutcome::kConsumed);
}

TEST_P(OneTimeContractTest, LinksAreFoundByTheirHashOnce) {
  ASSERT_THAT(one_time().put(secret("ann@x.io", "tok1", 1000, 1600, "magiclink")), IsOk());
  ASSERT_THAT(one_time().put(secret("bob@x.io", "tok2", 1000, 1600, "magiclink")), IsOk());
  auto c = one_time().consume_by_hash("magiclink", "tok2", 1100);
  ASSERT_THAT(c, IsOk());
  EXPECT_EQ(c->outcome, ConsumeOutcome::kConsumed);
  EXPECT_EQ(c->secret.login_id, "bob@x.io");
  c = one_time().consume_by_hash("magiclink", "tok2", 1100);
  ASSERT_THAT(c, IsOk());
  EXPECT_EQ(c->outcome, ConsumeOutcome::kMissing);
  c = one_time().consume_by_hash("otp", "tok1", 1100);
  ASSERT_THAT(c, IsOk());
  EXPECT_EQ(c->outcome, ConsumeOutcome::kMissing) << "another purpose";
  c = one_time().consume_by_hash("magiclink", "tok1", 1600);
  ASSERT_THAT(c, IsOk());
  EXPECT_EQ(c->outcome, ConsumeOutcome::kExpired);
  c = one_time().consume_by_hash("magiclink", "tok1", 1100);
  ASSERT_THAT(c, IsOk());
  EXPECT_EQ(c->outcome, ConsumeOutcome::kMissing);
}

TEST_P(OneTimeContractTest, ExpiredRowsArePurged) {
  ASSERT_THAT(one_time().put(secret("a@x.io", "h1", 1000, 1100)), IsOk());
  ASSERT_THAT(one_time().put(secret("b@x.io", "h2", 1000, 1200)), IsOk());
  ASSERT_THAT(one_time().put(secret("c@x.io", "h3", 1000, 1300)), IsOk());
  auto live = one_time().count_live("otp", 1000);
  ASSERT_THAT(live, IsOk());
  EXPECT_EQ(*live, 3);
  auto purged = one_time().purge(1200);
  ASSERT_THAT(purged, IsOk());
  EXPECT_EQ(*purged, 2);
  // put() sweeps too.
  ASSERT_THAT(one_time().put(secret("d@x.io", "h4", 1300, 1600)), IsOk());
  live = one_time().count_live("otp", 0);
  ASSERT_THAT(live, IsOk());
  EXPECT_EQ(*live, 1);
}

TEST_P(OneTimeContractTest, ASecretNeedsItsKeys) {
  EXPECT_THAT(one_time().put(secret("", "h1")), ErrcIs(Errc::kInvalidArgument));
  EXPECT_THAT(one_time().put(secret("a@x.io", "")), ErrcIs(Errc::kInvalidArgument));
}

TEST_P(OneTimeContractTest, ConcurrentConsumersNeverBothWin) {
  constexpr int kThreads = 8;
  for (int round = 0; round < 5; ++round) {
    const std::string login = "r" + std::to_string(round) + "@x.io";
    ASSERT_THAT(one_time().put(secret(login, "h")), IsOk());
    std::atomic<int> won = 0;
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&] {
        auto c = one_time().consume("otp", login, "h", 1100, 5);
        EXPECT_THAT(c, IsOk());
        if (c && c->outcome == ConsumeOutcome::kConsumed) ++won;
      });
    }
    for (auto& th : threads) th.join();
    EXPECT_EQ(won.load(), 1);
  }
}

TEST_P(OneTimeContractTest, ConcurrentWrongGuessesNeverExceedTheLimit) {
  ASSERT_THAT(one_time().put(secret("ann@x.io", "h")), IsOk());
  std::atomic<int> counted = 0;
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 3; ++i) {
        auto c = one_time().consume("otp", "ann@x.io", "bad", 1100, 5);
        EXPECT_THAT(c, IsOk());
        if (c &&
            (c->outcome == ConsumeOutcome::kMismatch || c->outcome == ConsumeOutcome::kExhausted)) {
          ++counted;
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(counted.load(), 5);
  EXPECT_EQ(consume("ann@x.io", "h"), ConsumeOutcome::kMissing);
}

GH_INSTANTIATE_STORE_CONTRACT(OneTimeContractTest);

}  // namespace
}  // namespace gatehouse::store::testing
