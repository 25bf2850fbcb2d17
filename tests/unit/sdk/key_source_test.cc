#include "gatehouse/key_source.h"

#include <gtest/gtest.h>

#include <thread>

#include "gatehouse/session.h"
#include "sdk_test_util.h"

namespace gatehouse {
namespace {

using namespace gatehouse::testing;

// A key server whose published set the test changes at will.
class SdkRemoteKeys : public ::testing::Test {
 protected:
  SdkRemoteKeys() {
    http_ =
        std::make_shared<FakeHttp>([this](const HttpRequest&) -> gatehouse::Result<HttpResponse> {
          std::lock_guard lock(mu_);
          if (down_)
            return gatehouse::make_error(gatehouse::Errc::kUnavailable, "connection refused");
          return json_response(200, published_);
        });
    keys_ = make_remote_key_source(
        "https://auth.example.com/", kProject,
        {.min_refetch_interval = 30, .clock = clock_.clock(), .http = http_});
    client_ = std::make_unique<SessionClient>(
        SessionClient::Options{.project_id = kProject,
                               .base_url = "https://auth.example.com",
                               .keys = keys_,
                               .http = http_,
                               .clock = clock_.clock()});
  }
  void publish(boost::json::value v) {
    std::lock_guard lock(mu_);
    published_ = std::move(v);
  }
  void set_down(bool down) {
    std::lock_guard lock(mu_);
    down_ = down;
  }
  JwtStatus validate(const gatehouse::jose::SigningKey& key, std::string kid = "") {
    boost::json::object claims = session_claims(clock_.now->load());
    std::string token = mint(key, claims);
    if (!kid.empty()) {
      // Re-sign with a header naming another kid.
      boost::json::object h{{"alg", "RS256"}, {"kid", kid}, {"typ", "JWT"}};
      std::string input = gatehouse::crypto::base64url_encode(boost::json::serialize(h)) + "." +
                          gatehouse::crypto::base64url_encode(boost::json::serialize(claims));
      token = input + "." + gatehouse::crypto::base64url_encode(key.sign(input));
    }
    return jwt_status_of(client_->validate_session(token));
  }

