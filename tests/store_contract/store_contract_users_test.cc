// Store contract, user administration: passwords with the expired flag,
// update_user, delete_user and search_users.
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "store_contract_fixture.h"

namespace gatehouse::store::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using ::testing::SizeIs;

class UserAdminContractTest : public StoreContractFixture {
 protected:
  void create_tenants(const std::vector<std::string>& ids) {
    for (const auto& id : ids) {
      Tenant t;
      t.id = id;
      t.name = "Tenant " + id;
      ASSERT_THAT(store().create_tenant(t), IsOk());
    }
  }

  static std::vector<std::string> ids(const std::vector<User>& users) {
    std::vector<std::string> out;
    for (const auto& u : users) out.push_back(u.id);
    return out;
  }

  // search_users that must succeed; the page's user ids and total.
  struct Found {
    std::vector<std::string> ids;
    int64_t total = -1;
  };
  Found search(const UserSearch& q) {
    auto page = store().search_users(q);
    EXPECT_THAT(page, IsOk());
    if (!page) return {};
    return Found{ids(page->users), page->total};
  }
};

// --- passwords ---

TEST_P(UserAdminContractTest, PasswordExpiredFlagRoundTrips) {
  ASSERT_THAT(store().create_user(new_user("U1", "a@x.io")), IsOk());
  EXPECT_THAT(store().get_password("U1"), ErrcIs(Errc::kNotFound));

  ASSERT_THAT(store().set_password_hash("U1", "$argon2id$temp", true), IsOk());
  auto cred = store().get_password("U1");
  ASSERT_THAT(cred, IsOk());
  EXPECT_EQ(cred->hash, "$argon2id$temp");
  EXPECT_TRUE(cred->expired);
  EXPECT_GT(cred->updated_at, 0);
  EXPECT_TRUE(get_user("U1").has_password);

  ASSERT_THAT(store().set_password_hash("U1", "$argon2id$chosen", false), IsOk());
  cred = store().get_password("U1");
  ASSERT_THAT(cred, IsOk());
  EXPECT_EQ(cred->hash, "$argon2id$chosen");
  EXPECT_FALSE(cred->expired);
  auto hash = store().get_password_hash("U1");
  ASSERT_THAT(hash, IsOk());
  EXPECT_EQ(*hash, "$argon2id$chosen");

  // Expiring again replaces the hash as well.
  ASSERT_THAT(store().set_password_hash("U1", "$argon2id$reset", true), IsOk());
  cred = store().get_password("U1");
  ASSERT_THAT(cred, IsOk());
  EXPECT_EQ(cred->hash, "$argon2id$reset");
  EXPECT_TRUE(cred->expired);
}

TEST_P(UserAdminContractTest, GetPasswordErrorsAndCreatedPasswordIsNotExpired) {
  EXPECT_THAT(store().get_password("U404"), ErrcIs(Errc::kUserNotFound));
  NewUser nu = new_user("U1", "a@x.io", {}, 4321);
  nu.password_hash = "$argon2id$initial";
  ASSERT_THAT(store().create_user(nu), IsOk());
  auto cred = store().get_password("U1");
  ASSERT_THAT(cred, IsOk());
  EXPECT_EQ(cred->hash, "$argon2id$initial");
  EXPECT_FALSE(cred->expired);
  EXPECT_EQ(cred->updated_at, 4321);
}

TEST_P(UserAdminContractTest, SetPasswordHashErrorsNameNoSecret) {
  ASSERT_THAT(store().create_user(new_user("U1", "a@x.io")), IsOk());
  EXPECT_THAT(store().set_password_hash("U1", "", true), ErrcIs(Errc::kInvalidArgument));
  EXPECT_THAT(store().get_password("U1"), ErrcIs(Errc::kNotFound));
  auto unknown = store().set_password_hash("U404", "$argon2id$secret-hash", true);
  ASSERT_THAT(unknown, ErrcIs(Errc::kUserNotFound));
  EXPECT_THAT(unknown.error().message, Not(HasSubstr("secret-hash")));
}

