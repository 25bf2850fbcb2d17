// The Store contract: the behaviour every engine must share, written once
// against the Store interface and run on each engine from store_engines().
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

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;

class StoreContractTest : public StoreContractFixture {};

// --- meta ---

TEST_P(StoreContractTest, MetaPutIfAbsentKeepsTheFirstValue) {
  auto missing = store().get_meta("project_id");
  ASSERT_THAT(missing, IsOk());
  EXPECT_FALSE(missing->has_value());

  auto first = store().put_meta_if_absent("project_id", "P1");
  ASSERT_THAT(first, IsOk());
  EXPECT_EQ(*first, "P1");

  auto second = store().put_meta_if_absent("project_id", "P2");
  ASSERT_THAT(second, IsOk());
  EXPECT_EQ(*second, "P1");

  auto stored = store().get_meta("project_id");
  ASSERT_THAT(stored, IsOk());
  EXPECT_EQ(stored->value_or(""), "P1");

  auto other = store().put_meta_if_absent("other", "x");
  ASSERT_THAT(other, IsOk());
  EXPECT_EQ(*other, "x");
}

// --- users ---

TEST_P(StoreContractTest, CreateUserReturnsItAndGetFindsIt) {
  create_roles({"teacher", "admin"});
  NewUser nu = new_user("U1", "ann@example.com", {"teacher", "admin"}, 1234);
  nu.phone = "+15550100";
  nu.verified_email = true;
  auto created = store().create_user(nu);
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

  auto by_id = store().get_user_by_id("U1");
  ASSERT_THAT(by_id, IsOk());
  EXPECT_EQ(by_id->login_id, "ann@example.com");
  EXPECT_EQ(by_id->phone, "+15550100");
  EXPECT_TRUE(by_id->verified_email);
  EXPECT_EQ(by_id->created_at, 1234);
  EXPECT_THAT(by_id->roles, ElementsAre("admin", "teacher"));

  auto by_login = store().get_user_by_login_id("ann@example.com");
  ASSERT_THAT(by_login, IsOk());
  EXPECT_EQ(by_login->id, "U1");
}

TEST_P(StoreContractTest, DuplicateRolesInRequestAreStoredOnce) {
  create_roles({"teacher"});
  auto created = store().create_user(new_user("U1", "a@x.io", {"teacher", "teacher"}));
  ASSERT_THAT(created, IsOk());
  EXPECT_THAT(created->roles, ElementsAre("teacher"));
}

TEST_P(StoreContractTest, LoginIdLookupIgnoresCase) {
  ASSERT_THAT(store().create_user(new_user("U1", "Ann.Lee@Example.com")), IsOk());
  auto found = store().get_user_by_login_id("ann.lee@EXAMPLE.COM");
  ASSERT_THAT(found, IsOk());
  EXPECT_EQ(found->id, "U1");
  EXPECT_EQ(found->login_id, "Ann.Lee@Example.com");  // stored as given
}

TEST_P(StoreContractTest, UnknownUserIsUserNotFound) {
  EXPECT_THAT(store().get_user_by_id("U404"), ErrcIs(Errc::kUserNotFound));
  EXPECT_THAT(store().get_user_by_login_id("nobody@example.com"), ErrcIs(Errc::kUserNotFound));
}

TEST_P(StoreContractTest, CreateUserRequiresIdAndLoginId) {
  EXPECT_THAT(store().create_user(new_user("", "a@x.io")), ErrcIs(Errc::kInvalidArgument));
  EXPECT_THAT(store().create_user(new_user("U1", "")), ErrcIs(Errc::kInvalidArgument));
}

