#include "gatehouse/jose/signing_key.h"

#include "gatehouse/jose/jwk.h"
#include "gatehouse/jose/jwt.h"
#include "gatehouse/jose/verify.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>

#include "support/matchers.h"
#include "support/temp_dir.h"

namespace gatehouse::jose {
namespace {

namespace fs = std::filesystem;

using ::gatehouse::testing::ErrcIs;
using ::gatehouse::testing::IsOk;

class JoseSigningKeyFile : public ::testing::Test {
 protected:
  ::gatehouse::testing::TempDir dir_;
};

TEST(JoseSigningKey, PublicJwkShapeAndThumbprintKid) {
  SigningKey key = *SigningKey::generate_rsa(2048);
  boost::json::object jwk = key.public_jwk();
  EXPECT_EQ(jwk.at("kty"), "RSA");
  EXPECT_EQ(jwk.at("alg"), "RS256");
  EXPECT_EQ(jwk.at("use"), "sig");
  EXPECT_EQ(jwk.at("e"), "AQAB");
  EXPECT_EQ(jwk.at("kid").as_string(), key.kid());
  EXPECT_EQ(jwk.at("n").as_string().size(), 342u);  // 256 bytes, base64url
  EXPECT_EQ(key.kid(), rsa_jwk_thumbprint(jwk.at("n").as_string(), jwk.at("e").as_string()));
  EXPECT_EQ(jwk.size(), 6u);  // nothing private
}

TEST(JoseSigningKey, Rfc7638ThumbprintVector) {
  const char* n =
      "0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECP"
      "ebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY"
      "368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0f"
      "M4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw";
  EXPECT_EQ(rsa_jwk_thumbprint(n, "AQAB"), "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs");
}

// A P-256 key made with `openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256`;
// x, y and the RFC 7638 thumbprint computed apart from this code (Python: cryptography's
// public numbers, hashlib.sha256 of the canonical JSON).
constexpr const char* kEcPem = R"(-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgBBI3u1qkW8zFUZio
88OdJJH9wWqdxDP+rDxgE3Cd/gShRANCAASgrOD60Sm2v3NIt7Lg+JE6iN/+RV9q
ODszqKvPUBD5niGMy4FVURgYfiEtyPhbzdnSZYA17NuZkhaDTWhGJEFC
-----END PRIVATE KEY-----
)";

TEST(JoseSigningKey, Es256PublicJwkAndThumbprintKid) {
  Result<SigningKey> key = SigningKey::from_pem(kEcPem);
  ASSERT_THAT(key, IsOk());
  EXPECT_EQ(key->alg(), "ES256");
  boost::json::object jwk = key->public_jwk();
  EXPECT_EQ(jwk.at("kty"), "EC");
  EXPECT_EQ(jwk.at("crv"), "P-256");
  EXPECT_EQ(jwk.at("alg"), "ES256");
  EXPECT_EQ(jwk.at("use"), "sig");
  EXPECT_EQ(jwk.at("x"), "oKzg-tEptr9zSLey4PiROojf_kVfajg7M6irz1AQ-Z4");
  EXPECT_EQ(jwk.at("y"), "IYzLgVVRGBh-IS3I-FvN2dJlgDXs25mSFoNNaEYkQUI");
  EXPECT_EQ(key->kid(), "OshrDCX-SSWODyzWLS2GIHUoNk7M1F6U0aWE9G6xjlw");
  EXPECT_EQ(jwk.at("kid").as_string(), key->kid());
  EXPECT_EQ(jwk.size(), 7u);  // nothing private (no "d")
}

TEST(JoseSigningKey, Es256SignaturesAre64BytesAndVerify) {
  SigningKey key = *SigningKey::generate("ES256");
  EXPECT_EQ(key.alg(), "ES256");
  Jwks jwks;
  ASSERT_EQ(parse_jwks(boost::json::object{{"keys", boost::json::array{key.public_jwk()}}}, &jwks),
            JwtStatus::kOk);
  for (int i = 0; i < 20; ++i) {  // r or s with a leading zero byte still gives 64 bytes
    EXPECT_EQ(key.sign("data " + std::to_string(i)).size(), 64u);
  }
  const Jwk* jwk = jwks.find(key.kid());
  ASSERT_NE(jwk, nullptr);
  EXPECT_TRUE(verify_signature(*jwk, "ES256", "data", key.sign("data")));
  EXPECT_FALSE(verify_signature(*jwk, "ES256", "other", key.sign("data")));
  EXPECT_FALSE(verify_signature(*jwk, "RS256", "data", key.sign("data")));  // alg pinned per key
  std::string token = sign_jwt(key, {{"sub", "u"}, {"iss", "P1"}, {"iat", 100}, {"exp", 200}});
  Jwt jwt;
  EXPECT_EQ(verify_jwt(token, jwks, {.now = 150, .expected_issuer = "P1"}, &jwt), JwtStatus::kOk);
  EXPECT_EQ(jwt.alg, "ES256");
  EXPECT_EQ(jwt.kid, key.kid());
  // PEM round trip keeps the kid; ECDSA is randomised, so compare by verifying.
  Result<SigningKey> back = SigningKey::from_pem(key.to_pem());
  ASSERT_THAT(back, IsOk());
  EXPECT_EQ(back->kid(), key.kid());
  EXPECT_TRUE(verify_signature(*jwk, "ES256", "data", back->sign("data")));
}

TEST(JoseSigningKey, GenerateKnowsTwoAlgorithms) {
  EXPECT_EQ(SigningKey::generate("RS256")->alg(), "RS256");
  EXPECT_THAT(SigningKey::generate("HS256"), ErrcIs(Errc::kInvalidArgument));
  EXPECT_THAT(SigningKey::generate("none"), ErrcIs(Errc::kInvalidArgument));
  EXPECT_THAT(SigningKey::generate("ES384"), ErrcIs(Errc::kInvalidArgument));
}

TEST(JoseSigningKey, PemRoundTripKeepsKid) {
  SigningKey key = *SigningKey::generate_rsa(2048);
  std::string pem = key.to_pem();
  EXPECT_TRUE(pem.starts_with("-----BEGIN PRIVATE KEY-----"));
  Result<SigningKey> back = SigningKey::from_pem(pem);
  ASSERT_THAT(back, IsOk());
  EXPECT_EQ(back->kid(), key.kid());
  EXPECT_EQ(back->sign("data"), key.sign("data"));  // PKCS#1 v1.5 is deterministic
}

TEST(JoseSigningKey, RejectsBadInput) {
  EXPECT_FALSE(SigningKey::generate_rsa(1024));
  Result<SigningKey> garbage = SigningKey::from_pem("-----BEGIN PRIVATE KEY-----\nxx\n");
  ASSERT_THAT(garbage, ErrcIs(Errc::kInvalidArgument));
  EXPECT_FALSE(SigningKey::from_pem(""));
  // EC keys on other curves are refused: only P-256 (ES256) signs.
  constexpr const char* kP384Pem = R"(-----BEGIN PRIVATE KEY-----
MIG2AgEAMBAGByqGSM49AgEGBSuBBAAiBIGeMIGbAgEBBDDutsEfmNclqSI15E5T
YalfqunjQmqC45z2HeSEo6ypUgSZ4x5NfTI0SBR5GWBNfcKhZANiAASZ+r79JnpH
aRpDVJgW4X3CcPM1y/99cM5tdwSw8XYQ4wpC0W9s57OZEhXeldnP2ROYWvby/soS
/PHE4XJs3YniRoHZyH2NjdQJcJ0PkAFAo7a9qoS0olcNry8pHyZZn8o=
-----END PRIVATE KEY-----
)";
  EXPECT_THAT(SigningKey::from_pem(kP384Pem), ErrcIs(Errc::kInvalidArgument));
}

