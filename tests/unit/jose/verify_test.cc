#include "gatehouse/jose/verify.h"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <atomic>
#include <thread>
#include <vector>

#include "gatehouse/jose/signing_key.h"
#include "jose_test_util.h"

namespace gatehouse::jose {
namespace {

using testing::b64;
using testing::signing_input;

constexpr int64_t kNow = 1'735'000'000;
const char kProject[] = "P2abcdefghijklmnopqrstuvwxyz";

class JoseVerify : public ::testing::Test {
 protected:
  static const SigningKey& key() {
    static const SigningKey k = *SigningKey::generate_rsa(2048);
    return k;
  }
  static Jwks jwks_of(const boost::json::array& keys) {
    Jwks jwks;
    EXPECT_EQ(parse_jwks(boost::json::value{{"keys", keys}}, &jwks), JwtStatus::kOk);
    return jwks;
  }
  static const Jwks& jwks() {
    static const Jwks j = jwks_of({key().public_jwk()});
    return j;
  }
  static boost::json::object claims() {
    return {{"sub", "U2user"},   {"iss", kProject}, {"iat", kNow - 10},
            {"exp", kNow + 600}, {"drn", "DS"},     {"roles", boost::json::array{"teacher"}}};
  }
  static boost::json::object header(std::string alg = "RS256") {
    return {{"alg", alg}, {"kid", key().kid()}, {"typ", "JWT"}};
  }
  static std::string rs256(const boost::json::object& h, const boost::json::object& p) {
    std::string input = signing_input(h, p);
    return input + "." + b64(key().sign(input));
  }
  static JwtStatus verify(std::string_view token, int64_t now = kNow,
                          std::string issuer = kProject) {
    Jwt jwt;
    return verify_jwt(token, jwks(), VerifyOptions{.now = now, .expected_issuer = issuer}, &jwt);
  }
};

TEST_F(JoseVerify, RoundTrip) {
  std::string token = sign_jwt(key(), claims());
  Jwt jwt;
  ASSERT_EQ(verify_jwt(token, jwks(), {.now = kNow, .expected_issuer = kProject}, &jwt),
            JwtStatus::kOk);
  EXPECT_EQ(jwt.alg, "RS256");
  EXPECT_EQ(jwt.kid, key().kid());
  EXPECT_EQ(jwt.sub, "U2user");
  EXPECT_EQ(jwt.iss, kProject);
  EXPECT_EQ(jwt.iat, kNow - 10);
  EXPECT_EQ(jwt.exp, kNow + 600);
  EXPECT_EQ(jwt.raw, token);
  EXPECT_EQ(jwt.payload.at("roles").as_array().at(0), "teacher");
  EXPECT_EQ(boost::json::serialize(jwt.header),
            R"({"alg":"RS256","kid":")" + key().kid() + R"(","typ":"JWT"})");
}

TEST_F(JoseVerify, ExpiryLeewayEdges) {
  auto with_exp = [](int64_t exp) {
    boost::json::object c = claims();
    c["iat"] = exp - 600;
    c["exp"] = exp;
    return sign_jwt(key(), c);
  };
  EXPECT_EQ(verify(with_exp(kNow - 4)), JwtStatus::kOk);
  EXPECT_EQ(verify(with_exp(kNow - 5)), JwtStatus::kJwtExpired);  // exp <= now - leeway
  EXPECT_EQ(verify(with_exp(kNow - 6)), JwtStatus::kJwtExpired);
  EXPECT_EQ(verify(with_exp(kNow - 3600)), JwtStatus::kJwtExpired);
  Jwt jwt;
  EXPECT_EQ(verify_jwt(with_exp(kNow - 6), jwks(), {.now = kNow, .leeway = 10}, &jwt),
            JwtStatus::kOk);
}

TEST_F(JoseVerify, NotYetValid) {
  boost::json::object c = claims();
  c["iat"] = kNow + 5;
  EXPECT_EQ(verify(sign_jwt(key(), c)), JwtStatus::kOk);
  c["iat"] = kNow + 6;
  EXPECT_EQ(verify(sign_jwt(key(), c)), JwtStatus::kJwtNotYetValid);
  c["iat"] = kNow + 86400;
  c["exp"] = kNow + 90000;
  EXPECT_EQ(verify(sign_jwt(key(), c)), JwtStatus::kJwtNotYetValid);
  c = claims();
  c["nbf"] = kNow + 60;
  EXPECT_EQ(verify(sign_jwt(key(), c)), JwtStatus::kJwtNotYetValid);
  c["nbf"] = kNow;
  EXPECT_EQ(verify(sign_jwt(key(), c)), JwtStatus::kOk);
}

TEST_F(JoseVerify, WrongIssuer) {
  boost::json::object c = claims();
  c["iss"] = "P2someoneelse";
  EXPECT_EQ(verify(sign_jwt(key(), c)), JwtStatus::kJwtWrongIssuer);
  c["iss"] = std::string("https://evil.example/") + kProject + "x";
  EXPECT_EQ(verify(sign_jwt(key(), c)), JwtStatus::kJwtWrongIssuer);
  c["iss"] = std::string("https://gatehouse.example/") + kProject;
  EXPECT_EQ(verify(sign_jwt(key(), c)), JwtStatus::kOk);
  // Empty expected issuer: not checked.
  c["iss"] = "anything";
  EXPECT_EQ(verify(sign_jwt(key(), c), kNow, ""), JwtStatus::kOk);
}

TEST(JoseIssuer, ProjectIdRule) {
  EXPECT_TRUE(issuer_names_project("P2a", "P2a"));
  EXPECT_TRUE(issuer_names_project("https://api.example.com/P2a", "P2a"));
  EXPECT_TRUE(issuer_names_project("https://api.example.com/P2a/", "P2a"));
  EXPECT_TRUE(issuer_names_project("https://api.example.com/v1/P2a/session", "P2a"));
  EXPECT_TRUE(issuer_names_project("/P2a", "P2a"));
  EXPECT_FALSE(issuer_names_project("https://api.example.com/P2a/x/y", "P2a"));
  EXPECT_FALSE(issuer_names_project("P2ab", "P2a"));
  EXPECT_FALSE(issuer_names_project("xP2a", "P2a"));
  EXPECT_FALSE(issuer_names_project("https://P2a.example.com/x/y", "P2a"));
  EXPECT_FALSE(issuer_names_project("", "P2a"));
  EXPECT_FALSE(issuer_names_project("", ""));
}

TEST_F(JoseVerify, UnknownKid) {
  boost::json::object h = header();
  h["kid"] = "no-such-key";
  EXPECT_EQ(verify(rs256(h, claims())), JwtStatus::kJwksKidNotFound);
  h["kid"] = key().kid() + " ";  // exact match only
  EXPECT_EQ(verify(rs256(h, claims())), JwtStatus::kJwksKidNotFound);
}

TEST_F(JoseVerify, MissingKid) {
  boost::json::object h = header();
  h.erase("kid");
  EXPECT_EQ(verify(rs256(h, claims())), JwtStatus::kJwtHeaderNoKid);
  h["kid"] = "";
  EXPECT_EQ(verify(rs256(h, claims())), JwtStatus::kJwtHeaderNoKid);
  h["kid"] = 7;
  EXPECT_EQ(verify(rs256(h, claims())), JwtStatus::kJwtHeaderParseError);
}

TEST_F(JoseVerify, TamperedPayload) {
  std::string token = sign_jwt(key(), claims());
  boost::json::object c = claims();
  c["roles"] = boost::json::array{"admin"};
  size_t d1 = token.find('.'), d2 = token.rfind('.');
  std::string forged = token.substr(0, d1 + 1) + b64(boost::json::serialize(c)) + token.substr(d2);
  EXPECT_EQ(verify(forged), JwtStatus::kJwtVerificationFail);
}

TEST_F(JoseVerify, TruncatedSignature) {
  std::string token = sign_jwt(key(), claims());
  // 342 → 340 chars: still canonical base64url, but one byte short of the modulus length.
  EXPECT_EQ(verify(token.substr(0, token.size() - 2)), JwtStatus::kJwtVerificationFail);
  // 342 → 341 chars: length 1 mod 4 is not base64url at all.
  EXPECT_EQ(verify(token.substr(0, token.size() - 1)), JwtStatus::kJwtSignatureParseError);
  EXPECT_EQ(verify(token.substr(0, token.rfind('.') + 1)), JwtStatus::kJwtSignatureParseError);
  // Same length, one bit flipped.
  std::string flipped = token;
  flipped[flipped.size() - 10] = flipped[flipped.size() - 10] == 'A' ? 'B' : 'A';
  EXPECT_EQ(verify(flipped), JwtStatus::kJwtVerificationFail);
}

TEST_F(JoseVerify, AlgNoneRejected) {
  for (const char* alg : {"none", "None", "NONE", ""}) {
    std::string token = signing_input(header(alg), claims()) + ".";
    EXPECT_EQ(verify(token), JwtStatus::kJwtHeaderBadAlg) << alg;
    EXPECT_EQ(verify(token + "AAAA"), JwtStatus::kJwtHeaderBadAlg) << alg;
  }
  boost::json::object h = header();
  h.erase("alg");
  EXPECT_EQ(verify(rs256(h, claims())), JwtStatus::kJwtHeaderBadAlg);
  h["alg"] = 256;
  EXPECT_EQ(verify(rs256(h, claims())), JwtStatus::kJwtHeaderBadAlg);
}

TEST_F(JoseVerify, HmacWithPublicKeyAsSecretRejected) {
  // The classic alg-confusion forgery: HS256 keyed with material the attacker can fetch.
  auto pkey = testing::pkey_from_pem(key().to_pem());
  boost::json::object jwk = key().public_jwk();
  const std::string secrets[] = {
      testing::public_pem(pkey.get()),
      *crypto::base64url_decode(std::string(jwk.at("n").as_string())),
      boost::json::serialize(jwk),
  };
  for (const std::string& secret : secrets) {
    for (const char* alg : {"HS256", "HS384", "HS512"}) {
      std::string input = signing_input(header(alg), claims());
      std::string token = input + "." + b64(testing::hmac_sha256(secret, input));
      EXPECT_EQ(verify(token), JwtStatus::kJwtHeaderBadAlg) << alg;
    }
  }
}

TEST_F(JoseVerify, ForeignKeyWithKnownKid) {
  SigningKey foreign = *SigningKey::generate_rsa(2048);
  std::string input = signing_input(header(), claims());  // carries our kid
  std::string token = input + "." + b64(foreign.sign(input));
  EXPECT_EQ(verify(token), JwtStatus::kJwtVerificationFail);
}

TEST_F(JoseVerify, KeyAlgMustEqualTokenAlg) {
  auto pkey = testing::pkey_from_pem(key().to_pem());
  // The same RSA key published as RS384: an RS256 token may not use it.
  Jwks rs384 = jwks_of({testing::rsa_jwk(pkey.get(), key().kid(), "RS384")});
  Jwt jwt;
  EXPECT_EQ(verify_jwt(sign_jwt(key(), claims()), rs384, {.now = kNow}, &jwt),
            JwtStatus::kJwksAlgMismatch);
  // A PS256 token against the RS256 key.
  std::string input = signing_input(header("PS256"), claims());
  std::string ps = input + "." + b64(testing::sign_raw(pkey.get(), EVP_sha256(), input, true));
  EXPECT_EQ(verify(ps), JwtStatus::kJwksAlgMismatch);
  // An ES256 header naming the RSA key.
  std::string es = signing_input(header("ES256"), claims()) + "." + b64(std::string(64, 'x'));
  EXPECT_EQ(verify(es), JwtStatus::kJwksAlgMismatch);
}

TEST_F(JoseVerify, OtherAlgorithmsRoundTrip) {
  struct Case {
    const char* alg;
    testing::PkeyPtr key;
    boost::json::object jwk;
    const EVP_MD* md;
    bool pss;
    int coord;
  };
  auto p256 = testing::make_ec_key("P-256");
  auto p384 = testing::make_ec_key("P-384");
  auto p521 = testing::make_ec_key("P-521");
  auto rsa = testing::make_rsa_key(2048);
  std::vector<Case> cases = {
      {"ES256", p256, testing::ec_jwk(p256.get(), "e1", "ES256", "P-256", 32), EVP_sha256(), false,
       32},
      {"ES384", p384, testing::ec_jwk(p384.get(), "e2", "ES384", "P-384", 48), EVP_sha384(), false,
       48},
      {"ES512", p521, testing::ec_jwk(p521.get(), "e3", "ES512", "P-521", 66), EVP_sha512(), false,
       66},
      {"PS256", rsa, testing::rsa_jwk(rsa.get(), "r1", "PS256"), EVP_sha256(), true, 0},
      {"RS512", rsa, testing::rsa_jwk(rsa.get(), "r2", "RS512"), EVP_sha512(), false, 0},
  };
  boost::json::array keys;
  for (const Case& c : cases) keys.push_back(c.jwk);
  Jwks set = jwks_of(keys);
  ASSERT_EQ(set.keys.size(), cases.size());
  for (const Case& c : cases) {
    boost::json::object h{{"alg", c.alg}, {"kid", c.jwk.at("kid")}};
    std::string input = signing_input(h, claims());
    std::string sig = testing::sign_raw(c.key.get(), c.md, input, c.pss, c.coord);
    Jwt jwt;
    EXPECT_EQ(verify_jwt(input + "." + b64(sig), set, {.now = kNow}, &jwt), JwtStatus::kOk)
        << c.alg;
    sig[sig.size() / 2] ^= 1;
    EXPECT_EQ(verify_jwt(input + "." + b64(sig), set, {.now = kNow}, &jwt),
              JwtStatus::kJwtVerificationFail)
        << c.alg;
  }
}

TEST_F(JoseVerify, MalformedTokens) {
  std::string good = sign_jwt(key(), claims());
  EXPECT_EQ(verify(""), JwtStatus::kJwtMalformed);
  EXPECT_EQ(verify("abc"), JwtStatus::kJwtMalformed);
  EXPECT_EQ(verify("a.b"), JwtStatus::kJwtMalformed);
  EXPECT_EQ(verify(good + ".x"), JwtStatus::kJwtMalformed);
  EXPECT_EQ(verify("a+b." + good.substr(good.find('.') + 1)), JwtStatus::kJwtMalformed);
  EXPECT_EQ(verify(std::string(kMaxJwtSize + 1, 'a')), JwtStatus::kJwtMalformed);
  std::string rest = good.substr(good.find('.'));
  EXPECT_EQ(verify(b64("not json") + rest), JwtStatus::kJwtHeaderParseError);
  EXPECT_EQ(verify(b64("[1]") + rest), JwtStatus::kJwtHeaderParseError);
  boost::json::object crit = header();
  crit["crit"] = boost::json::array{"exp"};
  EXPECT_EQ(verify(rs256(crit, claims())), JwtStatus::kJwtHeaderParseError);
  std::string h = good.substr(0, good.find('.'));
  EXPECT_EQ(verify(h + "." + b64("nope") + good.substr(good.rfind('.'))),
            JwtStatus::kJwtPayloadParseError);
}

TEST_F(JoseVerify, RepeatedMemberNamesRejected) {
  // RFC 7515 §5.2 / RFC 8725 §3.11: Boost.JSON keeps the last of two equal names, another
  // parser may keep the first, so one signed token would carry two sets of claims.
  auto signed_texts = [](const std::string& header, const std::string& payload) {
    std::string input = b64(header) + "." + b64(payload);
    return input + "." + b64(key().sign(input));
  };
  std::string good_header = boost::json::serialize(header());
  std::string claims_text = boost::json::serialize(claims());
  std::string members = claims_text.substr(1, claims_text.size() - 2);
  EXPECT_EQ(verify(signed_texts(good_header, claims_text)), JwtStatus::kOk);
  EXPECT_EQ(verify(signed_texts(R"({"alg":"none","alg":"RS256","kid":")" + key().kid() + R"("})",
                                claims_text)),
            JwtStatus::kJwtHeaderParseError);
  EXPECT_EQ(verify(signed_texts(good_header, "{\"exp\":1," + members + "}")),
            JwtStatus::kJwtPayloadParseError);
  // Equal after unescaping.
  EXPECT_EQ(verify(signed_texts(good_header, "{" + members + ",\"\\u0073ub\":\"U2other\"}")),
            JwtStatus::kJwtPayloadParseError);
  // At any depth.
  EXPECT_EQ(verify(signed_texts(good_header,
                                "{" + members + R"(,"tenants":{"T1":{"roles":[]},"T1":{}}})")),
            JwtStatus::kJwtPayloadParseError);
  // The same name in different objects is fine.
  EXPECT_EQ(
      verify(signed_texts(good_header,
                          "{" + members + R"(,"tenants":{"T1":{"roles":[]},"T2":{"roles":[]}}})")),
      JwtStatus::kOk);
}

TEST_F(JoseVerify, RequiredClaims) {
  for (const char* name : {"exp", "iat", "iss", "sub"}) {
    boost::json::object c = claims();
    c.erase(name);
    EXPECT_EQ(verify(sign_jwt(key(), c)), JwtStatus::kJwtMissingClaim) << name;
  }
  boost::json::object c = claims();
  c["exp"] = "tomorrow";
  EXPECT_EQ(verify(sign_jwt(key(), c)), JwtStatus::kJwtMissingClaim);
  c = claims();
  c["sub"] = 42;
  EXPECT_EQ(verify(sign_jwt(key(), c)), JwtStatus::kJwtMissingClaim);
  c = claims();
  c["nbf"] = "now";
  EXPECT_EQ(verify(sign_jwt(key(), c)), JwtStatus::kJwtMissingClaim);
  c = claims();
  c["exp"] = static_cast<double>(kNow + 600) + 0.5;  // fractional NumericDate is fine
  EXPECT_EQ(verify(sign_jwt(key(), c)), JwtStatus::kOk);
}

TEST_F(JoseVerify, OutIsFilledForRejectedTokens) {
  boost::json::object c = claims();
  c["exp"] = kNow - 100;
  c["iat"] = kNow - 700;
  Jwt jwt;
  EXPECT_EQ(verify_jwt(sign_jwt(key(), c), jwks(), {.now = kNow}, &jwt), JwtStatus::kJwtExpired);
  EXPECT_EQ(jwt.sub, "U2user");
  EXPECT_EQ(verify_jwt(sign_jwt(key(), claims()), jwks(), {.now = kNow}, nullptr), JwtStatus::kOk);
}

TEST_F(JoseVerify, ConcurrentSignAndVerify) {
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 20; ++i) {
        if (verify(sign_jwt(key(), claims())) != JwtStatus::kOk) ++failures;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(failures, 0);
}

TEST(JoseStatus, EveryValueHasAName) {
  for (int i = 0; i <= static_cast<int>(JwtStatus::kJwksFetchFail); ++i) {
    EXPECT_STRNE(jwt_status_name(static_cast<JwtStatus>(i)), "Unknown") << i;
    EXPECT_STRNE(jwt_status_message(static_cast<JwtStatus>(i)), "invalid") << i;
  }
  EXPECT_STREQ(jwt_status_name(JwtStatus::kJwtExpired), "JwtExpired");
}

}  // namespace
}  // namespace gatehouse::jose
