#include "gatehouse/crypto/base64url.h"

#include <gtest/gtest.h>

#include <string>

namespace gatehouse::crypto {
namespace {

TEST(CryptoBase64Url, Rfc4648Vectors) {
  const std::pair<std::string, std::string> cases[] = {
      {"", ""},           {"f", "Zg"},          {"fo", "Zm8"},         {"foo", "Zm9v"},
      {"foob", "Zm9vYg"}, {"fooba", "Zm9vYmE"}, {"foobar", "Zm9vYmFy"}};
  for (const auto& [raw, text] : cases) {
    EXPECT_EQ(base64url_encode(raw), text);
    EXPECT_EQ(base64url_decode(text), raw) << text;
  }
}

TEST(CryptoBase64Url, UsesUrlAlphabet) {
  EXPECT_EQ(base64url_encode("\xfb\xff"), "-_8");
  EXPECT_EQ(base64url_decode("-_8"), std::string("\xfb\xff"));
}

TEST(CryptoBase64Url, RoundTripsEveryByteAndLength) {
  std::string all;
  for (int i = 0; i < 256; ++i) all += static_cast<char>(i);
  for (size_t len = 0; len <= all.size(); len += 7) {
    std::string raw = all.substr(0, len);
    EXPECT_EQ(base64url_decode(base64url_encode(raw)), raw);
  }
}

TEST(CryptoBase64Url, RejectsNonCanonicalInput) {
  EXPECT_FALSE(base64url_decode("Zg=="));    // padding
  EXPECT_FALSE(base64url_decode("Zm9v+g"));  // '+' from the standard alphabet
  EXPECT_FALSE(base64url_decode("Zm9v/g"));
  EXPECT_FALSE(base64url_decode("Zm 9v"));
  EXPECT_FALSE(base64url_decode("Z"));  // length 1 mod 4
  EXPECT_FALSE(base64url_decode("Zm9vY"));
  EXPECT_FALSE(base64url_decode("Zh"));   // unused bits set ("Zg" is canonical)
  EXPECT_FALSE(base64url_decode("Zm9"));  // unused bits set ("Zm8" is canonical)
  EXPECT_FALSE(base64url_decode(std::string("Zm\0v", 4)));
  EXPECT_FALSE(base64url_decode("Zm9v\xc3\xa9"));
}

}  // namespace
}  // namespace gatehouse::crypto