TEST_F(JoseSigningKeyFile, CreatedWithMode0600AndReloadedWithSameKid) {
  std::string path = dir_.file("signing.pem");
  Result<SigningKey> created = load_or_create_signing_key(path);
  ASSERT_THAT(created, IsOk());
  struct stat st {};
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  Result<SigningKey> loaded = load_or_create_signing_key(path);
  ASSERT_THAT(loaded, IsOk());
  EXPECT_EQ(loaded->kid(), created->kid());
  // No temp files left behind.
  EXPECT_EQ(std::distance(fs::directory_iterator(dir_.path()), fs::directory_iterator()), 1);
}

TEST_F(JoseSigningKeyFile, RefusesKeyReadableByOthers) {
  std::string path = dir_.file("signing.pem");
  ASSERT_TRUE(load_or_create_signing_key(path));
  fs::permissions(path, fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read);
  Result<SigningKey> r = load_or_create_signing_key(path);
  ASSERT_THAT(r, ErrcIs(Errc::kInvalidArgument));
}

TEST_F(JoseSigningKeyFile, GarbageFileIsAnErrorNotReplaced) {
  std::string path = dir_.file("signing.pem");
  std::ofstream(path) << "not a key";
  fs::permissions(path, fs::perms::owner_read | fs::perms::owner_write);
  EXPECT_FALSE(load_or_create_signing_key(path));
  std::ifstream in(path);
  std::string content((std::istreambuf_iterator<char>(in)), {});
  EXPECT_EQ(content, "not a key");
}

TEST_F(JoseSigningKeyFile, SaveNeverReplacesAFileAndLoadReadsItBack) {
  std::string path = dir_.file("k.pem");
  EXPECT_THAT(load_signing_key(path), ErrcIs(Errc::kNotFound));
  Result<SigningKey> a = SigningKey::generate_rsa(2048);
  Result<SigningKey> b = SigningKey::generate_rsa(2048);
  ASSERT_THAT(a, IsOk());
  ASSERT_THAT(b, IsOk());
  ASSERT_THAT(save_signing_key(*a, path), IsOk());
  struct stat st {};
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  // Another key for the same file loses: the first key stays.
  EXPECT_THAT(save_signing_key(*b, path), ErrcIs(Errc::kConflict));
  Result<SigningKey> loaded = load_signing_key(path);
  ASSERT_THAT(loaded, IsOk());
  EXPECT_EQ(loaded->kid(), a->kid());
  EXPECT_EQ(std::distance(fs::directory_iterator(dir_.path()), fs::directory_iterator()), 1);
  fs::permissions(path, fs::perms::owner_read | fs::perms::others_read);
  EXPECT_THAT(load_signing_key(path), ErrcIs(Errc::kInvalidArgument));
}

TEST_F(JoseSigningKeyFile, MissingDirectoryIsAnError) {
  Result<SigningKey> r = load_or_create_signing_key((dir_.path() / "nope" / "k.pem").string());
  ASSERT_THAT(r, ErrcIs(Errc::kInternal));
}

}  // namespace
}  // namespace gatehouse::jose
