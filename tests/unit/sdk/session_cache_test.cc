// The verified-token cache inside SessionClient::validate_session: a repeated token must
// get exactly the answer a full verification would give at that moment.
#include <gtest/gtest.h>

#include <memory>

#include "gatehouse/session.h"
#include "sdk_test_util.h"

namespace gatehouse {
namespace {

using namespace gatehouse::testing;

// A key source whose key set can be swapped, counting calls.
class SwappableKeys final : public KeySource {
 public:
  explicit SwappableKeys(boost::json::value jwks) { set(std::move(jwks)); }
  void set(boost::json::value jwks) {
    auto parsed = std::make_shared<gatehouse::jose::Jwks>();
    ASSERT_EQ(gatehouse::jose::parse_jwks(jwks, parsed.get()), JwtStatus::kOk);
    std::lock_guard lock(mu_);
    set_ = std::move(parsed);
  }
  gatehouse::Result<KeySet> keys() override {
    std::lock_guard lock(mu_);
    return KeySet(set_);
  }
  gatehouse::Result<KeySet> refetch(std::string_view) override { return keys(); }

 private:
  std::mutex mu_;
  KeySet set_;
};

class SdkSessionCache : public ::testing::Test {
 protected:
  SdkSessionCache()
      : keys_(std::make_shared<SwappableKeys>(jwks_of({&key_a()}))),
        client_({.project_id = kProject,
                 .base_url = "https://auth.example.com",
                 .keys = keys_,
                 .clock = clock_.clock()}) {}

  int64_t now() const { return clock_.now->load(); }

  FakeClock clock_;
  std::shared_ptr<SwappableKeys> keys_;
  SessionClient client_;
};

TEST_F(SdkSessionCache, RepeatedTokenGivesTheSameAnswer) {
  boost::json::object claims = session_claims(now());
  claims["roles"] = boost::json::array{"teacher"};
  std::string token = mint(key_a(), claims);
  gatehouse::Result<JwtResponse> first = client_.validate_session(token);
  ASSERT_TRUE(first);
  gatehouse::Result<JwtResponse> second = client_.validate_session(token);
  ASSERT_TRUE(second);
  EXPECT_THAT(second, JwtIs(JwtStatus::kOk));
  EXPECT_EQ(second->to_json(), first->to_json());
  EXPECT_EQ(second->roles, std::vector<std::string>{"teacher"});
}

TEST_F(SdkSessionCache, SharedAnswersAreTheCachedValidationWithEveryCheckRedone) {
  boost::json::object claims = session_claims(now());
  claims["roles"] = boost::json::array{"teacher"};
  std::string token = mint(key_a(), claims);
  auto first = client_.validate_session_shared(token);
  ASSERT_TRUE(first);
  auto second = client_.validate_session_shared(token);
  ASSERT_TRUE(second);
  EXPECT_EQ(second->get(), first->get());  // no copy of the claims per request
  EXPECT_EQ((*second)->to_json(), client_.validate_session(token)->to_json());
  EXPECT_EQ((*second)->roles, std::vector<std::string>{"teacher"});
  clock_.advance(606);  // past exp and the leeway: the cached answer is not reused
  EXPECT_THAT(client_.validate_session_shared(token), JwtIs(JwtStatus::kJwtExpired));
}

TEST_F(SdkSessionCache, ExpiryIsCheckedOnEveryHit) {
  std::string token = mint(key_a(), session_claims(now()));  // exp = now + 600
  ASSERT_TRUE(client_.validate_session(token));
  clock_.advance(604);  // exp = now - 4: inside the 5 s leeway
  EXPECT_TRUE(client_.validate_session(token));
  clock_.advance(2);  // exp = now - 6
  gatehouse::Result<JwtResponse> r = client_.validate_session(token);
  ASSERT_FALSE(r);
  EXPECT_THAT(r, JwtIs(JwtStatus::kJwtExpired));
  EXPECT_EQ(r.error().message, "session token expired");
}

TEST_F(SdkSessionCache, KeySetChangeEmptiesTheCache) {
  std::string token = mint(key_a(), session_claims(now()));
  ASSERT_TRUE(client_.validate_session(token));
  keys_->set(jwks_of({&key_b()}));  // key_a retired
  EXPECT_THAT(client_.validate_session(token), JwtIs(JwtStatus::kJwksKidNotFound));
  keys_->set(jwks_of({&key_a(), &key_b()}));
  EXPECT_TRUE(client_.validate_session(token));
}

TEST_F(SdkSessionCache, FailuresAreNotCached) {
  std::string token = mint(key_a(), session_claims(now()));
  std::string forged = token;
  forged[forged.size() - 10] = forged[forged.size() - 10] == 'A' ? 'B' : 'A';
  for (int i = 0; i < 3; ++i) {
    EXPECT_THAT(client_.validate_session(forged), JwtIs(JwtStatus::kJwtVerificationFail));
  }
  EXPECT_TRUE(client_.validate_session(token));
  EXPECT_THAT(client_.validate_session(forged), JwtIs(JwtStatus::kJwtVerificationFail));
}

TEST_F(SdkSessionCache, RefreshTokensStayRefreshTokens) {
  std::string session = mint(key_a(), session_claims(now()));
  ASSERT_TRUE(client_.validate_session(session));
  EXPECT_THAT(client_.validate_refresh(session),
              JwtIs(JwtStatus::kJwtWrongTokenKind));  // cached as a session only
}

TEST_F(SdkSessionCache, StaysBoundedUnderManyTokens) {
  // More distinct tokens than the cache holds: every one still validates, and the
  // first ones (evicted or not) still give the right answer.
  std::vector<std::string> tokens;
  for (int i = 0; i < 4200; ++i) {
    boost::json::object c = session_claims(now());
    c["n"] = i;
    tokens.push_back(mint(key_a(), c));
  }
  for (const auto& t : tokens) ASSERT_TRUE(client_.validate_session(t));
  for (int i = 0; i < 50; ++i) EXPECT_TRUE(client_.validate_session(tokens[i]));
  clock_.advance(1000);
  EXPECT_THAT(client_.validate_session(tokens[4199]), JwtIs(JwtStatus::kJwtExpired));
}

}  // namespace
}  // namespace gatehouse
