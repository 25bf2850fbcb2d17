#include <gtest/gtest.h>

#include "gatehouse/session.h"

namespace gatehouse {
namespace {

using Strings = std::vector<std::string>;

JwtResponse response() {
  JwtResponse r;
  r.roles = {"teacher", "admin"};
  r.permissions = {"read", "write"};
  r.tenants = {{"T1", {{"roles", {"owner", "member"}}, {"permissions", {"billing"}}}},
               {"T2", boost::json::object{}},
               {"T3", {{"roles", "owner"}}}};  // malformed: not an array
  return r;
}

TEST(SdkAuthz, ValidateRoles) {
  JwtResponse r = response();
  EXPECT_TRUE(validate_roles(r, {}));
  EXPECT_TRUE(validate_roles(r, {"teacher"}));
  EXPECT_TRUE(validate_roles(r, {"admin", "teacher"}));
  EXPECT_FALSE(validate_roles(r, {"student"}));
  EXPECT_FALSE(validate_roles(r, {"teacher", "student"}));
  EXPECT_FALSE(validate_roles(r, {"Teacher"}));
  EXPECT_FALSE(validate_roles(JwtResponse{}, {"teacher"}));
  EXPECT_TRUE(validate_roles(JwtResponse{}, {}));
}

TEST(SdkAuthz, ValidatePermissions) {
  JwtResponse r = response();
  EXPECT_TRUE(validate_permissions(r, {}));
  EXPECT_TRUE(validate_permissions(r, {"read", "write"}));
  EXPECT_FALSE(validate_permissions(r, {"read", "delete"}));
  EXPECT_FALSE(validate_permissions(r, {"teacher"}));  // roles are not permissions
}

TEST(SdkAuthz, ValidateTenantRolesAndPermissions) {
  JwtResponse r = response();
  EXPECT_TRUE(validate_tenant_roles(r, "T1", {}));
  EXPECT_TRUE(validate_tenant_roles(r, "T1", {"owner"}));
  EXPECT_TRUE(validate_tenant_roles(r, "T1", {"member", "owner"}));
  EXPECT_FALSE(validate_tenant_roles(r, "T1", {"teacher"}));  // project role, not tenant role
  EXPECT_TRUE(validate_tenant_roles(r, "T2", {}));            // present, no roles
  EXPECT_FALSE(validate_tenant_roles(r, "T2", {"owner"}));
  EXPECT_FALSE(validate_tenant_roles(r, "T3", {"owner"}));
  EXPECT_FALSE(validate_tenant_roles(r, "nope", {}));  // absent tenant: false even if empty
  EXPECT_TRUE(validate_tenant_permissions(r, "T1", {"billing"}));
  EXPECT_FALSE(validate_tenant_permissions(r, "T1", {"read"}));
  EXPECT_FALSE(validate_tenant_permissions(r, "nope", {}));
}

TEST(SdkAuthz, GetMatched) {
  JwtResponse r = response();
  EXPECT_EQ(get_matched_roles(r, {"student", "admin", "teacher"}), (Strings{"admin", "teacher"}));
  EXPECT_EQ(get_matched_roles(r, {}), Strings{});
  EXPECT_EQ(get_matched_permissions(r, {"write", "x"}), Strings{"write"});
  EXPECT_EQ(get_matched_tenant_roles(r, "T1", {"member", "x"}), Strings{"member"});
  EXPECT_EQ(get_matched_tenant_roles(r, "nope", {"member"}), Strings{});
  EXPECT_EQ(get_matched_tenant_permissions(r, "T1", {"billing"}), Strings{"billing"});
}

}  // namespace
}  // namespace gatehouse
