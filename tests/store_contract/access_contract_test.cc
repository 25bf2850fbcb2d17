// AccessStore contract: roles, permissions and tenants, and how their renames and
// deletes reach the users that hold them.
#include <set>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "store_contract_fixture.h"

namespace gatehouse::store::testing {
namespace {

class AccessContractTest : public StoreContractFixture {
 protected:
  void create_permissions(const std::vector<std::string>& names) {
    for (const auto& name : names) {
      ASSERT_THAT(access().create_permission(Permission{name, name + " permission"}), IsOk());
    }
  }

  Role get_role(const std::string& name) {
    auto r = access().get_role(name);
    EXPECT_THAT(r, IsOk());
    return r ? *r : Role{};
  }

  static Tenant tenant(const std::string& id, const std::string& name,
                       std::vector<std::string> domains = {}, const std::string& attributes = "{}",
                       int64_t created_at = 50) {
    Tenant t;
    t.id = id;
    t.name = name;
    t.self_provisioning_domains = std::move(domains);
    t.custom_attributes_json = attributes;
    t.created_at = created_at;
    return t;
  }

  Tenant get_tenant(const std::string& id) {
    auto t = access().get_tenant(id);
    EXPECT_THAT(t, IsOk());
    return t ? *t : Tenant{};
  }

