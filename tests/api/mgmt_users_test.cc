// Management API (docs/descope-wire.md §6.1): users — create, load, search, update and patch,
// disable and delete, their roles and tenants, passwords and logout — over real HTTP.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "mgmt_fixture.h"

namespace gatehouse::test {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::UnorderedElementsAre;

class MgmtUserTest : public MgmtFixture<MgmtUserTest> {};

TEST_F(MgmtUserTest, CreateWithRolesTenantsAndPassword) {
  std::string tenant = make_tenant("Acme School");
  std::string email = unique_email("create");
  int64_t before = unix_now();
  auto r = post(
      "/v1/mgmt/user/create",
      json::object{
          {"loginId", email},
          {"email", email},
          {"phone", "+15555550100"},
          {"displayName", "Ada Lovelace"},
          {"roleNames", json::array{"teacher"}},
          {"userTenants",
           json::array{json::object{{"tenantId", tenant}, {"roleNames", json::array{"student"}}}}},
          {"password", kPassword},
          {"verifiedEmail", true},
          {"picture", "https://img.example/ada.png"},
          {"customAttributes", nullptr},
          {"invite", false}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.header("content-type"), "application/json");
  const auto& u = r.obj().at("user").as_object();
  std::string uid = str(u.at("userId"));
  EXPECT_EQ(uid.size(), 28u) << uid;
  EXPECT_EQ(uid[0], 'U') << uid;
  EXPECT_THAT(strings(u.at("loginIds")), ElementsAre(email));
  EXPECT_EQ(str(u.at("email")), email);
  EXPECT_EQ(u.at("phone"), "+15555550100");
  EXPECT_EQ(u.at("name"), "Ada Lovelace");
  EXPECT_EQ(u.at("picture"), "https://img.example/ada.png");
  EXPECT_EQ(u.at("verifiedEmail"), true);
  EXPECT_EQ(u.at("verifiedPhone"), false);
  EXPECT_THAT(strings(u.at("roleNames")), ElementsAre("teacher"));
  ASSERT_EQ(u.at("userTenants").as_array().size(), 1u) << r.body;
  const auto& ut = u.at("userTenants").as_array()[0];
  EXPECT_EQ(str(ut.at("tenantId")), tenant);
  EXPECT_EQ(ut.at("tenantName"), "Acme School");
  EXPECT_THAT(strings(ut.at("roleNames")), ElementsAre("student"));
  EXPECT_EQ(u.at("status"), "enabled");
  EXPECT_EQ(u.at("password"), true);
  EXPECT_GE(u.at("createdTime").as_int64(), before - 1);
  EXPECT_EQ(user_by_id(uid), u);

  auto login = api().must_sign_in(email);
  EXPECT_EQ(login.user_id, uid);
  EXPECT_THAT(strings(jwt_payload(login.session).at("roles")), ElementsAre("teacher"));
  auto tenants = claim_tenants(login.session);
  ASSERT_TRUE(tenants.count(tenant)) << jwt_payload(login.session);
  EXPECT_THAT(tenants[tenant], ElementsAre("student"));
}

TEST_F(MgmtUserTest, CreateWithoutPasswordNamesFromGivenAndFamilyName) {
  std::string email = unique_email("nopw");
  auto u = create_user(email, {{"givenName", "Grace"}, {"familyName", "Hopper"}});
  EXPECT_EQ(u.at("name"), "Grace Hopper");
  EXPECT_EQ(str(u.at("email")), email) << "an email login id is also the email";
  EXPECT_EQ(u.at("password"), false);
  EXPECT_THAT(strings(u.at("roleNames")), IsEmpty());
  EXPECT_THAT(u.at("userTenants").as_array(), IsEmpty());
  EXPECT_TRUE(IsDescopeError(api().sign_in(email), 401));

  auto phone_user = create_user(unique_name("phone"),
                                {{"phone", "+15555550111"}, {"displayName", "Phone Person"}});
  EXPECT_EQ(phone_user.at("email"), "");
  EXPECT_EQ(phone_user.at("phone"), "+15555550111");
}

TEST_F(MgmtUserTest, CreateTestUser) {
  std::string email = unique_email("testuser");
  auto r = post("/v1/mgmt/user/create/test",
                json::object{{"loginId", email}, {"displayName", "Test User"}, {"test", true}});
  ASSERT_EQ(r.status, 200) << r.body;
  const auto& u = r.obj().at("user").as_object();
  EXPECT_THAT(strings(u.at("loginIds")), ElementsAre(email));
  EXPECT_EQ(u.at("name"), "Test User");
  EXPECT_EQ(u.at("test"), true);
  std::string uid = str(u.at("userId"));
  EXPECT_EQ(user_by_id(uid).at("name"), "Test User");
  EXPECT_EQ(user_by_id(uid).at("test"), true) << "the flag is stored";
  EXPECT_EQ(create_user(unique_email("normal")).at("test"), false);

  // Search hides test users unless `withTestUser` is true (as Descope does).
  for (const char* path : {"/v1/mgmt/user/search", "/v2/mgmt/user/search"}) {
    SCOPED_TRACE(path);
    auto hidden = post(path, json::object{{"loginIds", json::array{email.c_str()}}});
    ASSERT_EQ(hidden.status, 200) << hidden.body;
    EXPECT_EQ(hidden.obj().at("total"), 0) << hidden.body;
    EXPECT_THAT(ids_of(hidden.obj().at("users")), IsEmpty());
    auto shown =
        post(path, json::object{{"loginIds", json::array{email.c_str()}}, {"withTestUser", true}});
    ASSERT_EQ(shown.status, 200) << shown.body;
    EXPECT_EQ(shown.obj().at("total"), 1) << shown.body;
    EXPECT_THAT(ids_of(shown.obj().at("users")), ElementsAre(uid));
    auto bad = post(path, json::object{{"withTestUser", "yes"}});
    EXPECT_EQ(bad.status, 400) << bad.body;
  }
}

TEST_F(MgmtUserTest, LoadByLoginIdAndByUserId) {
  std::string email = unique_email("load");
  auto u = create_user(email, {{"displayName", "Loaded"}});
  std::string uid = str(u.at("userId"));

  auto by_id = get("/v1/mgmt/user?userId=" + uid);
  ASSERT_EQ(by_id.status, 200) << by_id.body;
  EXPECT_EQ(by_id.obj().at("user").as_object(), u);

  // As the SDKs send it: URLSearchParams / requests percent-encode '@' and '+'.
  std::string plus = "ada+" + email;
  std::string plus_id = str(create_user(plus).at("userId"));
  for (const auto& [q, id] :
       std::vector<std::pair<std::string, std::string>>{{email, uid},
                                                        {url_encode(email), uid},
                                                        {url_encode(upper(email)), uid},
                                                        {url_encode(plus), plus_id}}) {
    auto r = get("/v1/mgmt/user?loginId=" + q);
    EXPECT_EQ(r.status, 200) << "?loginId=" << q << ": " << r.body;
    if (r.status == 200) {
      EXPECT_EQ(str(r.obj().at("user").at("userId")), id) << q;
    }
  }

  EXPECT_TRUE(IsDescopeError(get("/v1/mgmt/user?loginId=" + url_encode(unique_email("ghost"))), 404,
                             kUserNotFound));
  EXPECT_TRUE(IsDescopeError(get("/v1/mgmt/user?userId=U0000000000000000000000000000"), 404,
                             kUserNotFound));
  EXPECT_TRUE(IsDescopeError(get("/v1/mgmt/user"), 400, "E011003"));
}

TEST_F(MgmtUserTest, UsersLoadReturnsTheKnownOnes) {
  std::string a = str(create_user(unique_email("loada")).at("userId"));
  std::string b = str(create_user(unique_email("loadb")).at("userId"));
  auto r = post("/v1/mgmt/users/load",
                json::object{{"userIds", json::array{a, b, "U0000000000000000000000000000"}}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_THAT(ids_of(r.obj().at("users")), UnorderedElementsAre(a, b));
  EXPECT_TRUE(
      IsDescopeError(post("/v1/mgmt/users/load", json::object{{"userIds", json::array{}}}), 400));
  EXPECT_TRUE(IsDescopeError(post("/v1/mgmt/users/load", json::object{}), 400));
  EXPECT_TRUE(IsDescopeError(post("/v1/mgmt/users/load", json::object{{"userIds", a}}), 400));
}

TEST_F(MgmtUserTest, SearchFiltersPagesAndCounts) {
  // Five users with the tag in their login id (1 and 3 students, 4 disabled)
  // and one with it only in the name: six matches for `text`.
  std::string tag = unique_name("srch");
  std::vector<std::string> ids;
  for (int i = 0; i < 5; ++i) {
    json::object f;
    if (i == 1 || i == 3) f["roleNames"] = json::array{"student"};
    ids.push_back(
        str(create_user(tag + "-" + std::to_string(i) + "@test.example", f).at("userId")));
  }
  must(
      post("/v1/mgmt/user/update/status", json::object{{"userId", ids[4]}, {"status", "disabled"}}),
      "disable");
  ids.push_back(str(
      create_user(unique_email("named"), {{"displayName", "Person " + upper(tag)}}).at("userId")));

  for (const char* path : {"/v1/mgmt/user/search", "/v2/mgmt/user/search"}) {
    SCOPED_TRACE(path);
    auto search = [&](json::object q) {
      auto r = post(path, q);
      EXPECT_EQ(r.status, 200) << json::serialize(q) << ": " << r.body;
      return r.json && r.obj().contains("users")
                 ? r.obj()
                 : json::object{{"users", json::array{}}, {"total", -1}};
    };
    auto all = search({{"text", tag}});
    EXPECT_EQ(all.at("total"), 6);
    EXPECT_THAT(ids_of(all.at("users")),
                ElementsAre(ids[0], ids[1], ids[2], ids[3], ids[4], ids[5]))
        << "oldest first";
    EXPECT_EQ(search({{"text", upper(tag)}}).at("total"), 6) << "text is case-insensitive";

    auto students = search({{"text", tag}, {"roleNames", json::array{"student"}}});
    EXPECT_EQ(students.at("total"), 2);
    EXPECT_THAT(ids_of(students.at("users")), ElementsAre(ids[1], ids[3]));

    auto disabled = search({{"text", tag}, {"statuses", json::array{"disabled"}}});
    EXPECT_EQ(disabled.at("total"), 1);
    EXPECT_THAT(ids_of(disabled.at("users")), ElementsAre(ids[4]));
    EXPECT_EQ(search({{"text", tag}, {"statuses", json::array{"enabled"}}}).at("total"), 5);
    EXPECT_EQ(search({{"text", tag},
                      {"statuses", json::array{"enabled", "disabled"}},
                      {"roleNames", json::array{"student", "teacher"}}})
                  .at("total"),
              2);

    std::vector<std::string> paged;
    for (int page = 0; page < 4; ++page) {
      auto p = search({{"text", tag}, {"limit", 2}, {"page", page}});
      EXPECT_EQ(p.at("total"), 6) << "page " << page;
      auto got = ids_of(p.at("users"));
      EXPECT_EQ(got.size(), page < 3 ? 2u : 0u) << "page " << page;
      paged.insert(paged.end(), got.begin(), got.end());
    }
    EXPECT_EQ(paged, ids) << "pages are 0-based and cover every match once";

    auto by_login =
        search({{"loginIds", json::array{tag + "-0@test.example", tag + "-2@test.example"}}});
    EXPECT_THAT(ids_of(by_login.at("users")), ElementsAre(ids[0], ids[2]));
    EXPECT_EQ(search({{"text", unique_name("nomatch")}}).at("total"), 0);
    // Descope SDKs send nulls and fields Gatehouse does not know.
    EXPECT_EQ(search({{"text", tag},
                      {"tenantIds", nullptr},
                      {"sort", json::array{}},
                      {"withTestUser", true}})
                  .at("total"),
              6);
  }
}

TEST_F(MgmtUserTest, UpdateReplacesTheWholeUser) {
  std::string tenant = make_tenant();
  std::string email = unique_email("update");
  auto u = create_user(
      email, {{"phone", "+15555550100"},
              {"displayName", "Before"},
              {"picture", "https://img.example/a.png"},
              {"roleNames", json::array{"teacher"}},
              {"userTenants", json::array{json::object{{"tenantId", tenant},
                                                       {"roleNames", json::array{"student"}}}}},
              {"password", kPassword}});
  std::string uid = str(u.at("userId"));

  // Only a name given: everything else becomes empty.
  auto r =
      post("/v1/mgmt/user/update", json::object{{"loginId", email}, {"displayName", "Only Name"}});
  ASSERT_EQ(r.status, 200) << r.body;
  const auto& after = r.obj().at("user").as_object();
  EXPECT_EQ(str(after.at("userId")), uid);
  EXPECT_THAT(strings(after.at("loginIds")), ElementsAre(email));
  EXPECT_EQ(after.at("name"), "Only Name");
  EXPECT_EQ(after.at("email"), "");
  EXPECT_EQ(after.at("phone"), "");
  EXPECT_EQ(after.at("picture"), "");
  EXPECT_THAT(strings(after.at("roleNames")), IsEmpty());
  EXPECT_THAT(after.at("userTenants").as_array(), IsEmpty());
  EXPECT_EQ(after.at("status"), "enabled");
  EXPECT_EQ(after.at("password"), true) << "update does not touch the password";
  EXPECT_EQ(user_by_id(uid), after);

  // Everything given (by userId); the absent name becomes empty; null = absent.
  auto full = must_user(
      post("/v1/mgmt/user/update",
           json::object{
               {"userId", uid},
               {"email", "new-" + email},
               {"phone", "+15555550101"},
               {"displayName", nullptr},
               {"picture", "https://img.example/b.png"},
               {"roleNames", json::array{"student", "teacher"}},
               {"userTenants", json::array{json::object{{"tenantId", tenant},
                                                        {"roleNames", json::array{"teacher"}}}}}}),
      "full update");
  EXPECT_EQ(full.at("name"), "");
  EXPECT_EQ(str(full.at("email")), "new-" + email);
  EXPECT_EQ(full.at("phone"), "+15555550101");
  EXPECT_EQ(full.at("picture"), "https://img.example/b.png");
  EXPECT_THAT(set_of(full.at("roleNames")), UnorderedElementsAre("student", "teacher"));
  EXPECT_EQ(user_tenants(full),
            (std::map<std::string, std::set<std::string>>{{tenant, {"teacher"}}}));
  EXPECT_EQ(user_by_id(uid), full);
  EXPECT_EQ(api().sign_in(email).status, 200) << "update keeps the login id and password";
}

TEST_F(MgmtUserTest, PatchChangesOnlyTheGivenFields) {
  std::string tenant = make_tenant();
  std::string email = unique_email("patch");
  auto u = create_user(
      email, {{"phone", "+15555550100"},
              {"displayName", "Patchy"},
              {"picture", "https://img.example/p.png"},
              {"roleNames", json::array{"teacher"}},
              {"userTenants", json::array{json::object{{"tenantId", tenant},
                                                       {"roleNames", json::array{"student"}}}}}});
  auto r =
      patch("/v1/mgmt/user/patch", json::object{{"loginId", email}, {"phone", "+15555550199"}});
  ASSERT_EQ(r.status, 200) << r.body;
  auto expected = u;
  expected["phone"] = "+15555550199";
  EXPECT_EQ(r.obj().at("user").as_object(), expected);

  auto roles = patch("/v1/mgmt/user/patch",
                     json::object{{"loginId", email}, {"roleNames", json::array{"student"}}});
  ASSERT_EQ(roles.status, 200) << roles.body;
  expected["roleNames"] = json::array{"student"};
  EXPECT_EQ(roles.obj().at("user").as_object(), expected);

  auto nulls = patch("/v1/mgmt/user/patch", json::object{{"loginId", email},
                                                         {"displayName", nullptr},
                                                         {"email", nullptr},
                                                         {"roleNames", nullptr},
                                                         {"userTenants", nullptr}});
  ASSERT_EQ(nulls.status, 200) << nulls.body;
  EXPECT_EQ(nulls.obj().at("user").as_object(), expected) << "null means not given";

  auto several = patch("/v1/mgmt/user/patch", json::object{{"userId", u.at("userId")},
                                                           {"displayName", "Renamed"},
                                                           {"verifiedPhone", true}});
  ASSERT_EQ(several.status, 200) << several.body;
  expected["name"] = "Renamed";
  expected["verifiedPhone"] = true;
  EXPECT_EQ(several.obj().at("user").as_object(), expected);
  EXPECT_EQ(user_by_id(str(u.at("userId"))), expected);
}

TEST_F(MgmtUserTest, SingleFieldUpdates) {
  std::string email = unique_email("single");
  auto u = create_user(email, {{"phone", "+15555550100"},
                               {"displayName", "Single"},
                               {"picture", "https://img.example/s.png"},
                               {"roleNames", json::array{"teacher"}},
                               {"password", kPassword}});
  std::string uid = str(u.at("userId"));
  auto expected = u;
  auto step = [&](const char* path, json::object body) {
    body["loginId"] = str(expected.at("loginIds").as_array()[0]);
    auto r = post(path, body);
    EXPECT_EQ(r.status, 200) << path << ": " << r.body;
    EXPECT_EQ(r.json && r.obj().contains("user") ? r.obj().at("user").as_object() : json::object{},
              expected)
        << path;
  };

  expected["email"] = "other-" + email;
  expected["verifiedEmail"] = true;
  step("/v1/mgmt/user/update/email", {{"email", "other-" + email}, {"verified", true}});
  expected["phone"] = "+15555550177";
  expected["verifiedPhone"] = true;
  step("/v1/mgmt/user/update/phone", {{"phone", "+15555550177"}, {"verified", true}});
  expected["name"] = "New Name";
  step("/v1/mgmt/user/update/name", {{"displayName", "New Name"}});
  expected["name"] = "Given Family";
  step("/v1/mgmt/user/update/name", {{"givenName", "Given"}, {"familyName", "Family"}});
  expected["picture"] = "https://img.example/new.png";
  step("/v1/mgmt/user/update/picture", {{"picture", "https://img.example/new.png"}});
  EXPECT_EQ(user_by_id(uid), expected);

  std::string new_login = unique_email("newlogin");
  expected["loginIds"] = json::array{new_login};
  expected["externalIds"] = json::array{new_login};
  auto r = post("/v1/mgmt/user/update/loginid",
                json::object{{"loginId", email}, {"newLoginId", new_login}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.obj().at("user").as_object(), expected);
  EXPECT_TRUE(IsDescopeError(get("/v1/mgmt/user?loginId=" + email), 404, kUserNotFound));
  EXPECT_EQ(str(user_by_id(uid).at("loginIds").as_array()[0]), new_login);
  EXPECT_EQ(api().must_sign_in(new_login).user_id, uid);
  EXPECT_EQ(api().sign_in(email).status, 401);
  expected["lastLogin"] = user_by_id(uid).at("lastLogin");
  EXPECT_GT(expected.at("lastLogin").as_int64(), 0);

  // A login id that is taken.
  std::string other = unique_email("taken");
  create_user(other);
  EXPECT_TRUE(
      IsDescopeError(post("/v1/mgmt/user/update/loginid",
                          json::object{{"loginId", new_login}, {"newLoginId", upper(other)}}),
                     409, "E062107"));
  EXPECT_EQ(user_by_id(uid), expected);
  EXPECT_TRUE(IsDescopeError(
      post("/v1/mgmt/user/update/loginid", json::object{{"loginId", new_login}}), 400, "E011003"));
}

TEST_F(MgmtUserTest, DisablingRevokesSessionsAndBlocksSignIn) {
  auto [u, login] = signed_in_user("disable");
  std::string email = str(u.at("loginIds").as_array()[0]);
  auto second = api().must_sign_in(email);

  auto r =
      post("/v1/mgmt/user/update/status", json::object{{"loginId", email}, {"status", "disabled"}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.obj().at("user").at("status"), "disabled");
  EXPECT_EQ(user_by_id(login.user_id).at("status"), "disabled");

  EXPECT_TRUE(IsDescopeError(api().refresh(login.refresh), 401))
      << "a disabled user's refresh fails";
  EXPECT_TRUE(IsDescopeError(api().refresh(second.refresh), 401));
  EXPECT_TRUE(IsDescopeError(api().sign_in(email), 403, "E062112"));

  auto enabled = post("/v1/mgmt/user/update/status",
                      json::object{{"userId", login.user_id}, {"status", "enabled"}});
  ASSERT_EQ(enabled.status, 200) << enabled.body;
  EXPECT_EQ(enabled.obj().at("user").at("status"), "enabled");
  auto again = api().must_sign_in(email);
  EXPECT_EQ(api().refresh(again.refresh).status, 200);
  EXPECT_TRUE(IsDescopeError(api().refresh(login.refresh), 401))
      << "enabling does not revive old sessions";

  EXPECT_TRUE(IsDescopeError(
      post("/v1/mgmt/user/update/status", json::object{{"loginId", email}, {"status", "paused"}}),
      400, "E011003"));
  EXPECT_TRUE(IsDescopeError(post("/v1/mgmt/user/update/status", json::object{{"loginId", email}}),
                             400, "E011003"));
  EXPECT_EQ(user_by_id(login.user_id).at("status"), "enabled");
}

TEST_F(MgmtUserTest, DeleteIsIdempotent) {
  auto [u, login] = signed_in_user("delete");
  std::string email = str(u.at("loginIds").as_array()[0]);
  auto r = post("/v1/mgmt/user/delete", json::object{{"loginId", email}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_TRUE(r.json && r.obj().empty()) << r.body;
  EXPECT_TRUE(IsDescopeError(get("/v1/mgmt/user?userId=" + login.user_id), 404, kUserNotFound));
  EXPECT_TRUE(IsDescopeError(api().sign_in(email), 401));
  EXPECT_TRUE(IsDescopeError(api().refresh(login.refresh), 401));

  auto again = post("/v1/mgmt/user/delete", json::object{{"loginId", email}});
  EXPECT_EQ(again.status, 200) << again.body;
  EXPECT_TRUE(again.json && again.obj().empty()) << again.body;

  std::string other = str(create_user(unique_email("delid")).at("userId"));
  EXPECT_EQ(post("/v1/mgmt/user/delete", json::object{{"userId", other}}).status, 200);
  EXPECT_TRUE(IsDescopeError(get("/v1/mgmt/user?userId=" + other), 404, kUserNotFound));
  EXPECT_EQ(post("/v1/mgmt/user/delete", json::object{{"userId", other}}).status, 200);
  EXPECT_TRUE(IsDescopeError(post("/v1/mgmt/user/delete", json::object{}), 400, "E011003"));
  // The login id is free again.
  EXPECT_EQ(post("/v1/mgmt/user/create", json::object{{"loginId", email}}).status, 200);
}

TEST_F(MgmtUserTest, RoleSetAddAndRemoveOnV1AndV2Paths) {
  std::string r1 = make_role("ra"), r2 = make_role("rb"), r3 = make_role("rc");
  auto [u, login] = signed_in_user("roles", {{"roleNames", json::array{r1}}});
  std::string email = str(u.at("loginIds").as_array()[0]);
  auto step = [&](const char* path, json::array names) {
    auto r = post(path, json::object{{"loginId", email}, {"roleNames", std::move(names)}});
    EXPECT_EQ(r.status, 200) << path << ": " << r.body;
    return r.json && r.obj().contains("user") ? set_of(r.obj().at("user").at("roleNames"))
                                              : std::set<std::string>{};
  };
  EXPECT_THAT(step("/v1/mgmt/user/update/role/set", {r2, r3}), UnorderedElementsAre(r2, r3));
  EXPECT_THAT(step("/v1/mgmt/user/update/role/add", {r1}), UnorderedElementsAre(r1, r2, r3));
  EXPECT_THAT(step("/v1/mgmt/user/update/role/remove", {r2}), UnorderedElementsAre(r1, r3));
  EXPECT_THAT(step("/v2/mgmt/user/update/role/add", {r2, r2}), UnorderedElementsAre(r1, r2, r3));
  EXPECT_THAT(step("/v2/mgmt/user/update/role/add", {r2}), UnorderedElementsAre(r1, r2, r3));
  EXPECT_THAT(step("/v2/mgmt/user/update/role/remove", {r1, r3}), UnorderedElementsAre(r2));
  EXPECT_THAT(step("/v1/mgmt/user/update/role/set", {}), IsEmpty());
  EXPECT_THAT(strings(user_by_id(login.user_id).at("roleNames")), IsEmpty());

  // The session shows the roles after the next refresh.
  EXPECT_THAT(strings(jwt_payload(login.session).at("roles")), ElementsAre(r1));
  EXPECT_THAT(strings(jwt_payload(api().must_refresh(login.refresh).session).at("roles")),
              IsEmpty());
  step("/v1/mgmt/user/update/role/set", {r3});
  auto fresh = api().must_sign_in(email);
  EXPECT_THAT(strings(jwt_payload(fresh.session).at("roles")), ElementsAre(r3));
  EXPECT_THAT(strings(fresh.response.obj().at("user").at("roleNames")), ElementsAre(r3));
}

TEST_F(MgmtUserTest, RolesWithTenantIdActOnTheTenantMembership) {
  std::string r1 = make_role("pr"), r2 = make_role("tr"), r3 = make_role("ts");
  std::string tenant = make_tenant(), other = make_tenant();
  auto [u, login] = signed_in_user("troles", {{"roleNames", json::array{r1}}});
  std::string email = str(u.at("loginIds").as_array()[0]);
  must(post("/v1/mgmt/user/update/tenant/add",
            json::object{{"loginId", email}, {"tenantId", tenant}}),
       "tenant add");

  using Tenants = std::map<std::string, std::set<std::string>>;
  auto step = [&](const char* path, json::array names) -> Tenants {
    auto r = post(
        path,
        json::object{{"loginId", email}, {"tenantId", tenant}, {"roleNames", std::move(names)}});
    EXPECT_EQ(r.status, 200) << path << ": " << r.body;
    if (!r.json || !r.obj().contains("user")) return {};
    EXPECT_THAT(strings(r.obj().at("user").at("roleNames")), ElementsAre(r1))
        << path << ": project roles stay";
    return user_tenants(r.obj().at("user").as_object());
  };
  EXPECT_EQ(step("/v1/mgmt/user/update/role/set", {r2}), (Tenants{{tenant, {r2}}}));
  EXPECT_EQ(step("/v2/mgmt/user/update/role/add", {r3}), (Tenants{{tenant, {r2, r3}}}));
  EXPECT_EQ(step("/v1/mgmt/user/update/role/remove", {r2}), (Tenants{{tenant, {r3}}}));
  EXPECT_EQ(step("/v1/mgmt/user/update/role/add", {r1}), (Tenants{{tenant, {r1, r3}}}));
  EXPECT_EQ(step("/v2/mgmt/user/update/role/remove", {r1}), (Tenants{{tenant, {r3}}}));

  auto next = api().must_refresh(login.refresh);
  auto claims = jwt_payload(next.session);
  EXPECT_THAT(strings(claims.at("roles")), ElementsAre(r1));
  EXPECT_EQ(claim_tenants(next.session), (Tenants{{tenant, {r3}}}));
  ASSERT_TRUE(claims.at("tenants").at(tenant).as_object().contains("permissions")) << claims;

  // A tenant the user is not a member of: 400, nothing changes.
  auto r =
      post("/v1/mgmt/user/update/role/set",
           json::object{{"loginId", email}, {"tenantId", other}, {"roleNames", json::array{r2}}});
  EXPECT_TRUE(IsDescopeError(r, 400, "E011003"));
  EXPECT_EQ(user_tenants(user_by_id(login.user_id)), (Tenants{{tenant, {r3}}}));
}

TEST_F(MgmtUserTest, TenantAddAndRemoveShowInTheSessionAfterRefresh) {
  std::string t1 = make_tenant("First"), t2 = make_tenant("Second"), role = make_role("member");
  auto [u, login] = signed_in_user("tenants");
  std::string email = str(u.at("loginIds").as_array()[0]);
  EXPECT_TRUE(jwt_payload(login.session).at("tenants").as_object().empty());
  using Tenants = std::map<std::string, std::set<std::string>>;

  auto add = must_user(
      post("/v1/mgmt/user/update/tenant/add", json::object{{"loginId", email}, {"tenantId", t1}}),
      "tenant add");
  EXPECT_EQ(user_tenants(add), (Tenants{{t1, {}}}));
  EXPECT_EQ(add.at("userTenants").as_array()[0].at("tenantName"), "First");
  auto twice = must_user(
      post("/v1/mgmt/user/update/tenant/add", json::object{{"loginId", email}, {"tenantId", t1}}),
      "tenant add again");
  EXPECT_EQ(user_tenants(twice), (Tenants{{t1, {}}}));
  must(post("/v1/mgmt/user/update/role/set",
            json::object{{"loginId", email}, {"tenantId", t1}, {"roleNames", json::array{role}}}),
       "tenant role set");
  auto s1 = api().must_refresh(login.refresh);
  EXPECT_EQ(claim_tenants(s1.session), (Tenants{{t1, {role}}}));

  must(post("/v1/mgmt/user/update/tenant/add",
            json::object{{"userId", login.user_id}, {"tenantId", t2}}),
       "add t2");
  auto s2 = api().must_refresh(s1.refresh);
  EXPECT_EQ(claim_tenants(s2.session), (Tenants{{t1, {role}}, {t2, {}}}));

  auto removed = must_user(post("/v1/mgmt/user/update/tenant/remove",
                                json::object{{"loginId", email}, {"tenantId", t1}}),
                           "remove");
  EXPECT_EQ(user_tenants(removed), (Tenants{{t2, {}}}));
  auto s3 = api().must_refresh(s2.refresh);
  EXPECT_EQ(claim_tenants(s3.session), (Tenants{{t2, {}}}));

  std::string ghost = unique_name("no-such-tenant");
  auto r = post("/v1/mgmt/user/update/tenant/add",
                json::object{{"loginId", email}, {"tenantId", ghost}});
  EXPECT_TRUE(IsDescopeError(r, 400, "E011003"));
  EXPECT_THAT(message_of(r), HasSubstr(ghost));
  EXPECT_TRUE(IsDescopeError(
      post("/v1/mgmt/user/update/tenant/add", json::object{{"loginId", email}}), 400, "E011003"));
  EXPECT_EQ(user_tenants(user_by_id(login.user_id)), (Tenants{{t2, {}}}));
}

TEST_F(MgmtUserTest, UnknownRoleIs400NamingItAndChangesNothing) {
  std::string r1 = make_role("keep"), tenant = make_tenant();
  std::string bogus = unique_name("no-such-role");
  std::string email = unique_email("badrole");
  auto u = create_user(
      email, {{"displayName", "Unchanged"},
              {"phone", "+15555550100"},
              {"roleNames", json::array{r1}},
              {"userTenants",
               json::array{json::object{{"tenantId", tenant}, {"roleNames", json::array{r1}}}}}});
  std::string uid = str(u.at("userId"));

  struct Case {
    const char* method;
    const char* path;
    json::object body;
  };
  std::vector<Case> cases = {
      {"POST",
       "/v1/mgmt/user/update/role/set",
       {{"loginId", email}, {"roleNames", json::array{r1, bogus}}}},
      {"POST",
       "/v1/mgmt/user/update/role/add",
       {{"loginId", email}, {"roleNames", json::array{bogus}}}},
      {"POST",
       "/v2/mgmt/user/update/role/add",
       {{"loginId", email}, {"roleNames", json::array{bogus}}}},
      {"POST",
       "/v1/mgmt/user/update/role/set",
       {{"loginId", email}, {"tenantId", tenant}, {"roleNames", json::array{bogus}}}},
      {"POST",
       "/v2/mgmt/user/update/role/add",
       {{"loginId", email}, {"tenantId", tenant}, {"roleNames", json::array{bogus}}}},
      {"POST",
       "/v1/mgmt/user/update",
       {{"loginId", email}, {"displayName", "Changed"}, {"roleNames", json::array{bogus}}}},
      {"POST",
       "/v1/mgmt/user/update",
       {{"loginId", email},
        {"displayName", "Changed"},
        {"userTenants",
         json::array{json::object{{"tenantId", tenant}, {"roleNames", json::array{bogus}}}}}}},
      {"PATCH",
       "/v1/mgmt/user/patch",
       {{"loginId", email}, {"phone", "+15555550199"}, {"roleNames", json::array{bogus}}}},
  };
  for (const auto& c : cases) {
    std::string what = std::string(c.path) + " " + json::serialize(c.body);
    auto r = std::string(c.method) == "PATCH" ? patch(c.path, c.body) : post(c.path, c.body);
    EXPECT_TRUE(IsDescopeError(r, 400, "E011003")) << what;
    EXPECT_THAT(message_of(r), HasSubstr(bogus)) << what;
    EXPECT_EQ(user_by_id(uid), u) << what << ": the user changed";
  }

  // Creating with an unknown role (project or tenant) creates nothing.
  for (const auto& f : {json::object{{"roleNames", json::array{"teacher", bogus}}},
                        json::object{{"userTenants", json::array{json::object{
                                                         {"tenantId", tenant},
                                                         {"roleNames", json::array{bogus}}}}}}}) {
    std::string login = unique_email("badcreate");
    json::object body = f;
    body["loginId"] = login;
    body["password"] = kPassword;
    auto r = post("/v1/mgmt/user/create", body);
    EXPECT_TRUE(IsDescopeError(r, 400, "E011003")) << json::serialize(body);
    EXPECT_THAT(message_of(r), HasSubstr(bogus));
    EXPECT_TRUE(IsDescopeError(get("/v1/mgmt/user?loginId=" + login), 404, kUserNotFound))
        << "half-created user";
    EXPECT_EQ(post("/v1/mgmt/user/create", json::object{{"loginId", login}}).status, 200)
        << "login id still free";
  }
  EXPECT_FALSE(role_exists(bogus));
}

TEST_F(MgmtUserTest, PasswordSetActiveLetsTheUserSignIn) {
  std::string email = unique_email("setpw");
  std::string uid = str(create_user(email).at("userId"));
  EXPECT_TRUE(IsDescopeError(api().sign_in(email), 401));

  auto r = post("/v1/mgmt/user/password/set/active",
                json::object{{"loginId", email}, {"password", kPassword}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_TRUE(r.json && r.obj().empty()) << r.body;
  EXPECT_EQ(api().must_sign_in(email).user_id, uid);
  EXPECT_EQ(user_by_id(uid).at("password"), true);

  std::string next = "Another-Horse-7-Staple";
  ASSERT_EQ(
      post("/v1/mgmt/user/password/set/active", json::object{{"userId", uid}, {"password", next}})
          .status,
      200);
  EXPECT_TRUE(IsDescopeError(api().sign_in(email), 401));
  EXPECT_EQ(api().sign_in(email, next).status, 200);

  EXPECT_TRUE(IsDescopeError(post("/v1/mgmt/user/password/set/active",
                                  json::object{{"loginId", email}, {"password", "short"}}),
                             400, "E011003"));
  EXPECT_TRUE(IsDescopeError(
      post("/v1/mgmt/user/password/set/active", json::object{{"loginId", email}}), 400, "E011003"));
  EXPECT_EQ(api().sign_in(email, next).status, 200) << "a refused password changes nothing";
}

TEST_F(MgmtUserTest, TemporaryPasswordMustBeReplacedBeforeSignIn) {
  std::string temp = "Temporary-Pass-42";
  for (const char* path : {"/v1/mgmt/user/password/set/temporary", "/v1/mgmt/user/password/set"}) {
    SCOPED_TRACE(path);
    std::string email = unique_email("temppw");
    std::string uid = str(create_user(email, {{"password", kPassword}}).at("userId"));
    auto r = post(path, json::object{{"loginId", email}, {"password", temp}});
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_TRUE(IsDescopeError(api().sign_in(email, temp), 401, "E062909"));
    EXPECT_TRUE(IsDescopeError(api().sign_in(email, kPassword), 401)) << "the old password is gone";

    auto replaced = api().http.post(
        "/v1/auth/password/replace",
        json::object{
            {"loginId", email}, {"oldPassword", temp}, {"newPassword", "Chosen-By-Me-2024"}},
        bearer(pid()));
    ASSERT_EQ(replaced.status, 200) << replaced.body;
    EXPECT_EQ(str(replaced.obj().at("user").at("userId")), uid);
    EXPECT_TRUE(replaced.obj().at("sessionJwt").is_string());
    EXPECT_EQ(api().sign_in(email, "Chosen-By-Me-2024").status, 200);
    EXPECT_TRUE(IsDescopeError(api().sign_in(email, temp), 401));
  }
}

TEST_F(MgmtUserTest, ExpiredPasswordMustBeReplaced) {
  auto [u, login] = signed_in_user("expire");
  std::string email = str(u.at("loginIds").as_array()[0]);
  auto r = post("/v1/mgmt/user/password/expire", json::object{{"loginId", email}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_TRUE(r.json && r.obj().empty()) << r.body;
  EXPECT_TRUE(IsDescopeError(api().sign_in(email), 401, "E062909"));
  auto replaced = api().http.post(
      "/v1/auth/password/replace",
      json::object{
          {"loginId", email}, {"oldPassword", kPassword}, {"newPassword", "Fresh-Password-77"}},
      bearer(pid()));
  ASSERT_EQ(replaced.status, 200) << replaced.body;
  EXPECT_EQ(api().sign_in(email, "Fresh-Password-77").status, 200);
}

TEST_F(MgmtUserTest, LogoutEndsEveryRefreshToken) {
  auto [u, a] = signed_in_user("mlogout");
  std::string email = str(u.at("loginIds").as_array()[0]);
  auto b = api().must_sign_in(email);
  auto b2 = api().must_refresh(b.refresh);

  auto r = post("/v1/mgmt/user/logout", json::object{{"loginId", email}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_TRUE(r.json && r.obj().empty()) << r.body;
  EXPECT_TRUE(IsDescopeError(api().refresh(a.refresh), 401));
  EXPECT_TRUE(IsDescopeError(api().refresh(b2.refresh), 401));
  EXPECT_TRUE(IsDescopeError(api().refresh(b.refresh), 401))
      << "even within the rotation grace window";
  EXPECT_TRUE(IsDescopeError(api().me(a.refresh), 401));

  auto c = api().must_sign_in(email);
  EXPECT_EQ(api().refresh(c.refresh).status, 200) << "the user can sign in again";
  ASSERT_EQ(post("/v1/mgmt/user/logout", json::object{{"userId", a.user_id}}).status, 200);
  EXPECT_TRUE(IsDescopeError(api().refresh(c.refresh), 401));
}

TEST_F(MgmtUserTest, UnknownUserIs404OnEveryUserEndpoint) {
  std::string ghost = unique_email("ghost");
  std::string tenant = make_tenant();
  EXPECT_TRUE(
      IsDescopeError(get("/v1/mgmt/user?loginId=" + url_encode(ghost)), 404, kUserNotFound));
  EXPECT_TRUE(IsDescopeError(get("/v1/mgmt/user?userId=Unosuchuser"), 404, kUserNotFound));
  struct Case {
    const char* path;
    json::object extra;
  };
  std::vector<Case> cases = {
      {"/v1/mgmt/user/update", {{"displayName", "X"}}},
      {"/v1/mgmt/user/update/email", {{"email", "x@test.example"}}},
      {"/v1/mgmt/user/update/phone", {{"phone", "+15555550100"}}},
      {"/v1/mgmt/user/update/name", {{"displayName", "X"}}},
      {"/v1/mgmt/user/update/picture", {{"picture", "https://img.example/x.png"}}},
      {"/v1/mgmt/user/update/loginid", {{"newLoginId", unique_email("newghost")}}},
      {"/v1/mgmt/user/update/status", {{"status", "disabled"}}},
      {"/v1/mgmt/user/update/role/set", {{"roleNames", json::array{"teacher"}}}},
      {"/v1/mgmt/user/update/role/add", {{"roleNames", json::array{"teacher"}}}},
      {"/v2/mgmt/user/update/role/add", {{"roleNames", json::array{"teacher"}}}},
      {"/v1/mgmt/user/update/role/remove", {{"roleNames", json::array{"teacher"}}}},
      {"/v2/mgmt/user/update/role/remove", {{"roleNames", json::array{"teacher"}}}},
      {"/v1/mgmt/user/update/tenant/add", {{"tenantId", tenant}}},
      {"/v1/mgmt/user/update/tenant/remove", {{"tenantId", tenant}}},
      {"/v1/mgmt/user/password/set/active", {{"password", kPassword}}},
      {"/v1/mgmt/user/password/set/temporary", {{"password", kPassword}}},
      {"/v1/mgmt/user/password/expire", {}},
      {"/v1/mgmt/user/logout", {}},
  };
  for (auto c : cases) {
    auto by_login = c.extra;
    by_login["loginId"] = ghost;
    EXPECT_TRUE(IsDescopeError(post(c.path, by_login), 404, kUserNotFound))
        << c.path << " by loginId";
    auto by_id = c.extra;
    by_id["userId"] = "Unosuchuser";
    EXPECT_TRUE(IsDescopeError(post(c.path, by_id), 404, kUserNotFound)) << c.path << " by userId";
  }
  EXPECT_TRUE(IsDescopeError(
      patch("/v1/mgmt/user/patch", json::object{{"loginId", ghost}, {"phone", "+1555"}}), 404,
      kUserNotFound));
  EXPECT_TRUE(IsDescopeError(get("/v1/mgmt/user?loginId=" + url_encode(ghost)), 404))
      << "nothing was created";
}

TEST_F(MgmtUserTest, WrongJsonTypesAre400) {
  std::string login = unique_email("types");
  for (const char* body : {"{", "[]", "\"text\"", "42", "{\"loginId\": }"}) {
    auto r = api().http.post("/v1/mgmt/user/create", std::string(body), auth());
    EXPECT_TRUE(IsDescopeError(r, 400)) << body;
  }
  std::vector<json::object> bad_creates = {
      {{"loginId", 42}},
      {{"loginId", json::array{login}}},
      {{"loginId", login}, {"roleNames", "teacher"}},
      {{"loginId", login}, {"roleNames", json::array{1, 2}}},
      {{"loginId", login}, {"userTenants", json::object{}}},
      {{"loginId", login}, {"userTenants", json::array{"t1"}}},
      {{"loginId", login}, {"userTenants", json::array{json::object{{"tenantId", 5}}}}},
      {{"loginId", login}, {"password", 12345678}},
      {{"loginId", login}, {"verifiedEmail", "yes"}},
      {{"loginId", login}, {"displayName", json::array{}}},
      {{"loginId", login}, {"email", false}},
  };
  for (const auto& b : bad_creates) {
    EXPECT_TRUE(IsDescopeError(post("/v1/mgmt/user/create", b), 400)) << json::serialize(b);
  }
  EXPECT_TRUE(IsDescopeError(post("/v1/mgmt/user/create", json::object{}), 400, "E011003"));
  EXPECT_TRUE(IsDescopeError(get("/v1/mgmt/user?loginId=" + url_encode(login)), 404))
      << "nothing was created";

  auto u = create_user(login, {{"displayName", "Typed"}});
  std::vector<std::pair<const char*, json::object>> bad_others = {
      {"/v2/mgmt/user/search", {{"limit", "10"}}},
      {"/v2/mgmt/user/search", {{"page", 1.5}}},
      {"/v2/mgmt/user/search", {{"text", 5}}},
      {"/v2/mgmt/user/search", {{"roleNames", "teacher"}}},
      {"/v1/mgmt/user/search", {{"statuses", json::object{}}}},
      {"/v1/mgmt/user/update", {{"loginId", login}, {"roleNames", "teacher"}}},
      {"/v1/mgmt/user/update/status", {{"loginId", login}, {"status", true}}},
      {"/v1/mgmt/user/update/role/set", {{"loginId", login}, {"roleNames", "teacher"}}},
      {"/v1/mgmt/user/update/role/add",
       {{"loginId", login}, {"roleNames", json::array{"teacher"}}, {"tenantId", 7}}},
      {"/v1/mgmt/user/update/tenant/add", {{"loginId", login}, {"tenantId", json::array{}}}},
      {"/v1/mgmt/user/password/set/active", {{"loginId", login}, {"password", 12345678}}},
      {"/v1/mgmt/user/delete", {{"userId", 17}}},
      {"/v1/mgmt/role/create", {{"name", unique_name("r")}, {"permissionNames", "p"}}},
      {"/v1/mgmt/tenant/create", {{"name", "T"}, {"selfProvisioningDomains", "a.example"}}},
      {"/v1/mgmt/tenant/create", {{"name", "T"}, {"customAttributes", "x"}}},
      {"/v1/mgmt/audit/search", {{"actions", "user.signin"}}},
  };
  for (const auto& [path, b] : bad_others) {
    EXPECT_TRUE(IsDescopeError(post(path, b), 400)) << path << " " << json::serialize(b);
  }
  EXPECT_TRUE(IsDescopeError(
      patch("/v1/mgmt/user/patch", json::object{{"loginId", login}, {"phone", 5}}), 400));
  EXPECT_EQ(user_by_id(str(u.at("userId"))), u) << "no bad request changed the user";
}

TEST_F(MgmtUserTest, DuplicateUserIs409) {
  std::string email = unique_email("dupe");
  auto u = create_user(email, {{"displayName", "First"}});
  for (const auto& again : {email, upper(email)}) {
    auto r =
        post("/v1/mgmt/user/create", json::object{{"loginId", again}, {"displayName", "Second"}});
    EXPECT_TRUE(IsDescopeError(r, 409, "E062107")) << again;
  }
  EXPECT_TRUE(IsDescopeError(post("/v1/mgmt/user/create/test", json::object{{"loginId", email}}),
                             409, "E062107"));
  EXPECT_EQ(user_by_id(str(u.at("userId"))).at("name"), "First");
  // Also a user who signed up over the auth API.
  std::string web = unique_email("webdupe");
  api().must_sign_up(web);
  EXPECT_TRUE(
      IsDescopeError(post("/v1/mgmt/user/create", json::object{{"loginId", web}}), 409, "E062107"));
}

}  // namespace
}  // namespace gatehouse::test
