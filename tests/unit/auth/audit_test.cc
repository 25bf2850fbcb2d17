// auth::Audit with batching: record() queues, reads and the destructor flush, the flusher
// writes a full batch without being asked, and a failed batch is reported, not thrown.
#include "auth/audit.h"

#include <atomic>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "store/sqlite/sqlite_store.h"
#include "support/matchers.h"
#include "support/temp_dir.h"

namespace gatehouse::auth {
namespace {

using ::gatehouse::testing::IsOk;
using ::testing::SizeIs;

class AuditTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto stores = store::open_sqlite(dir_.file("db"));
    ASSERT_THAT(stores, IsOk());
    stores_ = std::move(*stores);
  }

  // What another reader of the database (another process, the CLI) sees: the store itself.
  size_t stored() {
    store::AuditQuery q;
    q.limit = 1000;
    auto events = stores_.audit->search(q);
    EXPECT_THAT(events, IsOk());
    return events ? events->size() : 0;
  }

  Clock clock_ = [] { return int64_t{1700000000}; };
  gatehouse::testing::TempDir dir_;
  store::Stores stores_;
};

TEST_F(AuditTest, WithoutBatchingEachEventIsWrittenAtOnce) {
  Audit audit(*stores_.audit, clock_);
  audit.record({.ip = "203.0.113.7"}, "user.signin", true, "U1", "a@x.io", "password");
  EXPECT_EQ(stored(), 1u);
}

TEST_F(AuditTest, BatchedEventsAreQueuedAndEveryReadSeesThem) {
  Audit audit(*stores_.audit, clock_, nullptr,
              {.batched = true, .max_delay = std::chrono::hours(1), .max_batch = 1000});
  audit.record({}, "user.signin", true, "U1", "a@x.io", "password");
  audit.record({}, "user.signin", true, "U2", "b@x.io", "password");
  EXPECT_EQ(stored(), 0u);  // not yet written: the delay is an hour

  auto events = audit.search(store::AuditQuery{});  // a read here flushes first
  ASSERT_THAT(events, IsOk());
  ASSERT_THAT(*events, SizeIs(2));
  EXPECT_EQ((*events)[0].user_id, "U2");
  EXPECT_EQ((*events)[1].user_id, "U1");
  EXPECT_EQ(stored(), 2u);

  audit.record({}, "user.signin", true, "U1", "a@x.io", "password");
  auto history = audit.sign_in_history("U1");
  ASSERT_THAT(history, IsOk());
  EXPECT_THAT(*history, SizeIs(2));
}

TEST_F(AuditTest, TheDestructorWritesWhatIsStillQueued) {
  {
    Audit audit(*stores_.audit, clock_, nullptr,
                {.batched = true, .max_delay = std::chrono::hours(1), .max_batch = 1000});
    for (int i = 0; i < 5; ++i) audit.record({}, "user.signin", true, "U1");
    EXPECT_EQ(stored(), 0u);
  }
  EXPECT_EQ(stored(), 5u);
}

TEST_F(AuditTest, AFullBatchOrTheDelayWritesWithoutARead) {
  Audit audit(*stores_.audit, clock_, nullptr,
              {.batched = true, .max_delay = std::chrono::milliseconds(50), .max_batch = 4});
  for (int i = 0; i < 4; ++i) audit.record({}, "user.signin", true, "U1");
  audit.record({}, "user.signin", true, "U2");
  // Four are written as a full batch, the fifth after the delay: wait for both, bounded.
  for (int i = 0; i < 200 && stored() < 5; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_EQ(stored(), 5u);
}

TEST_F(AuditTest, RecordsFromManyThreadsAreAllWritten) {
  Audit audit(*stores_.audit, clock_, nullptr,
              {.batched = true, .max_delay = std::chrono::milliseconds(5), .max_batch = 16});
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&audit, t] {
      for (int i = 0; i < 50; ++i) {
        audit.record({}, "user.signin", true, "U" + std::to_string(t));
      }
    });
  }
  for (auto& th : threads) th.join();
  audit.flush();
  EXPECT_EQ(stored(), 200u);
}

TEST_F(AuditTest, AFailedBatchIsReportedAndTheNextOneStillWritten) {
  std::vector<std::string> errors;
  Audit audit(*stores_.audit, clock_, [&](const std::string& m) { errors.push_back(m); },
              {.batched = true, .max_delay = std::chrono::hours(1), .max_batch = 1000});
  audit.record({}, "", true, "U1");  // no action: the store refuses the batch
  audit.flush();
  ASSERT_THAT(errors, SizeIs(1));
  EXPECT_THAT(errors[0], ::testing::HasSubstr("1 events"));
  audit.record({}, "user.signin", true, "U1");
  audit.flush();
  EXPECT_EQ(stored(), 1u);
}

}  // namespace
}  // namespace gatehouse::auth