  // U1 holds `role` at project level and inside tenant T1.
  void user_with_role_everywhere(const std::string& role) {
    ASSERT_THAT(access().create_tenant(tenant("T1", "First")), IsOk());
    ASSERT_THAT(users().create(new_user("U1", "a@x.io", {role})), IsOk());
    UserUpdate up;
    up.tenants = std::vector<UserTenant>{UserTenant{"T1", "", {role}}};
    ASSERT_THAT(users().update("U1", up), IsOk());
  }
};

class RoleContractTest : public AccessContractTest {};
class PermissionContractTest : public AccessContractTest {};
class TenantContractTest : public AccessContractTest {};

// --- roles ---

TEST_P(RoleContractTest, RolesCreateListAndDuplicate) {
  auto empty = access().list_roles();
  ASSERT_THAT(empty, IsOk());
  EXPECT_THAT(*empty, IsEmpty());

  ASSERT_THAT(access().create_role(Role{"teacher", "Teaches", {}, 20}), IsOk());
  ASSERT_THAT(access().create_role(Role{"student", "Learns", {}, 10}), IsOk());
  EXPECT_THAT(access().create_role(Role{"teacher", "again", {}, 30}), ErrcIs(Errc::kConflict));
  EXPECT_THAT(access().create_role(Role{"", "no name", {}, 30}), ErrcIs(Errc::kInvalidArgument));

  auto roles = access().list_roles();
  ASSERT_THAT(roles, IsOk());
  ASSERT_EQ(roles->size(), 2u);
  EXPECT_EQ((*roles)[0].name, "student");
  EXPECT_EQ((*roles)[0].description, "Learns");
  EXPECT_EQ((*roles)[0].created_at, 10);
  EXPECT_THAT((*roles)[0].permissions, IsEmpty());
  EXPECT_EQ((*roles)[1].name, "teacher");
  EXPECT_EQ((*roles)[1].description, "Teaches");  // the duplicate changed nothing
}

TEST_P(RoleContractTest, RoleWithUnknownPermissionIsInvalidArgumentAndNotCreated) {
  auto r = access().create_role(Role{"teacher", "", {"grade.write"}, 0});
  ASSERT_THAT(r, ErrcIs(Errc::kInvalidArgument));
  EXPECT_THAT(r.error().message, HasSubstr("unknown permission: grade.write"));
  auto roles = access().list_roles();
  ASSERT_THAT(roles, IsOk());
  EXPECT_THAT(*roles, IsEmpty());
}

TEST_P(RoleContractTest, GetRoleReturnsItWithSortedPermissions) {
  create_permissions({"grade.write", "grade.read"});
  ASSERT_THAT(access().create_role(Role{"teacher", "Teaches", {"grade.write", "grade.read"}, 20}),
              IsOk());
  const Role role = get_role("teacher");
  EXPECT_EQ(role.name, "teacher");
  EXPECT_EQ(role.description, "Teaches");
  EXPECT_EQ(role.created_at, 20);
  EXPECT_THAT(role.permissions, ElementsAre("grade.read", "grade.write"));
  EXPECT_THAT(access().get_role("ghost"), ErrcIs(Errc::kNotFound));
  EXPECT_THAT(access().get_role("Teacher"), ErrcIs(Errc::kNotFound));  // names are exact
}

// Bytewise, as a login id or role name compares: capitals first, whatever collation the
// database was made with; list_roles carries each role's permissions the same way.
TEST_P(RoleContractTest, PermissionsAreListedBytewiseByGetAndList) {
  create_permissions({"beta", "Zeta", "alpha", "_x"});
  ASSERT_THAT(access().create_role(Role{"r2", "", {"beta", "alpha"}, 1}), IsOk());
  ASSERT_THAT(access().create_role(Role{"r1", "", {"beta", "_x", "Zeta", "alpha"}, 1}), IsOk());
  EXPECT_THAT(get_role("r1").permissions, ElementsAre("Zeta", "_x", "alpha", "beta"));
  auto roles = access().list_roles();
  ASSERT_THAT(roles, IsOk());
  ASSERT_EQ(roles->size(), 2u);
  EXPECT_EQ((*roles)[0].name, "r1");
  EXPECT_THAT((*roles)[0].permissions, ElementsAre("Zeta", "_x", "alpha", "beta"));
  EXPECT_EQ((*roles)[1].name, "r2");
  EXPECT_THAT((*roles)[1].permissions, ElementsAre("alpha", "beta"));
}

TEST_P(RoleContractTest, UpdateRoleReplacesDescriptionAndPermissions) {
  create_permissions({"a", "b", "c"});
  ASSERT_THAT(access().create_role(Role{"teacher", "old", {"a", "b"}, 20}), IsOk());
  ASSERT_THAT(access().update_role("teacher", Role{"teacher", "new", {"c", "b", "c"}, 999}),
              IsOk());
  const Role role = get_role("teacher");
  EXPECT_EQ(role.description, "new");
  EXPECT_THAT(role.permissions, ElementsAre("b", "c"));
  EXPECT_EQ(role.created_at, 20);  // kept

  ASSERT_THAT(access().update_role("teacher", Role{"teacher", "", {}, 0}), IsOk());
  EXPECT_THAT(get_role("teacher").permissions, IsEmpty());
}

TEST_P(RoleContractTest, RenameCascadesToUsersAndTenantRoles) {
  create_permissions({"grade.write"});
  ASSERT_THAT(access().create_role(Role{"teacher", "Teaches", {"grade.write"}, 20}), IsOk());
  user_with_role_everywhere("teacher");

  ASSERT_THAT(access().update_role("teacher", Role{"instructor", "Instructs", {"grade.write"}, 0}),
              IsOk());
  EXPECT_THAT(access().get_role("teacher"), ErrcIs(Errc::kNotFound));
  const Role renamed = get_role("instructor");
  EXPECT_EQ(renamed.description, "Instructs");
  EXPECT_EQ(renamed.created_at, 20);
  EXPECT_THAT(renamed.permissions, ElementsAre("grade.write"));

  const User u = get_user("U1");
  EXPECT_THAT(u.roles, ElementsAre("instructor"));
  ASSERT_THAT(u.tenants, SizeIs(1));
  EXPECT_THAT(u.tenants[0].roles, ElementsAre("instructor"));

  auto all = access().list_roles();
  ASSERT_THAT(all, IsOk());
  ASSERT_THAT(*all, SizeIs(1));
  EXPECT_EQ((*all)[0].name, "instructor");
  EXPECT_THAT((*all)[0].permissions, ElementsAre("grade.write"));
}

TEST_P(RoleContractTest, FailedUpdateChangesNothing) {
  create_permissions({"a"});
  ASSERT_THAT(access().create_role(Role{"teacher", "Teaches", {"a"}, 20}), IsOk());
  ASSERT_THAT(access().create_role(Role{"admin", "Admin", {}, 20}), IsOk());
  user_with_role_everywhere("teacher");

  EXPECT_THAT(access().update_role("ghost", Role{"ghost", "", {}, 0}), ErrcIs(Errc::kNotFound));
  auto taken = access().update_role("teacher", Role{"admin", "x", {}, 0});
  ASSERT_THAT(taken, ErrcIs(Errc::kConflict));
  EXPECT_THAT(taken.error().message, HasSubstr("admin"));
  // Renamed and re-described first, then the permission check fails: all undone.
  auto unknown = access().update_role("teacher", Role{"instructor", "x", {"a", "nope"}, 0});
  ASSERT_THAT(unknown, ErrcIs(Errc::kInvalidArgument));
  EXPECT_THAT(unknown.error().message, HasSubstr("unknown permission: nope"));
  EXPECT_THAT(access().update_role("teacher", Role{"", "x", {}, 0}),
              ErrcIs(Errc::kInvalidArgument));

  EXPECT_THAT(access().get_role("instructor"), ErrcIs(Errc::kNotFound));
  const Role role = get_role("teacher");
  EXPECT_EQ(role.description, "Teaches");
  EXPECT_THAT(role.permissions, ElementsAre("a"));
  EXPECT_EQ(get_role("admin").description, "Admin");
  const User u = get_user("U1");
  EXPECT_THAT(u.roles, ElementsAre("teacher"));
  EXPECT_THAT(u.tenants[0].roles, ElementsAre("teacher"));
}

TEST_P(RoleContractTest, DeleteRoleRemovesItFromUsers) {
  create_permissions({"a"});
  ASSERT_THAT(access().create_role(Role{"teacher", "", {"a"}, 0}), IsOk());
  ASSERT_THAT(access().create_role(Role{"admin", "", {}, 0}), IsOk());
  user_with_role_everywhere("teacher");
  ASSERT_THAT(set_roles("U1", {"teacher", "admin"}), IsOk());

  ASSERT_THAT(access().delete_role("teacher"), IsOk());
  EXPECT_THAT(access().get_role("teacher"), ErrcIs(Errc::kNotFound));
  const User u = get_user("U1");
  EXPECT_THAT(u.roles, ElementsAre("admin"));
  ASSERT_THAT(u.tenants, SizeIs(1));  // the membership stays
  EXPECT_THAT(u.tenants[0].roles, IsEmpty());
  EXPECT_THAT(access().delete_role("teacher"), ErrcIs(Errc::kNotFound));

  // The permission stays; a new role of the old name starts clean.
  auto permissions = access().list_permissions();
  ASSERT_THAT(permissions, IsOk());
  EXPECT_THAT(*permissions, SizeIs(1));
  ASSERT_THAT(access().create_role(Role{"teacher", "", {}, 0}), IsOk());
  EXPECT_THAT(get_role("teacher").permissions, IsEmpty());
  EXPECT_THAT(user_roles("U1"), ElementsAre("admin"));
}

// --- permissions ---

TEST_P(PermissionContractTest, CreateListAndDuplicate) {
  auto empty = access().list_permissions();
  ASSERT_THAT(empty, IsOk());
  EXPECT_THAT(*empty, IsEmpty());

  ASSERT_THAT(access().create_permission(Permission{"grade.write", "Write grades"}), IsOk());
  ASSERT_THAT(access().create_permission(Permission{"grade.read", "Read grades"}), IsOk());
  auto dup = access().create_permission(Permission{"grade.read", "again"});
  ASSERT_THAT(dup, ErrcIs(Errc::kConflict));
  EXPECT_THAT(dup.error().message, HasSubstr("grade.read"));
  EXPECT_THAT(access().create_permission(Permission{"", "x"}), ErrcIs(Errc::kInvalidArgument));

  auto all = access().list_permissions();
  ASSERT_THAT(all, IsOk());
  ASSERT_THAT(*all, SizeIs(2));
  EXPECT_EQ((*all)[0].name, "grade.read");
  EXPECT_EQ((*all)[0].description, "Read grades");  // the duplicate changed nothing
  EXPECT_EQ((*all)[1].name, "grade.write");
  EXPECT_EQ((*all)[1].description, "Write grades");
}

TEST_P(PermissionContractTest, RenameCascadesToRoles) {
  create_permissions({"grade.write", "grade.read"});
  ASSERT_THAT(access().create_role(Role{"teacher", "", {"grade.write", "grade.read"}, 0}), IsOk());
  ASSERT_THAT(access().update_permission("grade.write", Permission{"grades.edit", "Edit grades"}),
              IsOk());
  EXPECT_THAT(get_role("teacher").permissions, ElementsAre("grade.read", "grades.edit"));
  auto all = access().list_permissions();
  ASSERT_THAT(all, IsOk());
  ASSERT_THAT(*all, SizeIs(2));
  EXPECT_EQ((*all)[1].name, "grades.edit");
  EXPECT_EQ((*all)[1].description, "Edit grades");

  // Description only.
  ASSERT_THAT(access().update_permission("grade.read", Permission{"grade.read", "Read"}), IsOk());
  all = access().list_permissions();
  ASSERT_THAT(all, IsOk());
  EXPECT_EQ((*all)[0].description, "Read");
}

TEST_P(PermissionContractTest, FailedUpdateChangesNothing) {
  create_permissions({"a", "b"});
  ASSERT_THAT(access().create_role(Role{"teacher", "", {"a"}, 0}), IsOk());
  EXPECT_THAT(access().update_permission("ghost", Permission{"ghost2", ""}),
              ErrcIs(Errc::kNotFound));
  EXPECT_THAT(access().update_permission("a", Permission{"b", "x"}), ErrcIs(Errc::kConflict));
  EXPECT_THAT(access().update_permission("a", Permission{"", "x"}), ErrcIs(Errc::kInvalidArgument));
  auto all = access().list_permissions();
  ASSERT_THAT(all, IsOk());
  ASSERT_THAT(*all, SizeIs(2));
  EXPECT_EQ((*all)[0].description, "a permission");
  EXPECT_THAT(get_role("teacher").permissions, ElementsAre("a"));
}

TEST_P(PermissionContractTest, DeletePermissionRemovesItFromRoles) {
  create_permissions({"a", "b"});
  ASSERT_THAT(access().create_role(Role{"teacher", "", {"a", "b"}, 0}), IsOk());
  ASSERT_THAT(access().delete_permission("a"), IsOk());
  EXPECT_THAT(get_role("teacher").permissions, ElementsAre("b"));
  EXPECT_THAT(access().delete_permission("a"), ErrcIs(Errc::kNotFound));
  auto all = access().list_permissions();
  ASSERT_THAT(all, IsOk());
  ASSERT_THAT(*all, SizeIs(1));
  EXPECT_EQ((*all)[0].name, "b");
}

// --- tenants ---

TEST_P(TenantContractTest, CreateAndGetRoundTrip) {
  const std::string attributes = R"({ "plan": "gold", "seats": 30 })";
  ASSERT_THAT(
      access().create_tenant(tenant("T1", "Springfield Elementary",
                                    {"school.io", "staff.school.io", "school.io"}, attributes, 77)),
      IsOk());
  const Tenant t = get_tenant("T1");
  EXPECT_EQ(t.id, "T1");
  EXPECT_EQ(t.name, "Springfield Elementary");
  // In the order given, duplicates dropped.
  EXPECT_THAT(t.self_provisioning_domains, ElementsAre("school.io", "staff.school.io"));
  EXPECT_EQ(t.custom_attributes_json, attributes);  // stored as is
  EXPECT_EQ(t.created_at, 77);

  ASSERT_THAT(access().create_tenant(tenant("T2", "Plain", {}, "")), IsOk());
  const Tenant plain = get_tenant("T2");
  EXPECT_THAT(plain.self_provisioning_domains, IsEmpty());
  EXPECT_EQ(plain.custom_attributes_json, "{}");

  EXPECT_THAT(access().get_tenant("T404"), ErrcIs(Errc::kNotFound));
}

TEST_P(TenantContractTest, CreateErrorsWriteNothing) {
  ASSERT_THAT(access().create_tenant(tenant("T1", "First", {"a.io"})), IsOk());
  auto dup = access().create_tenant(tenant("T1", "Other", {"b.io"}));
  ASSERT_THAT(dup, ErrcIs(Errc::kConflict));
  const Tenant t = get_tenant("T1");
  EXPECT_EQ(t.name, "First");
  EXPECT_THAT(t.self_provisioning_domains, ElementsAre("a.io"));

  EXPECT_THAT(access().create_tenant(tenant("", "No id")), ErrcIs(Errc::kInvalidArgument));
  EXPECT_THAT(access().create_tenant(tenant("T2", "")), ErrcIs(Errc::kInvalidArgument));
  EXPECT_THAT(access().create_tenant(tenant("T2", "Bad", {"ok.io", ""})),
              ErrcIs(Errc::kInvalidArgument));
  for (const std::string bad : {"{", "[]", "\"text\"", "42", "{\"a\":}"}) {
    auto r = access().create_tenant(tenant("T2", "Bad", {"ok.io"}, bad));
    ASSERT_THAT(r, ErrcIs(Errc::kInvalidArgument)) << bad;
    EXPECT_THAT(r.error().message, HasSubstr("JSON object"));
  }
  EXPECT_THAT(access().get_tenant("T2"), ErrcIs(Errc::kNotFound));
  auto all = access().list_tenants();
  ASSERT_THAT(all, IsOk());
  EXPECT_THAT(*all, SizeIs(1));
}

TEST_P(TenantContractTest, ListOrderedByNameThenId) {
  auto empty = access().list_tenants();
  ASSERT_THAT(empty, IsOk());
  EXPECT_THAT(*empty, IsEmpty());

  ASSERT_THAT(access().create_tenant(tenant("T3", "Beta", {"b.io"})), IsOk());
  ASSERT_THAT(access().create_tenant(tenant("T2", "Alpha", {"a2.io", "a1.io"})), IsOk());
  ASSERT_THAT(access().create_tenant(tenant("T1", "Beta", {}, R"({"k":1})")), IsOk());
  auto all = access().list_tenants();
  ASSERT_THAT(all, IsOk());
  ASSERT_THAT(*all, SizeIs(3));
  EXPECT_EQ((*all)[0].id, "T2");
  EXPECT_THAT((*all)[0].self_provisioning_domains, ElementsAre("a2.io", "a1.io"));
  EXPECT_EQ((*all)[1].id, "T1");
  EXPECT_THAT((*all)[1].self_provisioning_domains, IsEmpty());
  EXPECT_EQ((*all)[1].custom_attributes_json, R"({"k":1})");
  EXPECT_EQ((*all)[2].id, "T3");
  EXPECT_THAT((*all)[2].self_provisioning_domains, ElementsAre("b.io"));
}

TEST_P(TenantContractTest, UpdateReplacesNameDomainsAndAttributes) {
  ASSERT_THAT(access().create_tenant(tenant("T1", "First", {"a.io", "b.io"}, R"({"x":1})", 77)),
              IsOk());
  create_roles({"teacher"});
  ASSERT_THAT(users().create(new_user("U1", "a@x.io")), IsOk());
  UserUpdate up;
  up.tenants = std::vector<UserTenant>{UserTenant{"T1", "", {"teacher"}}};
  ASSERT_THAT(users().update("U1", up), IsOk());

  ASSERT_THAT(access().update_tenant(tenant("T1", "Renamed", {"c.io", "a.io"}, R"({"y":2})", 999)),
              IsOk());
  const Tenant t = get_tenant("T1");
  EXPECT_EQ(t.name, "Renamed");
  EXPECT_THAT(t.self_provisioning_domains, ElementsAre("c.io", "a.io"));
  EXPECT_EQ(t.custom_attributes_json, R"({"y":2})");
  EXPECT_EQ(t.created_at, 77);  // kept

  // Memberships stay and show the new name.
  const User u = get_user("U1");
  ASSERT_THAT(u.tenants, SizeIs(1));
  EXPECT_EQ(u.tenants[0].tenant_name, "Renamed");
  EXPECT_THAT(u.tenants[0].roles, ElementsAre("teacher"));

  ASSERT_THAT(access().update_tenant(tenant("T1", "Renamed", {})), IsOk());
  EXPECT_THAT(get_tenant("T1").self_provisioning_domains, IsEmpty());
}

TEST_P(TenantContractTest, FailedUpdateChangesNothing) {
  ASSERT_THAT(access().create_tenant(tenant("T1", "First", {"a.io"}, R"({"x":1})")), IsOk());
  EXPECT_THAT(access().update_tenant(tenant("T404", "Nope")), ErrcIs(Errc::kNotFound));
  EXPECT_THAT(access().get_tenant("T404"), ErrcIs(Errc::kNotFound));
  EXPECT_THAT(access().update_tenant(tenant("T1", "Second", {"b.io"}, "[1]")),
              ErrcIs(Errc::kInvalidArgument));
  EXPECT_THAT(access().update_tenant(tenant("T1", "", {"b.io"})), ErrcIs(Errc::kInvalidArgument));
  EXPECT_THAT(access().update_tenant(tenant("T1", "Second", {""})), ErrcIs(Errc::kInvalidArgument));
  const Tenant t = get_tenant("T1");
  EXPECT_EQ(t.name, "First");
  EXPECT_THAT(t.self_provisioning_domains, ElementsAre("a.io"));
  EXPECT_EQ(t.custom_attributes_json, R"({"x":1})");
}

TEST_P(TenantContractTest, DeleteTenantRemovesMemberships) {
  create_roles({"teacher"});
  ASSERT_THAT(access().create_tenant(tenant("T1", "First", {"a.io"})), IsOk());
  ASSERT_THAT(access().create_tenant(tenant("T2", "Second")), IsOk());
  ASSERT_THAT(users().create(new_user("U1", "a@x.io", {"teacher"})), IsOk());
  UserUpdate up;
  up.tenants = std::vector<UserTenant>{UserTenant{"T1", "", {"teacher"}}, UserTenant{"T2", "", {}}};
  ASSERT_THAT(users().update("U1", up), IsOk());

  ASSERT_THAT(access().delete_tenant("T1"), IsOk());
  EXPECT_THAT(access().get_tenant("T1"), ErrcIs(Errc::kNotFound));
  User u = get_user("U1");
  ASSERT_THAT(u.tenants, SizeIs(1));
  EXPECT_EQ(u.tenants[0].tenant_id, "T2");
  EXPECT_THAT(u.roles, ElementsAre("teacher"));  // project roles stay
  EXPECT_THAT(access().delete_tenant("T1"), ErrcIs(Errc::kNotFound));

  UserSearch q;
  q.tenant_ids = {"T1"};
  auto page = users().search(q);
  ASSERT_THAT(page, IsOk());
  EXPECT_EQ(page->total, 0);

  // A new tenant with the old id starts without members or domains.
  ASSERT_THAT(access().create_tenant(tenant("T1", "Again")), IsOk());
  EXPECT_THAT(get_tenant("T1").self_provisioning_domains, IsEmpty());
  EXPECT_THAT(get_user("U1").tenants, SizeIs(1));
}

GH_INSTANTIATE_STORE_CONTRACT(RoleContractTest);
GH_INSTANTIATE_STORE_CONTRACT(PermissionContractTest);
GH_INSTANTIATE_STORE_CONTRACT(TenantContractTest);

}  // namespace
}  // namespace gatehouse::store::testing
