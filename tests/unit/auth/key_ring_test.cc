// KeyRing: the signing-key lifecycle (next → current → previous → retired) with a fake
// clock and a real SQLite store holding the sealed private halves; two KeyRings on one
// data directory stand for two processes (the server and the CLI).
#include "auth/key_ring.h"

#include <sys/stat.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <functional>
#include <set>
#include <thread>

#include <sqlite3.h>

#include <boost/json/parse.hpp>

#include <gatehouse/session.h>

#include "gatehouse/crypto/secret_box.h"
#include "gatehouse/jose/verify.h"
#include "store/sqlite/sqlite_store.h"
#include "support/matchers.h"
#include "support/temp_dir.h"

namespace gatehouse::auth {
namespace {

namespace fs = std::filesystem;
using ::gatehouse::testing::ErrcIs;
using ::gatehouse::testing::IsOk;
using ::gatehouse::testing::JwtIs;
using store::KeyState;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

constexpr char kProject[] = "P2keyringkeyringkeyringkeyri";
constexpr int64_t kTtl = 3600;       // longest token lifetime in these tests
const std::string kKek(32, '\x4b');  // the key-encryption key of these tests

mode_t mode_of(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return 0;
  return st.st_mode & 07777;
}

class KeyRingTest : public ::testing::Test {
 protected:
  // One "process": its own store connection on the shared database file.
  struct Process {
    store::Stores stores;
    std::shared_ptr<KeyRing> ring;
  };

  std::string data() const { return dir_.path().string(); }
  std::string keys_dir() const { return dir_.file("keys"); }
  Clock clock() {
    return [this] { return now_.load(); };
  }

  Result<std::shared_ptr<KeyRing>> open(Process& p, int64_t ttl = kTtl) {
    if (!p.stores.signing_keys) {
      auto stores = store::open_sqlite(dir_.file("gatehouse.db"));
      if (!stores) return stores.error();
      p.stores = std::move(*stores);
    }
    auto ring = KeyRing::open(data(), *p.stores.signing_keys,
                              {.clock = clock(), .kek = kKek, .token_ttl = ttl});
    if (ring) p.ring = *ring;
    return ring;
  }

  KeyRing& ring() { return *server_.ring; }

  void SetUp() override { ASSERT_THAT(open(server_), IsOk()); }

  // kids as the JWKS lists them.
  static std::vector<std::string> published(const KeyRing& r) {
    std::vector<std::string> kids;
    for (const auto& k : r.jwks()->keys) kids.push_back(k.kid);
    return kids;
  }

  std::string kid_in(KeyState s) {
    for (const auto& r : ring().snapshot()->records) {
      if (r.state == s) return r.kid;
    }
    return "";
  }

  store::SigningKeyRecord record(const std::string& kid) {
    for (const auto& r : ring().snapshot()->records) {
      if (r.kid == kid) return r;
    }
    ADD_FAILURE() << "no record for " << kid;
    return {};
  }

  // A session-like token signed with the ring's current key, valid for kTtl.
  std::string token() {
    const int64_t now = now_.load();
    return jose::sign_jwt(
        *ring().signing_key(),
        {{"sub", "U1"}, {"iss", kProject}, {"iat", now}, {"exp", now + kTtl}, {"drn", "DS"}});
  }

  JwtStatus verify(const KeyRing& r, const std::string& t) {
    return jose::verify_jwt(t, *r.jwks(), {.now = now_.load(), .expected_issuer = kProject},
                            nullptr);
  }

  // Every key that is not retired has its private half in the store, sealed under the KEK
  // for its own kid; a retired key has none; no private key lies in a file.
  void expect_private_halves_match_records() {
    auto records = server_.stores.signing_keys->list();
    ASSERT_THAT(records, IsOk());
    for (const auto& r : *records) {
      if (r.state == KeyState::kRetired) {
        EXPECT_EQ(r.private_key, "") << r.kid;
        continue;
      }
      auto pem = crypto::open_secret(kKek, r.private_key, r.kid);
      ASSERT_THAT(pem, IsOk()) << r.kid;
      auto key = jose::SigningKey::from_pem(*pem);
      ASSERT_THAT(key, IsOk()) << r.kid;
      EXPECT_EQ(key->kid(), r.kid);
    }
    for (const auto& e : fs::directory_iterator(keys_dir())) {
      ADD_FAILURE() << "a file in keys/: " << e.path().filename();
    }
  }

