// Store contract, project administration: roles, permissions, tenants,
// management keys and the audit log.
#include <atomic>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "store_contract_fixture.h"

namespace gatehouse::store::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::SizeIs;

constexpr int64_t kDay = 86400;

class AdminContractTest : public StoreContractFixture {
 protected:
  void create_permissions(const std::vector<std::string>& names) {
    for (const auto& name : names) {
      ASSERT_THAT(store().create_permission(Permission{name, name + " permission"}), IsOk());
    }
  }

  Role get_role(const std::string& name) {
    auto r = store().get_role(name);
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
    auto t = store().get_tenant(id);
    EXPECT_THAT(t, IsOk());
    return t ? *t : Tenant{};
  }

  // U1 holds `role` at project level and inside tenant T1.
  void user_with_role_everywhere(const std::string& role) {
    ASSERT_THAT(store().create_tenant(tenant("T1", "First")), IsOk());
    ASSERT_THAT(store().create_user(new_user("U1", "a@x.io", {role})), IsOk());
    UserUpdate up;
    up.tenants = std::vector<UserTenant>{UserTenant{"T1", "", {role}}};
    ASSERT_THAT(store().update_user("U1", up), IsOk());
  }

  static MgmtKey mgmt_key(const std::string& id, int64_t created_at) {
    MgmtKey k;
    k.id = id;
    k.name = "key " + id;
    k.key_hash = "sha256-of-" + id;
    k.created_at = created_at;
    return k;
  }

  MgmtKey get_key(const std::string& id) {
    auto k = store().get_mgmt_key(id);
    EXPECT_THAT(k, IsOk());
    return k ? *k : MgmtKey{};
  }

  int64_t audit(int64_t at, const std::string& action, const std::string& user_id = "",
                const std::string& result = "success") {
    AuditEvent e;
    e.at = at;
    e.action = action;
    e.result = result;
    e.user_id = user_id;
    auto id = store().insert_audit_event(e);
    EXPECT_THAT(id, IsOk());
    return id ? *id : 0;
  }

  std::vector<int64_t> audit_ids(const AuditQuery& q) {
    auto events = store().search_audit_events(q);
    EXPECT_THAT(events, IsOk());
    std::vector<int64_t> out;
    if (events) {
      for (const auto& e : *events) out.push_back(e.id);
    }
    return out;
  }

  std::vector<std::pair<int64_t, int64_t>> day_counts(const std::string& action, int64_t from,
                                                      int64_t to) {
    auto days = store().count_audit_events_by_day(action, from, to);
    EXPECT_THAT(days, IsOk());
    std::vector<std::pair<int64_t, int64_t>> out;
    if (days) {
      for (const auto& d : *days) out.emplace_back(d.day, d.count);
    }
    return out;
  }
};

class RoleContractTest : public AdminContractTest {};
class PermissionContractTest : public AdminContractTest {};
class TenantContractTest : public AdminContractTest {};
class MgmtKeyContractTest : public AdminContractTest {};
class AuditContractTest : public AdminContractTest {};

// --- roles ---

TEST_P(RoleContractTest, GetRoleReturnsItWithSortedPermissions) {
  create_permissions({"grade.write", "grade.read"});
  ASSERT_THAT(store().create_role(Role{"teacher", "Teaches", {"grade.write", "grade.read"}, 20}),
              IsOk());
  const Role role = get_role("teacher");
  EXPECT_EQ(role.name, "teacher");
  EXPECT_EQ(role.description, "Teaches");
  EXPECT_EQ(role.created_at, 20);
  EXPECT_THAT(role.permissions, ElementsAre("grade.read", "grade.write"));
  EXPECT_THAT(store().get_role("ghost"), ErrcIs(Errc::kNotFound));
  EXPECT_THAT(store().get_role("Teacher"), ErrcIs(Errc::kNotFound));  // names are exact
}