// --- update_user ---

TEST_P(UserAdminContractTest, UpdateUserChangesOnlyTheGivenFields) {
  create_roles({"teacher"});
  NewUser nu = new_user("U1", "ann@x.io", {"teacher"}, 1234);
  nu.phone = "+15550100";
  nu.verified_email = true;
  nu.password_hash = "$argon2id$x";
  ASSERT_THAT(store().create_user(nu), IsOk());

  UserUpdate up;
  up.name = "Ann Lee";
  up.picture = "https://example.com/ann.png";
  up.verified_phone = true;
  auto updated = store().update_user("U1", up);
  ASSERT_THAT(updated, IsOk());
  EXPECT_EQ(updated->name, "Ann Lee");
  EXPECT_EQ(updated->picture, "https://example.com/ann.png");
  EXPECT_TRUE(updated->verified_phone);
  // Untouched.
  EXPECT_EQ(updated->login_id, "ann@x.io");
  EXPECT_EQ(updated->email, "ann@x.io");
  EXPECT_EQ(updated->phone, "+15550100");
  EXPECT_EQ(updated->status, "enabled");
  EXPECT_TRUE(updated->verified_email);
  EXPECT_TRUE(updated->has_password);
  EXPECT_EQ(updated->created_at, 1234);
  EXPECT_THAT(updated->roles, ElementsAre("teacher"));

  const User stored = get_user("U1");
  EXPECT_EQ(stored.name, "Ann Lee");
  EXPECT_EQ(stored.picture, "https://example.com/ann.png");
  EXPECT_TRUE(stored.verified_phone);
  EXPECT_THAT(stored.roles, ElementsAre("teacher"));
}

TEST_P(UserAdminContractTest, UpdateUserCanSetEveryField) {
  NewUser nu = new_user("U1", "ann@x.io");
  nu.verified_email = true;
  ASSERT_THAT(store().create_user(nu), IsOk());
  UserUpdate up;
  up.login_id = "ann.lee@x.io";
  up.email = "ann.lee@x.io";
  up.phone = "+15550199";
  up.name = "";  // set to empty, not "unchanged"
  up.picture = "p.png";
  up.status = "disabled";
  up.verified_email = false;
  up.verified_phone = true;
  ASSERT_THAT(store().update_user("U1", up), IsOk());

  const User u = get_user("U1");
  EXPECT_EQ(u.login_id, "ann.lee@x.io");
  EXPECT_EQ(u.email, "ann.lee@x.io");
  EXPECT_EQ(u.phone, "+15550199");
  EXPECT_EQ(u.name, "");
  EXPECT_EQ(u.picture, "p.png");
  EXPECT_EQ(u.status, "disabled");
  EXPECT_FALSE(u.verified_email);
  EXPECT_TRUE(u.verified_phone);
  EXPECT_THAT(store().get_user_by_login_id("ann.lee@x.io"), IsOk());
  EXPECT_THAT(store().get_user_by_login_id("ann@x.io"), ErrcIs(Errc::kUserNotFound));
  // The old login id is free again.
  EXPECT_THAT(store().create_user(new_user("U2", "ann@x.io")), IsOk());
}

TEST_P(UserAdminContractTest, UpdateUserWithNothingSetChangesNothing) {
  ASSERT_THAT(store().create_user(new_user("U1", "a@x.io")), IsOk());
  auto same = store().update_user("U1", UserUpdate{});
  ASSERT_THAT(same, IsOk());
  EXPECT_EQ(same->login_id, "a@x.io");
  EXPECT_EQ(same->name, "Name of U1");
}

