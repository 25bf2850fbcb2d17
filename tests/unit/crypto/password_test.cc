#include <gtest/gtest.h>

#include <boost/json/serialize.hpp>

#include <string>

#include "gatehouse/crypto/password.h"
#include "gatehouse/crypto/password_policy.h"
#include "support/matchers.h"

namespace gatehouse::crypto {
namespace {

using ::gatehouse::testing::ErrcIs;
using ::gatehouse::testing::IsOk;

TEST(CryptoPassword, HashVerifyAndWrongPassword) {
  Result<std::string> h = hash_password("correct horse", Argon2Params{});
  ASSERT_THAT(h, IsOk());
  EXPECT_TRUE(h->starts_with("$argon2id$v=19$m=19456,t=2,p=1$")) << *h;
  EXPECT_TRUE(verify_password(*h, "correct horse"));
  EXPECT_FALSE(verify_password(*h, "correct horsf"));
  EXPECT_FALSE(verify_password(*h, ""));
  Result<std::string> again = hash_password("correct horse", Argon2Params{});
  ASSERT_TRUE(again);
  EXPECT_NE(*h, *again);  // fresh salt every time
}

TEST(CryptoPassword, MalformedHashNeverVerifies) {
  EXPECT_FALSE(verify_password("", "x"));
  EXPECT_FALSE(verify_password("plaintext", "plaintext"));
  EXPECT_FALSE(verify_password(std::string(200, '$'), "x"));
  EXPECT_TRUE(needs_rehash("garbage", Argon2Params{}));
}

TEST(CryptoPassword, ParamsBelowOwaspMinimumAreRejected) {
  EXPECT_TRUE(validate(Argon2Params{}));
  EXPECT_TRUE(validate(Argon2Params{.ops = 3, .mem_bytes = 64 << 20}));
  Status low_ops = validate(Argon2Params{.ops = 1});
  ASSERT_THAT(low_ops, ErrcIs(Errc::kInvalidArgument));
  EXPECT_FALSE(validate(Argon2Params{.ops = 2, .mem_bytes = 19 * 1024 * 1024 - 1}));
  Result<std::string> h = hash_password("pw", Argon2Params{.ops = 1, .mem_bytes = 8 << 20});
  ASSERT_THAT(h, ErrcIs(Errc::kInvalidArgument));
}

TEST(CryptoPassword, NeedsRehashWhenParamsChange) {
  Result<std::string> h = hash_password("pw12345678", Argon2Params{});
  ASSERT_TRUE(h);
  EXPECT_FALSE(needs_rehash(*h, Argon2Params{}));
  EXPECT_TRUE(needs_rehash(*h, Argon2Params{.ops = 3}));
  EXPECT_TRUE(needs_rehash(*h, Argon2Params{.ops = 2, .mem_bytes = 32 << 20}));
}

TEST(CryptoPassword, EncodedParamsAreTheOnesTheHashWasMadeWith) {
  const Argon2Params strong{.ops = 3, .mem_bytes = 32 << 20};
  auto h = hash_password("correct horse battery", strong);
  ASSERT_TRUE(h);
  auto p = encoded_params(*h);
  ASSERT_TRUE(p);
  EXPECT_EQ(p->ops, 3u);
  EXPECT_EQ(p->mem_bytes, size_t{32} << 20);
  EXPECT_FALSE(encoded_params("garbage"));
  EXPECT_FALSE(encoded_params("$argon2i$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA"));
  EXPECT_FALSE(encoded_params("$argon2id$v=19$m=,t=2,p=1$c2FsdA$aGFzaA"));
  EXPECT_FALSE(encoded_params("$argon2id$v=19$t=2,m=19456,p=1$c2FsdA$aGFzaA"));
}

TEST(CryptoPassword, OverlongPasswordRejected) {
  Result<std::string> h = hash_password(std::string(kMaxPasswordBytes + 1, 'a'), Argon2Params{});
  ASSERT_THAT(h, ErrcIs(Errc::kInvalidArgument));
}

TEST(CryptoPassword, DummyHashIsStableAndMatchesNothing) {
  const std::string& a = dummy_password_hash();
  EXPECT_EQ(&a, &dummy_password_hash());
  EXPECT_TRUE(a.starts_with("$argon2id$"));
  EXPECT_FALSE(verify_password(a, ""));
  EXPECT_FALSE(verify_password(a, "password"));
}

std::string message(const Status& s) { return s ? "" : s.error().message; }

TEST(CryptoPasswordPolicy, LengthInCodePoints) {
  PasswordPolicy p;
  EXPECT_EQ(message(check_password("1234567", p)), "Password must be at least 8 characters long");
  EXPECT_TRUE(check_password("12345678", p));
  // 7 code points in 14 bytes: still too short.
  EXPECT_FALSE(check_password("\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9", p));
  // 8 code points, one of them 4 bytes long.
  EXPECT_TRUE(check_password("abcdefg\xf0\x9f\x94\x91", p));
  EXPECT_TRUE(check_password(std::string(kMaxPasswordLength, 'a'), p));
  EXPECT_EQ(message(check_password(std::string(kMaxPasswordLength + 1, 'a'), p)),
            "Password must be at most 128 characters long");
  PasswordPolicy p12{.min_length = 12};
  EXPECT_EQ(message(check_password("abcdefgh", p12)),
            "Password must be at least 12 characters long");
}

TEST(CryptoPasswordPolicy, RejectsInvalidUtf8) {
  PasswordPolicy p;
  const char* bad[] = {"abcdefgh\xff", "abcdefgh\xc3", "abcdefgh\xc0\xaf", "abcdefgh\xed\xa0\x80",
                       "abcdefgh\xf4\x90\x80\x80"};
  for (const char* pw : bad) {
    EXPECT_EQ(message(check_password(pw, p)), "Password must be valid UTF-8 text") << pw;
  }
}

TEST(CryptoPasswordPolicy, CharacterClasses) {
  PasswordPolicy p{.lowercase = true, .uppercase = true, .number = true, .non_alphanumeric = true};
  EXPECT_EQ(message(check_password("ABCDEFG1!", p)), "Password must contain a lowercase letter");
  EXPECT_EQ(message(check_password("abcdefg1!", p)), "Password must contain an uppercase letter");
  EXPECT_EQ(message(check_password("abcdefgA!", p)), "Password must contain a number");
  EXPECT_EQ(message(check_password("abcdefgA1", p)),
            "Password must contain a non-alphanumeric character");
  EXPECT_TRUE(check_password("abcdefgA1!", p));
  EXPECT_TRUE(check_password("abcdefgA1\xc3\xa9", p));  // non-ASCII counts as a symbol
  Status s = check_password("short", p);
  ASSERT_THAT(s, ErrcIs(Errc::kInvalidArgument));
}

TEST(CryptoPasswordPolicy, JsonShapeAndValidation) {
  PasswordPolicy p{.min_length = 10, .number = true};
  EXPECT_EQ(boost::json::serialize(p.to_json()),
            R"({"minLength":10,"lowercase":false,"uppercase":false,"number":true,)"
            R"("nonAlphanumeric":false})");
  EXPECT_TRUE(validate(p));
  EXPECT_FALSE(validate(PasswordPolicy{.min_length = 7}));
  EXPECT_FALSE(validate(PasswordPolicy{.min_length = kMaxPasswordLength + 1}));
}

}  // namespace
}  // namespace gatehouse::crypto
