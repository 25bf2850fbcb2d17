// MetaStore contract: project metadata.
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "store_contract_fixture.h"

namespace gatehouse::store::testing {
namespace {

class MetaContractTest : public StoreContractFixture {};

TEST_P(MetaContractTest, PutIfAbsentKeepsTheFirstValue) {
  auto missing = meta().get("project_id");
  ASSERT_THAT(missing, IsOk());
  EXPECT_FALSE(missing->has_value());

  auto first = meta().put_if_absent("project_id", "P1");
  ASSERT_THAT(first, IsOk());
  EXPECT_EQ(*first, "P1");

  auto second = meta().put_if_absent("project_id", "P2");
  ASSERT_THAT(second, IsOk());
  EXPECT_EQ(*second, "P1");

  auto stored = meta().get("project_id");
  ASSERT_THAT(stored, IsOk());
  EXPECT_EQ(stored->value_or(""), "P1");

  auto other = meta().put_if_absent("other", "x");
  ASSERT_THAT(other, IsOk());
  EXPECT_EQ(*other, "x");
}

GH_INSTANTIATE_STORE_CONTRACT(MetaContractTest);

}  // namespace
}  // namespace gatehouse::store::testing
