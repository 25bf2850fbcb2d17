#include "gatehouse/crypto/totp.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <string>

namespace gatehouse::crypto {
namespace {

// The SHA-1 seed of RFC 6238 Appendix B (and RFC 4226 Appendix D).
const std::string kSeed = "12345678901234567890";

TEST(CryptoHotp, Rfc4226AppendixD) {
  const char* expected[] = {"755224", "287082", "359152", "969429", "338314",
                            "254676", "287922", "162583", "399871", "520489"};
  for (uint64_t counter = 0; counter < 10; ++counter) {
    EXPECT_EQ(hotp_code(kSeed, counter), expected[counter]) << counter;
  }
}

struct Vector {
  int64_t time;
  const char* eight_digits;
};

// RFC 6238 Appendix B, the SHA-1 rows; six digits are the last six of eight.
constexpr Vector kRfc6238[] = {{59, "94287082"},         {1111111109, "07081804"},
                               {1111111111, "14050471"}, {1234567890, "89005924"},
                               {2000000000, "69279037"}, {20000000000, "65353130"}};

TEST(CryptoTotp, Rfc6238AppendixBEightDigits) {
  for (const auto& v : kRfc6238) EXPECT_EQ(totp_code(kSeed, v.time, 8), v.eight_digits) << v.time;
}

TEST(CryptoTotp, Rfc6238AppendixBSixDigits) {
  for (const auto& v : kRfc6238) {
    EXPECT_EQ(totp_code(kSeed, v.time), std::string(v.eight_digits).substr(2)) << v.time;
  }
}

TEST(CryptoTotp, StepsAreThirtySeconds) {
  EXPECT_EQ(totp_step(0), 0);
  EXPECT_EQ(totp_step(29), 0);
  EXPECT_EQ(totp_step(30), 1);
  EXPECT_EQ(totp_step(59), 1);
  EXPECT_EQ(totp_step(-1), -1);
  EXPECT_EQ(totp_code(kSeed, 1111111110), totp_code(kSeed, 1111111139));
}

TEST(CryptoTotp, MatchAcceptsOneStepEitherSide) {
  const int64_t now = 1234567890;
  const int64_t step = totp_step(now);
  EXPECT_EQ(totp_match(kSeed, totp_code(kSeed, now), now), step);
  EXPECT_EQ(totp_match(kSeed, totp_code(kSeed, now - 30), now), step - 1);
  EXPECT_EQ(totp_match(kSeed, totp_code(kSeed, now + 30), now), step + 1);
  EXPECT_FALSE(totp_match(kSeed, totp_code(kSeed, now - 60), now));
  EXPECT_FALSE(totp_match(kSeed, totp_code(kSeed, now + 60), now));
  EXPECT_EQ(totp_match(kSeed, totp_code(kSeed, now - 60), now, /*window=*/2), step - 2);
}

TEST(CryptoTotp, MatchRefusesWrongAndMalformedCodes) {
  const int64_t now = 59;
  const std::string good = totp_code(kSeed, now);
  std::string wrong = good;
  wrong[5] = wrong[5] == '0' ? '1' : '0';
  EXPECT_FALSE(totp_match(kSeed, wrong, now));
  EXPECT_FALSE(totp_match(kSeed, "", now));
  EXPECT_FALSE(totp_match(kSeed, good.substr(0, 5), now));
  EXPECT_FALSE(totp_match(kSeed, good + "0", now));
  EXPECT_FALSE(totp_match(kSeed, " " + good.substr(1), now));
  EXPECT_FALSE(totp_match("another key of twenty", good, now));
}

}  // namespace
}  // namespace gatehouse::crypto
