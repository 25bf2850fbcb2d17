// RateLimitStore contract: counters read, changed and written back atomically.
#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "store_contract_fixture.h"

namespace gatehouse::store::testing {
namespace {

class RateLimitContractTest : public StoreContractFixture {
 protected:
  RateCounter read(const std::string& key) {
    RateCounter seen;
    EXPECT_THAT(rate_limits().update({key}, [&](std::vector<RateCounter>& c) { seen = c[0]; }),
                IsOk());
    return seen;
  }
};

TEST_P(RateLimitContractTest, NewKeysReadAsZeroAndChangesAreKept) {
  EXPECT_EQ(read("login:a@x.io"), RateCounter{});
  ASSERT_THAT(rate_limits().update({"login:a@x.io", "ip:10.0.0.1"},
                                   [](std::vector<RateCounter>& c) {
                                     c[0] = RateCounter{3, 100, 110, 0};
                                     c[1].attempts = 1;
                                   }),
              IsOk());
  EXPECT_EQ(read("login:a@x.io"), (RateCounter{3, 100, 110, 0}));
  EXPECT_EQ(read("ip:10.0.0.1"), (RateCounter{1, 0, 0, 0}));
  EXPECT_EQ(read("login:b@x.io"), RateCounter{});
}

TEST_P(RateLimitContractTest, ACounterLeftAtZeroIsForgotten) {
  ASSERT_THAT(rate_limits().update({"login:a@x.io"},
                                   [](std::vector<RateCounter>& c) {
                                     c[0] = RateCounter{5, 100, 0, 2000};
                                   }),
              IsOk());
  auto locked = rate_limits().locked(1000);
  ASSERT_THAT(locked, IsOk());
  ASSERT_THAT(*locked, SizeIs(1));
  ASSERT_THAT(rate_limits().update({"login:a@x.io"},
                                   [](std::vector<RateCounter>& c) { c[0] = RateCounter{}; }),
              IsOk());
  locked = rate_limits().locked(1000);
  ASSERT_THAT(locked, IsOk());
  EXPECT_THAT(*locked, IsEmpty());
  EXPECT_EQ(read("login:a@x.io"), RateCounter{});
}

TEST_P(RateLimitContractTest, LockedListsTheKeysLockedNowInKeyOrder) {
  ASSERT_THAT(rate_limits().update({"login:z@x.io", "ip:10.0.0.1", "login:a@x.io"},
                                   [](std::vector<RateCounter>& c) {
                                     c[0] = RateCounter{10, 100, 0, 2000};
                                     c[1] = RateCounter{100, 100, 0, 1500};
                                     c[2] = RateCounter{10, 100, 0, 900};  // over at 1000
                                   }),
              IsOk());
  auto locked = rate_limits().locked(1000);
  ASSERT_THAT(locked, IsOk());
  ASSERT_THAT(*locked, SizeIs(2));
  EXPECT_EQ((*locked)[0].first, "ip:10.0.0.1");
  EXPECT_EQ((*locked)[0].second.locked_until, 1500);
  EXPECT_EQ((*locked)[1].first, "login:z@x.io");
}

TEST_P(RateLimitContractTest, ParallelUpdatesNeverActOnTheSameValue) {
  // Each caller takes a "ticket" only while fewer than 5 were taken: exactly 5 succeed,
  // however the 40 attempts interleave (the lesson of Zitadel's GHSA-7h8m-vrxx-vr4m).
  constexpr int kThreads = 8;
  constexpr int kEach = 5;
  std::atomic<int> admitted = 0;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < kEach; ++i) {
        bool mine = false;
        EXPECT_THAT(rate_limits().update({"login:a@x.io"},
                                         [&](std::vector<RateCounter>& c) {
                                           mine = c[0].attempts < 5;
                                           if (mine) ++c[0].attempts;
                                         }),
                    IsOk());
        if (mine) ++admitted;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(admitted.load(), 5);
  EXPECT_EQ(read("login:a@x.io").attempts, 5);
}

GH_INSTANTIATE_STORE_CONTRACT(RateLimitContractTest);

}  // namespace
}  // namespace gatehouse::store::testing