TEST_P(StoreContractTest, DuplicateLoginIdIsUserExistsAndWritesNothing) {
  create_roles({"teacher"});
  ASSERT_THAT(store().create_user(new_user("U1", "ann@example.com")), IsOk());

  NewUser dup = new_user("U2", "ANN@example.com", {"teacher"});
  dup.password_hash = "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA";
  auto r = store().create_user(dup);
  ASSERT_THAT(r, ErrcIs(Errc::kUserExists));
  EXPECT_THAT(r.error().message, Not(HasSubstr("argon2id")));

  EXPECT_THAT(store().get_user_by_id("U2"), ErrcIs(Errc::kUserNotFound));
  EXPECT_THAT(store().get_password_hash("U2"), ErrcIs(Errc::kUserNotFound));
  auto all = store().list_users(100, 0);
  ASSERT_THAT(all, IsOk());
  ASSERT_EQ(all->size(), 1u);
  EXPECT_EQ((*all)[0].id, "U1");
  EXPECT_THAT((*all)[0].roles, IsEmpty());
}

TEST_P(StoreContractTest, UnknownRoleOnCreateIsInvalidArgumentAndNoUser) {
  create_roles({"teacher"});
  NewUser nu = new_user("U1", "ann@example.com", {"teacher", "ghost"});
  nu.password_hash = "$argon2id$secret";
  auto r = store().create_user(nu);
  ASSERT_THAT(r, ErrcIs(Errc::kInvalidArgument));
  EXPECT_THAT(r.error().message, HasSubstr("unknown role: ghost"));

  EXPECT_THAT(store().get_user_by_id("U1"), ErrcIs(Errc::kUserNotFound));
  EXPECT_THAT(store().get_user_by_login_id("ann@example.com"), ErrcIs(Errc::kUserNotFound));
  // The login id is still free.
  EXPECT_THAT(store().create_user(new_user("U1", "ann@example.com", {"teacher"})), IsOk());
}

TEST_P(StoreContractTest, SetUserRolesReplacesTheRoles) {
  create_roles({"teacher", "student", "admin"});
  ASSERT_THAT(store().create_user(new_user("U1", "a@x.io", {"teacher"})), IsOk());

  auto updated = store().set_user_roles("U1", {"student", "admin"});
  ASSERT_THAT(updated, IsOk());
  EXPECT_THAT(updated->roles, ElementsAre("admin", "student"));
  EXPECT_THAT(user_roles("U1"), ElementsAre("admin", "student"));

  auto cleared = store().set_user_roles("U1", {});
  ASSERT_THAT(cleared, IsOk());
  EXPECT_THAT(cleared->roles, IsEmpty());
  EXPECT_THAT(user_roles("U1"), IsEmpty());
}

TEST_P(StoreContractTest, SetUserRolesWithUnknownRoleKeepsTheOldRoles) {
  create_roles({"teacher", "student"});
  ASSERT_THAT(store().create_user(new_user("U1", "a@x.io", {"teacher"})), IsOk());

  auto r = store().set_user_roles("U1", {"student", "ghost"});
  ASSERT_THAT(r, ErrcIs(Errc::kInvalidArgument));
  EXPECT_THAT(r.error().message, HasSubstr("unknown role: ghost"));
  EXPECT_THAT(user_roles("U1"), ElementsAre("teacher"));
}

TEST_P(StoreContractTest, SetUserRolesOfUnknownUserIsUserNotFound) {
  create_roles({"teacher"});
  EXPECT_THAT(store().set_user_roles("U404", {"teacher"}), ErrcIs(Errc::kUserNotFound));
}