TEST_P(RoleContractTest, UpdateRoleReplacesDescriptionAndPermissions) {
  create_permissions({"a", "b", "c"});
  ASSERT_THAT(store().create_role(Role{"teacher", "old", {"a", "b"}, 20}), IsOk());
  ASSERT_THAT(store().update_role("teacher", Role{"teacher", "new", {"c", "b", "c"}, 999}), IsOk());
  const Role role = get_role("teacher");
  EXPECT_EQ(role.description, "new");
  EXPECT_THAT(role.permissions, ElementsAre("b", "c"));
  EXPECT_EQ(role.created_at, 20);  // kept

  ASSERT_THAT(store().update_role("teacher", Role{"teacher", "", {}, 0}), IsOk());
  EXPECT_THAT(get_role("teacher").permissions, IsEmpty());
}

TEST_P(RoleContractTest, RenameCascadesToUsersAndTenantRoles) {
  create_permissions({"grade.write"});
  ASSERT_THAT(store().create_role(Role{"teacher", "Teaches", {"grade.write"}, 20}), IsOk());
  user_with_role_everywhere("teacher");

  ASSERT_THAT(store().update_role("teacher", Role{"instructor", "Instructs", {"grade.write"}, 0}),
              IsOk());
  EXPECT_THAT(store().get_role("teacher"), ErrcIs(Errc::kNotFound));
  const Role renamed = get_role("instructor");
  EXPECT_EQ(renamed.description, "Instructs");
  EXPECT_EQ(renamed.created_at, 20);
  EXPECT_THAT(renamed.permissions, ElementsAre("grade.write"));

  const User u = get_user("U1");
  EXPECT_THAT(u.roles, ElementsAre("instructor"));
  ASSERT_THAT(u.tenants, SizeIs(1));
  EXPECT_THAT(u.tenants[0].roles, ElementsAre("instructor"));

  auto all = store().list_roles();
  ASSERT_THAT(all, IsOk());
  ASSERT_THAT(*all, SizeIs(1));
  EXPECT_EQ((*all)[0].name, "instructor");
  EXPECT_THAT((*all)[0].permissions, ElementsAre("grade.write"));
}

TEST_P(RoleContractTest, FailedUpdateChangesNothing) {
  create_permissions({"a"});
  ASSERT_THAT(store().create_role(Role{"teacher", "Teaches", {"a"}, 20}), IsOk());
  ASSERT_THAT(store().create_role(Role{"admin", "Admin", {}, 20}), IsOk());
  user_with_role_everywhere("teacher");

  EXPECT_THAT(store().update_role("ghost", Role{"ghost", "", {}, 0}), ErrcIs(Errc::kNotFound));
  auto taken = store().update_role("teacher", Role{"admin", "x", {}, 0});
  ASSERT_THAT(taken, ErrcIs(Errc::kConflict));
  EXPECT_THAT(taken.error().message, HasSubstr("admin"));
  // Renamed and re-described first, then the permission check fails: all undone.
  auto unknown = store().update_role("teacher", Role{"instructor", "x", {"a", "nope"}, 0});
  ASSERT_THAT(unknown, ErrcIs(Errc::kInvalidArgument));
  EXPECT_THAT(unknown.error().message, HasSubstr("unknown permission: nope"));
  EXPECT_THAT(store().update_role("teacher", Role{"", "x", {}, 0}), ErrcIs(Errc::kInvalidArgument));

  EXPECT_THAT(store().get_role("instructor"), ErrcIs(Errc::kNotFound));
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
  ASSERT_THAT(store().create_role(Role{"teacher", "", {"a"}, 0}), IsOk());
  ASSERT_THAT(store().create_role(Role{"admin", "", {}, 0}), IsOk());
  user_with_role_everywhere("teacher");
  ASSERT_THAT(store().set_user_roles("U1", {"teacher", "admin"}), IsOk());

  ASSERT_THAT(store().delete_role("teacher"), IsOk());
  EXPECT_THAT(store().get_role("teacher"), ErrcIs(Errc::kNotFound));
  const User u = get_user("U1");
  EXPECT_THAT(u.roles, ElementsAre("admin"));
  ASSERT_THAT(u.tenants, SizeIs(1));  // the membership stays
  EXPECT_THAT(u.tenants[0].roles, IsEmpty());
  EXPECT_THAT(store().delete_role("teacher"), ErrcIs(Errc::kNotFound));

  // The permission stays; a new role of the old name starts clean.
  auto permissions = store().list_permissions();
  ASSERT_THAT(permissions, IsOk());
  EXPECT_THAT(*permissions, SizeIs(1));
  ASSERT_THAT(store().create_role(Role{"teacher", "", {}, 0}), IsOk());
  EXPECT_THAT(get_role("teacher").permissions, IsEmpty());
  EXPECT_THAT(user_roles("U1"), ElementsAre("admin"));
}