TEST_P(UserAdminContractTest, UpdateUserToATakenLoginIdIsUserExistsAndChangesNothing) {
  create_roles({"teacher"});
  ASSERT_THAT(store().create_user(new_user("U1", "ann@x.io")), IsOk());
  ASSERT_THAT(store().create_user(new_user("U2", "bob@x.io")), IsOk());

  UserUpdate up;
  up.login_id = "ANN@x.io";  // taken, whatever the case
  up.name = "Bob";
  up.roles = std::vector<std::string>{"teacher"};
  EXPECT_THAT(store().update_user("U2", up), ErrcIs(Errc::kUserExists));
  const User bob = get_user("U2");
  EXPECT_EQ(bob.login_id, "bob@x.io");
  EXPECT_EQ(bob.name, "Name of U2");
  EXPECT_THAT(bob.roles, IsEmpty());

  // A user may change the case of its own login id.
  UserUpdate recase;
  recase.login_id = "Ann@X.io";
  auto ann = store().update_user("U1", recase);
  ASSERT_THAT(ann, IsOk());
  EXPECT_EQ(ann->login_id, "Ann@X.io");
}

TEST_P(UserAdminContractTest, UpdateUserErrors) {
  ASSERT_THAT(store().create_user(new_user("U1", "a@x.io")), IsOk());
  UserUpdate up;
  up.name = "x";
  EXPECT_THAT(store().update_user("U404", up), ErrcIs(Errc::kUserNotFound));

  UserUpdate empty_login;
  empty_login.login_id = "";
  EXPECT_THAT(store().update_user("U1", empty_login), ErrcIs(Errc::kInvalidArgument));

  UserUpdate no_tenant_id;
  no_tenant_id.tenants = std::vector<UserTenant>{UserTenant{"", "", {}}};
  EXPECT_THAT(store().update_user("U1", no_tenant_id), ErrcIs(Errc::kInvalidArgument));
  EXPECT_EQ(get_user("U1").login_id, "a@x.io");
}

TEST_P(UserAdminContractTest, UpdateUserRolesReplaceTheRoles) {
  create_roles({"teacher", "student", "admin"});
  ASSERT_THAT(store().create_user(new_user("U1", "a@x.io", {"teacher"})), IsOk());
  UserUpdate up;
  up.roles = std::vector<std::string>{"student", "admin", "student"};
  auto updated = store().update_user("U1", up);
  ASSERT_THAT(updated, IsOk());
  EXPECT_THAT(updated->roles, ElementsAre("admin", "student"));
  EXPECT_THAT(user_roles("U1"), ElementsAre("admin", "student"));

  up.roles = std::vector<std::string>{};
  ASSERT_THAT(store().update_user("U1", up), IsOk());
  EXPECT_THAT(user_roles("U1"), IsEmpty());
}

TEST_P(UserAdminContractTest, UpdateUserWithUnknownRoleLeavesTheUserUnchanged) {
  create_roles({"teacher", "student"});
  create_tenants({"T1"});
  ASSERT_THAT(store().create_user(new_user("U1", "a@x.io", {"teacher"})), IsOk());

  UserUpdate up;
  up.login_id = "new@x.io";
  up.name = "Changed";
  up.status = "disabled";
  up.roles = std::vector<std::string>{"student", "ghost"};
  up.tenants = std::vector<UserTenant>{UserTenant{"T1", "", {"student"}}};
  auto r = store().update_user("U1", up);
  ASSERT_THAT(r, ErrcIs(Errc::kInvalidArgument));
  EXPECT_THAT(r.error().message, HasSubstr("unknown role: ghost"));

  const User u = get_user("U1");
  EXPECT_EQ(u.login_id, "a@x.io");
  EXPECT_EQ(u.name, "Name of U1");
  EXPECT_EQ(u.status, "enabled");
  EXPECT_THAT(u.roles, ElementsAre("teacher"));
  EXPECT_THAT(u.tenants, IsEmpty());
  EXPECT_THAT(store().get_user_by_login_id("new@x.io"), ErrcIs(Errc::kUserNotFound));
}

