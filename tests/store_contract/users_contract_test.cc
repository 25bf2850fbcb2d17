// UserStore contract: users, their passwords, roles and tenant memberships, update,
// remove and search.
#include <algorithm>
#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "store_contract_fixture.h"

namespace gatehouse::store::testing {
namespace {

class UserContractTest : public StoreContractFixture {
 protected:
  void create_tenants(const std::vector<std::string>& ids) {
    for (const auto& id : ids) {
      Tenant t;
      t.id = id;
      t.name = "Tenant " + id;
      ASSERT_THAT(access().create_tenant(t), IsOk());
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
    auto page = users().search(q);
    EXPECT_THAT(page, IsOk());
    if (!page) return {};
    return Found{ids(page->users), page->total};
  }
};

// --- creating and reading ---

TEST_P(UserContractTest, CreateUserReturnsItAndGetFindsIt) {
  create_roles({"teacher", "admin"});
  NewUser nu = new_user("U1", "ann@example.com", {"teacher", "admin"}, 1234);
  nu.phone = "+15550100";
  nu.verified_email = true;
  auto created = users().create(nu);
  ASSERT_THAT(created, IsOk());
  EXPECT_EQ(created->id, "U1");
  EXPECT_EQ(created->login_id, "ann@example.com");
  EXPECT_EQ(created->email, "ann@example.com");
  EXPECT_EQ(created->phone, "+15550100");
  EXPECT_EQ(created->name, "Name of U1");
  EXPECT_EQ(created->status, "enabled");
  EXPECT_TRUE(created->verified_email);
  EXPECT_FALSE(created->verified_phone);
  EXPECT_FALSE(created->has_password);
  EXPECT_EQ(created->created_at, 1234);
  EXPECT_EQ(created->last_login_at, 0);
  EXPECT_THAT(created->roles, ElementsAre("admin", "teacher"));  // sorted
  EXPECT_THAT(created->tenants, IsEmpty());

  auto by_id = users().get_by_id("U1");
  ASSERT_THAT(by_id, IsOk());
  EXPECT_EQ(by_id->login_id, "ann@example.com");
  EXPECT_EQ(by_id->phone, "+15550100");
  EXPECT_TRUE(by_id->verified_email);
  EXPECT_EQ(by_id->created_at, 1234);
  EXPECT_THAT(by_id->roles, ElementsAre("admin", "teacher"));

  auto by_login = users().get_by_login_id("ann@example.com");
  ASSERT_THAT(by_login, IsOk());
  EXPECT_EQ(by_login->id, "U1");
}

TEST_P(UserContractTest, DuplicateRolesInRequestAreStoredOnce) {
  create_roles({"teacher"});
  auto created = users().create(new_user("U1", "a@x.io", {"teacher", "teacher"}));
  ASSERT_THAT(created, IsOk());
  EXPECT_THAT(created->roles, ElementsAre("teacher"));
}

TEST_P(UserContractTest, LoginIdLookupIgnoresCase) {
  ASSERT_THAT(users().create(new_user("U1", "Ann.Lee@Example.com")), IsOk());
  auto found = users().get_by_login_id("ann.lee@EXAMPLE.COM");
  ASSERT_THAT(found, IsOk());
  EXPECT_EQ(found->id, "U1");
  EXPECT_EQ(found->login_id, "Ann.Lee@Example.com");  // stored as given
}

TEST_P(UserContractTest, UnknownUserIsUserNotFound) {
  EXPECT_THAT(users().get_by_id("U404"), ErrcIs(Errc::kUserNotFound));
  EXPECT_THAT(users().get_by_login_id("nobody@example.com"), ErrcIs(Errc::kUserNotFound));
}

TEST_P(UserContractTest, CreateUserRequiresIdAndLoginId) {
  EXPECT_THAT(users().create(new_user("", "a@x.io")), ErrcIs(Errc::kInvalidArgument));
  EXPECT_THAT(users().create(new_user("U1", "")), ErrcIs(Errc::kInvalidArgument));
}

TEST_P(UserContractTest, DuplicateLoginIdIsUserExistsAndWritesNothing) {
  create_roles({"teacher"});
  ASSERT_THAT(users().create(new_user("U1", "ann@example.com")), IsOk());

  NewUser dup = new_user("U2", "ANN@example.com", {"teacher"});
  dup.password_hash = "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA";
  auto r = users().create(dup);
  ASSERT_THAT(r, ErrcIs(Errc::kUserExists));
  EXPECT_THAT(r.error().message, Not(HasSubstr("argon2id")));

  EXPECT_THAT(users().get_by_id("U2"), ErrcIs(Errc::kUserNotFound));
  EXPECT_THAT(users().get_password("U2"), ErrcIs(Errc::kUserNotFound));
  auto all = users().list(100, 0);
  ASSERT_THAT(all, IsOk());
  ASSERT_EQ(all->size(), 1u);
  EXPECT_EQ((*all)[0].id, "U1");
  EXPECT_THAT((*all)[0].roles, IsEmpty());
}

TEST_P(UserContractTest, UnknownRoleOnCreateIsInvalidArgumentAndNoUser) {
  create_roles({"teacher"});
  NewUser nu = new_user("U1", "ann@example.com", {"teacher", "ghost"});
  nu.password_hash = "$argon2id$secret";
  auto r = users().create(nu);
  ASSERT_THAT(r, ErrcIs(Errc::kInvalidArgument));
  EXPECT_THAT(r.error().message, HasSubstr("unknown role: ghost"));

  EXPECT_THAT(users().get_by_id("U1"), ErrcIs(Errc::kUserNotFound));
  EXPECT_THAT(users().get_by_login_id("ann@example.com"), ErrcIs(Errc::kUserNotFound));
  // The login id is still free.
  EXPECT_THAT(users().create(new_user("U1", "ann@example.com", {"teacher"})), IsOk());
}

TEST_P(UserContractTest, ListUsersOldestFirstWithPaging) {
  create_roles({"student"});
  // Created out of order; equal creation times keep insertion order.
  ASSERT_THAT(users().create(new_user("U3", "c@x.io", {}, 300)), IsOk());
  ASSERT_THAT(users().create(new_user("U1", "a@x.io", {"student"}, 100)), IsOk());
  ASSERT_THAT(users().create(new_user("U2a", "b1@x.io", {}, 200)), IsOk());
  ASSERT_THAT(users().create(new_user("U2b", "b2@x.io", {}, 200)), IsOk());
  ASSERT_THAT(users().create(new_user("U4", "d@x.io", {}, 400)), IsOk());

  auto ids = [](const std::vector<User>& users) {
    std::vector<std::string> out;
    for (const auto& u : users) out.push_back(u.id);
    return out;
  };
  auto all = users().list(100, 0);
  ASSERT_THAT(all, IsOk());
  EXPECT_THAT(ids(*all), ElementsAre("U1", "U2a", "U2b", "U3", "U4"));
  EXPECT_THAT((*all)[0].roles, ElementsAre("student"));

  auto page1 = users().list(2, 0);
  auto page2 = users().list(2, 2);
  auto page3 = users().list(2, 4);
  auto past = users().list(2, 10);
  ASSERT_THAT(page1, IsOk());
  ASSERT_THAT(page2, IsOk());
  ASSERT_THAT(page3, IsOk());
  ASSERT_THAT(past, IsOk());
  EXPECT_THAT(ids(*page1), ElementsAre("U1", "U2a"));
  EXPECT_THAT(ids(*page2), ElementsAre("U2b", "U3"));
  EXPECT_THAT(ids(*page3), ElementsAre("U4"));
  EXPECT_THAT(*past, IsEmpty());

  auto none = users().list(0, 0);
  ASSERT_THAT(none, IsOk());
  EXPECT_THAT(*none, IsEmpty());
  EXPECT_THAT(users().list(-1, 0), ErrcIs(Errc::kInvalidArgument));
  EXPECT_THAT(users().list(1, -1), ErrcIs(Errc::kInvalidArgument));
}

// --- roles ---

TEST_P(UserContractTest, SetUserRolesReplacesTheRoles) {
  create_roles({"teacher", "student", "admin"});
  ASSERT_THAT(users().create(new_user("U1", "a@x.io", {"teacher"})), IsOk());

  auto updated = set_roles("U1", {"student", "admin"});
  ASSERT_THAT(updated, IsOk());
  EXPECT_THAT(updated->roles, ElementsAre("admin", "student"));
  EXPECT_THAT(user_roles("U1"), ElementsAre("admin", "student"));

  auto cleared = set_roles("U1", {});
  ASSERT_THAT(cleared, IsOk());
  EXPECT_THAT(cleared->roles, IsEmpty());
  EXPECT_THAT(user_roles("U1"), IsEmpty());
}

TEST_P(UserContractTest, SetUserRolesWithUnknownRoleKeepsTheOldRoles) {
  create_roles({"teacher", "student"});
  ASSERT_THAT(users().create(new_user("U1", "a@x.io", {"teacher"})), IsOk());

  auto r = set_roles("U1", {"student", "ghost"});
  ASSERT_THAT(r, ErrcIs(Errc::kInvalidArgument));
  EXPECT_THAT(r.error().message, HasSubstr("unknown role: ghost"));
  EXPECT_THAT(user_roles("U1"), ElementsAre("teacher"));
}

TEST_P(UserContractTest, SetUserRolesOfUnknownUserIsUserNotFound) {
  create_roles({"teacher"});
  EXPECT_THAT(set_roles("U404", {"teacher"}), ErrcIs(Errc::kUserNotFound));
}

// --- modify: read-modify-write as one step ---

// Adds `role` to whatever roles the stored user has.
UserStore::Change add_role(const std::string& role) {
  return [role](const User& u) -> Result<UserUpdate> {
    UserUpdate update;
    update.roles = u.roles;
    update.roles->push_back(role);
    return update;
  };
}

TEST_P(UserContractTest, ModifyChangesTheStoredUserAndReturnsBeforeAndAfter) {
  create_roles({"teacher", "student"});
  ASSERT_THAT(users().create(new_user("U1", "a@x.io", {"teacher"})), IsOk());
  auto r = users().modify("U1", add_role("student"));
  ASSERT_THAT(r, IsOk());
  EXPECT_THAT(r->first.roles, ElementsAre("teacher"));
  EXPECT_THAT(r->second.roles, ElementsAre("student", "teacher"));
  EXPECT_THAT(user_roles("U1"), ElementsAre("student", "teacher"));
}

TEST_P(UserContractTest, ModifyWritesNothingWhenTheChangeOrTheUpdateFails) {
  create_roles({"teacher"});
  ASSERT_THAT(users().create(new_user("U1", "a@x.io", {"teacher"})), IsOk());
  auto refused = users().modify("U1", [](const User&) -> Result<UserUpdate> {
    return make_error(Errc::kInvalidArgument, "not a member");
  });
  EXPECT_THAT(refused, ErrcIs(Errc::kInvalidArgument));
  EXPECT_THAT(users().modify("U1", add_role("ghost")), ErrcIs(Errc::kInvalidArgument));
  EXPECT_THAT(user_roles("U1"), ElementsAre("teacher"));
  EXPECT_THAT(users().modify("U404", add_role("teacher")), ErrcIs(Errc::kUserNotFound));
}

TEST_P(UserContractTest, ConcurrentModifiesOfOneUserLoseNoChange) {
  constexpr int kThreads = 4;
  constexpr int kEach = 8;
  std::vector<std::string> all;
  for (int t = 0; t < kThreads; ++t) {
    for (int i = 0; i < kEach; ++i)
      all.push_back("r" + std::to_string(t) + "_" + std::to_string(i));
  }
  create_roles(all);
  ASSERT_THAT(users().create(new_user("U1", "a@x.io")), IsOk());
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i) {
        if (!users().modify("U1", add_role("r" + std::to_string(t) + "_" + std::to_string(i)))) {
          ++failures;
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(failures.load(), 0);
  std::sort(all.begin(), all.end());
  EXPECT_EQ(user_roles("U1"), all);
}

// --- passwords ---

TEST_P(UserContractTest, PasswordHashGetSetAndMissing) {
  ASSERT_THAT(users().create(new_user("U1", "a@x.io")), IsOk());
  EXPECT_THAT(users().get_password("U1"), ErrcIs(Errc::kNotFound));

  ASSERT_THAT(users().set_password("U1", "$argon2id$one", false), IsOk());
  auto hash = users().get_password("U1");
  ASSERT_THAT(hash, IsOk());
  EXPECT_EQ(hash->hash, "$argon2id$one");
  auto user = users().get_by_id("U1");
  ASSERT_THAT(user, IsOk());
  EXPECT_TRUE(user->has_password);

  ASSERT_THAT(users().set_password("U1", "$argon2id$two", false), IsOk());
  hash = users().get_password("U1");
  ASSERT_THAT(hash, IsOk());
  EXPECT_EQ(hash->hash, "$argon2id$two");

  EXPECT_THAT(users().get_password("U404"), ErrcIs(Errc::kUserNotFound));
  auto unknown = users().set_password("U404", "$argon2id$secret-hash", false);
  ASSERT_THAT(unknown, ErrcIs(Errc::kUserNotFound));
  EXPECT_THAT(unknown.error().message, Not(HasSubstr("secret-hash")));
}

TEST_P(UserContractTest, CreateUserWithPasswordHash) {
  NewUser nu = new_user("U1", "a@x.io");
  nu.password_hash = "$argon2id$initial";
  auto created = users().create(nu);
  ASSERT_THAT(created, IsOk());
  EXPECT_TRUE(created->has_password);
  auto hash = users().get_password("U1");
  ASSERT_THAT(hash, IsOk());
  EXPECT_EQ(hash->hash, "$argon2id$initial");
}

// --- passwords (expiry) ---

TEST_P(UserContractTest, PasswordExpiredFlagRoundTrips) {
  ASSERT_THAT(users().create(new_user("U1", "a@x.io")), IsOk());
  EXPECT_THAT(users().get_password("U1"), ErrcIs(Errc::kNotFound));

  ASSERT_THAT(users().set_password("U1", "$argon2id$temp", true), IsOk());
  auto cred = users().get_password("U1");
  ASSERT_THAT(cred, IsOk());
  EXPECT_EQ(cred->hash, "$argon2id$temp");
  EXPECT_TRUE(cred->expired);
  EXPECT_GT(cred->updated_at, 0);
  EXPECT_TRUE(get_user("U1").has_password);

  ASSERT_THAT(users().set_password("U1", "$argon2id$chosen", false), IsOk());
  cred = users().get_password("U1");
  ASSERT_THAT(cred, IsOk());
  EXPECT_EQ(cred->hash, "$argon2id$chosen");
  EXPECT_FALSE(cred->expired);

  // Expiring again replaces the hash as well.
  ASSERT_THAT(users().set_password("U1", "$argon2id$reset", true), IsOk());
  cred = users().get_password("U1");
  ASSERT_THAT(cred, IsOk());
  EXPECT_EQ(cred->hash, "$argon2id$reset");
  EXPECT_TRUE(cred->expired);
}

TEST_P(UserContractTest, GetPasswordErrorsAndCreatedPasswordIsNotExpired) {
  EXPECT_THAT(users().get_password("U404"), ErrcIs(Errc::kUserNotFound));
  NewUser nu = new_user("U1", "a@x.io", {}, 4321);
  nu.password_hash = "$argon2id$initial";
  ASSERT_THAT(users().create(nu), IsOk());
  auto cred = users().get_password("U1");
  ASSERT_THAT(cred, IsOk());
  EXPECT_EQ(cred->hash, "$argon2id$initial");
  EXPECT_FALSE(cred->expired);
  EXPECT_EQ(cred->updated_at, 4321);
}

TEST_P(UserContractTest, SetPasswordHashErrorsNameNoSecret) {
  ASSERT_THAT(users().create(new_user("U1", "a@x.io")), IsOk());
  EXPECT_THAT(users().set_password("U1", "", true), ErrcIs(Errc::kInvalidArgument));
  EXPECT_THAT(users().get_password("U1"), ErrcIs(Errc::kNotFound));
  auto unknown = users().set_password("U404", "$argon2id$secret-hash", true);
  ASSERT_THAT(unknown, ErrcIs(Errc::kUserNotFound));
  EXPECT_THAT(unknown.error().message, Not(HasSubstr("secret-hash")));
}

// --- update and remove ---

TEST_P(UserContractTest, UpdateUserChangesOnlyTheGivenFields) {
  create_roles({"teacher"});
  NewUser nu = new_user("U1", "ann@x.io", {"teacher"}, 1234);
  nu.phone = "+15550100";
  nu.verified_email = true;
  nu.password_hash = "$argon2id$x";
  ASSERT_THAT(users().create(nu), IsOk());

  UserUpdate up;
  up.name = "Ann Lee";
  up.picture = "https://example.com/ann.png";
  up.verified_phone = true;
  auto updated = users().update("U1", up);
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

TEST_P(UserContractTest, UpdateUserCanSetEveryField) {
  NewUser nu = new_user("U1", "ann@x.io");
  nu.verified_email = true;
  ASSERT_THAT(users().create(nu), IsOk());
  UserUpdate up;
  up.login_id = "ann.lee@x.io";
  up.email = "ann.lee@x.io";
  up.phone = "+15550199";
  up.name = "";  // set to empty, not "unchanged"
  up.picture = "p.png";
  up.status = "disabled";
  up.verified_email = false;
  up.verified_phone = true;
  ASSERT_THAT(users().update("U1", up), IsOk());

  const User u = get_user("U1");
  EXPECT_EQ(u.login_id, "ann.lee@x.io");
  EXPECT_EQ(u.email, "ann.lee@x.io");
  EXPECT_EQ(u.phone, "+15550199");
  EXPECT_EQ(u.name, "");
  EXPECT_EQ(u.picture, "p.png");
  EXPECT_EQ(u.status, "disabled");
  EXPECT_FALSE(u.verified_email);
  EXPECT_TRUE(u.verified_phone);
  EXPECT_THAT(users().get_by_login_id("ann.lee@x.io"), IsOk());
  EXPECT_THAT(users().get_by_login_id("ann@x.io"), ErrcIs(Errc::kUserNotFound));
  // The old login id is free again.
  EXPECT_THAT(users().create(new_user("U2", "ann@x.io")), IsOk());
}

TEST_P(UserContractTest, UpdateUserWithNothingSetChangesNothing) {
  ASSERT_THAT(users().create(new_user("U1", "a@x.io")), IsOk());
  auto same = users().update("U1", UserUpdate{});
  ASSERT_THAT(same, IsOk());
  EXPECT_EQ(same->login_id, "a@x.io");
  EXPECT_EQ(same->name, "Name of U1");
}

TEST_P(UserContractTest, UpdateUserToATakenLoginIdIsUserExistsAndChangesNothing) {
  create_roles({"teacher"});
  ASSERT_THAT(users().create(new_user("U1", "ann@x.io")), IsOk());
  ASSERT_THAT(users().create(new_user("U2", "bob@x.io")), IsOk());

  UserUpdate up;
  up.login_id = "ANN@x.io";  // taken, whatever the case
  up.name = "Bob";
  up.roles = std::vector<std::string>{"teacher"};
  EXPECT_THAT(users().update("U2", up), ErrcIs(Errc::kUserExists));
  const User bob = get_user("U2");
  EXPECT_EQ(bob.login_id, "bob@x.io");
  EXPECT_EQ(bob.name, "Name of U2");
  EXPECT_THAT(bob.roles, IsEmpty());

  // A user may change the case of its own login id.
  UserUpdate recase;
  recase.login_id = "Ann@X.io";
  auto ann = users().update("U1", recase);
  ASSERT_THAT(ann, IsOk());
  EXPECT_EQ(ann->login_id, "Ann@X.io");
}

TEST_P(UserContractTest, UpdateUserErrors) {
  ASSERT_THAT(users().create(new_user("U1", "a@x.io")), IsOk());
  UserUpdate up;
  up.name = "x";
  EXPECT_THAT(users().update("U404", up), ErrcIs(Errc::kUserNotFound));

  UserUpdate empty_login;
  empty_login.login_id = "";
  EXPECT_THAT(users().update("U1", empty_login), ErrcIs(Errc::kInvalidArgument));

  UserUpdate no_tenant_id;
  no_tenant_id.tenants = std::vector<UserTenant>{UserTenant{"", "", {}}};
  EXPECT_THAT(users().update("U1", no_tenant_id), ErrcIs(Errc::kInvalidArgument));
  EXPECT_EQ(get_user("U1").login_id, "a@x.io");
}

TEST_P(UserContractTest, UpdateUserRolesReplaceTheRoles) {
  create_roles({"teacher", "student", "admin"});
  ASSERT_THAT(users().create(new_user("U1", "a@x.io", {"teacher"})), IsOk());
  UserUpdate up;
  up.roles = std::vector<std::string>{"student", "admin", "student"};
  auto updated = users().update("U1", up);
  ASSERT_THAT(updated, IsOk());
  EXPECT_THAT(updated->roles, ElementsAre("admin", "student"));
  EXPECT_THAT(user_roles("U1"), ElementsAre("admin", "student"));

  up.roles = std::vector<std::string>{};
  ASSERT_THAT(users().update("U1", up), IsOk());
  EXPECT_THAT(user_roles("U1"), IsEmpty());
}

TEST_P(UserContractTest, UpdateUserWithUnknownRoleLeavesTheUserUnchanged) {
  create_roles({"teacher", "student"});
  create_tenants({"T1"});
  ASSERT_THAT(users().create(new_user("U1", "a@x.io", {"teacher"})), IsOk());

  UserUpdate up;
  up.login_id = "new@x.io";
  up.name = "Changed";
  up.status = "disabled";
  up.roles = std::vector<std::string>{"student", "ghost"};
  up.tenants = std::vector<UserTenant>{UserTenant{"T1", "", {"student"}}};
  auto r = users().update("U1", up);
  ASSERT_THAT(r, ErrcIs(Errc::kInvalidArgument));
  EXPECT_THAT(r.error().message, HasSubstr("unknown role: ghost"));

  const User u = get_user("U1");
  EXPECT_EQ(u.login_id, "a@x.io");
  EXPECT_EQ(u.name, "Name of U1");
  EXPECT_EQ(u.status, "enabled");
  EXPECT_THAT(u.roles, ElementsAre("teacher"));
  EXPECT_THAT(u.tenants, IsEmpty());
  EXPECT_THAT(users().get_by_login_id("new@x.io"), ErrcIs(Errc::kUserNotFound));
}

// A user is read with the permissions of the roles it holds (what its session JWT
// claims): the union, sorted, without repeats; inside each tenant those of its roles
// there. They follow the roles' permissions as they are at the read.
TEST_P(UserContractTest, AUserIsReadWithThePermissionsOfItsRoles) {
  for (const auto* name : {"read", "write", "grade", "admin:all"}) {
    ASSERT_THAT(access().create_permission(Permission{name, ""}), IsOk());
  }
  ASSERT_THAT(access().create_role(Role{"teacher", "", {"write", "grade", "read"}, 10}), IsOk());
  ASSERT_THAT(access().create_role(Role{"student", "", {"read"}, 10}), IsOk());
  ASSERT_THAT(access().create_role(Role{"empty", "", {}, 10}), IsOk());
  create_tenants({"T1", "T2"});
  ASSERT_THAT(users().create(new_user("U1", "a@x.io", {"student", "teacher"})), IsOk());
  UserUpdate up;
  up.tenants =
      std::vector<UserTenant>{UserTenant{"T1", "", {"student"}}, UserTenant{"T2", "", {"empty"}}};
  ASSERT_THAT(users().update("U1", up), IsOk());
  ASSERT_THAT(users().create(new_user("U2", "b@x.io", {"empty"})), IsOk());

  User u = get_user("U1");
  EXPECT_THAT(u.permissions, ElementsAre("grade", "read", "write"));
  ASSERT_THAT(u.tenants, SizeIs(2));
  EXPECT_THAT(u.tenants[0].permissions, ElementsAre("read"));
  EXPECT_THAT(u.tenants[1].permissions, IsEmpty());
  EXPECT_THAT(get_user("U2").permissions, IsEmpty());
  auto by_login = users().get_by_login_id("a@x.io");
  ASSERT_THAT(by_login, IsOk());
  EXPECT_EQ(by_login->permissions, u.permissions);

  ASSERT_THAT(access().update_role("student", Role{"student", "", {"read", "admin:all"}, 10}),
              IsOk());
  u = get_user("U1");
  EXPECT_THAT(u.permissions, ElementsAre("admin:all", "grade", "read", "write"));
  EXPECT_THAT(u.tenants[0].permissions, ElementsAre("admin:all", "read"));
}

TEST_P(UserContractTest, UpdateUserTenantsReplaceMembershipsAndTenantRoles) {
  create_roles({"teacher", "admin", "student"});
  create_tenants({"T2", "T1"});
  ASSERT_THAT(users().create(new_user("U1", "a@x.io", {"student"})), IsOk());

  UserUpdate up;
  up.tenants = std::vector<UserTenant>{
      UserTenant{"T2", "ignored", {}}, UserTenant{"T1", "", {"teacher"}},
      UserTenant{"T1", "", {"admin", "teacher"}},  // the same tenant twice: roles merge
  };
  auto updated = users().update("U1", up);
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
  ASSERT_THAT(users().update("U1", up), IsOk());
  User u = get_user("U1");
  ASSERT_THAT(u.tenants, SizeIs(1));
  EXPECT_EQ(u.tenants[0].tenant_id, "T2");
  EXPECT_THAT(u.tenants[0].roles, ElementsAre("student"));

  // An update that does not mention tenants keeps them.
  UserUpdate rename;
  rename.name = "Ann";
  ASSERT_THAT(users().update("U1", rename), IsOk());
  EXPECT_THAT(get_user("U1").tenants, SizeIs(1));

  up.tenants = std::vector<UserTenant>{};
  ASSERT_THAT(users().update("U1", up), IsOk());
  EXPECT_THAT(get_user("U1").tenants, IsEmpty());
}

TEST_P(UserContractTest, UpdateUserWithUnknownTenantOrTenantRoleChangesNothing) {
  create_roles({"teacher", "student"});
  create_tenants({"T1"});
  ASSERT_THAT(users().create(new_user("U1", "a@x.io", {"teacher"})), IsOk());
  UserUpdate start;
  start.tenants = std::vector<UserTenant>{UserTenant{"T1", "", {"teacher"}}};
  ASSERT_THAT(users().update("U1", start), IsOk());

  UserUpdate unknown_tenant;
  unknown_tenant.name = "Changed";
  unknown_tenant.roles = std::vector<std::string>{"student"};
  unknown_tenant.tenants =
      std::vector<UserTenant>{UserTenant{"T1", "", {}}, UserTenant{"T404", "", {}}};
  auto r = users().update("U1", unknown_tenant);
  ASSERT_THAT(r, ErrcIs(Errc::kInvalidArgument));
  EXPECT_THAT(r.error().message, HasSubstr("unknown tenant: T404"));

  UserUpdate unknown_tenant_role;
  unknown_tenant_role.name = "Changed";
  unknown_tenant_role.tenants = std::vector<UserTenant>{UserTenant{"T1", "", {"ghost"}}};
  r = users().update("U1", unknown_tenant_role);
  ASSERT_THAT(r, ErrcIs(Errc::kInvalidArgument));
  EXPECT_THAT(r.error().message, HasSubstr("unknown role: ghost"));

  const User u = get_user("U1");
  EXPECT_EQ(u.name, "Name of U1");
  EXPECT_THAT(u.roles, ElementsAre("teacher"));
  ASSERT_THAT(u.tenants, SizeIs(1));
  EXPECT_EQ(u.tenants[0].tenant_id, "T1");
  EXPECT_THAT(u.tenants[0].roles, ElementsAre("teacher"));
}

TEST_P(UserContractTest, DeleteUserRemovesEverythingOfTheUser) {
  create_roles({"teacher"});
  create_tenants({"T1"});
  NewUser nu = new_user("U1", "a@x.io", {"teacher"});
  nu.password_hash = "$argon2id$x";
  ASSERT_THAT(users().create(nu), IsOk());
  UserUpdate up;
  up.tenants = std::vector<UserTenant>{UserTenant{"T1", "", {"teacher"}}};
  ASSERT_THAT(users().update("U1", up), IsOk());
  ASSERT_THAT(sessions().insert(token("R1", "U1", "F1")), IsOk());
  ASSERT_THAT(users().create(new_user("U2", "b@x.io", {"teacher"})), IsOk());

  ASSERT_THAT(users().remove("U1"), IsOk());
  EXPECT_THAT(users().get_by_id("U1"), ErrcIs(Errc::kUserNotFound));
  EXPECT_THAT(users().get_by_login_id("a@x.io"), ErrcIs(Errc::kUserNotFound));
  EXPECT_THAT(users().get_password("U1"), ErrcIs(Errc::kUserNotFound));
  EXPECT_THAT(sessions().get("R1"), ErrcIs(Errc::kNotFound));
  EXPECT_THAT(users().remove("U1"), ErrcIs(Errc::kUserNotFound));

  // Roles, tenants and other users stay.
  EXPECT_THAT(access().get_role("teacher"), IsOk());
  EXPECT_THAT(access().get_tenant("T1"), IsOk());
  EXPECT_THAT(user_roles("U2"), ElementsAre("teacher"));

  // The login id is free, and a new user with the old id starts clean.
  auto again = users().create(new_user("U1", "a@x.io"));
  ASSERT_THAT(again, IsOk());
  EXPECT_THAT(again->roles, IsEmpty());
  EXPECT_THAT(again->tenants, IsEmpty());
  EXPECT_FALSE(again->has_password);
}

// --- concurrency ---

TEST_P(UserContractTest, ConcurrentCreateUsers) {
  create_roles({"student"});
  constexpr int kThreads = 6;
  constexpr int kPerThread = 20;
  std::atomic<int> taken_ok = 0;
  std::atomic<int> taken_exists = 0;
  std::atomic<int> unexpected = 0;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        const std::string n = std::to_string(t) + "-" + std::to_string(i);
        NewUser nu = new_user("U" + n, "user" + n + "@x.io", {"student"}, 1000 + i);
        nu.password_hash = "$argon2id$" + n;
        if (!users().create(nu)) ++unexpected;
        if (!users().get_by_login_id("USER" + n + "@x.io")) ++unexpected;
      }
      // Everyone races for the same login id; exactly one wins.
      auto r = users().create(new_user("Ushared" + std::to_string(t), "shared@x.io"));
      if (r) {
        ++taken_ok;
      } else if (r.code() == Errc::kUserExists) {
        ++taken_exists;
      } else {
        ++unexpected;
      }
    });
  }
  for (auto& th : threads) th.join();