  std::mutex mu_;
  boost::json::value published_ = jwks_of({&key_a()});
  bool down_ = false;
  FakeClock clock_;
  std::shared_ptr<FakeHttp> http_;
  std::shared_ptr<KeySource> keys_;
  std::unique_ptr<SessionClient> client_;
};

TEST_F(SdkRemoteKeys, FetchesOnceAndCachesForMaxAge) {
  EXPECT_EQ(http_->count(), 0u);  // nothing fetched before first use
  EXPECT_EQ(validate(key_a()), JwtStatus::kOk);
  EXPECT_EQ(validate(key_a()), JwtStatus::kOk);
  clock_.advance(299);
  EXPECT_EQ(validate(key_a()), JwtStatus::kOk);
  EXPECT_EQ(http_->count(), 1u);
  clock_.advance(1);  // 300 s: the server's max-age
  EXPECT_EQ(validate(key_a()), JwtStatus::kOk);
  EXPECT_EQ(validate(key_a()), JwtStatus::kOk);
  std::vector<HttpRequest> sent = http_->requests();
  ASSERT_EQ(sent.size(), 2u);
  EXPECT_EQ(sent[0].method, "GET");
  EXPECT_EQ(sent[0].url, std::string("https://auth.example.com/v2/keys/") + kProject);
  EXPECT_EQ(header(sent[0], "Authorization"), std::string("Bearer ") + kProject);
}

TEST_F(SdkRemoteKeys, UnknownKidTriggersRefetchForRotatedKey) {
  EXPECT_EQ(validate(key_a()), JwtStatus::kOk);
  publish(jwks_of({&key_a(), &key_b()}));  // server rotates in key B
  clock_.advance(31);
  EXPECT_EQ(validate(key_b()), JwtStatus::kOk);
  EXPECT_EQ(http_->count(), 2u);
  EXPECT_EQ(validate(key_a()), JwtStatus::kOk);
  EXPECT_EQ(validate(key_b()), JwtStatus::kOk);
  EXPECT_EQ(http_->count(), 2u);
}

TEST_F(SdkRemoteKeys, RefetchIsThrottled) {
  EXPECT_EQ(validate(key_a()), JwtStatus::kOk);  // fetch 1 at t0
  for (int i = 0; i < 100; ++i) {
    EXPECT_EQ(validate(key_a(), "forged-" + std::to_string(i)), JwtStatus::kJwksKidNotFound);
  }
  EXPECT_EQ(http_->count(), 1u);  // within 30 s of the first fetch: none more
  clock_.advance(30);
  for (int i = 0; i < 100; ++i) validate(key_a(), "forged-" + std::to_string(i));
  EXPECT_EQ(http_->count(), 2u);  // one more, then throttled again
  // A legitimately rotated key is picked up once the interval has passed.
  publish(jwks_of({&key_b()}));
  EXPECT_EQ(validate(key_b()), JwtStatus::kJwksKidNotFound);
  clock_.advance(30);
  EXPECT_EQ(validate(key_b()), JwtStatus::kOk);
  EXPECT_EQ(http_->count(), 3u);
}

TEST_F(SdkRemoteKeys, FailuresKeepOldKeysAndRetryAfterASecond) {
  set_down(true);
  EXPECT_EQ(validate(key_a()), JwtStatus::kJwksFetchFail);
  EXPECT_EQ(validate(key_a()), JwtStatus::kJwksFetchFail);
  EXPECT_EQ(http_->count(), 1u);  // second call within the same second: no new attempt
  clock_.advance(1);
  set_down(false);
  EXPECT_EQ(validate(key_a()), JwtStatus::kOk);
  EXPECT_EQ(http_->count(), 2u);

  set_down(true);
  clock_.advance(60);
  EXPECT_EQ(validate(key_b()), JwtStatus::kJwksKidNotFound);  // refetch failed
  EXPECT_EQ(validate(key_a()), JwtStatus::kOk);               // old keys still there
  publish(boost::json::object{{"keys", boost::json::array{}}});
  set_down(false);
  clock_.advance(60);
  EXPECT_EQ(validate(key_b()), JwtStatus::kJwksKidNotFound);  // empty set is not accepted
  EXPECT_EQ(validate(key_a()), JwtStatus::kOk);
}

// The server publishes its next key before it signs with it: a validator that re-reads
// the set by age knows the key before the first token it signs arrives, and needs no
// (throttled) refetch on an unknown kid.
TEST_F(SdkRemoteKeys, AKeyPublishedAheadIsKnownBeforeItSigns) {
  EXPECT_EQ(validate(key_a()), JwtStatus::kOk);
  publish(jwks_of({&key_a(), &key_b()}));  // B published as the next key
  clock_.advance(300);
  EXPECT_EQ(validate(key_a()), JwtStatus::kOk);  // re-read by age
  EXPECT_EQ(http_->count(), 2u);
  EXPECT_NE((*keys_->keys())->find(key_b().kid()), nullptr);
  // A token from made-up kids uses up the refetch allowance; B still verifies.
  EXPECT_EQ(validate(key_a(), "forged"), JwtStatus::kJwksKidNotFound);
  EXPECT_EQ(validate(key_b()), JwtStatus::kOk);
  EXPECT_EQ(http_->count(), 2u);
}

// A key the server retired (no longer published) stops verifying within max-age, instead
// of for as long as the process runs.
TEST_F(SdkRemoteKeys, ARetiredKeyStopsVerifyingAfterMaxAge) {
  publish(jwks_of({&key_a(), &key_b()}));
  EXPECT_EQ(validate(key_b()), JwtStatus::kOk);
  publish(jwks_of({&key_a()}));  // B retired (e.g. leaked)
  clock_.advance(299);
  EXPECT_EQ(validate(key_b()), JwtStatus::kOk);  // still cached
  clock_.advance(1);
  EXPECT_EQ(validate(key_b()), JwtStatus::kJwksKidNotFound);
  EXPECT_EQ(validate(key_a()), JwtStatus::kOk);
}

TEST_F(SdkRemoteKeys, AFailedRefreshByAgeKeepsTheKeysAndRetriesAfterASecond) {
  EXPECT_EQ(validate(key_a()), JwtStatus::kOk);
  set_down(true);
  clock_.advance(300);
  EXPECT_EQ(validate(key_a()), JwtStatus::kOk);
  EXPECT_EQ(validate(key_a()), JwtStatus::kOk);
  EXPECT_EQ(http_->count(), 2u);  // one attempt in that second
  clock_.advance(1);
  set_down(false);
  publish(jwks_of({&key_b()}));
  EXPECT_EQ(validate(key_b()), JwtStatus::kOk);
  EXPECT_EQ(http_->count(), 3u);
}

TEST(SdkRemoteKeysNoMaxAge, ZeroKeepsTheSetUntilAnUnknownKid) {
  FakeClock clock;
  auto http = std::make_shared<FakeHttp>([](const HttpRequest&) -> gatehouse::Result<HttpResponse> {
    return json_response(200, jwks_of({&key_a()}));
  });
  auto keys = make_remote_key_source("https://auth.example.com", kProject,
                                     {.max_age = 0, .clock = clock.clock(), .http = http});
  ASSERT_TRUE(keys->keys());
  clock.advance(86400);
  ASSERT_TRUE(keys->keys());
  EXPECT_EQ(http->count(), 1u);
}

TEST_F(SdkRemoteKeys, ErrorStatusesAreReported) {
  http_->set_handler([](const HttpRequest&) -> gatehouse::Result<HttpResponse> {
    return HttpResponse{.status = 404, .body = "{}"};
  });
  gatehouse::Result<KeySet> k = keys_->keys();
  ASSERT_THAT(k, ErrcIs(gatehouse::Errc::kUnavailable));
  EXPECT_NE(k.error().message.find("404"), std::string::npos) << k.error().message;
}

TEST_F(SdkRemoteKeys, ConcurrentValidation) {
  std::atomic<int> bad{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 25; ++i) {
        if (validate(key_a()) != JwtStatus::kOk) ++bad;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(bad, 0);
  EXPECT_EQ(http_->count(), 1u);
}

TEST(SdkInProcessKeys, ReparsesOnlyWhenTheSetChanges) {
  auto published = std::make_shared<boost::json::value>(jwks_of({&key_a()}));
  auto calls = std::make_shared<std::atomic<int>>(0);
  auto source = make_in_process_key_source([published, calls] {
    ++*calls;
    return *published;
  });
  gatehouse::Result<KeySet> first = source->keys();
  ASSERT_TRUE(first);
  EXPECT_EQ((*first)->keys.size(), 1u);
  gatehouse::Result<KeySet> same = source->refetch("unknown");
  ASSERT_TRUE(same);
  EXPECT_EQ(*same, *first);  // provider asked, JSON unchanged: same snapshot
  EXPECT_EQ(*calls, 2);
  *published = jwks_of({&key_a(), &key_b()});
  gatehouse::Result<KeySet> rotated = source->refetch(key_b().kid());
  ASSERT_TRUE(rotated);
  EXPECT_NE((*rotated)->find(key_b().kid()), nullptr);
  EXPECT_EQ(*source->keys(), *rotated);
}

TEST(SdkStaticKeys, AcceptsSetOrSingleJwk) {
  auto set = make_static_key_source(jwks_of({&key_a(), &key_b()}));
  ASSERT_TRUE(set->keys());
  EXPECT_EQ((*set->keys())->keys.size(), 2u);
  auto single = make_static_key_source(key_a().public_jwk());
  ASSERT_TRUE(single->keys());
  EXPECT_NE((*single->keys())->find(key_a().kid()), nullptr);
  auto bad = make_static_key_source(boost::json::object{{"keys", "x"}});
  ASSERT_FALSE(bad->keys());
  EXPECT_EQ(bad->keys().code(), gatehouse::Errc::kUnavailable);
}

}  // namespace
}  // namespace gatehouse
