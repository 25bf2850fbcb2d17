#include "gatehouse/crypto/secret_box.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cctype>
#include <string>

#include "gatehouse/crypto/base64url.h"
#include "support/matchers.h"

namespace gatehouse::crypto {
namespace {

using ::gatehouse::testing::ErrcIs;
using ::gatehouse::testing::IsOk;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

const std::string kKek(32, '\x42');
const std::string kPem = "-----BEGIN PRIVATE KEY-----\nMIIEvQ…\n-----END PRIVATE KEY-----\n";

TEST(SecretBox, RoundTripWithAFreshNonceEachTime) {
  auto a = seal_secret(kKek, kPem, "kid-1");
  auto b = seal_secret(kKek, kPem, "kid-1");
  ASSERT_THAT(a, IsOk());
  ASSERT_THAT(b, IsOk());
  EXPECT_THAT(*a, StartsWith("v1:"));
  EXPECT_NE(*a, *b) << "a random nonce per seal";
  EXPECT_THAT(*a, Not(HasSubstr("PRIVATE")));
  // nonce (24) + secret + tag (16), base64url.
  EXPECT_EQ(base64url_decode(a->substr(3))->size(), 24 + kPem.size() + 16);
  auto opened = open_secret(kKek, *a, "kid-1");
  ASSERT_THAT(opened, IsOk());
  EXPECT_EQ(*opened, kPem);
  EXPECT_EQ(*open_secret(kKek, *b, "kid-1"), kPem);
  // The empty secret too.
  EXPECT_EQ(*open_secret(kKek, *seal_secret(kKek, "", "k"), "k"), "");
}

TEST(SecretBox, AnotherKekDoesNotOpenIt) {
  auto sealed = seal_secret(kKek, kPem, "kid-1");
  ASSERT_THAT(sealed, IsOk());
  std::string other = kKek;
  other[31] ^= 1;
  auto opened = open_secret(other, *sealed, "kid-1");
  EXPECT_THAT(opened, ErrcIs(Errc::kInvalidArgument));
  EXPECT_THAT(opened.error().message, HasSubstr("another key-encryption key"));
}

TEST(SecretBox, AnotherLabelDoesNotOpenIt) {
  auto sealed = seal_secret(kKek, kPem, "kid-1");
  ASSERT_THAT(sealed, IsOk());
  EXPECT_THAT(open_secret(kKek, *sealed, "kid-2"), ErrcIs(Errc::kInvalidArgument));
  EXPECT_THAT(open_secret(kKek, *sealed, ""), ErrcIs(Errc::kInvalidArgument));
}

TEST(SecretBox, AnyAlteredByteIsRefused) {
  auto sealed = seal_secret(kKek, "short secret", "kid-1");
  ASSERT_THAT(sealed, IsOk());
  const std::string box = *base64url_decode(sealed->substr(3));
  // Nonce, ciphertext and tag alike.
  for (size_t i = 0; i < box.size(); ++i) {
    std::string altered = box;
    altered[i] ^= 0x01;
    EXPECT_THAT(open_secret(kKek, "v1:" + base64url_encode(altered), "kid-1"),
                ErrcIs(Errc::kInvalidArgument))
        << "byte " << i;
  }
  EXPECT_THAT(open_secret(kKek, "v1:" + base64url_encode(box.substr(0, box.size() - 1)), "kid-1"),
              ErrcIs(Errc::kInvalidArgument));
  EXPECT_THAT(open_secret(kKek, "v1:" + base64url_encode(box.substr(0, 39)), "kid-1"),
              ErrcIs(Errc::kInvalidArgument));
  EXPECT_THAT(open_secret(kKek, "v2:" + sealed->substr(3), "kid-1"),
              ErrcIs(Errc::kInvalidArgument));
  EXPECT_THAT(open_secret(kKek, "v1:!!", "kid-1"), ErrcIs(Errc::kInvalidArgument));
  EXPECT_THAT(open_secret(kKek, "", "kid-1"), ErrcIs(Errc::kInvalidArgument));
}

TEST(SecretBox, TheKekMustBe32Bytes) {
  EXPECT_THAT(seal_secret(std::string(31, 'k'), "s", "l"), ErrcIs(Errc::kInvalidArgument));
  EXPECT_THAT(seal_secret("", "s", "l"), ErrcIs(Errc::kInvalidArgument));
  auto sealed = seal_secret(kKek, "s", "l");
  ASSERT_THAT(sealed, IsOk());
  EXPECT_THAT(open_secret(std::string(33, '\x42'), *sealed, "l"), ErrcIs(Errc::kInvalidArgument));
}

TEST(SecretBox, KeyEncryptionKeyTextForms) {
  const std::string raw = "0123456789abcdef0123456789ABCDEF";
  ASSERT_EQ(raw.size(), 32u);
  EXPECT_EQ(*parse_key_encryption_key(raw), raw) << "32 raw bytes, taken as they are";
  std::string binary(32, '\0');
  for (int i = 0; i < 32; ++i) binary[i] = static_cast<char>(i * 7 + 200);
  EXPECT_EQ(*parse_key_encryption_key(binary), binary);

  const std::string hex = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";
  std::string counting(32, '\0');
  for (int i = 0; i < 32; ++i) counting[i] = static_cast<char>(i);
  EXPECT_EQ(*parse_key_encryption_key(hex), counting);
  EXPECT_EQ(*parse_key_encryption_key(hex + "\n"), counting) << "a file's newline";
  EXPECT_EQ(*parse_key_encryption_key("  " + hex + "\r\n"), counting);
  std::string upper = hex;
  for (auto& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  EXPECT_EQ(*parse_key_encryption_key(upper), counting);
  // base64 of the same bytes: standard with padding, URL-safe without.
  EXPECT_EQ(*parse_key_encryption_key("AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=\n"), counting);
  EXPECT_EQ(*parse_key_encryption_key(base64url_encode(counting)), counting);

  for (const std::string& bad :
       {std::string(""), std::string("\n"), hex.substr(2), hex + "00", hex.substr(0, 62) + "zz",
        std::string("AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHg=="), std::string(33, 'a')}) {
    auto parsed = parse_key_encryption_key(bad);
    EXPECT_THAT(parsed, ErrcIs(Errc::kInvalidArgument)) << bad;
    if (!parsed && !bad.empty() && bad != "\n") {
      EXPECT_THAT(parsed.error().message, Not(HasSubstr(bad))) << "never quotes the key";
    }
  }
}

TEST(SecretBox, NewKeysAreHexAndDiffer) {
  const std::string a = new_key_encryption_key_text(), b = new_key_encryption_key_text();
  EXPECT_EQ(a.size(), 65u);
  EXPECT_EQ(a.back(), '\n');
  EXPECT_NE(a, b);
  auto parsed = parse_key_encryption_key(a);
  ASSERT_THAT(parsed, IsOk());
  EXPECT_EQ(parsed->size(), 32u);
}

}  // namespace
}  // namespace gatehouse::crypto
