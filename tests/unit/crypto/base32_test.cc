#include "gatehouse/crypto/base32.h"

#include <gtest/gtest.h>

#include <string>
#include <utility>

namespace gatehouse::crypto {
namespace {

TEST(CryptoBase32, Rfc4648Vectors) {
  const std::pair<std::string, std::string> cases[] = {{"", ""},
                                                       {"f", "MY======"},
                                                       {"fo", "MZXQ===="},
                                                       {"foo", "MZXW6==="},
                                                       {"foob", "MZXW6YQ="},
                                                       {"fooba", "MZXW6YTB"},
                                                       {"foobar", "MZXW6YTBOI======"}};
  for (const auto& [raw, text] : cases) {
    EXPECT_EQ(base32_encode(raw), text);
    EXPECT_EQ(base32_decode(text), raw) << text;
  }
}

TEST(CryptoBase32, UnpaddedAndLowerCaseDecode) {
  EXPECT_EQ(base32_encode("foobar", /*pad=*/false), "MZXW6YTBOI");
  EXPECT_EQ(base32_decode("MZXW6YTBOI"), std::string("foobar"));
  EXPECT_EQ(base32_decode("mzxw6ytboi"), std::string("foobar"));
  // The RFC 6238 test seed as authenticator apps are given it.
  EXPECT_EQ(base32_encode("12345678901234567890", false), "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");
}

TEST(CryptoBase32, RoundTripsEveryByteAndLength) {
  std::string all;
  for (int i = 0; i < 256; ++i) all += static_cast<char>(i);
  for (size_t len = 0; len <= all.size(); len += 3) {
    std::string raw = all.substr(0, len);
    EXPECT_EQ(base32_decode(base32_encode(raw)), raw);
    EXPECT_EQ(base32_decode(base32_encode(raw, false)), raw);
  }
}

TEST(CryptoBase32, RejectsWhatNoEncodingProduces) {
  EXPECT_FALSE(base32_decode("MZXW6YT1"));  // '1' is not in the alphabet
  EXPECT_FALSE(base32_decode("MZXW 6YT"));  // no spaces
  EXPECT_FALSE(base32_decode("M"));         // 1, 3 or 6 characters in a group never occur
  EXPECT_FALSE(base32_decode("MZX"));       //
  EXPECT_FALSE(base32_decode("MZXW6Y"));    //
  EXPECT_FALSE(base32_decode("MZ=XW6=="));  // padding only at the end
  EXPECT_FALSE(base32_decode("MY====="));   // padded, but not to a multiple of 8
  EXPECT_FALSE(base32_decode("MZ======"));  // non-zero unused bits ("MY" is canonical)
}

}  // namespace
}  // namespace gatehouse::crypto
