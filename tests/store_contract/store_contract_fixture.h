// The fixture every Store contract test derives from: a fresh, empty Store of
// the engine under test (the test parameter), plus small builders for the
// rows most tests need. Each contract file derives its own suite and
// instantiates it on every engine:
//
//   class TenantContractTest : public StoreContractFixture {};
//   TEST_P(TenantContractTest, ...) { ... access().create_tenant(...) ... }
//   GH_INSTANTIATE_STORE_CONTRACT(TenantContractTest);
#pragma once

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "store_harness.h"

namespace gatehouse::store::testing {

// The matchers every contract file uses.
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using ::testing::SizeIs;

class StoreContractFixture : public ::testing::TestWithParam<StoreEngine> {
 protected:
  void SetUp() override {
    if (!GetParam().skip_reason.empty()) GTEST_SKIP() << GetParam().skip_reason;
    auto harness = GetParam().open();
    ASSERT_THAT(harness, IsOk());
    harness_ = std::move(*harness);
  }

  MetaStore& meta() { return *harness_->stores().meta; }
  UserStore& users() { return *harness_->stores().users; }
  SessionStore& sessions() { return *harness_->stores().sessions; }
  AccessStore& access() { return *harness_->stores().access; }
  MgmtKeyStore& mgmt_keys() { return *harness_->stores().mgmt_keys; }
  AuditStore& audit() { return *harness_->stores().audit; }
  RateLimitStore& rate_limits() { return *harness_->stores().rate_limits; }
  SigningKeyStore& signing_keys() { return *harness_->stores().signing_keys; }
  OneTimeStore& one_time() { return *harness_->stores().one_time; }
  TotpStore& totp() { return *harness_->stores().totp; }
  WebAuthnStore& webauthn() { return *harness_->stores().webauthn; }
  FlowStore& flows() { return *harness_->stores().flows; }

  static NewUser new_user(const std::string& id, const std::string& login_id,
                          std::vector<std::string> roles = {}, int64_t created_at = 1000) {
    NewUser u;
    u.id = id;
    u.login_id = login_id;
    u.email = login_id;
    u.name = "Name of " + id;
    u.roles = std::move(roles);
    u.created_at = created_at;
    return u;
  }

  void create_roles(const std::vector<std::string>& names) {
    for (const auto& name : names) {
      ASSERT_THAT(access().create_role(Role{name, name + " role", {}, 10}), IsOk());
    }
  }

  static RefreshToken token(const std::string& id, const std::string& user_id,
                            const std::string& family_id) {
    RefreshToken t;
    t.id = id;
    t.user_id = user_id;
    t.family_id = family_id;
    t.token_hash = "hash-of-" + id;
    t.issued_at = 100;
    t.expires_at = 100 + 3600;
    return t;
  }

  RefreshToken get_token(const std::string& id) {
    auto t = sessions().get(id);
    EXPECT_THAT(t, IsOk());
    return t ? *t : RefreshToken{};
  }

  User get_user(const std::string& user_id) {
    auto u = users().get_by_id(user_id);
    EXPECT_THAT(u, IsOk());
    return u ? *u : User{};
  }

  std::vector<std::string> user_roles(const std::string& user_id) {
    return get_user(user_id).roles;
  }

  // Replaces the user's project-level roles (an update that sets only them).
  Result<User> set_roles(const std::string& user_id, std::vector<std::string> roles) {
    UserUpdate update;
    update.roles = std::move(roles);
    return users().update(user_id, update);
  }

 private:
  std::unique_ptr<StoreHarness> harness_;
};

inline std::string engine_test_name(const ::testing::TestParamInfo<StoreEngine>& info) {
  return info.param.name;
}

#define GH_INSTANTIATE_STORE_CONTRACT(suite) \
  INSTANTIATE_TEST_SUITE_P(Engines, suite, ::testing::ValuesIn(store_engines()), engine_test_name)

}  // namespace gatehouse::store::testing