TEST_P(StoreContractTest, PasswordHashGetSetAndMissing) {
  ASSERT_THAT(store().create_user(new_user("U1", "a@x.io")), IsOk());
  EXPECT_THAT(store().get_password_hash("U1"), ErrcIs(Errc::kNotFound));

  ASSERT_THAT(store().set_password_hash("U1", "$argon2id$one", false), IsOk());
  auto hash = store().get_password_hash("U1");
  ASSERT_THAT(hash, IsOk());
  EXPECT_EQ(*hash, "$argon2id$one");
  auto user = store().get_user_by_id("U1");
  ASSERT_THAT(user, IsOk());
  EXPECT_TRUE(user->has_password);

  ASSERT_THAT(store().set_password_hash("U1", "$argon2id$two", false), IsOk());
  hash = store().get_password_hash("U1");
  ASSERT_THAT(hash, IsOk());
  EXPECT_EQ(*hash, "$argon2id$two");

  EXPECT_THAT(store().get_password_hash("U404"), ErrcIs(Errc::kUserNotFound));
  auto unknown = store().set_password_hash("U404", "$argon2id$secret-hash", false);
  ASSERT_THAT(unknown, ErrcIs(Errc::kUserNotFound));
  EXPECT_THAT(unknown.error().message, Not(HasSubstr("secret-hash")));
}

TEST_P(StoreContractTest, CreateUserWithPasswordHash) {
  NewUser nu = new_user("U1", "a@x.io");
  nu.password_hash = "$argon2id$initial";
  auto created = store().create_user(nu);
  ASSERT_THAT(created, IsOk());
  EXPECT_TRUE(created->has_password);
  auto hash = store().get_password_hash("U1");
  ASSERT_THAT(hash, IsOk());
  EXPECT_EQ(*hash, "$argon2id$initial");
}

TEST_P(StoreContractTest, SetLastLogin) {
  ASSERT_THAT(store().create_user(new_user("U1", "a@x.io")), IsOk());
  ASSERT_THAT(store().set_last_login("U1", 5000), IsOk());
  auto user = store().get_user_by_id("U1");
  ASSERT_THAT(user, IsOk());
  EXPECT_EQ(user->last_login_at, 5000);
  EXPECT_THAT(store().set_last_login("U404", 5000), ErrcIs(Errc::kUserNotFound));
}

TEST_P(StoreContractTest, ListUsersOldestFirstWithPaging) {
  create_roles({"student"});
  // Created out of order; equal creation times keep insertion order.
  ASSERT_THAT(store().create_user(new_user("U3", "c@x.io", {}, 300)), IsOk());
  ASSERT_THAT(store().create_user(new_user("U1", "a@x.io", {"student"}, 100)), IsOk());
  ASSERT_THAT(store().create_user(new_user("U2a", "b1@x.io", {}, 200)), IsOk());
  ASSERT_THAT(store().create_user(new_user("U2b", "b2@x.io", {}, 200)), IsOk());
  ASSERT_THAT(store().create_user(new_user("U4", "d@x.io", {}, 400)), IsOk());

  auto ids = [](const std::vector<User>& users) {
    std::vector<std::string> out;
    for (const auto& u : users) out.push_back(u.id);
    return out;
  };
  auto all = store().list_users(100, 0);
  ASSERT_THAT(all, IsOk());
  EXPECT_THAT(ids(*all), ElementsAre("U1", "U2a", "U2b", "U3", "U4"));
  EXPECT_THAT((*all)[0].roles, ElementsAre("student"));

  auto page1 = store().list_users(2, 0);
  auto page2 = store().list_users(2, 2);
  auto page3 = store().list_users(2, 4);
  auto past = store().list_users(2, 10);
  ASSERT_THAT(page1, IsOk());
  ASSERT_THAT(page2, IsOk());
  ASSERT_THAT(page3, IsOk());
  ASSERT_THAT(past, IsOk());
  EXPECT_THAT(ids(*page1), ElementsAre("U1", "U2a"));
  EXPECT_THAT(ids(*page2), ElementsAre("U2b", "U3"));
  EXPECT_THAT(ids(*page3), ElementsAre("U4"));
  EXPECT_THAT(*past, IsEmpty());

  auto none = store().list_users(0, 0);
  ASSERT_THAT(none, IsOk());
  EXPECT_THAT(*none, IsEmpty());
  EXPECT_THAT(store().list_users(-1, 0), ErrcIs(Errc::kInvalidArgument));
  EXPECT_THAT(store().list_users(1, -1), ErrcIs(Errc::kInvalidArgument));
}

