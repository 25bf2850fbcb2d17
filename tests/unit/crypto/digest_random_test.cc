#include <gtest/gtest.h>

#include <regex>
#include <set>
#include <string>

#include "gatehouse/crypto/base64url.h"
#include "gatehouse/crypto/digest.h"
#include "gatehouse/crypto/random.h"

namespace gatehouse::crypto {
namespace {

TEST(CryptoDigest, Sha256KnownAnswers) {
  EXPECT_EQ(sha256_hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(sha256("abc").size(), 32u);
}

TEST(CryptoDigest, ConstantTimeEqual) {
  EXPECT_TRUE(constant_time_equal("", ""));
  EXPECT_TRUE(constant_time_equal("abc", "abc"));
  EXPECT_FALSE(constant_time_equal("abc", "abd"));
  EXPECT_FALSE(constant_time_equal("abc", "abcd"));
  EXPECT_FALSE(constant_time_equal("", "a"));
  EXPECT_TRUE(constant_time_equal(std::string("a\0b", 3), std::string("a\0b", 3)));
  EXPECT_FALSE(constant_time_equal(std::string("a\0b", 3), std::string("a\0c", 3)));
}

TEST(CryptoRandom, BytesAndTokens) {
  EXPECT_EQ(random_bytes(0).size(), 0u);
  EXPECT_EQ(random_bytes(48).size(), 48u);
  EXPECT_NE(random_bytes(16), random_bytes(16));
  std::string token = random_token(32);
  EXPECT_EQ(token.size(), 43u);
  ASSERT_TRUE(base64url_decode(token));
  EXPECT_EQ(base64url_decode(token)->size(), 32u);
}

TEST(CryptoRandom, IdHasDescopeShape) {
  const std::regex shape("U[A-Za-z0-9]{27}");
  std::set<std::string> seen;
  std::set<char> chars;
  for (int i = 0; i < 500; ++i) {
    std::string id = random_id('U');
    ASSERT_TRUE(std::regex_match(id, shape)) << id;
    seen.insert(id);
    chars.insert(id.begin() + 1, id.end());
  }
  EXPECT_EQ(seen.size(), 500u);
  EXPECT_EQ(chars.size(), 62u);  // 13500 draws: every character shows up
  EXPECT_EQ(random_id('P').front(), 'P');
}

}  // namespace
}  // namespace gatehouse::crypto
