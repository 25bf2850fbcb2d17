// FlowStore contract: executions are created once, read while alive, advanced one step at
// a time by compare-and-set (a step is used once, also under concurrency), and expire.
#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "store_contract_fixture.h"

namespace gatehouse::store::testing {
namespace {

class FlowsContractTest : public StoreContractFixture {
 protected:
  static FlowExecution execution(const std::string& id, int64_t created_at = 100,
                                 int64_t expires_at = 1900) {
    FlowExecution e;
    e.id = id;
    e.flow_id = "sign-up-or-in";
    e.step_id = "1";
    e.state = R"({"email":""})";
    e.created_at = created_at;
    e.expires_at = expires_at;
    return e;
  }
};

TEST_P(FlowsContractTest, CreateGetRemove) {
  const std::string id = "sign-up-or-in|#|abc";
  EXPECT_THAT(flows().get(id, 100), ErrcIs(Errc::kNotFound));
  ASSERT_THAT(flows().create(execution(id)), IsOk());
  EXPECT_THAT(flows().create(execution(id)), ErrcIs(Errc::kConflict));
  auto e = flows().get(id, 150);
  ASSERT_THAT(e, IsOk());
  EXPECT_EQ(e->id, id);
  EXPECT_EQ(e->flow_id, "sign-up-or-in");
  EXPECT_EQ(e->step_id, "1");
  EXPECT_EQ(e->state, R"({"email":""})");
  EXPECT_EQ(e->created_at, 100);
  EXPECT_EQ(e->expires_at, 1900);
  ASSERT_THAT(flows().remove(id), IsOk());
  EXPECT_THAT(flows().get(id, 150), ErrcIs(Errc::kNotFound));
  EXPECT_THAT(flows().remove(id), ErrcIs(Errc::kNotFound));
}

TEST_P(FlowsContractTest, RequiresIds) {
  auto e = execution("");
  EXPECT_THAT(flows().create(e), ErrcIs(Errc::kInvalidArgument));
  e = execution("x");
  e.step_id = "";
  EXPECT_THAT(flows().create(e), ErrcIs(Errc::kInvalidArgument));
}

TEST_P(FlowsContractTest, EachStepIsUsedOnce) {
  ASSERT_THAT(flows().create(execution("f|#|1")), IsOk());
  ASSERT_THAT(flows().advance("f|#|1", "1", "2", R"({"email":"a@b.c"})", 200), IsOk());
  auto e = flows().get("f|#|1", 200);
  ASSERT_THAT(e, IsOk());
  EXPECT_EQ(e->step_id, "2");
  EXPECT_EQ(e->state, R"({"email":"a@b.c"})");
  EXPECT_THAT(flows().advance("f|#|1", "1", "2", "{}", 200), ErrcIs(Errc::kConflict))
      << "step 1 replayed";
  e = flows().get("f|#|1", 200);
  ASSERT_THAT(e, IsOk());
  EXPECT_EQ(e->state, R"({"email":"a@b.c"})") << "a refused advance writes nothing";
  EXPECT_THAT(flows().advance("f|#|none", "1", "2", "{}", 200), ErrcIs(Errc::kNotFound));
}

TEST_P(FlowsContractTest, ExpiredExecutionsAreGone) {
  ASSERT_THAT(flows().create(execution("f|#|old", 100, 500)), IsOk());
  EXPECT_THAT(flows().get("f|#|old", 499), IsOk());
  EXPECT_THAT(flows().get("f|#|old", 500), ErrcIs(Errc::kNotFound));
  EXPECT_THAT(flows().advance("f|#|old", "1", "2", "{}", 500), ErrcIs(Errc::kNotFound));

  ASSERT_THAT(flows().create(execution("f|#|a", 100, 300)), IsOk());
  ASSERT_THAT(flows().create(execution("f|#|b", 100, 900)), IsOk());
  auto n = flows().purge(600);
  ASSERT_THAT(n, IsOk());
  EXPECT_EQ(*n, 2) << "old and a";
  EXPECT_THAT(flows().get("f|#|b", 600), IsOk());
  EXPECT_THAT(flows().get("f|#|a", 200), ErrcIs(Errc::kNotFound)) << "purged, not just hidden";
}

TEST_P(FlowsContractTest, CreatePurgesExpired) {
  ASSERT_THAT(flows().create(execution("f|#|old", 100, 200)), IsOk());
  ASSERT_THAT(flows().create(execution("f|#|new", 300, 900)), IsOk());
  EXPECT_THAT(flows().get("f|#|old", 150), ErrcIs(Errc::kNotFound));
}

TEST_P(FlowsContractTest, ConcurrentAnswersToOneStepAdvanceOnce) {
  ASSERT_THAT(flows().create(execution("f|#|race")), IsOk());
  std::atomic<int> won{0};
  std::atomic<int> conflicts{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&, i] {
      auto st = flows().advance("f|#|race", "1", "2", "{\"by\":" + std::to_string(i) + "}", 200);
      if (st) {
        ++won;
      } else if (st.error().code == Errc::kConflict) {
        ++conflicts;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(won.load(), 1);
  EXPECT_EQ(conflicts.load(), 7);
}

GH_INSTANTIATE_STORE_CONTRACT(FlowsContractTest);

}  // namespace
}  // namespace gatehouse::store::testing