TEST_P(UserAdminContractTest, UpdateUserTenantsReplaceMembershipsAndTenantRoles) {
  create_roles({"teacher", "admin", "student"});
  create_tenants({"T2", "T1"});
  ASSERT_THAT(store().create_user(new_user("U1", "a@x.io", {"student"})), IsOk());

  UserUpdate up;
  up.tenants = std::vector<UserTenant>{
      UserTenant{"T2", "ignored", {}}, UserTenant{"T1", "", {"teacher"}},
      UserTenant{"T1", "", {"admin", "teacher"}},  // the same tenant twice: roles merge
  };
  auto updated = store().update_user("U1", up);
  ASSERT_THAT(updated, IsOk());
  ASSERT_THAT(updated->tenants, SizeIs(2));
  EXPECT_EQ(updated->tenants[0].tenant_id, "T1");
  EXPECT_EQ(updated->tenants[0].tenant_name, "Tenant T1");
  EXPECT_THAT(updated->tenants[0].roles, ElementsAre("admin", "teacher"));
  EXPECT_EQ(updated->tenants[1].tenant_id, "T2");
  EXPECT_EQ(updated->tenants[1].tenant_name, "Tenant T2");
  EXPECT_THAT(updated->tenants[1].roles, IsEmpty());
  EXPECT_THAT(updated->roles, ElementsAre("student"));  // project roles untouched

  up.tenants = std::vector<UserTenant>{UserTenant{"T2", "", {"student"}}};
  ASSERT_THAT(store().update_user("U1", up), IsOk());
  User u = get_user("U1");
  ASSERT_THAT(u.tenants, SizeIs(1));
  EXPECT_EQ(u.tenants[0].tenant_id, "T2");
  EXPECT_THAT(u.tenants[0].roles, ElementsAre("student"));

  // An update that does not mention tenants keeps them.
  UserUpdate rename;
  rename.name = "Ann";
  ASSERT_THAT(store().update_user("U1", rename), IsOk());
  EXPECT_THAT(get_user("U1").tenants, SizeIs(1));

  up.tenants = std::vector<UserTenant>{};
  ASSERT_THAT(store().update_user("U1", up), IsOk());
  EXPECT_THAT(get_user("U1").tenants, IsEmpty());
}

TEST_P(UserAdminContractTest, UpdateUserWithUnknownTenantOrTenantRoleChangesNothing) {
  create_roles({"teacher", "student"});
  create_tenants({"T1"});
  ASSERT_THAT(store().create_user(new_user("U1", "a@x.io", {"teacher"})), IsOk());
  UserUpdate start;
  start.tenants = std::vector<UserTenant>{UserTenant{"T1", "", {"teacher"}}};
  ASSERT_THAT(store().update_user("U1", start), IsOk());

  UserUpdate unknown_tenant;
  unknown_tenant.name = "Changed";
  unknown_tenant.roles = std::vector<std::string>{"student"};
  unknown_tenant.tenants =
      std::vector<UserTenant>{UserTenant{"T1", "", {}}, UserTenant{"T404", "", {}}};
  auto r = store().update_user("U1", unknown_tenant);
  ASSERT_THAT(r, ErrcIs(Errc::kInvalidArgument));
  EXPECT_THAT(r.error().message, HasSubstr("unknown tenant: T404"));

  UserUpdate unknown_tenant_role;
  unknown_tenant_role.name = "Changed";
  unknown_tenant_role.tenants = std::vector<UserTenant>{UserTenant{"T1", "", {"ghost"}}};
  r = store().update_user("U1", unknown_tenant_role);
  ASSERT_THAT(r, ErrcIs(Errc::kInvalidArgument));
  EXPECT_THAT(r.error().message, HasSubstr("unknown role: ghost"));

  const User u = get_user("U1");
  EXPECT_EQ(u.name, "Name of U1");
  EXPECT_THAT(u.roles, ElementsAre("teacher"));
  ASSERT_THAT(u.tenants, SizeIs(1));
  EXPECT_EQ(u.tenants[0].tenant_id, "T1");
  EXPECT_THAT(u.tenants[0].roles, ElementsAre("teacher"));
}