// --- permissions ---

TEST_P(PermissionContractTest, CreateListAndDuplicate) {
  auto empty = store().list_permissions();
  ASSERT_THAT(empty, IsOk());
  EXPECT_THAT(*empty, IsEmpty());

  ASSERT_THAT(store().create_permission(Permission{"grade.write", "Write grades"}), IsOk());
  ASSERT_THAT(store().create_permission(Permission{"grade.read", "Read grades"}), IsOk());
  auto dup = store().create_permission(Permission{"grade.read", "again"});
  ASSERT_THAT(dup, ErrcIs(Errc::kConflict));
  EXPECT_THAT(dup.error().message, HasSubstr("grade.read"));
  EXPECT_THAT(store().create_permission(Permission{"", "x"}), ErrcIs(Errc::kInvalidArgument));

  auto all = store().list_permissions();
  ASSERT_THAT(all, IsOk());
  ASSERT_THAT(*all, SizeIs(2));
  EXPECT_EQ((*all)[0].name, "grade.read");
  EXPECT_EQ((*all)[0].description, "Read grades");  // the duplicate changed nothing
  EXPECT_EQ((*all)[1].name, "grade.write");
  EXPECT_EQ((*all)[1].description, "Write grades");
}

TEST_P(PermissionContractTest, RenameCascadesToRoles) {
  create_permissions({"grade.write", "grade.read"});
  ASSERT_THAT(store().create_role(Role{"teacher", "", {"grade.write", "grade.read"}, 0}), IsOk());
  ASSERT_THAT(store().update_permission("grade.write", Permission{"grades.edit", "Edit grades"}),
              IsOk());
  EXPECT_THAT(get_role("teacher").permissions, ElementsAre("grade.read", "grades.edit"));
  auto all = store().list_permissions();
  ASSERT_THAT(all, IsOk());
  ASSERT_THAT(*all, SizeIs(2));
  EXPECT_EQ((*all)[1].name, "grades.edit");
  EXPECT_EQ((*all)[1].description, "Edit grades");

  // Description only.
  ASSERT_THAT(store().update_permission("grade.read", Permission{"grade.read", "Read"}), IsOk());
  all = store().list_permissions();
  ASSERT_THAT(all, IsOk());
  EXPECT_EQ((*all)[0].description, "Read");
}

TEST_P(PermissionContractTest, FailedUpdateChangesNothing) {
  create_permissions({"a", "b"});
  ASSERT_THAT(store().create_role(Role{"teacher", "", {"a"}, 0}), IsOk());
  EXPECT_THAT(store().update_permission("ghost", Permission{"ghost2", ""}),
              ErrcIs(Errc::kNotFound));
  EXPECT_THAT(store().update_permission("a", Permission{"b", "x"}), ErrcIs(Errc::kConflict));
  EXPECT_THAT(store().update_permission("a", Permission{"", "x"}), ErrcIs(Errc::kInvalidArgument));
  auto all = store().list_permissions();
  ASSERT_THAT(all, IsOk());
  ASSERT_THAT(*all, SizeIs(2));
  EXPECT_EQ((*all)[0].description, "a permission");
  EXPECT_THAT(get_role("teacher").permissions, ElementsAre("a"));
}

