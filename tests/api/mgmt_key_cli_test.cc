// The `gatehouse mgmt-key` CLI: create, list, revoke and its usage errors.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "mgmt_fixture.h"

namespace gatehouse::test {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

class MgmtKeyCliTest : public MgmtFixture<MgmtKeyCliTest> {};

TEST_F(MgmtKeyCliTest, CreatePrintsTheKeyOnTheLastLine) {
  auto r = gatehouse({"mgmt-key", "create", "--name", "ci deploy"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  ASSERT_FALSE(r.out.empty());
  EXPECT_EQ(r.out.back(), '\n');
  std::string body = r.out.substr(0, r.out.size() - 1);
  std::string last = body.substr(body.rfind('\n') + 1);
  EXPECT_THAT(last, ::testing::MatchesRegex("gh_[A-Za-z0-9]+_[A-Za-z0-9_-]+")) << r.out;
  EXPECT_EQ(body.find(last), body.rfind(last)) << "the key is printed once";
  EXPECT_THAT(r.out, HasSubstr("ci deploy"));
  EXPECT_THAT(r.out, HasSubstr("expires never"));
  EXPECT_EQ(get("/v1/mgmt/license", bearer(pid(), last)).status, 200);

  // Two keys are different.
  auto other = create_key("ci deploy");
  EXPECT_NE(other.key, last);
  EXPECT_NE(other.id, last.substr(3, other.id.size()));
}

TEST_F(MgmtKeyCliTest, ListShowsKeysWithoutTheirSecrets) {
  auto k = create_key("listed key");
  ASSERT_EQ(get("/v1/mgmt/license", bearer(pid(), k.key)).status, 200);
  auto r = gatehouse({"mgmt-key", "list"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, ::testing::StartsWith("ID\tNAME\tCREATED\tEXPIRES\tLAST USED\tSTATUS\n"));
  EXPECT_THAT(r.out, ::testing::ContainsRegex(
                         k.id + "\tlisted key\t[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9:]{5}\tnever\t"
                                "[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9:]{5}\tactive\n"))
      << "last used is set after a request";
  EXPECT_THAT(r.out, HasSubstr(key().id));
  EXPECT_THAT(r.out, Not(HasSubstr(k.secret)));
  EXPECT_THAT(r.out, Not(HasSubstr(key().secret)));
  EXPECT_THAT(r.out, Not(::testing::ContainsRegex("[0-9a-f]{64}"))) << "no key hash either";
  EXPECT_TRUE(r.err.empty()) << r.err;
}

TEST_F(MgmtKeyCliTest, RevokeOfAnUnknownIdFailsReadably) {
  auto r = gatehouse({"mgmt-key", "revoke", "Knosuchkey"});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_THAT(r.err, HasSubstr("Knosuchkey"));
  EXPECT_THAT(r.err, HasSubstr("no management key"));
  EXPECT_EQ(r.err.find('{'), std::string::npos) << "a sentence, not JSON: " << r.err;
  EXPECT_EQ(get("/v1/mgmt/license").status, 200) << "nothing else was revoked";
}

TEST_F(MgmtKeyCliTest, UsageMistakesExitNonZeroWithAMessage) {
  auto no_name = gatehouse({"mgmt-key", "create"});
  EXPECT_NE(no_name.exit_code, 0);
  EXPECT_THAT(no_name.err, HasSubstr("--name"));
  auto bad_days = gatehouse({"mgmt-key", "create", "--name", "x", "--expires-in", "soon"});
  EXPECT_NE(bad_days.exit_code, 0);
  EXPECT_THAT(bad_days.err, HasSubstr("soon"));
  auto too_long = gatehouse({"mgmt-key", "create", "--name", "x", "--expires-in", "99999"});
  EXPECT_NE(too_long.exit_code, 0);
  EXPECT_FALSE(too_long.err.empty());
  auto no_id = gatehouse({"mgmt-key", "revoke"});
  EXPECT_NE(no_id.exit_code, 0);
  EXPECT_THAT(no_id.err, HasSubstr("usage"));
  auto verb = gatehouse({"mgmt-key", "rotate"});
  EXPECT_NE(verb.exit_code, 0);
  EXPECT_THAT(verb.err, HasSubstr("rotate"));
  for (const auto& r : {no_name, bad_days, too_long, no_id, verb}) {
    EXPECT_THAT(r.out, Not(::testing::ContainsRegex("gh_[A-Za-z0-9]+_"))) << "no key was made";
  }
}

}  // namespace
}  // namespace gatehouse::test