// --- delete_user ---

TEST_P(UserAdminContractTest, DeleteUserRemovesEverythingOfTheUser) {
  create_roles({"teacher"});
  create_tenants({"T1"});
  NewUser nu = new_user("U1", "a@x.io", {"teacher"});
  nu.password_hash = "$argon2id$x";
  ASSERT_THAT(store().create_user(nu), IsOk());
  UserUpdate up;
  up.tenants = std::vector<UserTenant>{UserTenant{"T1", "", {"teacher"}}};
  ASSERT_THAT(store().update_user("U1", up), IsOk());
  ASSERT_THAT(store().insert_refresh_token(token("R1", "U1", "F1")), IsOk());
  ASSERT_THAT(store().create_user(new_user("U2", "b@x.io", {"teacher"})), IsOk());

  ASSERT_THAT(store().delete_user("U1"), IsOk());
  EXPECT_THAT(store().get_user_by_id("U1"), ErrcIs(Errc::kUserNotFound));
  EXPECT_THAT(store().get_user_by_login_id("a@x.io"), ErrcIs(Errc::kUserNotFound));
  EXPECT_THAT(store().get_password("U1"), ErrcIs(Errc::kUserNotFound));
  EXPECT_THAT(store().get_refresh_token("R1"), ErrcIs(Errc::kNotFound));
  EXPECT_THAT(store().delete_user("U1"), ErrcIs(Errc::kUserNotFound));

  // Roles, tenants and other users stay.
  EXPECT_THAT(store().get_role("teacher"), IsOk());
  EXPECT_THAT(store().get_tenant("T1"), IsOk());
  EXPECT_THAT(user_roles("U2"), ElementsAre("teacher"));

  // The login id is free, and a new user with the old id starts clean.
  auto again = store().create_user(new_user("U1", "a@x.io"));
  ASSERT_THAT(again, IsOk());
  EXPECT_THAT(again->roles, IsEmpty());
  EXPECT_THAT(again->tenants, IsEmpty());
  EXPECT_FALSE(again->has_password);
}

// --- search_users ---

class UserSearchContractTest : public UserAdminContractTest {
 protected:
  // U1..U5 created out of order; U2a and U2b share a creation time.
  void SetUp() override {
    UserAdminContractTest::SetUp();
    if (HasFatalFailure()) return;
    create_roles({"teacher", "student", "admin"});
    create_tenants({"T1", "T2"});
    auto add = [&](const std::string& id, const std::string& login, const std::string& email,
                   const std::string& name, int64_t at, std::vector<std::string> roles) {
      NewUser nu = new_user(id, login, std::move(roles), at);
      nu.email = email;
      nu.name = name;
      ASSERT_THAT(store().create_user(nu), IsOk());
    };
    add("U3", "carol@school.io", "carol@school.io", "Carol Diaz", 300, {"student"});
    add("U1", "ann@school.io", "ann@school.io", "Ann Lee", 100, {"teacher", "admin"});
    add("U2a", "bob", "Bob@Mail.io", "Bob Stone", 200, {"student"});
    add("U2b", "dan_100%", "dan@mail.io", "Dan Annex", 200, {});
    add("U4", "erin@school.io", "", "Erin Wu", 400, {"teacher"});
    UserUpdate disable;
    disable.status = "disabled";
    ASSERT_THAT(store().update_user("U3", disable), IsOk());
    UserUpdate tenants;
    tenants.tenants = std::vector<UserTenant>{UserTenant{"T1", "", {"teacher"}}};
    ASSERT_THAT(store().update_user("U1", tenants), IsOk());
    tenants.tenants = std::vector<UserTenant>{UserTenant{"T2", "", {}}};
    ASSERT_THAT(store().update_user("U3", tenants), IsOk());
    tenants.tenants = std::vector<UserTenant>{UserTenant{"T1", "", {}}, UserTenant{"T2", "", {}}};
    ASSERT_THAT(store().update_user("U4", tenants), IsOk());
  }
};