TEST_P(PermissionContractTest, DeletePermissionRemovesItFromRoles) {
  create_permissions({"a", "b"});
  ASSERT_THAT(store().create_role(Role{"teacher", "", {"a", "b"}, 0}), IsOk());
  ASSERT_THAT(store().delete_permission("a"), IsOk());
  EXPECT_THAT(get_role("teacher").permissions, ElementsAre("b"));
  EXPECT_THAT(store().delete_permission("a"), ErrcIs(Errc::kNotFound));
  auto all = store().list_permissions();
  ASSERT_THAT(all, IsOk());
  ASSERT_THAT(*all, SizeIs(1));
  EXPECT_EQ((*all)[0].name, "b");
}

// --- tenants ---

TEST_P(TenantContractTest, CreateAndGetRoundTrip) {
  const std::string attributes = R"({ "plan": "gold", "seats": 30 })";
  ASSERT_THAT(
      store().create_tenant(tenant("T1", "Springfield Elementary",
                                   {"school.io", "staff.school.io", "school.io"}, attributes, 77)),
      IsOk());
  const Tenant t = get_tenant("T1");
  EXPECT_EQ(t.id, "T1");
  EXPECT_EQ(t.name, "Springfield Elementary");
  // In the order given, duplicates dropped.
  EXPECT_THAT(t.self_provisioning_domains, ElementsAre("school.io", "staff.school.io"));
  EXPECT_EQ(t.custom_attributes_json, attributes);  // stored as is
  EXPECT_EQ(t.created_at, 77);

  ASSERT_THAT(store().create_tenant(tenant("T2", "Plain", {}, "")), IsOk());
  const Tenant plain = get_tenant("T2");
  EXPECT_THAT(plain.self_provisioning_domains, IsEmpty());
  EXPECT_EQ(plain.custom_attributes_json, "{}");

  EXPECT_THAT(store().get_tenant("T404"), ErrcIs(Errc::kNotFound));
}

TEST_P(TenantContractTest, CreateErrorsWriteNothing) {
  ASSERT_THAT(store().create_tenant(tenant("T1", "First", {"a.io"})), IsOk());
  auto dup = store().create_tenant(tenant("T1", "Other", {"b.io"}));
  ASSERT_THAT(dup, ErrcIs(Errc::kConflict));
  const Tenant t = get_tenant("T1");
  EXPECT_EQ(t.name, "First");
  EXPECT_THAT(t.self_provisioning_domains, ElementsAre("a.io"));

  EXPECT_THAT(store().create_tenant(tenant("", "No id")), ErrcIs(Errc::kInvalidArgument));
  EXPECT_THAT(store().create_tenant(tenant("T2", "")), ErrcIs(Errc::kInvalidArgument));
  EXPECT_THAT(store().create_tenant(tenant("T2", "Bad", {"ok.io", ""})),
              ErrcIs(Errc::kInvalidArgument));
  for (const std::string bad : {"{", "[]", "\"text\"", "42", "{\"a\":}"}) {
    auto r = store().create_tenant(tenant("T2", "Bad", {"ok.io"}, bad));
    ASSERT_THAT(r, ErrcIs(Errc::kInvalidArgument)) << bad;
    EXPECT_THAT(r.error().message, HasSubstr("JSON object"));
  }
  EXPECT_THAT(store().get_tenant("T2"), ErrcIs(Errc::kNotFound));
  auto all = store().list_tenants();
  ASSERT_THAT(all, IsOk());
  EXPECT_THAT(*all, SizeIs(1));
}

