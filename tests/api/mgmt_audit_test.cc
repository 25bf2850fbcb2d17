// Management API (docs/descope-wire.md §6.5, §6.6): license and audit over real HTTP.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "mgmt_fixture.h"

namespace gatehouse::test {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;

class MgmtAuditTest : public MgmtFixture<MgmtAuditTest> {
 protected:
  json::array audits(json::object query) {
    return must(post("/v1/mgmt/audit/search", query), "audit search " + json::serialize(query))
        .at("audits")
        .as_array();
  }
  // Sum of the per-day sign-in counts of the last 30 days.
  int64_t signins_last_30_days(json::array* days_out = nullptr) {
    auto o = must(get("/v1/mgmt/audit/daily?days=30"), "audit/daily");
    int64_t sum = 0;
    for (const auto& d : o.at("days").as_array()) sum += d.at("count").as_int64();
    if (days_out) *days_out = o.at("days").as_array();
    return sum;
  }
};

TEST_F(MgmtAuditTest, LicenseHandshake) {
  auto r = get("/v1/mgmt/license");
  ASSERT_EQ(r.status, 200) << r.body;
  ASSERT_TRUE(r.obj().contains("rateLimitTier")) << r.body;
  EXPECT_TRUE(r.obj().at("rateLimitTier").is_string());
  EXPECT_TRUE(IsDescopeError(get("/v1/mgmt/license", bearer(pid())), 401));
}

TEST_F(MgmtAuditTest, SearchFindsManagementChangesWithTheirActor) {
  std::string email = unique_email("audited");
  int64_t before = unix_now();
  std::string uid = str(create_user(email, {{"password", kPassword}}).at("userId"));
  must(post("/v1/mgmt/user/update/role/set",
            json::object{{"userId", uid}, {"roleNames", json::array{"teacher"}}}),
       "role set");
  api().must_sign_in(email);
  EXPECT_TRUE(IsDescopeError(api().sign_in(email, "Wrong-Password-1"), 401));

  auto created = audits({{"actions", json::array{"user.created"}}, {"userIds", json::array{uid}}});
  ASSERT_EQ(created.size(), 1u) << created;
  const auto& e = created[0].as_object();
  EXPECT_EQ(e.at("action"), "user.created");
  EXPECT_EQ(e.at("result"), "success");
  EXPECT_EQ(str(e.at("userId")), uid);
  EXPECT_THAT(strings(e.at("externalIds")), ElementsAre(email));
  EXPECT_EQ(str(e.at("actorId")), "mgmt-key:" + key().id);
  EXPECT_GE(e.at("occurred").as_int64(), (before - 1) * 1000) << "epoch milliseconds, as Descope";
  EXPECT_TRUE(e.at("id").is_int64() || e.at("id").is_string());
  EXPECT_TRUE(e.at("remoteAddress").is_string());

  auto roles =
      audits({{"actions", json::array{"user.roles.changed"}}, {"userIds", json::array{uid}}});
  ASSERT_FALSE(roles.empty());
  EXPECT_THAT(str(roles[0].at("data").at("detail")), HasSubstr("teacher"));

  auto signins = audits({{"actions", json::array{"user.signin"}}, {"userIds", json::array{uid}}});
  ASSERT_EQ(signins.size(), 1u) << signins;
  EXPECT_EQ(signins[0].at("result"), "success");
  EXPECT_EQ(str(signins[0].at("actorId")), uid);
  // A wrong password is logged by login id (without naming the user).
  auto recent = audits({{"actions", json::array{"user.signin"}}, {"limit", 20}});
  ASSERT_FALSE(recent.empty());
  EXPECT_EQ(recent[0].at("result"), "failure") << "newest first: " << recent;
  EXPECT_THAT(strings(recent[0].at("externalIds")), ElementsAre(email));
  auto failures = audits({{"actions", json::array{"user.signin"}},
                          {"results", json::array{"failure"}},
                          {"externalIds", json::array{email}}});
  ASSERT_EQ(failures.size(), 1u) << failures;
  EXPECT_EQ(failures[0].at("result"), "failure");
  EXPECT_THAT(json::serialize(recent), Not(HasSubstr("Wrong-Password-1")))
      << "no secret in the audit log";
  EXPECT_THAT(json::serialize(recent), Not(HasSubstr(kPassword)));
}

TEST_F(MgmtAuditTest, SearchFiltersByActionUserTimeAndLimit) {
  std::string a = str(create_user(unique_email("fa")).at("userId"));
  std::string b = str(create_user(unique_email("fb")).at("userId"));
  auto both = audits({{"actions", json::array{"user.created"}}, {"userIds", json::array{a, b}}});
  EXPECT_EQ(both.size(), 2u) << both;
  auto one = audits(
      {{"actions", json::array{"user.created"}}, {"userIds", json::array{a, b}}, {"limit", 1}});
  ASSERT_EQ(one.size(), 1u) << one;
  EXPECT_EQ(str(one[0].at("userId")), b) << "newest first";
  int64_t now = unix_now() * 1000;  // from/to are epoch milliseconds, as in Descope
  EXPECT_TRUE(audits({{"userIds", json::array{a}}, {"from", now + 3600000}}).empty());
  EXPECT_TRUE(audits({{"userIds", json::array{a}}, {"to", now - 3600000}}).empty());
  EXPECT_EQ(
      audits({{"userIds", json::array{a}}, {"from", now - 3600000}, {"to", now + 3600000}}).size(),
      1u);
  auto any = audits({{"limit", 5}});
  EXPECT_EQ(any.size(), 5u) << "every management call is audited, so there are plenty";
  EXPECT_TRUE(IsDescopeError(post("/v1/mgmt/audit/search", json::object{{"limit", "5"}}), 400));
}

TEST_F(MgmtAuditTest, DailyCountsTodaysSignIns) {
  json::array days;
  int64_t before = signins_last_30_days(&days);
  ASSERT_EQ(days.size(), 30u);
  int64_t now = unix_now();
  int64_t today = now - now % 86400;
  EXPECT_EQ(days.back().at("day").as_int64(), today) << "the last entry is today (UTC)";
  EXPECT_EQ(days.front().at("day").as_int64(), today - 29 * 86400);
  for (size_t i = 1; i < days.size(); ++i) {
    EXPECT_EQ(days[i].at("day").as_int64() - days[i - 1].at("day").as_int64(), 86400) << i;
  }

  auto [u, login] = signed_in_user("daily");  // one sign-in
  std::string email = str(u.at("loginIds").as_array()[0]);
  api().must_sign_in(email);  // two
  EXPECT_TRUE(
      IsDescopeError(api().sign_in(email, "Wrong-Password-1"), 401));  // a failure: not a sign-in
  EXPECT_TRUE(IsDescopeError(api().sign_in(unique_email("nobody")), 401));  // nor this
  EXPECT_EQ(signins_last_30_days(&days) - before, 2) << "today's sign-ins: " << days.back();

  auto r = get("/v1/mgmt/audit/daily?days=7");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.obj().at("days").as_array().size(), 7u);
  EXPECT_EQ(r.obj().at("action"), "user.signin");
  auto created = must(get("/v1/mgmt/audit/daily?days=1&action=user.created"), "daily user.created");
  ASSERT_EQ(created.at("days").as_array().size(), 1u);
  EXPECT_GE(created.at("days").as_array()[0].at("count").as_int64(), 1);
}

}  // namespace
}  // namespace gatehouse::test
