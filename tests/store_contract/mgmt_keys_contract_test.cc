// MgmtKeyStore contract: management keys by id, revocation and last use.
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "store_contract_fixture.h"

namespace gatehouse::store::testing {
namespace {

class MgmtKeyContractTest : public StoreContractFixture {
 protected:
  static MgmtKey mgmt_key(const std::string& id, int64_t created_at) {
    MgmtKey k;
    k.id = id;
    k.name = "key " + id;
    k.key_hash = "sha256-of-" + id;
    k.created_at = created_at;
    return k;
  }

  MgmtKey get_key(const std::string& id) {
    auto k = mgmt_keys().get(id);
    EXPECT_THAT(k, IsOk());
    return k ? *k : MgmtKey{};
  }
};

TEST_P(MgmtKeyContractTest, InsertGetAndListOldestFirst) {
  auto empty = mgmt_keys().list();
  ASSERT_THAT(empty, IsOk());
  EXPECT_THAT(*empty, IsEmpty());

  MgmtKey k2 = mgmt_key("K2", 200);
  k2.expires_at = 5000;
  ASSERT_THAT(mgmt_keys().insert(k2), IsOk());
  ASSERT_THAT(mgmt_keys().insert(mgmt_key("K1", 100)), IsOk());
  ASSERT_THAT(mgmt_keys().insert(mgmt_key("K3", 200)), IsOk());

  const MgmtKey got = get_key("K2");
  EXPECT_EQ(got.id, "K2");
  EXPECT_EQ(got.name, "key K2");
  EXPECT_EQ(got.key_hash, "sha256-of-K2");
  EXPECT_EQ(got.created_at, 200);
  EXPECT_EQ(got.expires_at, 5000);
  EXPECT_EQ(got.revoked_at, 0);
  EXPECT_EQ(got.last_used_at, 0);
  EXPECT_EQ(get_key("K1").expires_at, 0);

  auto all = mgmt_keys().list();
  ASSERT_THAT(all, IsOk());
  ASSERT_THAT(*all, SizeIs(3));
  EXPECT_EQ((*all)[0].id, "K1");
  EXPECT_EQ((*all)[1].id, "K2");  // same time as K3, inserted first
  EXPECT_EQ((*all)[2].id, "K3");
  EXPECT_EQ((*all)[1].expires_at, 5000);

  EXPECT_THAT(mgmt_keys().get("K404"), ErrcIs(Errc::kNotFound));
}

TEST_P(MgmtKeyContractTest, InsertErrors) {
  ASSERT_THAT(mgmt_keys().insert(mgmt_key("K1", 100)), IsOk());
  MgmtKey same_id = mgmt_key("K1", 300);
  same_id.key_hash = "another-hash";
  EXPECT_THAT(mgmt_keys().insert(same_id), ErrcIs(Errc::kConflict));
  MgmtKey same_hash = mgmt_key("K2", 300);
  same_hash.key_hash = "sha256-of-K1";
  auto r = mgmt_keys().insert(same_hash);
  ASSERT_THAT(r, ErrcIs(Errc::kConflict));
  EXPECT_THAT(r.error().message, ::testing::Not(HasSubstr("sha256-of-K1")));
  MgmtKey no_hash = mgmt_key("K3", 300);
  no_hash.key_hash = "";
  EXPECT_THAT(mgmt_keys().insert(no_hash), ErrcIs(Errc::kInvalidArgument));
  EXPECT_THAT(mgmt_keys().insert(mgmt_key("", 300)), ErrcIs(Errc::kInvalidArgument));

  auto all = mgmt_keys().list();
  ASSERT_THAT(all, IsOk());
  ASSERT_THAT(*all, SizeIs(1));
  EXPECT_EQ((*all)[0].key_hash, "sha256-of-K1");
  EXPECT_EQ((*all)[0].created_at, 100);
}

TEST_P(MgmtKeyContractTest, RevokeKeepsTheFirstTime) {
  ASSERT_THAT(mgmt_keys().insert(mgmt_key("K1", 100)), IsOk());
  ASSERT_THAT(mgmt_keys().insert(mgmt_key("K2", 100)), IsOk());
  ASSERT_THAT(mgmt_keys().revoke("K1", 400), IsOk());
  EXPECT_EQ(get_key("K1").revoked_at, 400);
  EXPECT_EQ(get_key("K2").revoked_at, 0);
  ASSERT_THAT(mgmt_keys().revoke("K1", 900), IsOk());
  EXPECT_EQ(get_key("K1").revoked_at, 400);
  EXPECT_THAT(mgmt_keys().revoke("K404", 400), ErrcIs(Errc::kNotFound));
}

TEST_P(MgmtKeyContractTest, TouchRecordsTheLatestUse) {
  ASSERT_THAT(mgmt_keys().insert(mgmt_key("K1", 100)), IsOk());
  ASSERT_THAT(mgmt_keys().touch("K1", 500), IsOk());
  EXPECT_EQ(get_key("K1").last_used_at, 500);
  ASSERT_THAT(mgmt_keys().touch("K1", 700), IsOk());
  EXPECT_EQ(get_key("K1").last_used_at, 700);
  // A late report of an earlier use does not move it back.
  ASSERT_THAT(mgmt_keys().touch("K1", 600), IsOk());
  EXPECT_EQ(get_key("K1").last_used_at, 700);
  EXPECT_EQ(get_key("K1").revoked_at, 0);
  EXPECT_THAT(mgmt_keys().touch("K404", 500), ErrcIs(Errc::kNotFound));
}

GH_INSTANTIATE_STORE_CONTRACT(MgmtKeyContractTest);

}  // namespace
}  // namespace gatehouse::store::testing
