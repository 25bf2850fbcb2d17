// WebAuthnStore contract: challenges are single use (also under concurrency), expire and
// are purged; credentials belong to one user, are unique, move their counter by
// compare-and-set and go with their user.
#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "store_contract_fixture.h"

namespace gatehouse::store::testing {
namespace {

class WebAuthnContractTest : public StoreContractFixture {
 protected:
  void SetUp() override {
    StoreContractFixture::SetUp();
    ASSERT_THAT(users().create(new_user("U1", "ann@x.io")), IsOk());
    ASSERT_THAT(users().create(new_user("U2", "bob@x.io")), IsOk());
  }

  static WebAuthnChallenge challenge(const std::string& hash, int64_t expires_at) {
    WebAuthnChallenge c;
    c.transaction_hash = hash;
    c.kind = "signin";
    c.challenge = "Y2hhbGxlbmdl";
    c.user_id = "U1";
    c.login_id = "ann@x.io";
    c.name = "Ann";
    c.require_uv = true;
    c.origin = "http://localhost:8080";
    c.created_at = 100;
    c.expires_at = expires_at;
    return c;
  }

  static WebAuthnCredential credential(const std::string& id, const std::string& user,
                                       int64_t created_at = 100) {
    return WebAuthnCredential{id, user, "MFkwEwYHKoZIzj0CAQ", -7, 0, "Passkey", created_at, 0};
  }
};

TEST_P(WebAuthnContractTest, ChallengesAreTakenOnce) {
  ASSERT_THAT(webauthn().put_challenge(challenge("h1", 400), 100), IsOk());
  EXPECT_THAT(webauthn().put_challenge(challenge("h1", 400), 100), ErrcIs(Errc::kConflict));
  auto c = webauthn().take_challenge("h1", 399);
  ASSERT_THAT(c, IsOk());
  EXPECT_EQ(c->kind, "signin");
  EXPECT_EQ(c->challenge, "Y2hhbGxlbmdl");
  EXPECT_EQ(c->user_id, "U1");
  EXPECT_EQ(c->login_id, "ann@x.io");
  EXPECT_EQ(c->name, "Ann");
  EXPECT_TRUE(c->require_uv);
  EXPECT_EQ(c->origin, "http://localhost:8080");
  EXPECT_EQ(c->created_at, 100);
  EXPECT_EQ(c->expires_at, 400);
  EXPECT_THAT(webauthn().take_challenge("h1", 399), ErrcIs(Errc::kNotFound)) << "single use";
  EXPECT_THAT(webauthn().take_challenge("nope", 100), ErrcIs(Errc::kNotFound));
  WebAuthnChallenge bad = challenge("", 400);
  EXPECT_THAT(webauthn().put_challenge(bad, 100), ErrcIs(Errc::kInvalidArgument));
}

TEST_P(WebAuthnContractTest, ExpiredChallengesAreRefusedAndPurged) {
  ASSERT_THAT(webauthn().put_challenge(challenge("h1", 400), 100), IsOk());
  EXPECT_THAT(webauthn().take_challenge("h1", 400), ErrcIs(Errc::kNotFound)) << "expired";
  EXPECT_THAT(webauthn().take_challenge("h1", 100), ErrcIs(Errc::kNotFound))
      << "an expired challenge is gone once seen";
  ASSERT_THAT(webauthn().put_challenge(challenge("old", 200), 100), IsOk());
  ASSERT_THAT(webauthn().put_challenge(challenge("new", 900), 300), IsOk());
  // Taken at an earlier time "old" would be alive, had the put not purged it.
  EXPECT_THAT(webauthn().take_challenge("old", 150), ErrcIs(Errc::kNotFound));
  EXPECT_THAT(webauthn().take_challenge("new", 300), IsOk());
}

TEST_P(WebAuthnContractTest, ParallelTakesOfOneChallengeSucceedOnce) {
  ASSERT_THAT(webauthn().put_challenge(challenge("h1", 400), 100), IsOk());
  std::atomic<int> taken{0};
  std::atomic<int> other{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&] {
      auto r = webauthn().take_challenge("h1", 200);
      if (r) {
        ++taken;
      } else if (r.code() != Errc::kNotFound) {
        ++other;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(taken.load(), 1);
  EXPECT_EQ(other.load(), 0);
}

TEST_P(WebAuthnContractTest, CredentialsAddGetListRemove) {
  EXPECT_FALSE(get_user("U1").has_webauthn);
  ASSERT_THAT(webauthn().add_credential(credential("c1", "U1", 100)), IsOk());
  ASSERT_THAT(webauthn().add_credential(credential("c2", "U1", 200)), IsOk());
  ASSERT_THAT(webauthn().add_credential(credential("c3", "U2", 150)), IsOk());
  EXPECT_THAT(webauthn().add_credential(credential("c1", "U2")), ErrcIs(Errc::kConflict));
  EXPECT_THAT(webauthn().add_credential(credential("c9", "U-none")), ErrcIs(Errc::kUserNotFound));
  EXPECT_TRUE(get_user("U1").has_webauthn);

  auto c = webauthn().get_credential("c1");
  ASSERT_THAT(c, IsOk());
  EXPECT_EQ(c->user_id, "U1");
  EXPECT_EQ(c->public_key, "MFkwEwYHKoZIzj0CAQ");
  EXPECT_EQ(c->alg, -7);
  EXPECT_EQ(c->sign_count, 0);
  EXPECT_EQ(c->name, "Passkey");
  EXPECT_EQ(c->created_at, 100);
  EXPECT_EQ(c->last_used_at, 0);
  EXPECT_THAT(webauthn().get_credential("nope"), ErrcIs(Errc::kNotFound));

  auto list = webauthn().list_credentials("U1");
  ASSERT_THAT(list, IsOk());
  ASSERT_EQ(list->size(), 2u);
  EXPECT_EQ((*list)[0].credential_id, "c1");
  EXPECT_EQ((*list)[1].credential_id, "c2");
  EXPECT_TRUE(webauthn().list_credentials("U-none")->empty());

  EXPECT_EQ(webauthn().remove_user_credentials("U1").value(), 2);
  EXPECT_EQ(webauthn().remove_user_credentials("U1").value(), 0);
  EXPECT_FALSE(get_user("U1").has_webauthn);
  EXPECT_THAT(webauthn().get_credential("c3"), IsOk()) << "other users keep theirs";
}

TEST_P(WebAuthnContractTest, CounterMovesByCompareAndSet) {
  ASSERT_THAT(webauthn().add_credential(credential("c1", "U1")), IsOk());
  EXPECT_EQ(webauthn().update_counter("c1", 0, 5, 700).value(), true);
  EXPECT_EQ(webauthn().update_counter("c1", 0, 6, 701).value(), false) << "moved meanwhile";
  auto c = webauthn().get_credential("c1");
  EXPECT_EQ(c->sign_count, 5);
  EXPECT_EQ(c->last_used_at, 700);
  EXPECT_THAT(webauthn().update_counter("nope", 0, 1, 1), ErrcIs(Errc::kNotFound));

  std::atomic<int> moved{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&, i] {
      auto r = webauthn().update_counter("c1", 5, 6 + i, 800);
      if (r && *r) ++moved;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(moved.load(), 1);
}

TEST_P(WebAuthnContractTest, RemovingTheUserRemovesTheirCredentials) {
  ASSERT_THAT(webauthn().add_credential(credential("c1", "U1")), IsOk());
  ASSERT_THAT(users().remove("U1"), IsOk());
  EXPECT_THAT(webauthn().get_credential("c1"), ErrcIs(Errc::kNotFound));
}

GH_INSTANTIATE_STORE_CONTRACT(WebAuthnContractTest);

}  // namespace
}  // namespace gatehouse::store::testing
