// Management API (docs/descope-wire.md §6.2, §6.4): roles and permissions over real HTTP.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>
#include <set>
#include <string>

#include "mgmt_fixture.h"

namespace gatehouse::test {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::UnorderedElementsAre;

class MgmtRoleTest : public MgmtFixture<MgmtRoleTest> {};

TEST_F(MgmtRoleTest, CreateAndListRolesWithPermissions) {
  std::string p1 = make_permission("read"), p2 = make_permission("write");
  std::string name = unique_name("editor");
  int64_t before = unix_now();
  auto r = post("/v1/mgmt/role/create", json::object{{"name", name},
                                                     {"description", "Edits things"},
                                                     {"permissionNames", json::array{p2, p1}},
                                                     {"tenantId", ""},
                                                     {"default", false}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_TRUE(r.json && r.json->is_object()) << r.body;

  auto all = get("/v1/mgmt/role/all");
  ASSERT_EQ(all.status, 200) << all.body;
  const auto* listed = find_by(all.obj().at("roles"), "name", name);
  ASSERT_NE(listed, nullptr) << all.body;
  EXPECT_EQ(listed->at("description"), "Edits things");
  EXPECT_THAT(set_of(listed->at("permissionNames")), UnorderedElementsAre(p1, p2));
  EXPECT_GE(listed->at("createdTime").as_int64(), before - 1);
  // The seeded roles are there too.
  for (const char* seeded : {"admin", "teacher", "student"}) {
    EXPECT_NE(find_by(all.obj().at("roles"), "name", seeded), nullptr) << seeded;
  }
  // A role without permissions.
  std::string bare = make_role("bare");
  EXPECT_THAT(role(bare).at("permissionNames").as_array(), IsEmpty());
}

TEST_F(MgmtRoleTest, SessionPermissionsAreTheUnionOfTheRolesAfterRefresh) {
  std::string p1 = make_permission("p"), p2 = make_permission("p"), p3 = make_permission("p");
  std::string ra = make_role("ra", {p1, p2}), rb = make_role("rb", {p2, p3});
  auto [u, login] = signed_in_user("perms", {{"roleNames", json::array{ra, rb}}});
  EXPECT_THAT(strings(jwt_payload(login.session).at("permissions")),
              UnorderedElementsAre(p1, p2, p3));

  // Change the roles' permissions: the next session carries the new union.
  must(post("/v1/mgmt/role/update",
            json::object{{"name", ra}, {"newName", ra}, {"permissionNames", json::array{p1}}}),
       "update ra");
  must(post("/v1/mgmt/role/update",
            json::object{{"name", rb}, {"newName", rb}, {"permissionNames", json::array{p1}}}),
       "update rb");
  EXPECT_THAT(strings(jwt_payload(login.session).at("permissions")),
              UnorderedElementsAre(p1, p2, p3))
      << "a minted token does not change";
  auto next = api().must_refresh(login.refresh);
  EXPECT_THAT(strings(jwt_payload(next.session).at("permissions")), ElementsAre(p1));

  // Roles given later count too.
  std::string rc = make_role("rc", {p3});
  must(post("/v2/mgmt/user/update/role/add",
            json::object{{"userId", login.user_id}, {"roleNames", json::array{rc}}}),
       "role add");
  auto last = api().must_refresh(next.refresh);
  EXPECT_THAT(strings(jwt_payload(last.session).at("permissions")), UnorderedElementsAre(p1, p3));
  EXPECT_THAT(strings(jwt_payload(last.session).at("roles")), UnorderedElementsAre(ra, rb, rc));
}

TEST_F(MgmtRoleTest, RenameCascadesToUsersAndTokens) {
  std::string p = make_permission("grade");
  std::string old_name = make_role("old", {p});
  auto [u, login] = signed_in_user("rename", {{"roleNames", json::array{old_name, "student"}}});
  std::string new_name = unique_name("new");
  auto r = post("/v1/mgmt/role/update", json::object{{"name", old_name},
                                                     {"newName", new_name},
                                                     {"description", "Renamed"},
                                                     {"permissionNames", json::array{p}}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_FALSE(role_exists(old_name));
  auto renamed = role(new_name);
  EXPECT_EQ(renamed.at("description"), "Renamed");
  EXPECT_THAT(strings(renamed.at("permissionNames")), ElementsAre(p));

  EXPECT_THAT(set_of(user_by_id(login.user_id).at("roleNames")),
              UnorderedElementsAre(new_name, "student"));
  auto next = api().must_refresh(login.refresh);
  EXPECT_THAT(strings(jwt_payload(next.session).at("roles")),
              UnorderedElementsAre(new_name, "student"));
  EXPECT_THAT(strings(jwt_payload(next.session).at("permissions")), ElementsAre(p));
  auto search = post("/v2/mgmt/user/search", json::object{{"roleNames", json::array{new_name}}});
  ASSERT_EQ(search.status, 200) << search.body;
  EXPECT_THAT(ids_of(search.obj().at("users")), ElementsAre(login.user_id));

  // Errors: unknown role 404, taken new name 409; nothing changes.
  EXPECT_TRUE(IsDescopeError(
      post("/v1/mgmt/role/update", json::object{{"name", old_name}, {"newName", unique_name("x")}}),
      404));
  EXPECT_TRUE(IsDescopeError(
      post("/v1/mgmt/role/update",
           json::object{
               {"name", new_name}, {"newName", "teacher"}, {"permissionNames", json::array{p}}}),
      409));
  EXPECT_TRUE(
      IsDescopeError(post("/v1/mgmt/role/update", json::object{{"newName", "x"}}), 400, "E011003"));
  EXPECT_THAT(strings(role(new_name).at("permissionNames")), ElementsAre(p));
  // Updating with an unknown permission names it and changes nothing.
  std::string ghost = unique_name("no-such-perm");
  auto bad = post("/v1/mgmt/role/update", json::object{{"name", new_name},
                                                       {"newName", new_name},
                                                       {"permissionNames", json::array{ghost}}});
  EXPECT_TRUE(IsDescopeError(bad, 400, "E011003"));
  EXPECT_THAT(message_of(bad), HasSubstr(ghost));
  EXPECT_THAT(strings(role(new_name).at("permissionNames")), ElementsAre(p));
}

TEST_F(MgmtRoleTest, DeleteRemovesTheRoleFromUsers) {
  std::string p = make_permission("gone");
  std::string doomed = make_role("doomed", {p});
  std::string tenant = make_tenant();
  auto [u, login] = signed_in_user(
      "delrole", {{"roleNames", json::array{doomed, "teacher"}},
                  {"userTenants", json::array{json::object{{"tenantId", tenant},
                                                           {"roleNames", json::array{doomed}}}}}});
  auto r = post("/v1/mgmt/role/delete", json::object{{"name", doomed}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_TRUE(r.json && r.json->is_object()) << r.body;
  EXPECT_FALSE(role_exists(doomed));
  auto after = user_by_id(login.user_id);
  EXPECT_THAT(strings(after.at("roleNames")), ElementsAre("teacher"));
  EXPECT_EQ(user_tenants(after), (std::map<std::string, std::set<std::string>>{{tenant, {}}}));
  auto next = api().must_refresh(login.refresh);
  EXPECT_THAT(strings(jwt_payload(next.session).at("roles")), ElementsAre("teacher"));
  EXPECT_THAT(strings(jwt_payload(next.session).at("permissions")), IsEmpty());

  EXPECT_TRUE(IsDescopeError(post("/v1/mgmt/role/delete", json::object{{"name", doomed}}), 404));
  EXPECT_TRUE(IsDescopeError(post("/v1/mgmt/role/delete", json::object{}), 400, "E011003"));
  // The name can be used again, and old holders do not get it back.
  make_permission("unused");
  ASSERT_EQ(post("/v1/mgmt/role/create", json::object{{"name", doomed}}).status, 200);
  EXPECT_THAT(strings(user_by_id(login.user_id).at("roleNames")), ElementsAre("teacher"));
}

TEST_F(MgmtRoleTest, DuplicateRoleIs409AndUnknownPermissionIs400) {
  std::string name = make_role("dup");
  auto again =
      post("/v1/mgmt/role/create", json::object{{"name", name}, {"description", "second"}});
  EXPECT_TRUE(IsDescopeError(again, 409));
  EXPECT_EQ(role(name).at("description"), "made by dup");
  EXPECT_TRUE(IsDescopeError(post("/v1/mgmt/role/create", json::object{{"name", "teacher"}}), 409));

  std::string ghost = unique_name("no-such-perm");
  std::string fresh = unique_name("fresh");
  auto bad = post("/v1/mgmt/role/create",
                  json::object{{"name", fresh}, {"permissionNames", json::array{ghost}}});
  EXPECT_TRUE(IsDescopeError(bad, 400, "E011003"));
  EXPECT_THAT(message_of(bad), HasSubstr(ghost));
  EXPECT_FALSE(role_exists(fresh));

  EXPECT_TRUE(IsDescopeError(post("/v1/mgmt/role/create", json::object{{"description", "no name"}}),
                             400, "E011003"));
  EXPECT_TRUE(IsDescopeError(post("/v1/mgmt/role/create", json::object{{"name", "bad/name"}}), 400,
                             "E011003"));
  // Tenant-scoped roles are not supported: refused rather than made project-wide.
  std::string scoped = unique_name("scoped");
  EXPECT_TRUE(IsDescopeError(
      post("/v1/mgmt/role/create", json::object{{"name", scoped}, {"tenantId", make_tenant()}}),
      400, "E011003"));
  EXPECT_FALSE(role_exists(scoped));
}

TEST_F(MgmtRoleTest, PermissionsCreateRenameDeleteAndList) {
  std::string name = unique_name("perm");
  auto r = post("/v1/mgmt/permission/create",
                json::object{{"name", name}, {"description", "Can do it"}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_TRUE(r.json && r.json->is_object()) << r.body;
  auto all = must(get("/v1/mgmt/permission/all"), "permission/all");
  const auto* p = find_by(all.at("permissions"), "name", name);
  ASSERT_NE(p, nullptr) << all;
  EXPECT_EQ(p->at("description"), "Can do it");
  EXPECT_EQ(p->at("systemDefault"), false);
  EXPECT_TRUE(
      IsDescopeError(post("/v1/mgmt/permission/create", json::object{{"name", name}}), 409));

  // Rename: roles holding it follow, and so do the sessions of their users.
  std::string role_name = make_role("holder", {name});
  auto [u, login] = signed_in_user("permrename", {{"roleNames", json::array{role_name}}});
  std::string renamed = unique_name("renamed");
  ASSERT_EQ(
      post("/v1/mgmt/permission/update",
           json::object{{"name", name}, {"newName", renamed}, {"description", "Can still do it"}})
          .status,
      200);
  all = must(get("/v1/mgmt/permission/all"), "permission/all");
  EXPECT_EQ(find_by(all.at("permissions"), "name", name), nullptr);
  ASSERT_NE(find_by(all.at("permissions"), "name", renamed), nullptr);
  EXPECT_EQ(find_by(all.at("permissions"), "name", renamed)->at("description"), "Can still do it");
  EXPECT_THAT(strings(role(role_name).at("permissionNames")), ElementsAre(renamed));
  auto next = api().must_refresh(login.refresh);
  EXPECT_THAT(strings(jwt_payload(next.session).at("permissions")), ElementsAre(renamed));

  // Description only (no newName keeps the name).
  ASSERT_EQ(
      post("/v1/mgmt/permission/update", json::object{{"name", renamed}, {"description", "Third"}})
          .status,
      200);
  all = must(get("/v1/mgmt/permission/all"), "permission/all");
  ASSERT_NE(find_by(all.at("permissions"), "name", renamed), nullptr);
  EXPECT_EQ(find_by(all.at("permissions"), "name", renamed)->at("description"), "Third");

  EXPECT_TRUE(IsDescopeError(post("/v1/mgmt/permission/update",
                                  json::object{{"name", unique_name("ghost")}, {"newName", "x"}}),
                             404));
  std::string other = make_permission("other");
  EXPECT_TRUE(IsDescopeError(
      post("/v1/mgmt/permission/update", json::object{{"name", renamed}, {"newName", other}}),
      409));

  // Delete: gone from the list, from the role and from the next session.
  ASSERT_EQ(post("/v1/mgmt/permission/delete", json::object{{"name", renamed}}).status, 200);
  all = must(get("/v1/mgmt/permission/all"), "permission/all");
  EXPECT_EQ(find_by(all.at("permissions"), "name", renamed), nullptr);
  EXPECT_THAT(role(role_name).at("permissionNames").as_array(), IsEmpty());
  EXPECT_THAT(strings(jwt_payload(api().must_refresh(next.refresh).session).at("permissions")),
              IsEmpty());
  EXPECT_TRUE(
      IsDescopeError(post("/v1/mgmt/permission/delete", json::object{{"name", renamed}}), 404));
  EXPECT_TRUE(IsDescopeError(post("/v1/mgmt/permission/create", json::object{}), 400, "E011003"));
}

}  // namespace
}  // namespace gatehouse::test