TEST_P(TenantContractTest, ListOrderedByNameThenId) {
  auto empty = store().list_tenants();
  ASSERT_THAT(empty, IsOk());
  EXPECT_THAT(*empty, IsEmpty());

  ASSERT_THAT(store().create_tenant(tenant("T3", "Beta", {"b.io"})), IsOk());
  ASSERT_THAT(store().create_tenant(tenant("T2", "Alpha", {"a2.io", "a1.io"})), IsOk());
  ASSERT_THAT(store().create_tenant(tenant("T1", "Beta", {}, R"({"k":1})")), IsOk());
  auto all = store().list_tenants();
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
  ASSERT_THAT(store().create_tenant(tenant("T1", "First", {"a.io", "b.io"}, R"({"x":1})", 77)),
              IsOk());
  create_roles({"teacher"});
  ASSERT_THAT(store().create_user(new_user("U1", "a@x.io")), IsOk());
  UserUpdate up;
  up.tenants = std::vector<UserTenant>{UserTenant{"T1", "", {"teacher"}}};
  ASSERT_THAT(store().update_user("U1", up), IsOk());

  ASSERT_THAT(store().update_tenant(tenant("T1", "Renamed", {"c.io", "a.io"}, R"({"y":2})", 999)),
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

  ASSERT_THAT(store().update_tenant(tenant("T1", "Renamed", {})), IsOk());
  EXPECT_THAT(get_tenant("T1").self_provisioning_domains, IsEmpty());
}

TEST_P(TenantContractTest, FailedUpdateChangesNothing) {
  ASSERT_THAT(store().create_tenant(tenant("T1", "First", {"a.io"}, R"({"x":1})")), IsOk());
  EXPECT_THAT(store().update_tenant(tenant("T404", "Nope")), ErrcIs(Errc::kNotFound));
  EXPECT_THAT(store().get_tenant("T404"), ErrcIs(Errc::kNotFound));
  EXPECT_THAT(store().update_tenant(tenant("T1", "Second", {"b.io"}, "[1]")),
              ErrcIs(Errc::kInvalidArgument));
  EXPECT_THAT(store().update_tenant(tenant("T1", "", {"b.io"})), ErrcIs(Errc::kInvalidArgument));
  EXPECT_THAT(store().update_tenant(tenant("T1", "Second", {""})), ErrcIs(Errc::kInvalidArgument));
  const Tenant t = get_tenant("T1");
  EXPECT_EQ(t.name, "First");
  EXPECT_THAT(t.self_provisioning_domains, ElementsAre("a.io"));
  EXPECT_EQ(t.custom_attributes_json, R"({"x":1})");
}

TEST_P(TenantContractTest, DeleteTenantRemovesMemberships) {
  create_roles({"teacher"});
  ASSERT_THAT(store().create_tenant(tenant("T1", "First", {"a.io"})), IsOk());
  ASSERT_THAT(store().create_tenant(tenant("T2", "Second")), IsOk());
  ASSERT_THAT(store().create_user(new_user("U1", "a@x.io", {"teacher"})), IsOk());
  UserUpdate up;
  up.tenants = std::vector<UserTenant>{UserTenant{"T1", "", {"teacher"}}, UserTenant{"T2", "", {}}};
  ASSERT_THAT(store().update_user("U1", up), IsOk());

  ASSERT_THAT(store().delete_tenant("T1"), IsOk());
  EXPECT_THAT(store().get_tenant("T1"), ErrcIs(Errc::kNotFound));
  User u = get_user("U1");
  ASSERT_THAT(u.tenants, SizeIs(1));
  EXPECT_EQ(u.tenants[0].tenant_id, "T2");
  EXPECT_THAT(u.roles, ElementsAre("teacher"));  // project roles stay
  EXPECT_THAT(store().delete_tenant("T1"), ErrcIs(Errc::kNotFound));

  UserSearch q;
  q.tenant_ids = {"T1"};
  auto page = store().search_users(q);
  ASSERT_THAT(page, IsOk());
  EXPECT_EQ(page->total, 0);

  // A new tenant with the old id starts without members or domains.
  ASSERT_THAT(store().create_tenant(tenant("T1", "Again")), IsOk());
  EXPECT_THAT(get_tenant("T1").self_provisioning_domains, IsEmpty());
  EXPECT_THAT(get_user("U1").tenants, SizeIs(1));
}

// --- management keys ---

TEST_P(MgmtKeyContractTest, InsertGetAndListOldestFirst) {
  auto empty = store().list_mgmt_keys();
  ASSERT_THAT(empty, IsOk());
  EXPECT_THAT(*empty, IsEmpty());

  MgmtKey k2 = mgmt_key("K2", 200);
  k2.expires_at = 5000;
  ASSERT_THAT(store().insert_mgmt_key(k2), IsOk());
  ASSERT_THAT(store().insert_mgmt_key(mgmt_key("K1", 100)), IsOk());
  ASSERT_THAT(store().insert_mgmt_key(mgmt_key("K3", 200)), IsOk());

  const MgmtKey got = get_key("K2");
  EXPECT_EQ(got.id, "K2");
  EXPECT_EQ(got.name, "key K2");
  EXPECT_EQ(got.key_hash, "sha256-of-K2");
  EXPECT_EQ(got.created_at, 200);
  EXPECT_EQ(got.expires_at, 5000);
  EXPECT_EQ(got.revoked_at, 0);
  EXPECT_EQ(got.last_used_at, 0);
  EXPECT_EQ(get_key("K1").expires_at, 0);

  auto all = store().list_mgmt_keys();
  ASSERT_THAT(all, IsOk());
  ASSERT_THAT(*all, SizeIs(3));
  EXPECT_EQ((*all)[0].id, "K1");
  EXPECT_EQ((*all)[1].id, "K2");  // same time as K3, inserted first
  EXPECT_EQ((*all)[2].id, "K3");
  EXPECT_EQ((*all)[1].expires_at, 5000);

  EXPECT_THAT(store().get_mgmt_key("K404"), ErrcIs(Errc::kNotFound));
}

TEST_P(MgmtKeyContractTest, InsertErrors) {
  ASSERT_THAT(store().insert_mgmt_key(mgmt_key("K1", 100)), IsOk());
  MgmtKey same_id = mgmt_key("K1", 300);
  same_id.key_hash = "another-hash";
  EXPECT_THAT(store().insert_mgmt_key(same_id), ErrcIs(Errc::kConflict));
  MgmtKey same_hash = mgmt_key("K2", 300);
  same_hash.key_hash = "sha256-of-K1";
  auto r = store().insert_mgmt_key(same_hash);
  ASSERT_THAT(r, ErrcIs(Errc::kConflict));
  EXPECT_THAT(r.error().message, ::testing::Not(HasSubstr("sha256-of-K1")));
  MgmtKey no_hash = mgmt_key("K3", 300);
  no_hash.key_hash = "";
  EXPECT_THAT(store().insert_mgmt_key(no_hash), ErrcIs(Errc::kInvalidArgument));
  EXPECT_THAT(store().insert_mgmt_key(mgmt_key("", 300)), ErrcIs(Errc::kInvalidArgument));

  auto all = store().list_mgmt_keys();
  ASSERT_THAT(all, IsOk());
  ASSERT_THAT(*all, SizeIs(1));
  EXPECT_EQ((*all)[0].key_hash, "sha256-of-K1");
  EXPECT_EQ((*all)[0].created_at, 100);
}

TEST_P(MgmtKeyContractTest, RevokeKeepsTheFirstTime) {
  ASSERT_THAT(store().insert_mgmt_key(mgmt_key("K1", 100)), IsOk());
  ASSERT_THAT(store().insert_mgmt_key(mgmt_key("K2", 100)), IsOk());
  ASSERT_THAT(store().revoke_mgmt_key("K1", 400), IsOk());
  EXPECT_EQ(get_key("K1").revoked_at, 400);
  EXPECT_EQ(get_key("K2").revoked_at, 0);
  ASSERT_THAT(store().revoke_mgmt_key("K1", 900), IsOk());
  EXPECT_EQ(get_key("K1").revoked_at, 400);
  EXPECT_THAT(store().revoke_mgmt_key("K404", 400), ErrcIs(Errc::kNotFound));
}

TEST_P(MgmtKeyContractTest, TouchRecordsTheLatestUse) {
  ASSERT_THAT(store().insert_mgmt_key(mgmt_key("K1", 100)), IsOk());
  ASSERT_THAT(store().touch_mgmt_key("K1", 500), IsOk());
  EXPECT_EQ(get_key("K1").last_used_at, 500);
  ASSERT_THAT(store().touch_mgmt_key("K1", 700), IsOk());
  EXPECT_EQ(get_key("K1").last_used_at, 700);
  // A late report of an earlier use does not move it back.
  ASSERT_THAT(store().touch_mgmt_key("K1", 600), IsOk());
  EXPECT_EQ(get_key("K1").last_used_at, 700);
  EXPECT_EQ(get_key("K1").revoked_at, 0);
  EXPECT_THAT(store().touch_mgmt_key("K404", 500), ErrcIs(Errc::kNotFound));
}

// --- audit log ---

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
  auto first = store().insert_audit_event(e);
  ASSERT_THAT(first, IsOk());
  const int64_t second = audit(1700000001, "user.signin", "U1");
  EXPECT_GT(*first, 0);
  EXPECT_GT(second, *first);

  auto events = store().search_audit_events(AuditQuery{});
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
  EXPECT_THAT(store().insert_audit_event(no_action), ErrcIs(Errc::kInvalidArgument));
}

