#include "gatehouse/jose/jwk.h"

#include <gtest/gtest.h>

#include <boost/json/serialize.hpp>

#include "jose_test_util.h"

namespace gatehouse::jose {
namespace {

JwtStatus parse(const boost::json::array& keys, Jwks* out) {
  return parse_jwks(boost::json::value{{"keys", keys}}, out);
}

class JoseJwks : public ::testing::Test {
 protected:
  static EVP_PKEY* rsa() {
    static auto k = testing::make_rsa_key(2048);
    return k.get();
  }
  static EVP_PKEY* p256() {
    static auto k = testing::make_ec_key("P-256");
    return k.get();
  }
};

TEST_F(JoseJwks, ParsesRsaAndEcKeys) {
  Jwks jwks;
  ASSERT_EQ(parse({testing::rsa_jwk(rsa(), "r", "RS256"),
                   testing::ec_jwk(p256(), "e", "ES256", "P-256", 32)},
                  &jwks),
            JwtStatus::kOk);
  ASSERT_EQ(jwks.keys.size(), 2u);
  EXPECT_EQ(jwks.find("r")->kty, "RSA");
  EXPECT_EQ(jwks.find("r")->alg, "RS256");
  EXPECT_EQ(jwks.find("e")->kty, "EC");
  EXPECT_EQ(jwks.find("x"), nullptr);
}

TEST_F(JoseJwks, ParsesText) {
  Jwks jwks;
  std::string text = boost::json::serialize(
      boost::json::object{{"keys", {testing::rsa_jwk(rsa(), "r", "RS256")}}});
  EXPECT_EQ(parse_jwks(text, &jwks), JwtStatus::kOk);
  EXPECT_EQ(parse_jwks(std::string_view("{not json"), &jwks), JwtStatus::kJwksParseError);
  EXPECT_EQ(parse_jwks(std::string_view("[]"), &jwks), JwtStatus::kJwksParseError);
  EXPECT_EQ(parse_jwks(std::string_view(R"({"keys":{}})"), &jwks), JwtStatus::kJwksParseError);
  EXPECT_EQ(parse_jwks(std::string_view(R"({"nokeys":[]})"), &jwks), JwtStatus::kJwksParseError);
  EXPECT_EQ(parse_jwks(std::string_view(R"({"keys":[]})"), &jwks), JwtStatus::kJwksNoKeys);
}

TEST_F(JoseJwks, SkipsUnusableKeys) {
  auto no_alg = testing::rsa_jwk(rsa(), "a", "RS256");
  no_alg.erase("alg");
  auto no_kid = testing::rsa_jwk(rsa(), "b", "RS256");
  no_kid.erase("kid");
  auto hs = boost::json::object{{"kty", "oct"}, {"kid", "c"}, {"alg", "HS256"}, {"k", "c2VjcmV0"}};
  auto rsa_as_hs = testing::rsa_jwk(rsa(), "d", "HS256");
  auto enc = testing::rsa_jwk(rsa(), "e", "RS256");
  enc["use"] = "enc";
  auto rsa_as_es = testing::rsa_jwk(rsa(), "f", "ES256");
  auto ec_as_rs = testing::ec_jwk(p256(), "g", "RS256", "P-256", 32);
  auto wrong_crv = testing::ec_jwk(p256(), "h", "ES384", "P-256", 32);
  auto bad_b64 = testing::rsa_jwk(rsa(), "i", "RS256");
  bad_b64["n"] = "not+base64";
  auto small = testing::make_rsa_key(1024);
  auto weak = testing::rsa_jwk(small.get(), "j", "RS256");
  auto even_e = testing::rsa_jwk(rsa(), "k", "RS256");
  even_e["e"] = "AQAA";
  auto not_object = boost::json::value("key");
  Jwks jwks;
  EXPECT_EQ(parse({no_alg, no_kid, hs, rsa_as_hs, enc, rsa_as_es, ec_as_rs, wrong_crv, bad_b64,
                   weak, even_e, not_object},
                  &jwks),
            JwtStatus::kJwksNoKeys);
  // One good key among them is kept.
  EXPECT_EQ(parse({no_alg, hs, testing::rsa_jwk(rsa(), "ok", "RS256"), weak}, &jwks),
            JwtStatus::kOk);
  ASSERT_EQ(jwks.keys.size(), 1u);
  EXPECT_EQ(jwks.keys[0].kid, "ok");
}

TEST_F(JoseJwks, RejectsEcPointOffCurve) {
  auto jwk = testing::ec_jwk(p256(), "e", "ES256", "P-256", 32);
  std::string y = *crypto::base64url_decode(std::string(jwk.at("y").as_string()));
  y[31] ^= 1;
  jwk["y"] = testing::b64(y);
  Jwks jwks;
  EXPECT_EQ(parse({jwk}, &jwks), JwtStatus::kJwksNoKeys);
}

TEST_F(JoseJwks, DuplicateKidFirstWins) {
  Jwks jwks;
  ASSERT_EQ(parse({testing::rsa_jwk(rsa(), "same", "RS256"),
                   testing::ec_jwk(p256(), "same", "ES256", "P-256", 32)},
                  &jwks),
            JwtStatus::kOk);
  ASSERT_EQ(jwks.keys.size(), 1u);
  EXPECT_EQ(jwks.keys[0].alg, "RS256");
}

TEST(JoseAlgs, SupportedSet) {
  for (const char* alg :
       {"RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512"}) {
    EXPECT_TRUE(is_supported_alg(alg)) << alg;
  }
  for (const char* alg : {"none", "HS256", "HS384", "HS512", "EdDSA", "rs256", ""}) {
    EXPECT_FALSE(is_supported_alg(alg)) << alg;
  }
}

}  // namespace
}  // namespace gatehouse::jose
