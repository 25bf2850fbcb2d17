// SigningKeyStore contract: the key lifecycle's compare-and-set steps. Whatever order
// processes act in, there is at most one current and one next key, and a step that lost
// a race writes nothing.
#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "store_contract_fixture.h"

namespace gatehouse::store::testing {
namespace {

class SigningKeyContractTest : public StoreContractFixture {
 protected:
  SigningKeyStore& keys() { return signing_keys(); }

  static SigningKeyRecord key(const std::string& kid, int64_t created_at) {
    SigningKeyRecord r;
    r.kid = kid;
    r.alg = "RS256";
    r.public_jwk =
        R"({"kty":"RSA","alg":"RS256","use":"sig","kid":")" + kid + R"(","n":"n","e":"AQAB"})";
    r.created_at = created_at;
    // Opaque to the store (auth/key_ring.cc seals the real ones).
    r.private_key = "v1:sealed-private-half-of-" + kid;
    return r;
  }

  // The sealed private half key(kid) carries: what a caller read before rotate / add_next.
  static std::string sealed(const std::string& kid) { return key(kid, 0).private_key; }

  std::vector<SigningKeyRecord> all() {
    auto l = keys().list();
    EXPECT_THAT(l, IsOk());
    return l ? *l : std::vector<SigningKeyRecord>{};
  }

  SigningKeyRecord get(const std::string& kid) {
    for (auto& r : all()) {
      if (r.kid == kid) return r;
    }
    ADD_FAILURE() << "no key " << kid;
    return {};
  }

  // kid → state, oldest first.
  std::vector<std::pair<std::string, std::string>> states() {
    std::vector<std::pair<std::string, std::string>> out;
    for (const auto& r : all()) out.emplace_back(r.kid, key_state_name(r.state));
    return out;
  }