// --- roles ---

TEST_P(StoreContractTest, RolesCreateListAndDuplicate) {
  auto empty = store().list_roles();
  ASSERT_THAT(empty, IsOk());
  EXPECT_THAT(*empty, IsEmpty());

  ASSERT_THAT(store().create_role(Role{"teacher", "Teaches", {}, 20}), IsOk());
  ASSERT_THAT(store().create_role(Role{"student", "Learns", {}, 10}), IsOk());
  EXPECT_THAT(store().create_role(Role{"teacher", "again", {}, 30}), ErrcIs(Errc::kConflict));
  EXPECT_THAT(store().create_role(Role{"", "no name", {}, 30}), ErrcIs(Errc::kInvalidArgument));

  auto roles = store().list_roles();
  ASSERT_THAT(roles, IsOk());
  ASSERT_EQ(roles->size(), 2u);
  EXPECT_EQ((*roles)[0].name, "student");
  EXPECT_EQ((*roles)[0].description, "Learns");
  EXPECT_EQ((*roles)[0].created_at, 10);
  EXPECT_THAT((*roles)[0].permissions, IsEmpty());
  EXPECT_EQ((*roles)[1].name, "teacher");
  EXPECT_EQ((*roles)[1].description, "Teaches");  // the duplicate changed nothing
}

TEST_P(StoreContractTest, RoleWithUnknownPermissionIsInvalidArgumentAndNotCreated) {
  auto r = store().create_role(Role{"teacher", "", {"grade.write"}, 0});
  ASSERT_THAT(r, ErrcIs(Errc::kInvalidArgument));
  EXPECT_THAT(r.error().message, HasSubstr("unknown permission: grade.write"));
  auto roles = store().list_roles();
  ASSERT_THAT(roles, IsOk());
  EXPECT_THAT(*roles, IsEmpty());
}

// --- refresh tokens ---

TEST_P(StoreContractTest, RefreshTokenInsertAndGet) {
  ASSERT_THAT(store().create_user(new_user("U1", "a@x.io")), IsOk());
  ASSERT_THAT(store().insert_refresh_token(token("T1", "U1", "F1")), IsOk());

  RefreshToken t = get_token("T1");
  EXPECT_EQ(t.id, "T1");
  EXPECT_EQ(t.user_id, "U1");
  EXPECT_EQ(t.family_id, "F1");
  EXPECT_EQ(t.token_hash, "hash-of-T1");
  EXPECT_EQ(t.issued_at, 100);
  EXPECT_EQ(t.expires_at, 3700);
  EXPECT_EQ(t.revoked_at, 0);
  EXPECT_EQ(t.rotated_at, 0);
  EXPECT_EQ(t.replaced_by, "");

  EXPECT_THAT(store().get_refresh_token("T404"), ErrcIs(Errc::kNotFound));
  EXPECT_THAT(store().insert_refresh_token(token("T1", "U1", "F1")), ErrcIs(Errc::kConflict));
  EXPECT_THAT(store().insert_refresh_token(token("T2", "U404", "F2")), ErrcIs(Errc::kUserNotFound));
}

TEST_P(StoreContractTest, RotateMarksTheOldTokenAndInsertsTheNewOne) {
  ASSERT_THAT(store().create_user(new_user("U1", "a@x.io")), IsOk());
  ASSERT_THAT(store().insert_refresh_token(token("T1", "U1", "F1")), IsOk());

  ASSERT_THAT(store().rotate_refresh_token("T1", token("T2", "U1", "F1"), 500), IsOk());
  RefreshToken old = get_token("T1");
  EXPECT_EQ(old.rotated_at, 500);
  EXPECT_EQ(old.replaced_by, "T2");
  EXPECT_EQ(old.revoked_at, 0);
  RefreshToken next = get_token("T2");
  EXPECT_EQ(next.family_id, "F1");
  EXPECT_EQ(next.rotated_at, 0);

  // A token can be rotated once: the second attempt fails and inserts nothing.
  EXPECT_THAT(store().rotate_refresh_token("T1", token("T3", "U1", "F1"), 600),
              ErrcIs(Errc::kTokenRevoked));
  EXPECT_THAT(store().get_refresh_token("T3"), ErrcIs(Errc::kNotFound));
  EXPECT_EQ(get_token("T1").replaced_by, "T2");

  EXPECT_THAT(store().rotate_refresh_token("T404", token("T4", "U1", "F1"), 600),
              ErrcIs(Errc::kNotFound));
  EXPECT_THAT(store().get_refresh_token("T4"), ErrcIs(Errc::kNotFound));
}