TEST_P(UserSearchContractTest, NoFilterFindsEveryoneOldestFirst) {
  auto page = store().search_users(UserSearch{});
  ASSERT_THAT(page, IsOk());
  EXPECT_THAT(ids(page->users), ElementsAre("U1", "U2a", "U2b", "U3", "U4"));
  EXPECT_EQ(page->total, 5);
  // Users come complete.
  const User& ann = page->users[0];
  EXPECT_EQ(ann.login_id, "ann@school.io");
  EXPECT_THAT(ann.roles, ElementsAre("admin", "teacher"));
  ASSERT_THAT(ann.tenants, SizeIs(1));
  EXPECT_EQ(ann.tenants[0].tenant_name, "Tenant T1");
  EXPECT_THAT(ann.tenants[0].roles, ElementsAre("teacher"));
}

TEST_P(UserSearchContractTest, PagesCarryTheTotalOfAllMatches) {
  UserSearch q;
  q.limit = 2;
  q.page = 0;
  Found f = search(q);
  EXPECT_THAT(f.ids, ElementsAre("U1", "U2a"));
  EXPECT_EQ(f.total, 5);
  q.page = 1;
  f = search(q);
  EXPECT_THAT(f.ids, ElementsAre("U2b", "U3"));
  EXPECT_EQ(f.total, 5);
  q.page = 2;
  f = search(q);
  EXPECT_THAT(f.ids, ElementsAre("U4"));
  EXPECT_EQ(f.total, 5);
  q.page = 10;
  f = search(q);
  EXPECT_THAT(f.ids, IsEmpty());
  EXPECT_EQ(f.total, 5);
  q.limit = 5;
  q.page = 0;
  f = search(q);  // exactly one full page
  EXPECT_THAT(f.ids, SizeIs(5));
  EXPECT_EQ(f.total, 5);

  q.statuses = {"enabled"};
  q.limit = 3;
  q.page = 1;
  f = search(q);
  EXPECT_THAT(f.ids, ElementsAre("U4"));
  EXPECT_EQ(f.total, 4);
}

TEST_P(UserSearchContractTest, LimitAndPageAreValidated) {
  UserSearch q;
  q.limit = 0;
  EXPECT_THAT(store().search_users(q), ErrcIs(Errc::kInvalidArgument));
  q.limit = 1001;
  EXPECT_THAT(store().search_users(q), ErrcIs(Errc::kInvalidArgument));
  q.limit = 1000;
  EXPECT_THAT(store().search_users(q), IsOk());
  q.page = -1;
  EXPECT_THAT(store().search_users(q), ErrcIs(Errc::kInvalidArgument));
}

TEST_P(UserSearchContractTest, TextMatchesLoginIdEmailOrNameIgnoringCase) {
  UserSearch q;
  q.text = "ANN";  // ann@school.io (login, email), "Dan Annex" (name)
  Found f = search(q);
  EXPECT_THAT(f.ids, ElementsAre("U1", "U2b"));
  EXPECT_EQ(f.total, 2);

  q.text = "mail.io";  // emails only
  EXPECT_THAT(search(q).ids, ElementsAre("U2a", "U2b"));
  q.text = "stone";  // name only
  EXPECT_THAT(search(q).ids, ElementsAre("U2a"));
  q.text = "nobody";
  f = search(q);
  EXPECT_THAT(f.ids, IsEmpty());
  EXPECT_EQ(f.total, 0);
}

TEST_P(UserSearchContractTest, TextWildcardsAreLiteral) {
  UserSearch q;
  q.text = "_";
  EXPECT_THAT(search(q).ids, ElementsAre("U2b"));
  q.text = "%";
  EXPECT_THAT(search(q).ids, ElementsAre("U2b"));
  q.text = "n_1";
  EXPECT_THAT(search(q).ids, ElementsAre("U2b"));
  q.text = "a%n";  // would match "Ann" if % were a wildcard
  EXPECT_THAT(search(q).ids, IsEmpty());
}