  void initialize() {
    SigningKeyRecord k1 = key("K1", 100);
    k1.activated_at = 100;
    k1.token_ttl = 600;
    auto done = keys().initialize(k1, key("K2", 100));
    ASSERT_THAT(done, IsOk());
    ASSERT_TRUE(*done);
  }
};

using Pairs = std::vector<std::pair<std::string, std::string>>;

TEST_P(SigningKeyContractTest, InitializeOnceThenListOldestFirst) {
  EXPECT_THAT(all(), IsEmpty());
  ASSERT_NO_FATAL_FAILURE(initialize());
  EXPECT_EQ(states(), (Pairs{{"K1", "current"}, {"K2", "next"}}));

  const SigningKeyRecord k1 = get("K1");
  EXPECT_EQ(k1.alg, "RS256");
  EXPECT_EQ(k1.public_jwk, key("K1", 0).public_jwk);
  EXPECT_EQ(k1.created_at, 100);
  EXPECT_EQ(k1.activated_at, 100);
  EXPECT_EQ(k1.deactivated_at, 0);
  EXPECT_EQ(k1.retired_at, 0);
  EXPECT_EQ(k1.token_ttl, 600);
  EXPECT_EQ(k1.private_key, "v1:sealed-private-half-of-K1");
  EXPECT_EQ(get("K2").activated_at, 0);
  EXPECT_EQ(get("K2").private_key, "v1:sealed-private-half-of-K2");

  // A second process starting on the same store keeps the first one's keys.
  auto again = keys().initialize(key("K8", 200), key("K9", 200));
  ASSERT_THAT(again, IsOk());
  EXPECT_FALSE(*again);
  EXPECT_EQ(states(), (Pairs{{"K1", "current"}, {"K2", "next"}}));
}

TEST_P(SigningKeyContractTest, RotateMovesEveryKeyOneStep) {
  ASSERT_NO_FATAL_FAILURE(initialize());
  ASSERT_THAT(keys().rotate("K1", sealed("K1"), "K2", key("K3", 500), 500), IsOk());
  EXPECT_EQ(states(), (Pairs{{"K1", "previous"}, {"K2", "current"}, {"K3", "next"}}));
  EXPECT_EQ(get("K1").deactivated_at, 500);
  EXPECT_EQ(get("K1").activated_at, 100);
  EXPECT_EQ(get("K2").activated_at, 500);
  EXPECT_EQ(get("K3").created_at, 500);
  // The private halves move with their keys, written in the same step as the new next key.
  EXPECT_EQ(get("K1").private_key, "v1:sealed-private-half-of-K1");
  EXPECT_EQ(get("K2").private_key, "v1:sealed-private-half-of-K2");
  EXPECT_EQ(get("K3").private_key, "v1:sealed-private-half-of-K3");

  ASSERT_THAT(keys().rotate("K2", sealed("K2"), "K3", key("K4", 900), 900), IsOk());
  EXPECT_EQ(states(),
            (Pairs{{"K1", "previous"}, {"K2", "previous"}, {"K3", "current"}, {"K4", "next"}}));
}

TEST_P(SigningKeyContractTest, ARotationThatLostTheRaceWritesNothing) {
  ASSERT_NO_FATAL_FAILURE(initialize());
  ASSERT_THAT(keys().rotate("K1", sealed("K1"), "K2", key("K3", 500), 500), IsOk());
  const auto before = all();
  // Another process read the keys before that rotation and rotates from the old state.
  EXPECT_THAT(keys().rotate("K1", sealed("K1"), "K2", key("K4", 501), 501),
              ErrcIs(Errc::kConflict));
  // Right current, stale next; right next, stale current.
  EXPECT_THAT(keys().rotate("K2", sealed("K2"), "K2", key("K4", 501), 501),
              ErrcIs(Errc::kConflict));
  EXPECT_THAT(keys().rotate("K1", sealed("K1"), "K3", key("K4", 501), 501),
              ErrcIs(Errc::kConflict));
  // A taken kid for the new next key.
  EXPECT_THAT(keys().rotate("K2", sealed("K2"), "K3", key("K1", 501), 501),
              ErrcIs(Errc::kConflict));
  EXPECT_EQ(all(), before);
}

TEST_P(SigningKeyContractTest, ConcurrentRotationsOneWins) {
  ASSERT_NO_FATAL_FAILURE(initialize());
  constexpr int kThreads = 6;
  std::atomic<int> won{0}, conflicts{0}, other{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&, i] {
      Status st = keys().rotate("K1", sealed("K1"), "K2", key("N" + std::to_string(i), 500), 500);
      if (st) {
        ++won;
      } else if (st.code() == Errc::kConflict) {
        ++conflicts;
      } else {
        ++other;  // kUnavailable would mean the store gave up instead of serialising
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(won.load(), 1);
  EXPECT_EQ(conflicts.load(), kThreads - 1);
  EXPECT_EQ(other.load(), 0);
  int current = 0, next = 0;
  for (const auto& r : all()) {
    current += r.state == KeyState::kCurrent;
    next += r.state == KeyState::kNext;
  }
  EXPECT_EQ(current, 1);
  EXPECT_EQ(next, 1);
  EXPECT_THAT(all(), SizeIs(3));
}

TEST_P(SigningKeyContractTest, RetireIsACompareAndSet) {
  ASSERT_NO_FATAL_FAILURE(initialize());
  ASSERT_THAT(keys().rotate("K1", sealed("K1"), "K2", key("K3", 500), 500), IsOk());

  EXPECT_THAT(keys().retire("K404", KeyState::kPrevious, 600), ErrcIs(Errc::kNotFound));
  // The caller decided on a state the key is not in (any more): nothing changes.
  EXPECT_THAT(keys().retire("K1", KeyState::kNext, 600), ErrcIs(Errc::kConflict));
  EXPECT_THAT(keys().retire("K2", KeyState::kPrevious, 600), ErrcIs(Errc::kConflict));
  // Never the current key, whatever the caller believes.
  EXPECT_THAT(keys().retire("K2", KeyState::kCurrent, 600), ErrcIs(Errc::kInvalidArgument));
  EXPECT_EQ(states(), (Pairs{{"K1", "previous"}, {"K2", "current"}, {"K3", "next"}}));

  EXPECT_EQ(get("K1").private_key, "v1:sealed-private-half-of-K1") << "a refused retire";
  ASSERT_THAT(keys().retire("K1", KeyState::kPrevious, 600), IsOk());
  EXPECT_EQ(get("K1").retired_at, 600);
  EXPECT_EQ(get("K1").private_key, "") << "a retired key leaves no secret behind";
  EXPECT_EQ(get("K1").deactivated_at, 500);
  EXPECT_THAT(keys().retire("K1", KeyState::kPrevious, 700), ErrcIs(Errc::kConflict));
  EXPECT_EQ(get("K1").retired_at, 600);

  // A next key may be retired; the slot is then free for a new one.
  ASSERT_THAT(keys().retire("K3", KeyState::kNext, 800), IsOk());
  EXPECT_EQ(states(), (Pairs{{"K1", "retired"}, {"K2", "current"}, {"K3", "retired"}}));
  EXPECT_EQ(get("K3").private_key, "");
  EXPECT_EQ(get("K2").private_key, "v1:sealed-private-half-of-K2");
}

TEST_P(SigningKeyContractTest, APrivateHalfIsStoredOnlyWhereNoneIs) {
  ASSERT_NO_FATAL_FAILURE(initialize());
  ASSERT_THAT(keys().rotate("K1", sealed("K1"), "K2", key("K3", 500), 500), IsOk());
  ASSERT_THAT(keys().retire("K1", KeyState::kPrevious, 600), IsOk());
  // A key that has its private half keeps it: another process cannot replace it.
  auto set = keys().set_private_key("K2", "v1:another");
  ASSERT_THAT(set, IsOk());
  EXPECT_FALSE(*set);
  EXPECT_EQ(get("K2").private_key, "v1:sealed-private-half-of-K2");
  // A retired key gets none back.
  set = keys().set_private_key("K1", "v1:another");
  ASSERT_THAT(set, IsOk());
  EXPECT_FALSE(*set);
  EXPECT_EQ(get("K1").private_key, "");
  EXPECT_THAT(keys().set_private_key("K404", "v1:x"), ErrcIs(Errc::kNotFound));
  EXPECT_THAT(keys().set_private_key("K3", ""), ErrcIs(Errc::kInvalidArgument));
  EXPECT_EQ(get("K3").private_key, "v1:sealed-private-half-of-K3");
}

TEST_P(SigningKeyContractTest, ResealReplacesEveryPrivateHalfAtOnce) {
  ASSERT_NO_FATAL_FAILURE(initialize());
  ASSERT_THAT(keys().rotate("K1", sealed("K1"), "K2", key("K3", 500), 500), IsOk());
  ASSERT_THAT(keys().rotate("K2", sealed("K2"), "K3", key("K4", 600), 600), IsOk());
  ASSERT_THAT(keys().retire("K1", KeyState::kPrevious, 700), IsOk());
  const std::string old2 = get("K2").private_key, old3 = get("K3").private_key,
                    old4 = get("K4").private_key;
  ASSERT_THAT(keys().reseal_private_keys(
                  {{"K2", old2, "v1:new-2"}, {"K3", old3, "v1:new-3"}, {"K4", old4, "v1:new-4"}}),
              IsOk());
  EXPECT_EQ(get("K2").private_key, "v1:new-2");
  EXPECT_EQ(get("K3").private_key, "v1:new-3");
  EXPECT_EQ(get("K4").private_key, "v1:new-4");
  EXPECT_EQ(get("K1").private_key, "") << "a retired key gets no secret back";
  // Nothing else about the keys changes.
  EXPECT_EQ(states(),
            (Pairs{{"K1", "retired"}, {"K2", "previous"}, {"K3", "current"}, {"K4", "next"}}));
  EXPECT_EQ(get("K3").activated_at, 600);
}

TEST_P(SigningKeyContractTest, AResealThatMissesAKeyOrLostARaceWritesNothing) {
  ASSERT_NO_FATAL_FAILURE(initialize());
  const auto before = all();
  const std::string old1 = get("K1").private_key, old2 = get("K2").private_key;
  // K2 left out: it would stay sealed under the old key.
  EXPECT_THAT(keys().reseal_private_keys({{"K1", old1, "v1:new-1"}}), ErrcIs(Errc::kConflict));
  // K2 holds another value than the caller read (re-sealed or replaced meanwhile).
  EXPECT_THAT(
      keys().reseal_private_keys({{"K1", old1, "v1:new-1"}, {"K2", "v1:stale", "v1:new-2"}}),
      ErrcIs(Errc::kConflict));
  // An unknown kid, a retired one, or an empty value.
  EXPECT_THAT(keys().reseal_private_keys(
                  {{"K1", old1, "v1:new-1"}, {"K2", old2, "v1:new-2"}, {"K404", "v1:x", "v1:y"}}),
              ErrcIs(Errc::kConflict));
  EXPECT_THAT(keys().reseal_private_keys({{"K1", old1, ""}, {"K2", old2, "v1:new-2"}}),
              ErrcIs(Errc::kInvalidArgument));
  EXPECT_THAT(keys().reseal_private_keys({{"K1", old1, "v1:new-1"}, {"K1", old1, "v1:new-1"}}),
              ErrcIs(Errc::kInvalidArgument));
  EXPECT_EQ(all(), before);

  // A key added after the caller read the keys (a rotation on another node) fails it too.
  ASSERT_THAT(keys().rotate("K1", sealed("K1"), "K2", key("K3", 500), 500), IsOk());
  const auto rotated = all();
  EXPECT_THAT(keys().reseal_private_keys({{"K1", old1, "v1:new-1"}, {"K2", old2, "v1:new-2"}}),
              ErrcIs(Errc::kConflict));
  EXPECT_EQ(all(), rotated);
}

// The other order: a rotation or a new next key made from keys read before a rekey
// committed would store a key sealed under the old key-encryption key beside keys sealed
// under the new one. The current key's sealed half, as the caller read it, tells.
TEST_P(SigningKeyContractTest, AKeyMadeBeforeAResealIsRefusedAfterIt) {
  ASSERT_NO_FATAL_FAILURE(initialize());
  ASSERT_THAT(keys().reseal_private_keys(
                  {{"K1", sealed("K1"), "v1:new-1"}, {"K2", sealed("K2"), "v1:new-2"}}),
              IsOk());
  const auto resealed = all();
  EXPECT_THAT(keys().rotate("K1", sealed("K1"), "K2", key("K3", 500), 500),
              ErrcIs(Errc::kConflict));
  EXPECT_EQ(all(), resealed);
  ASSERT_THAT(keys().retire("K2", KeyState::kNext, 500), IsOk());
  const auto retired = all();
  EXPECT_THAT(keys().add_next(key("K3", 500), sealed("K1")), ErrcIs(Errc::kConflict));
  EXPECT_EQ(all(), retired);
  // Read again (with the new key-encryption key), both go ahead.
  auto added = keys().add_next(key("K3", 500), "v1:new-1");
  ASSERT_THAT(added, IsOk());
  EXPECT_TRUE(*added);
  EXPECT_THAT(keys().rotate("K1", "v1:new-1", "K3", key("K4", 600), 600), IsOk());
  EXPECT_EQ(states(),
            (Pairs{{"K1", "previous"}, {"K2", "retired"}, {"K3", "current"}, {"K4", "next"}}));
}

TEST_P(SigningKeyContractTest, AtMostOneNextKey) {
  ASSERT_NO_FATAL_FAILURE(initialize());
  auto added = keys().add_next(key("K3", 300), sealed("K1"));
  ASSERT_THAT(added, IsOk());
  EXPECT_FALSE(*added);  // K2 is the next key
  ASSERT_THAT(keys().retire("K2", KeyState::kNext, 300), IsOk());
  added = keys().add_next(key("K3", 300), sealed("K1"));
  ASSERT_THAT(added, IsOk());
  EXPECT_TRUE(*added);
  added = keys().add_next(key("K4", 300), sealed("K1"));
  ASSERT_THAT(added, IsOk());
  EXPECT_FALSE(*added);
  EXPECT_EQ(states(), (Pairs{{"K1", "current"}, {"K2", "retired"}, {"K3", "next"}}));
  // A retired kid is never reused.
  ASSERT_THAT(keys().retire("K3", KeyState::kNext, 400), IsOk());
  EXPECT_THAT(keys().add_next(key("K2", 400), sealed("K1")), ErrcIs(Errc::kConflict));
}

TEST_P(SigningKeyContractTest, TokenLifetimeOnlyGrows) {
  ASSERT_NO_FATAL_FAILURE(initialize());
  ASSERT_THAT(keys().raise_token_ttl("K1", 2'419'200), IsOk());
  EXPECT_EQ(get("K1").token_ttl, 2'419'200);
  // A process configured with shorter lifetimes cannot shorten what others signed.
  ASSERT_THAT(keys().raise_token_ttl("K1", 600), IsOk());
  EXPECT_EQ(get("K1").token_ttl, 2'419'200);
  EXPECT_THAT(keys().raise_token_ttl("K404", 600), ErrcIs(Errc::kNotFound));
}

TEST_P(SigningKeyContractTest, BadRecordsAreRefused) {
  SigningKeyRecord no_kid = key("", 100);
  EXPECT_THAT(keys().initialize(no_kid, key("K2", 100)), ErrcIs(Errc::kInvalidArgument));
  SigningKeyRecord not_json = key("K1", 100);
  not_json.public_jwk = "[1,2]";
  EXPECT_THAT(keys().initialize(not_json, key("K2", 100)), ErrcIs(Errc::kInvalidArgument));
  // Every key is written with its private half.
  SigningKeyRecord no_private = key("K2", 100);
  no_private.private_key.clear();
  EXPECT_THAT(keys().initialize(key("K1", 100), no_private), ErrcIs(Errc::kInvalidArgument));
  EXPECT_THAT(all(), IsEmpty());
  ASSERT_NO_FATAL_FAILURE(initialize());
  no_private.kid = "K3";
  EXPECT_THAT(keys().rotate("K1", sealed("K1"), "K2", no_private, 500),
              ErrcIs(Errc::kInvalidArgument));
  EXPECT_THAT(keys().add_next(no_private, sealed("K1")), IsOk());  // false: K2 is the next key
  ASSERT_THAT(keys().retire("K2", KeyState::kNext, 600), IsOk());
  EXPECT_THAT(keys().add_next(no_private, sealed("K1")), ErrcIs(Errc::kInvalidArgument));
  EXPECT_EQ(states(), (Pairs{{"K1", "current"}, {"K2", "retired"}}));
}

GH_INSTANTIATE_STORE_CONTRACT(SigningKeyContractTest);

}  // namespace
}  // namespace gatehouse::store::testing
