// PasswordHasher: the bound on concurrent Argon2id runs, the unknown-account dummy and
// rehashing — with a recording backend where timing matters, libsodium where it does not.
#include "auth/password_hasher.h"

#include <atomic>
#include <chrono>
#include <mutex>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "gatehouse/crypto/password.h"
#include "support/matchers.h"

namespace gatehouse::auth {
namespace {

using ::gatehouse::testing::ErrcIs;
using ::gatehouse::testing::IsOk;

using namespace std::chrono_literals;

// Counts how many backend calls run at the same moment.
struct InFlight {
  std::atomic<int> now{0};
  std::atomic<int> peak{0};
  std::atomic<int> calls{0};
  std::vector<std::string> seen;  // encoded strings passed to verify, under `m`
  std::mutex m;

  void enter() {
    int n = ++now;
    int p = peak.load();
    while (n > p && !peak.compare_exchange_weak(p, n)) {
    }
    ++calls;
    std::this_thread::sleep_for(20ms);
    --now;
  }
  PasswordHasher::Backend backend() {
    return {[this](std::string_view pw, const crypto::Argon2Params&) -> Result<std::string> {
              enter();
              return "$argon2id$v=19$m=19456,t=2,p=1$fake$" + std::string(pw);
            },
            [this](std::string_view encoded, std::string_view pw) {
              {
                std::lock_guard lock(m);
                seen.emplace_back(encoded);
              }
              enter();
              return encoded == "$argon2id$v=19$m=19456,t=2,p=1$fake$" + std::string(pw);
            }};
  }
};

AuthConfig config() {
  AuthConfig c;
  c.password_policy.min_length = 8;
  return c;
}

TEST(PasswordHasherTest, NeverRunsMoreHashesAtOnceThanItsConcurrency) {
  auto c = config();
  InFlight rec;
  PasswordHasher hasher(c, 2, rec.backend());
  std::vector<std::thread> threads;
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&, i] {
      if (i % 2) {
        EXPECT_THAT(hasher.hash_new("a long password"), IsOk());
      } else {
        EXPECT_FALSE(hasher.verify("$argon2id$other", "a long password"));
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(rec.calls.load(), 8);
  EXPECT_EQ(rec.peak.load(), 2);
}

TEST(PasswordHasherTest, ConcurrencyIsAtLeastOne) {
  auto c = config();
  EXPECT_EQ(PasswordHasher(c, 0).concurrency(), 1);
  EXPECT_EQ(PasswordHasher(c, 100000).concurrency(), PasswordHasher::kMaxConcurrency);
}

TEST(PasswordHasherTest, PolicyIsCheckedBeforeAnyHashing) {
  auto c = config();
  InFlight rec;
  PasswordHasher hasher(c, 1, rec.backend());
  auto r = hasher.hash_new("short");
  ASSERT_THAT(r, ErrcIs(Errc::kInvalidArgument));
  EXPECT_EQ(rec.calls.load(), 0);
}

TEST(PasswordHasherTest, UnknownAccountVerifiesAgainstADummyMadeWithTheConfiguredParameters) {
  auto c = config();
  c.argon2.ops = 3;  // not the default: the dummy must follow the configuration
  PasswordHasher hasher(c, 1);
  EXPECT_FALSE(hasher.verify("", "any password"));
  auto real = hasher.hash_new("any password 1");
  ASSERT_THAT(real, IsOk());
  EXPECT_TRUE(hasher.verify(*real, "any password 1"));
  EXPECT_FALSE(hasher.verify(*real, "any password 2"));

  InFlight rec;
  PasswordHasher recorded(c, 1, rec.backend());
  EXPECT_FALSE(recorded.verify("", "guess"));
  EXPECT_FALSE(recorded.verify("", "guess"));
  ASSERT_EQ(rec.seen.size(), 2u);
  EXPECT_FALSE(rec.seen[0].empty());
  EXPECT_EQ(rec.seen[0], rec.seen[1]);  // made once
}

TEST(PasswordHasherTest, RehashesOnlyHashesMadeWithOtherParameters) {
  auto c = config();
  PasswordHasher hasher(c, 1);
  auto current = hasher.hash_new("a long password");
  ASSERT_THAT(current, IsOk());
  EXPECT_FALSE(hasher.rehash_if_needed(*current, "a long password").has_value());

  auto old = crypto::hash_password("a long password", {.ops = 3, .mem_bytes = 19 << 20});
  ASSERT_THAT(old, IsOk());
  auto fresh = hasher.rehash_if_needed(*old, "a long password");
  ASSERT_TRUE(fresh.has_value());
  EXPECT_FALSE(crypto::needs_rehash(*fresh, c.argon2));
  EXPECT_TRUE(hasher.verify(*fresh, "a long password"));
}

}  // namespace
}  // namespace gatehouse::auth