  EXPECT_EQ(unexpected.load(), 0);
  EXPECT_EQ(taken_ok.load(), 1);
  EXPECT_EQ(taken_exists.load(), kThreads - 1);
  auto all = users().list(1000, 0);
  ASSERT_THAT(all, IsOk());
  EXPECT_EQ(all->size(), static_cast<size_t>(kThreads * kPerThread + 1));
  EXPECT_TRUE(std::all_of(all->begin(), all->end(), [](const User& u) {
    return u.id.starts_with("Ushared") || (u.has_password && u.roles.size() == 1);
  }));
}

// --- search ---

class UserSearchContractTest : public UserContractTest {
 protected:
  // U1..U5 created out of order; U2a and U2b share a creation time.
  void SetUp() override {
    UserContractTest::SetUp();
    if (HasFatalFailure()) return;
    create_roles({"teacher", "student", "admin"});
    create_tenants({"T1", "T2"});
    auto add = [&](const std::string& id, const std::string& login, const std::string& email,
                   const std::string& name, int64_t at, std::vector<std::string> roles) {
      NewUser nu = new_user(id, login, std::move(roles), at);
      nu.email = email;
      nu.name = name;
      ASSERT_THAT(users().create(nu), IsOk());
    };
    add("U3", "carol@school.io", "carol@school.io", "Carol Diaz", 300, {"student"});
    add("U1", "ann@school.io", "ann@school.io", "Ann Lee", 100, {"teacher", "admin"});
    add("U2a", "bob", "Bob@Mail.io", "Bob Stone", 200, {"student"});
    add("U2b", "dan_100%", "dan@mail.io", "Dan Annex", 200, {});
    add("U4", "erin@school.io", "", "Erin Wu", 400, {"teacher"});
    UserUpdate disable;
    disable.status = "disabled";
    ASSERT_THAT(users().update("U3", disable), IsOk());
    UserUpdate tenants;
    tenants.tenants = std::vector<UserTenant>{UserTenant{"T1", "", {"teacher"}}};
    ASSERT_THAT(users().update("U1", tenants), IsOk());
    tenants.tenants = std::vector<UserTenant>{UserTenant{"T2", "", {}}};
    ASSERT_THAT(users().update("U3", tenants), IsOk());
    tenants.tenants = std::vector<UserTenant>{UserTenant{"T1", "", {}}, UserTenant{"T2", "", {}}};
    ASSERT_THAT(users().update("U4", tenants), IsOk());
  }
};

TEST_P(UserSearchContractTest, NoFilterFindsEveryoneOldestFirst) {
  auto page = users().search(UserSearch{});
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

TEST_P(UserSearchContractTest, TestUsersAreShownHiddenOrAlone) {
  NewUser t = new_user("U5", "tess@school.io", {}, 500);
  t.test = true;
  ASSERT_THAT(users().create(t), IsOk());
  UserSearch q;
  EXPECT_THAT(search(q).ids, ElementsAre("U1", "U2a", "U2b", "U3", "U4", "U5"));
  q.with_test_user = false;
  Found hidden = search(q);
  EXPECT_THAT(hidden.ids, ElementsAre("U1", "U2a", "U2b", "U3", "U4"));
  EXPECT_EQ(hidden.total, 5);
  q.with_test_user = true;
  q.test_only = true;
  Found alone = search(q);
  EXPECT_THAT(alone.ids, ElementsAre("U5"));
  EXPECT_EQ(alone.total, 1);
  q.text = "ann";
  EXPECT_THAT(search(q).ids, IsEmpty()) << "filters are ANDed";
}

TEST_P(UserSearchContractTest, LimitAndPageAreValidated) {
  UserSearch q;
  q.limit = 0;
  EXPECT_THAT(users().search(q), ErrcIs(Errc::kInvalidArgument));
  q.limit = 1001;
  EXPECT_THAT(users().search(q), ErrcIs(Errc::kInvalidArgument));
  q.limit = 1000;
  EXPECT_THAT(users().search(q), IsOk());
  q.page = -1;
  EXPECT_THAT(users().search(q), ErrcIs(Errc::kInvalidArgument));
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
  ASSERT_THAT(users().create(new_user("U9", "we\"ird\\id,[x]", {}, 900)), IsOk());
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
  ASSERT_THAT(users().update("U4", up), IsOk());
  ASSERT_THAT(users().remove("U1"), IsOk());
  UserSearch q;
  q.role_names = {"admin"};
  Found f = search(q);
  EXPECT_THAT(f.ids, ElementsAre("U4"));
  EXPECT_EQ(f.total, 1);
}

GH_INSTANTIATE_STORE_CONTRACT(UserContractTest);
GH_INSTANTIATE_STORE_CONTRACT(UserSearchContractTest);

}  // namespace
}  // namespace gatehouse::store::testing