  ::gatehouse::testing::TempDir dir_;
  std::atomic<int64_t> now_{1'800'000'000};
  Process server_;
};

TEST_F(KeyRingTest, AFreshDirectoryGetsACurrentAndANextKey) {
  const std::string current = kid_in(KeyState::kCurrent);
  const std::string next = kid_in(KeyState::kNext);
  ASSERT_FALSE(current.empty());
  ASSERT_FALSE(next.empty());
  EXPECT_NE(current, next);
  EXPECT_EQ(ring().signing_key()->kid(), current);
  // The signing key is listed first, and the next key is published before it ever signs.
  EXPECT_THAT(published(ring()), ElementsAre(current, next));
  EXPECT_EQ(mode_of(keys_dir()), 0700u);
  expect_private_halves_match_records();
  EXPECT_EQ(record(current).token_ttl, kTtl);

  auto body = boost::json::parse(ring().snapshot()->jwks_body);
  for (const auto& k : body.at("keys").as_array()) {
    EXPECT_FALSE(k.as_object().contains("d")) << "private key material published";
  }
  EXPECT_EQ(boost::json::parse(ring().snapshot()->jwk_array_body), body.at("keys"));
}

TEST_F(KeyRingTest, ASecondOpenKeepsTheKeys) {
  Process cli;
  ASSERT_THAT(open(cli), IsOk());
  EXPECT_EQ(cli.ring->signing_key()->kid(), ring().signing_key()->kid());
  EXPECT_EQ(published(*cli.ring), published(ring()));
  expect_private_halves_match_records();
}

TEST_F(KeyRingTest, RotateWaitsUntilTheNextKeyHasBeenPublishedLongEnough) {
  const std::string k1 = kid_in(KeyState::kCurrent), k2 = kid_in(KeyState::kNext);
  auto refused = ring().rotate(false);
  ASSERT_THAT(refused, ErrcIs(Errc::kInvalidArgument));
  EXPECT_THAT(refused.error().message, HasSubstr("--force"));
  now_ += KeyRing::kPublishLead - 1;
  ASSERT_THAT(ring().rotate(false), ErrcIs(Errc::kInvalidArgument));
  EXPECT_EQ(ring().signing_key()->kid(), k1);

  now_ += 1;
  auto rotated = ring().rotate(false);
  ASSERT_THAT(rotated, IsOk());
  EXPECT_EQ(rotated->previous, k1);
  EXPECT_EQ(rotated->current, k2);
  EXPECT_EQ(ring().signing_key()->kid(), k2);
  const std::string k3 = rotated->next;
  EXPECT_EQ(kid_in(KeyState::kNext), k3);
  // Current, next, then the key that stopped signing.
  EXPECT_THAT(published(ring()), ElementsAre(k2, k3, k1));
  EXPECT_EQ(rotated->previous_verifies_until, now_.load() + kTtl + KeyRing::kSkew);
  EXPECT_EQ(rotated->next_promotable_at, now_.load() + KeyRing::kPublishLead);
  expect_private_halves_match_records();

  // Forced, the fresh next key signs at once.
  auto forced = ring().rotate(true);
  ASSERT_THAT(forced, IsOk());
  EXPECT_EQ(ring().signing_key()->kid(), k3);
  EXPECT_THAT(published(ring()), ElementsAre(k3, forced->next, k2, k1));
}

TEST_F(KeyRingTest, APreviousKeyVerifiesUntilItsLastTokenExpiresThenRetires) {
  const std::string k1 = kid_in(KeyState::kCurrent);
  now_ += KeyRing::kPublishLead;
  const std::string old_token = token();  // signed the moment before the rotation
  ASSERT_THAT(ring().rotate(false), IsOk());
  const int64_t rotated_at = now_.load();
  EXPECT_EQ(verify(ring(), old_token), JwtStatus::kOk);
  EXPECT_EQ(verify(ring(), token()), JwtStatus::kOk);

  now_ = rotated_at + kTtl + KeyRing::kSkew - 1;
  ASSERT_THAT(ring().refresh(), IsOk());
  EXPECT_THAT(published(ring()), ::testing::Contains(k1));
  EXPECT_EQ(record(k1).state, KeyState::kPrevious);

  now_ += 1;
  ASSERT_THAT(ring().refresh(), IsOk());
  EXPECT_THAT(published(ring()), ::testing::Not(::testing::Contains(k1)));
  EXPECT_EQ(record(k1).state, KeyState::kRetired);
  EXPECT_EQ(record(k1).retired_at, now_.load());
  // Refused for its kid (it has expired by now as well).
  EXPECT_EQ(verify(ring(), old_token), JwtStatus::kJwksKidNotFound);
  expect_private_halves_match_records();
}

TEST_F(KeyRingTest, RetireRefusesToCutOffValidTokensUnlessForced) {
  const std::string k1 = kid_in(KeyState::kCurrent);
  SessionClient client({.project_id = kProject, .keys = ring().key_source(), .clock = clock()});
  const std::string old_token = token();
  ASSERT_THAT(client.validate_session(old_token), IsOk());  // now in the verified-token cache
  ASSERT_THAT(ring().rotate(true), IsOk());

  auto refused = ring().retire(k1, false);
  ASSERT_THAT(refused, ErrcIs(Errc::kInvalidArgument));
  EXPECT_THAT(refused.error().message, HasSubstr("--force"));
  EXPECT_EQ(record(k1).state, KeyState::kPrevious);
  EXPECT_THAT(client.validate_session(old_token), IsOk());

  auto forced = ring().retire(k1, true);
  ASSERT_THAT(forced, IsOk());
  EXPECT_TRUE(forced->cut_off);
  EXPECT_EQ(forced->was, KeyState::kPrevious);
  EXPECT_EQ(record(k1).state, KeyState::kRetired);
  EXPECT_THAT(published(ring()), ::testing::Not(::testing::Contains(k1)));
  // Refused at once, although the client had verified (and cached) it before.
  EXPECT_THAT(client.validate_session(old_token), JwtIs(JwtStatus::kJwksKidNotFound));
  EXPECT_THAT(client.validate_session(token()), IsOk());
  expect_private_halves_match_records();

  // Again: nothing to do, and said so.
  auto again = ring().retire(k1, false);
  ASSERT_THAT(again, IsOk());
  EXPECT_EQ(again->was, KeyState::kRetired);
}

TEST_F(KeyRingTest, RetireAfterTheWindowNeedsNoForce) {
  const std::string k1 = kid_in(KeyState::kCurrent);
  ASSERT_THAT(ring().rotate(true), IsOk());
  now_ += kTtl + KeyRing::kSkew;
  // The window has passed: not cutting anything off (it already retired by itself).
  auto retired = ring().retire(k1, false);
  ASSERT_THAT(retired, IsOk());
  EXPECT_FALSE(retired->cut_off);
  EXPECT_EQ(record(k1).state, KeyState::kRetired);
}

TEST_F(KeyRingTest, TheCurrentKeyIsNeverRetiredAndANextKeyIsReplaced) {
  const std::string k1 = kid_in(KeyState::kCurrent), k2 = kid_in(KeyState::kNext);
  auto refused = ring().retire(k1, true);
  ASSERT_THAT(refused, ErrcIs(Errc::kInvalidArgument));
  EXPECT_THAT(refused.error().message, HasSubstr("rotate first"));
  EXPECT_EQ(ring().signing_key()->kid(), k1);

  auto replaced = ring().retire(k2, false);
  ASSERT_THAT(replaced, IsOk());
  EXPECT_FALSE(replaced->cut_off);
  ASSERT_FALSE(replaced->replacement.empty());
  EXPECT_NE(replaced->replacement, k2);
  EXPECT_EQ(kid_in(KeyState::kNext), replaced->replacement);
  EXPECT_THAT(published(ring()), ElementsAre(k1, replaced->replacement));
  expect_private_halves_match_records();

  EXPECT_THAT(ring().retire("no-such-kid", false), ErrcIs(Errc::kNotFound));
}

TEST_F(KeyRingTest, AnotherProcessSeesARotationAtItsNextRefresh) {
  Process cli;
  ASSERT_THAT(open(cli), IsOk());
  const std::string k1 = kid_in(KeyState::kCurrent);
  auto rotated = cli.ring->rotate(true);
  ASSERT_THAT(rotated, IsOk());
  // The server still signs with k1 — which stays published, so its tokens verify everywhere.
  EXPECT_EQ(ring().signing_key()->kid(), k1);
  EXPECT_EQ(verify(*cli.ring, token()), JwtStatus::kOk);

  ASSERT_THAT(ring().refresh(), IsOk());
  EXPECT_EQ(ring().signing_key()->kid(), rotated->current);
  EXPECT_EQ(ring().snapshot()->jwks_body, cli.ring->snapshot()->jwks_body);
  // On every thread, not only the one that refreshed.
  std::string seen;
  std::thread([&] { seen = ring().signing_key()->kid(); }).join();
  EXPECT_EQ(seen, rotated->current);
}

TEST_F(KeyRingTest, ProcessesRotatingAtOnceLeaveOneCurrentAndOneNextKey) {
  Process cli1, cli2;
  ASSERT_THAT(open(cli1), IsOk());
  ASSERT_THAT(open(cli2), IsOk());
  std::atomic<int> ok{0};
  std::vector<std::thread> threads;
  for (KeyRing* r : {server_.ring.get(), cli1.ring.get(), cli2.ring.get()}) {
    threads.emplace_back([&ok, r] {
      for (int i = 0; i < 3; ++i) {
        auto rotated = r->rotate(true);
        if (rotated) {
          ++ok;
        } else {
          EXPECT_THAT(rotated, ErrcIs(Errc::kConflict));
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  ASSERT_THAT(ring().refresh(), IsOk());
  int current = 0, next = 0, previous = 0;
  for (const auto& r : ring().snapshot()->records) {
    current += r.state == KeyState::kCurrent;
    next += r.state == KeyState::kNext;
    previous += r.state == KeyState::kPrevious;
  }
  EXPECT_EQ(current, 1);
  EXPECT_EQ(next, 1);
  EXPECT_EQ(previous, ok.load());  // every rotation that succeeded, and no other
  EXPECT_GE(ok.load(), 1);
  expect_private_halves_match_records();  // losers removed the keys they had made
  ASSERT_THAT(cli1.ring->refresh(), IsOk());
  EXPECT_EQ(cli1.ring->signing_key()->kid(), ring().signing_key()->kid());
}

TEST_F(KeyRingTest, RekeySealsEveryKeyUnderTheNewKekAndKeepsTheKeys) {
  now_ += KeyRing::kPublishLead;
  ASSERT_THAT(ring().rotate(false), IsOk());  // a previous key too
  const std::string before_token = token();
  auto before = server_.stores.signing_keys->list();
  ASSERT_THAT(before, IsOk());
  const std::string new_kek(32, '\x6e');

  EXPECT_THAT(ring().rekey(kKek, ""), ErrcIs(Errc::kInvalidArgument)) << "the same key";
  EXPECT_THAT(ring().rekey("short", ""), ErrcIs(Errc::kInvalidArgument));
  auto rekeyed = ring().rekey(new_kek, "Use --the-new-key.");
  ASSERT_THAT(rekeyed, IsOk());
  EXPECT_EQ(rekeyed->kids.size(), 3u);
  auto after = server_.stores.signing_keys->list();
  ASSERT_THAT(after, IsOk());
  ASSERT_EQ(after->size(), before->size());
  for (size_t i = 0; i < after->size(); ++i) {
    const auto& r = (*after)[i];
    EXPECT_NE(r.private_key, (*before)[i].private_key) << r.kid;
    EXPECT_THAT(crypto::open_secret(kKek, r.private_key, r.kid), ErrcIs(Errc::kInvalidArgument));
    auto pem = crypto::open_secret(new_kek, r.private_key, r.kid);
    ASSERT_THAT(pem, IsOk()) << r.kid;
    EXPECT_EQ(jose::SigningKey::from_pem(*pem)->kid(), r.kid);
    EXPECT_EQ(r.state, (*before)[i].state);
  }

  // Another process with the old KEK is refused; one with the new KEK has the same keys.
  auto stores = store::open_sqlite(dir_.file("gatehouse.db"));
  ASSERT_THAT(stores, IsOk());
  auto refused = KeyRing::open(data(), *stores->signing_keys, {.clock = clock(), .kek = kKek});
  EXPECT_THAT(refused, ErrcIs(Errc::kInvalidArgument));
  auto reopened = KeyRing::open(data(), *stores->signing_keys, {.clock = clock(), .kek = new_kek});
  ASSERT_THAT(reopened, IsOk());
  EXPECT_EQ(verify(**reopened, before_token), JwtStatus::kOk);

  // The ring that rekeyed seals what it makes from now on under the new KEK.
  now_ += KeyRing::kPublishLead;
  ASSERT_THAT(ring().rotate(false), IsOk());
  ASSERT_THAT((*reopened)->refresh(), IsOk());
  for (const auto& r : (*reopened)->snapshot()->records) {
    if (r.private_key.empty()) continue;
    EXPECT_THAT(crypto::open_secret(new_kek, r.private_key, r.kid), IsOk()) << r.kid;
  }
}

// A process's signing-key store that lets `before_write` run (another process's rekey)
// between the moment the process read the keys and its rotate / add_next.
class RekeyInBetween final : public store::SigningKeyStore {
 public:
  RekeyInBetween(store::SigningKeyStore& inner, std::function<void()> before_write)
      : inner_(inner), before_write_(std::move(before_write)) {}
  Result<std::vector<store::SigningKeyRecord>> list() override { return inner_.list(); }
  Result<bool> initialize(const store::SigningKeyRecord& current,
                          const store::SigningKeyRecord& next) override {
    return inner_.initialize(current, next);
  }
  Result<bool> add_next(const store::SigningKeyRecord& next,
                        std::string_view current_sealed) override {
    fire();
    return inner_.add_next(next, current_sealed);
  }
  Status rotate(std::string_view from, std::string_view from_sealed, std::string_view to,
                const store::SigningKeyRecord& new_next, int64_t at) override {
    fire();
    return inner_.rotate(from, from_sealed, to, new_next, at);
  }
  Status retire(std::string_view kid, KeyState expected, int64_t at) override {
    return inner_.retire(kid, expected, at);
  }
  Result<bool> set_private_key(std::string_view kid, std::string_view sealed) override {
    return inner_.set_private_key(kid, sealed);
  }
  Status reseal_private_keys(const std::vector<store::ResealedKey>& keys) override {
    return inner_.reseal_private_keys(keys);
  }
  Status raise_token_ttl(std::string_view kid, int64_t ttl) override {
    return inner_.raise_token_ttl(kid, ttl);
  }
  void arm() { armed_ = true; }

 private:
  void fire() {
    if (armed_) {
      armed_ = false;
      before_write_();
    }
  }
  store::SigningKeyStore& inner_;
  std::function<void()> before_write_;
  bool armed_ = false;
};

// `gatehouse key rotate` or `key retire` run beside a `key rekey` (docs/security.md): the
// command read the keys and sealed its new key under the old KEK, then the rekey
// committed. The store refuses the command's step, so no key is left under the old KEK.
TEST_F(KeyRingTest, AKeyMadeUnderTheOldKekIsRefusedOnceARekeyCommitted) {
  const std::string new_kek(32, '\x6e');
  auto stores = store::open_sqlite(dir_.file("gatehouse.db"));
  ASSERT_THAT(stores, IsOk());
  RekeyInBetween racing(*stores->signing_keys,
                        [&] { ASSERT_THAT(ring().rekey(new_kek, ""), IsOk()); });
  auto cli = KeyRing::open(data(), racing, {.clock = clock(), .kek = kKek, .token_ttl = kTtl});
  ASSERT_THAT(cli, IsOk());
  const auto before = server_.stores.signing_keys->list();
  ASSERT_THAT(before, IsOk());

  racing.arm();
  EXPECT_THAT((*cli)->rotate(true), ErrcIs(Errc::kConflict));
  auto after = server_.stores.signing_keys->list();
  ASSERT_THAT(after, IsOk());
  ASSERT_EQ(after->size(), before->size()) << "no key was added";
  for (size_t i = 0; i < after->size(); ++i) {
    const auto& r = (*after)[i];
    EXPECT_EQ(r.state, (*before)[i].state) << r.kid;
    EXPECT_THAT(crypto::open_secret(new_kek, r.private_key, r.kid), IsOk()) << r.kid;
  }
  // Tried again, the command reads the re-sealed keys and says which key to use.
  auto again = (*cli)->rotate(true);
  ASSERT_THAT(again, ErrcIs(Errc::kInvalidArgument));
  EXPECT_THAT(again.error().message, HasSubstr("another one"));

  // Retiring the next key makes a new one (add_next): the same guard holds. The rekey is
  // the store step alone here, so that no other process adds the next key first.
  const std::string next = kid_in(KeyState::kNext);
  const std::string newer_kek(32, '\x7a');
  auto reseal_under_newer = [&] {
    auto records = server_.stores.signing_keys->list();
    ASSERT_THAT(records, IsOk());
    std::vector<store::ResealedKey> resealed;
    for (const auto& r : *records) {
      if (r.private_key.empty()) continue;
      auto pem = crypto::open_secret(new_kek, r.private_key, r.kid);
      ASSERT_THAT(pem, IsOk());
      auto sealed = crypto::seal_secret(newer_kek, *pem, r.kid);
      ASSERT_THAT(sealed, IsOk());
      resealed.push_back({r.kid, r.private_key, *sealed});
    }
    ASSERT_THAT(server_.stores.signing_keys->reseal_private_keys(resealed), IsOk());
  };
  auto stores2 = store::open_sqlite(dir_.file("gatehouse.db"));
  ASSERT_THAT(stores2, IsOk());
  RekeyInBetween racing2(*stores2->signing_keys, reseal_under_newer);
  auto cli2 = KeyRing::open(data(), racing2, {.clock = clock(), .kek = new_kek, .token_ttl = kTtl});
  ASSERT_THAT(cli2, IsOk());
  racing2.arm();
  auto retired = (*cli2)->retire(next, true);
  ASSERT_THAT(retired, ErrcIs(Errc::kConflict));
  EXPECT_THAT(retired.error().message, HasSubstr(next + " is retired, but"));
  after = server_.stores.signing_keys->list();
  ASSERT_THAT(after, IsOk());
  for (const auto& r : *after) {
    if (r.state == KeyState::kNext) ADD_FAILURE() << "a next key was added: " << r.kid;
    if (r.state == KeyState::kRetired) continue;
    EXPECT_THAT(crypto::open_secret(newer_kek, r.private_key, r.kid), IsOk()) << r.kid;
  }
}

TEST_F(KeyRingTest, TheLongestTokenLifetimeOfAnyOpenerCounts) {
  const std::string k1 = kid_in(KeyState::kCurrent);
  Process longer, shorter;
  ASSERT_THAT(open(longer, 10 * kTtl), IsOk());
  ASSERT_THAT(open(shorter, 60), IsOk());
  ASSERT_THAT(ring().refresh(), IsOk());
  EXPECT_EQ(record(k1).token_ttl, 10 * kTtl);
  auto rotated = shorter.ring->rotate(true);
  ASSERT_THAT(rotated, IsOk());
  EXPECT_EQ(rotated->previous_verifies_until, now_.load() + 10 * kTtl + KeyRing::kSkew);
}

class LegacyKeyRingTest : public ::testing::Test {
 protected:
  ::gatehouse::testing::TempDir dir_;
  std::atomic<int64_t> now_{1'800'000'000};
};

TEST_F(LegacyKeyRingTest, ADirectoryWithSigningPemUpgradesKeepingItsKidAndTokens) {
  // What a build before key rotation left: keys/signing.pem and tokens it signed.
  ASSERT_TRUE(fs::create_directory(dir_.path() / "keys"));
  fs::permissions(dir_.path() / "keys", fs::perms::owner_all);
  const std::string legacy_path = dir_.file("keys/signing.pem");
  auto legacy = jose::load_or_create_signing_key(legacy_path);
  ASSERT_THAT(legacy, IsOk());
  const int64_t now = now_.load();
  const std::string old_token = jose::sign_jwt(
      *legacy,
      {{"sub", "U1"}, {"iss", kProject}, {"iat", now}, {"exp", now + kTtl}, {"drn", "DSR"}});

  auto stores = store::open_sqlite(dir_.file("gatehouse.db"));
  ASSERT_THAT(stores, IsOk());
  auto ring =
      KeyRing::open(dir_.path().string(), *stores->signing_keys,
                    {.clock = [this] { return now_.load(); }, .kek = kKek, .token_ttl = kTtl});
  ASSERT_THAT(ring, IsOk());
  EXPECT_EQ((*ring)->signing_key()->kid(), legacy->kid());
  EXPECT_EQ(jose::verify_jwt(old_token, *(*ring)->jwks(), {.now = now, .expected_issuer = kProject},
                             nullptr),
            JwtStatus::kOk);
  // One copy of the private key, sealed in the store; and a next key beside it.
  EXPECT_FALSE(fs::exists(legacy_path));
  EXPECT_TRUE(fs::is_empty(dir_.path() / "keys"));
  EXPECT_EQ((*ring)->jwks()->keys.size(), 2u);
  for (const auto& r : (*ring)->snapshot()->records) {
    if (r.kid == legacy->kid()) {
      EXPECT_EQ(r.state, KeyState::kCurrent);
      EXPECT_EQ(r.token_ttl, kTtl);  // its old tokens are assumed to live as long as ours
      auto pem = crypto::open_secret(kKek, r.private_key, r.kid);
      ASSERT_THAT(pem, IsOk());
      EXPECT_EQ(jose::SigningKey::from_pem(*pem)->kid(), legacy->kid());
    }
  }

  // Opening again (the next start) changes nothing.
  auto again =
      KeyRing::open(dir_.path().string(), *stores->signing_keys,
                    {.clock = [this] { return now_.load(); }, .kek = kKek, .token_ttl = kTtl});
  ASSERT_THAT(again, IsOk());
  EXPECT_EQ((*again)->snapshot()->jwks_body, (*ring)->snapshot()->jwks_body);
}

TEST_F(LegacyKeyRingTest, ALegacyKeyOthersCanReadIsRefused) {
  ASSERT_TRUE(fs::create_directory(dir_.path() / "keys"));
  const std::string legacy_path = dir_.file("keys/signing.pem");
  ASSERT_THAT(jose::load_or_create_signing_key(legacy_path), IsOk());
  fs::permissions(legacy_path, fs::perms::owner_read | fs::perms::owner_write |
                                   fs::perms::group_read | fs::perms::others_read);
  auto stores = store::open_sqlite(dir_.file("gatehouse.db"));
  ASSERT_THAT(stores, IsOk());
  auto ring = KeyRing::open(dir_.path().string(), *stores->signing_keys, {.kek = kKek});
  ASSERT_THAT(ring, ErrcIs(Errc::kInvalidArgument));
  EXPECT_THAT(ring.error().message, HasSubstr("chmod 600"));
  auto keys = stores->signing_keys->list();
  ASSERT_THAT(keys, IsOk());
  EXPECT_TRUE(keys->empty());  // nothing half-imported
}

// What the build before this one left: every key's private half in keys/<kid>.pem (0600)
// and a store without them. Made here from a current store by writing the keys out.
TEST_F(LegacyKeyRingTest, KeyFilesOfTheLastBuildAreSealedIntoTheStore) {
  auto stores = store::open_sqlite(dir_.file("gatehouse.db"));
  ASSERT_THAT(stores, IsOk());
  std::string current, jwks;
  {
    auto ring = KeyRing::open(dir_.path().string(), *stores->signing_keys, {.kek = kKek});
    ASSERT_THAT(ring, IsOk());
    current = (*ring)->signing_key()->kid();
    jwks = (*ring)->snapshot()->jwks_body;
    for (const auto& r : (*ring)->snapshot()->records) {
      auto pem = crypto::open_secret(kKek, r.private_key, r.kid);
      ASSERT_THAT(pem, IsOk());
      ASSERT_THAT(jose::save_signing_key(*jose::SigningKey::from_pem(*pem),
                                         dir_.file("keys/" + r.kid + ".pem")),
                  IsOk());
    }
  }
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(dir_.file("gatehouse.db").c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db, "UPDATE signing_keys SET private_key = ''", nullptr, nullptr, nullptr),
            SQLITE_OK);
  sqlite3_close(db);

  // Another KEK than the files were sealed with does not matter: the files are clear text.
  const std::string kek2(32, '\x32');
  auto ring = KeyRing::open(dir_.path().string(), *stores->signing_keys, {.kek = kek2});
  ASSERT_THAT(ring, IsOk());
  EXPECT_EQ((*ring)->signing_key()->kid(), current);
  EXPECT_EQ((*ring)->snapshot()->jwks_body, jwks);
  EXPECT_TRUE(fs::is_empty(dir_.path() / "keys")) << "the files go once sealed";
  auto records = stores->signing_keys->list();
  ASSERT_THAT(records, IsOk());
  ASSERT_EQ(records->size(), 2u);
  for (const auto& r : *records)
    EXPECT_THAT(crypto::open_secret(kek2, r.private_key, r.kid), IsOk());
}

TEST_F(LegacyKeyRingTest, AMissingCurrentKeyIsAClearError) {
  auto stores = store::open_sqlite(dir_.file("gatehouse.db"));
  ASSERT_THAT(stores, IsOk());
  std::string current;
  {
    auto ring = KeyRing::open(dir_.path().string(), *stores->signing_keys, {.kek = kKek});
    ASSERT_THAT(ring, IsOk());
    current = (*ring)->signing_key()->kid();
  }
  // Neither in the store nor in a file.
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(dir_.file("gatehouse.db").c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db, "UPDATE signing_keys SET private_key = ''", nullptr, nullptr, nullptr),
            SQLITE_OK);
  sqlite3_close(db);
  auto ring = KeyRing::open(dir_.path().string(), *stores->signing_keys, {.kek = kKek});
  ASSERT_FALSE(ring.ok());
  EXPECT_THAT(ring.error().message, HasSubstr(current));
}

TEST_F(LegacyKeyRingTest, AStoreSealedWithAnotherKekIsRefusedSayingWhatToDo) {
  auto stores = store::open_sqlite(dir_.file("gatehouse.db"));
  ASSERT_THAT(stores, IsOk());
  ASSERT_THAT(KeyRing::open(dir_.path().string(), *stores->signing_keys, {.kek = kKek}), IsOk());
  auto before = stores->signing_keys->list();
  ASSERT_THAT(before, IsOk());

  std::string other = kKek;
  other[0] ^= 1;
  auto ring = KeyRing::open(dir_.path().string(), *stores->signing_keys,
                            {.kek = other, .kek_hint = "Use --the-right-key."});
  ASSERT_THAT(ring, ErrcIs(Errc::kInvalidArgument));
  EXPECT_THAT(ring.error().message, HasSubstr("another one"));
  EXPECT_THAT(ring.error().message, HasSubstr("Use --the-right-key."));
  // Nothing was changed by the refused process.
  EXPECT_EQ(*stores->signing_keys->list(), *before);

  EXPECT_THAT(KeyRing::open(dir_.path().string(), *stores->signing_keys, {}),
              ErrcIs(Errc::kInvalidArgument));
  EXPECT_THAT(KeyRing::open(dir_.path().string(), *stores->signing_keys, {.kek = kKek + "x"}),
              ErrcIs(Errc::kInvalidArgument));
}

}  // namespace
}  // namespace gatehouse::auth
