#include "gatehouse/jose/signing_key.h"

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