TEST_P(StoreContractTest, FailedRotationLeavesTheOldTokenUntouched) {
  ASSERT_THAT(store().create_user(new_user("U1", "a@x.io")), IsOk());
  ASSERT_THAT(store().create_user(new_user("U2", "b@x.io")), IsOk());
  ASSERT_THAT(store().insert_refresh_token(token("T0", "U1", "F1")), IsOk());
  ASSERT_THAT(store().insert_refresh_token(token("T1", "U1", "F1")), IsOk());

  // The replacement's id is taken: the insert fails after the mark, so the
  // whole rotation must roll back.
  EXPECT_THAT(store().rotate_refresh_token("T1", token("T0", "U1", "F1"), 500),
              ErrcIs(Errc::kConflict));
  EXPECT_EQ(get_token("T1").rotated_at, 0);
  EXPECT_EQ(get_token("T1").replaced_by, "");

  EXPECT_THAT(store().rotate_refresh_token("T1", token("T2", "U1", "F-other"), 500),
              ErrcIs(Errc::kInvalidArgument));
  EXPECT_THAT(store().rotate_refresh_token("T1", token("T2", "U2", "F1"), 500),
              ErrcIs(Errc::kInvalidArgument));
  EXPECT_THAT(store().get_refresh_token("T2"), ErrcIs(Errc::kNotFound));
  EXPECT_EQ(get_token("T1").rotated_at, 0);

  // Still rotatable afterwards.
  EXPECT_THAT(store().rotate_refresh_token("T1", token("T2", "U1", "F1"), 500), IsOk());
}

TEST_P(StoreContractTest, RevokedTokenCannotBeRotated) {
  ASSERT_THAT(store().create_user(new_user("U1", "a@x.io")), IsOk());
  ASSERT_THAT(store().insert_refresh_token(token("T1", "U1", "F1")), IsOk());
  ASSERT_THAT(store().revoke_refresh_token("T1", 400), IsOk());
  EXPECT_THAT(store().rotate_refresh_token("T1", token("T2", "U1", "F1"), 500),
              ErrcIs(Errc::kTokenRevoked));
  EXPECT_THAT(store().get_refresh_token("T2"), ErrcIs(Errc::kNotFound));
}

TEST_P(StoreContractTest, RevokeOneToken) {
  ASSERT_THAT(store().create_user(new_user("U1", "a@x.io")), IsOk());
  ASSERT_THAT(store().insert_refresh_token(token("T1", "U1", "F1")), IsOk());
  ASSERT_THAT(store().insert_refresh_token(token("T2", "U1", "F1")), IsOk());

  ASSERT_THAT(store().revoke_refresh_token("T1", 400), IsOk());
  EXPECT_EQ(get_token("T1").revoked_at, 400);
  EXPECT_EQ(get_token("T2").revoked_at, 0);

  // Revoking again succeeds and keeps the first time.
  ASSERT_THAT(store().revoke_refresh_token("T1", 900), IsOk());
  EXPECT_EQ(get_token("T1").revoked_at, 400);

  EXPECT_THAT(store().revoke_refresh_token("T404", 400), ErrcIs(Errc::kNotFound));
}