TEST_P(UserSearchContractTest, ListFiltersMatchAnyOfTheirValues) {
  UserSearch by_login;
  by_login.login_ids = {"ANN@school.io", "bob", "missing"};
  EXPECT_THAT(search(by_login).ids, ElementsAre("U1", "U2a"));

  UserSearch by_id;
  by_id.user_ids = {"U4", "U3", "U404"};
  EXPECT_THAT(search(by_id).ids, ElementsAre("U3", "U4"));

  UserSearch by_email;
  by_email.emails = {"bob@mail.io", "dan@MAIL.io"};
  EXPECT_THAT(search(by_email).ids, ElementsAre("U2a", "U2b"));

  UserSearch by_role;
  by_role.role_names = {"admin", "student"};
  EXPECT_THAT(search(by_role).ids, ElementsAre("U1", "U2a", "U3"));

  UserSearch by_tenant;
  by_tenant.tenant_ids = {"T2"};
  EXPECT_THAT(search(by_tenant).ids, ElementsAre("U3", "U4"));
  by_tenant.tenant_ids = {"T1", "T2"};
  EXPECT_THAT(search(by_tenant).ids, ElementsAre("U1", "U3", "U4"));  // U4 once

  UserSearch by_status;
  by_status.statuses = {"disabled"};
  EXPECT_THAT(search(by_status).ids, ElementsAre("U3"));

  UserSearch unknown_role;
  unknown_role.role_names = {"ghost"};
  Found f = search(unknown_role);
  EXPECT_THAT(f.ids, IsEmpty());
  EXPECT_EQ(f.total, 0);
}

TEST_P(UserSearchContractTest, FiltersCombineWithAnd) {
  UserSearch q;
  q.role_names = {"teacher", "student"};
  q.tenant_ids = {"T2"};
  EXPECT_THAT(search(q).ids, ElementsAre("U3", "U4"));
  q.statuses = {"enabled"};
  EXPECT_THAT(search(q).ids, ElementsAre("U4"));
  q.text = "erin";
  EXPECT_THAT(search(q).ids, ElementsAre("U4"));
  q.text = "carol";
  Found f = search(q);
  EXPECT_THAT(f.ids, IsEmpty());
  EXPECT_EQ(f.total, 0);
}

TEST_P(UserSearchContractTest, ValuesWithQuotesAndBackslashesMatchExactly) {
  ASSERT_THAT(store().create_user(new_user("U9", "we\"ird\\id,[x]", {}, 900)), IsOk());
  UserSearch q;
  q.login_ids = {"we\"ird\\id,[x]"};
  EXPECT_THAT(search(q).ids, ElementsAre("U9"));
  q.login_ids = {"we\"ird"};
  EXPECT_THAT(search(q).ids, IsEmpty());
  UserSearch text;
  text.text = "\"ird\\";
  EXPECT_THAT(search(text).ids, ElementsAre("U9"));
}

TEST_P(UserSearchContractTest, SearchSeesUpdatesAndDeletes) {
  UserUpdate up;
  up.roles = std::vector<std::string>{"admin"};
  ASSERT_THAT(store().update_user("U4", up), IsOk());
  ASSERT_THAT(store().delete_user("U1"), IsOk());
  UserSearch q;
  q.role_names = {"admin"};
  Found f = search(q);
  EXPECT_THAT(f.ids, ElementsAre("U4"));
  EXPECT_EQ(f.total, 1);
}

GH_INSTANTIATE_STORE_CONTRACT(UserAdminContractTest);
GH_INSTANTIATE_STORE_CONTRACT(UserSearchContractTest);

}  // namespace
}  // namespace gatehouse::store::testing