TEST_P(AuditContractTest, EventsOutliveTheirUser) {
  ASSERT_THAT(store().create_user(new_user("U1", "a@x.io")), IsOk());
  const int64_t id = audit(100, "user.signin", "U1");
  ASSERT_THAT(store().delete_user("U1"), IsOk());
  AuditQuery q;
  q.user_ids = {"U1"};
  EXPECT_THAT(audit_ids(q), ElementsAre(id));
}

TEST_P(AuditContractTest, SearchIsNewestFirstWithTiesByInsertion) {
  const int64_t a = audit(200, "x");
  const int64_t b = audit(100, "x");
  const int64_t c = audit(200, "x");
  const int64_t d = audit(300, "x");
  EXPECT_THAT(audit_ids(AuditQuery{}), ElementsAre(d, c, a, b));
  AuditQuery q;
  q.limit = 2;
  EXPECT_THAT(audit_ids(q), ElementsAre(d, c));
}

TEST_P(AuditContractTest, SearchFilters) {
  const int64_t e1 = audit(100, "user.signin", "U1");
  const int64_t e2 = audit(200, "user.signin.failed", "U1");
  const int64_t e3 = audit(300, "user.signin", "U2");
  const int64_t e4 = audit(400, "user.roles.changed", "U2");
  const int64_t e5 = audit(500, "user.signin", "");

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
  audit(100, "x");
  AuditQuery q;
  q.limit = 0;
  EXPECT_THAT(store().search_audit_events(q), ErrcIs(Errc::kInvalidArgument));
  q.limit = 1001;
  EXPECT_THAT(store().search_audit_events(q), ErrcIs(Errc::kInvalidArgument));
  q.limit = 1000;
  EXPECT_THAT(store().search_audit_events(q), IsOk());
}