TEST_P(StoreContractTest, RevokeFamily) {
  ASSERT_THAT(store().create_user(new_user("U1", "a@x.io")), IsOk());
  ASSERT_THAT(store().insert_refresh_token(token("A1", "U1", "FA")), IsOk());
  ASSERT_THAT(store().insert_refresh_token(token("A2", "U1", "FA")), IsOk());
  ASSERT_THAT(store().insert_refresh_token(token("B1", "U1", "FB")), IsOk());
  ASSERT_THAT(store().revoke_refresh_token("A2", 300), IsOk());

  ASSERT_THAT(store().revoke_refresh_family("FA", 700), IsOk());
  EXPECT_EQ(get_token("A1").revoked_at, 700);
  EXPECT_EQ(get_token("A2").revoked_at, 300);  // already revoked: unchanged
  EXPECT_EQ(get_token("B1").revoked_at, 0);

  EXPECT_THAT(store().revoke_refresh_family("F-unknown", 700), IsOk());
}

TEST_P(StoreContractTest, RevokeAllTokensOfAUser) {
  ASSERT_THAT(store().create_user(new_user("U1", "a@x.io")), IsOk());
  ASSERT_THAT(store().create_user(new_user("U2", "b@x.io")), IsOk());
  ASSERT_THAT(store().insert_refresh_token(token("A1", "U1", "FA")), IsOk());
  ASSERT_THAT(store().insert_refresh_token(token("B1", "U1", "FB")), IsOk());
  ASSERT_THAT(store().insert_refresh_token(token("C1", "U2", "FC")), IsOk());

  ASSERT_THAT(store().revoke_user_refresh_tokens("U1", 800), IsOk());
  EXPECT_EQ(get_token("A1").revoked_at, 800);
  EXPECT_EQ(get_token("B1").revoked_at, 800);
  EXPECT_EQ(get_token("C1").revoked_at, 0);

  EXPECT_THAT(store().revoke_user_refresh_tokens("U404", 800), IsOk());
}

// --- concurrency ---

TEST_P(StoreContractTest, ConcurrentCreateUsers) {
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
        if (!store().create_user(nu)) ++unexpected;
        if (!store().get_user_by_login_id("USER" + n + "@x.io")) ++unexpected;
      }
      // Everyone races for the same login id; exactly one wins.
      auto r = store().create_user(new_user("Ushared" + std::to_string(t), "shared@x.io"));
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
  auto all = store().list_users(1000, 0);
  ASSERT_THAT(all, IsOk());
  EXPECT_EQ(all->size(), static_cast<size_t>(kThreads * kPerThread + 1));
  EXPECT_TRUE(std::all_of(all->begin(), all->end(), [](const User& u) {
    return u.id.starts_with("Ushared") || (u.has_password && u.roles.size() == 1);
  }));
}

TEST_P(StoreContractTest, ConcurrentRotationsOfOneTokenHaveOneWinner) {
  ASSERT_THAT(store().create_user(new_user("U1", "a@x.io")), IsOk());
  ASSERT_THAT(store().insert_refresh_token(token("T0", "U1", "F1")), IsOk());
  constexpr int kThreads = 6;
  std::atomic<int> won = 0;
  std::atomic<int> revoked = 0;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      auto st = store().rotate_refresh_token("T0", token("N" + std::to_string(t), "U1", "F1"), 500);
      if (st) {
        ++won;
      } else if (st.code() == Errc::kTokenRevoked) {
        ++revoked;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(won.load(), 1);
  EXPECT_EQ(revoked.load(), kThreads - 1);
  const std::string winner = get_token("T0").replaced_by;
  int present = 0;
  for (int t = 0; t < kThreads; ++t) {
    const std::string id = "N" + std::to_string(t);
    if (store().get_refresh_token(id)) {
      ++present;
      EXPECT_EQ(id, winner);
    }
  }
  EXPECT_EQ(present, 1);
}

GH_INSTANTIATE_STORE_CONTRACT(StoreContractTest);

}  // namespace
}  // namespace gatehouse::store::testing
