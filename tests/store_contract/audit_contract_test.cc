// AuditStore contract: insert, search and counts per day.
#include <atomic>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "store_contract_fixture.h"

namespace gatehouse::store::testing {
namespace {

constexpr int64_t kDay = 86400;

class AuditContractTest : public StoreContractFixture {
 protected:
  int64_t record(int64_t at, const std::string& action, const std::string& user_id = "",
                 const std::string& result = "success") {
    AuditEvent e;
    e.at = at;
    e.action = action;
    e.result = result;
    e.user_id = user_id;
    auto id = audit().insert(e);
    EXPECT_THAT(id, IsOk());
    return id ? *id : 0;
  }

  std::vector<int64_t> audit_ids(const AuditQuery& q) {
    auto events = audit().search(q);
    EXPECT_THAT(events, IsOk());
    std::vector<int64_t> out;
    if (events) {
      for (const auto& e : *events) out.push_back(e.id);
    }
    return out;
  }

  std::vector<std::pair<int64_t, int64_t>> day_counts(const std::string& action, int64_t from,
                                                      int64_t to) {
    auto days = audit().count_by_day(action, from, to);
    EXPECT_THAT(days, IsOk());
    std::vector<std::pair<int64_t, int64_t>> out;
    if (days) {
      for (const auto& d : *days) out.emplace_back(d.day, d.count);
    }
    return out;
  }
};

TEST_P(AuditContractTest, InsertAssignsIncreasingIdsAndKeepsEveryField) {
  AuditEvent e;
  e.at = 1700000000;
  e.action = "user.signin.failed";
  e.result = "failure";
  e.user_id = "";
  e.login_id = "nobody@x.io";
  e.actor = "system";
  e.ip = "203.0.113.7";
  e.user_agent = "curl/8.0";
  e.detail = "unknown login id";
  auto first = audit().insert(e);
  ASSERT_THAT(first, IsOk());
  const int64_t second = record(1700000001, "user.signin", "U1");
  EXPECT_GT(*first, 0);
  EXPECT_GT(second, *first);

  auto events = audit().search(AuditQuery{});
  ASSERT_THAT(events, IsOk());
  ASSERT_THAT(*events, SizeIs(2));
  const AuditEvent& got = (*events)[1];
  EXPECT_EQ(got.id, *first);
  EXPECT_EQ(got.at, 1700000000);
  EXPECT_EQ(got.action, "user.signin.failed");
  EXPECT_EQ(got.result, "failure");
  EXPECT_EQ(got.user_id, "");
  EXPECT_EQ(got.login_id, "nobody@x.io");
  EXPECT_EQ(got.actor, "system");
  EXPECT_EQ(got.ip, "203.0.113.7");
  EXPECT_EQ(got.user_agent, "curl/8.0");
  EXPECT_EQ(got.detail, "unknown login id");
  EXPECT_EQ((*events)[0].user_id, "U1");

  AuditEvent no_action;
  no_action.at = 1;
  EXPECT_THAT(audit().insert(no_action), ErrcIs(Errc::kInvalidArgument));
}

TEST_P(AuditContractTest, InsertAllWritesEveryEventInOrderOrNone) {
  std::vector<AuditEvent> batch(3);
  for (int i = 0; i < 3; ++i) {
    batch[i].at = 1700000000 + i;
    batch[i].action = "user.signin";
    batch[i].result = "success";
    batch[i].user_id = "U" + std::to_string(i);
    batch[i].detail = "batch";
  }
  ASSERT_THAT(audit().insert_all(batch), IsOk());
  auto events = audit().search(AuditQuery{});
  ASSERT_THAT(events, IsOk());
  ASSERT_THAT(*events, SizeIs(3));
  EXPECT_EQ((*events)[0].user_id, "U2");  // newest first
  EXPECT_EQ((*events)[2].user_id, "U0");
  EXPECT_GT((*events)[0].id, (*events)[1].id);
  EXPECT_GT((*events)[1].id, (*events)[2].id);
  EXPECT_EQ((*events)[1].detail, "batch");

  // One bad event refuses the whole batch: nothing of it is written.
  std::vector<AuditEvent> bad(2);
  bad[0].at = 1;
  bad[0].action = "user.signin";
  bad[1].at = 2;
  EXPECT_THAT(audit().insert_all(bad), ErrcIs(Errc::kInvalidArgument));
  EXPECT_THAT(audit_ids(AuditQuery{}), SizeIs(3));
  EXPECT_THAT(audit().insert_all({}), IsOk());
}

TEST_P(AuditContractTest, EventsOutliveTheirUser) {
  ASSERT_THAT(users().create(new_user("U1", "a@x.io")), IsOk());
  const int64_t id = record(100, "user.signin", "U1");
  ASSERT_THAT(users().remove("U1"), IsOk());
  AuditQuery q;
  q.user_ids = {"U1"};
  EXPECT_THAT(audit_ids(q), ElementsAre(id));
}

TEST_P(AuditContractTest, SearchIsNewestFirstWithTiesByInsertion) {
  const int64_t a = record(200, "x");
  const int64_t b = record(100, "x");
  const int64_t c = record(200, "x");
  const int64_t d = record(300, "x");
  EXPECT_THAT(audit_ids(AuditQuery{}), ElementsAre(d, c, a, b));
  AuditQuery q;
  q.limit = 2;
  EXPECT_THAT(audit_ids(q), ElementsAre(d, c));
}

TEST_P(AuditContractTest, SearchFilters) {
  const int64_t e1 = record(100, "user.signin", "U1");
  const int64_t e2 = record(200, "user.signin.failed", "U1");
  const int64_t e3 = record(300, "user.signin", "U2");
  const int64_t e4 = record(400, "user.roles.changed", "U2");
  const int64_t e5 = record(500, "user.signin", "");

  AuditQuery q;
  q.actions = {"user.signin"};
  EXPECT_THAT(audit_ids(q), ElementsAre(e5, e3, e1));
  q.actions = {"user.signin", "user.roles.changed"};
  EXPECT_THAT(audit_ids(q), ElementsAre(e5, e4, e3, e1));
  q.actions = {"user"};  // exact names, not prefixes
  EXPECT_THAT(audit_ids(q), IsEmpty());

  AuditQuery by_user;
  by_user.user_ids = {"U1"};
  EXPECT_THAT(audit_ids(by_user), ElementsAre(e2, e1));
  by_user.user_ids = {"U1", "U2"};
  EXPECT_THAT(audit_ids(by_user), ElementsAre(e4, e3, e2, e1));

  AuditQuery range;
  range.from = 200;  // inclusive
  range.to = 400;    // exclusive
  EXPECT_THAT(audit_ids(range), ElementsAre(e3, e2));
  range.to = 0;  // unbounded
  EXPECT_THAT(audit_ids(range), ElementsAre(e5, e4, e3, e2));
  range.from = 0;
  range.to = 300;
  EXPECT_THAT(audit_ids(range), ElementsAre(e2, e1));

  AuditQuery all;
  all.actions = {"user.signin"};
  all.user_ids = {"U2", "U1"};
  all.from = 150;
  all.to = 1000;
  EXPECT_THAT(audit_ids(all), ElementsAre(e3));
}

TEST_P(AuditContractTest, SearchLimitIsValidated) {
  record(100, "x");
  AuditQuery q;
  q.limit = 0;
  EXPECT_THAT(audit().search(q), ErrcIs(Errc::kInvalidArgument));
  q.limit = 1001;
  EXPECT_THAT(audit().search(q), ErrcIs(Errc::kInvalidArgument));
  q.limit = 1000;
  EXPECT_THAT(audit().search(q), IsOk());
}

TEST_P(AuditContractTest, CountByDayUsesUtcDayBoundaries) {
  const int64_t d = 19700 * kDay;  // 2023-12-09 00:00:00 UTC
  record(d - 1, "user.signin");    // 23:59:59 the day before
  record(d, "user.signin");
  record(d + kDay - 1, "user.signin");
  record(d + 10, "user.signin.failed");  // another action
  record(d + kDay, "user.signin");
  record(d + 3 * kDay + 5, "user.signin");       // d + 2 days has none
  record(d + 20, "user.signin", "", "failure");  // failures are not counted

  using P = std::pair<int64_t, int64_t>;
  EXPECT_THAT(day_counts("user.signin", d - kDay, d + 4 * kDay),
              ElementsAre(P{d - kDay, 1}, P{d, 2}, P{d + kDay, 1}, P{d + 3 * kDay, 1}));
  // [from, to): the event at `to` and the one before `from` are out.
  EXPECT_THAT(day_counts("user.signin", d, d + kDay), ElementsAre(P{d, 2}));
  // A range starting mid-day still reports that day by its midnight.
  EXPECT_THAT(day_counts("user.signin", d + 1, d + kDay + 1), ElementsAre(P{d, 1}, P{d + kDay, 1}));
  EXPECT_THAT(day_counts("user.signin.failed", 0, d + 10 * kDay), ElementsAre(P{d, 1}));
  EXPECT_THAT(day_counts("user.other", 0, d + 10 * kDay), IsEmpty());
  EXPECT_THAT(day_counts("user.signin", d + kDay, d), IsEmpty());
}

TEST_P(AuditContractTest, CountByDayBefore1970FloorsTheDay) {
  record(-1, "x");
  record(-kDay, "x");
  record(-kDay - 1, "x");
  record(0, "x");
  using P = std::pair<int64_t, int64_t>;
  EXPECT_THAT(day_counts("x", -3 * kDay, kDay), ElementsAre(P{-2 * kDay, 1}, P{-kDay, 2}, P{0, 1}));
}

TEST_P(AuditContractTest, ConcurrentInsertsGetDistinctIds) {
  constexpr int kThreads = 4;
  constexpr int kPerThread = 25;
  std::vector<std::vector<int64_t>> ids(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        AuditEvent e;
        e.at = 1000 + i;
        e.action = "t" + std::to_string(t);
        auto id = audit().insert(e);
        ids[t].push_back(id ? *id : -1);
      }
    });
  }
  for (auto& th : threads) th.join();
  std::set<int64_t> distinct;
  for (const auto& per_thread : ids) {
    for (int64_t id : per_thread) {
      EXPECT_GT(id, 0);
      distinct.insert(id);
    }
  }
  EXPECT_EQ(distinct.size(), static_cast<size_t>(kThreads * kPerThread));
  AuditQuery q;
  q.actions = {"t0"};
  q.limit = 1000;
  auto events = audit().search(q);
  ASSERT_THAT(events, IsOk());
  ASSERT_THAT(*events, SizeIs(kPerThread));
  EXPECT_EQ((*events)[0].id, ids[0].back());
}

GH_INSTANTIATE_STORE_CONTRACT(AuditContractTest);

}  // namespace
}  // namespace gatehouse::store::testing