TEST_P(AuditContractTest, CountByDayUsesUtcDayBoundaries) {
  const int64_t d = 19700 * kDay;  // 2023-12-09 00:00:00 UTC
  audit(d - 1, "user.signin");     // 23:59:59 the day before
  audit(d, "user.signin");
  audit(d + kDay - 1, "user.signin");
  audit(d + 10, "user.signin.failed");  // another action
  audit(d + kDay, "user.signin");
  audit(d + 3 * kDay + 5, "user.signin");       // d + 2 days has none
  audit(d + 20, "user.signin", "", "failure");  // failures are not counted

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
  audit(-1, "x");
  audit(-kDay, "x");
  audit(-kDay - 1, "x");
  audit(0, "x");
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
        auto id = store().insert_audit_event(e);
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
  auto events = store().search_audit_events(q);
  ASSERT_THAT(events, IsOk());
  ASSERT_THAT(*events, SizeIs(kPerThread));
  EXPECT_EQ((*events)[0].id, ids[0].back());
}

GH_INSTANTIATE_STORE_CONTRACT(RoleContractTest);
GH_INSTANTIATE_STORE_CONTRACT(PermissionContractTest);
GH_INSTANTIATE_STORE_CONTRACT(TenantContractTest);
GH_INSTANTIATE_STORE_CONTRACT(MgmtKeyContractTest);
GH_INSTANTIATE_STORE_CONTRACT(AuditContractTest);

}  // namespace
}  // namespace gatehouse::store::testing
