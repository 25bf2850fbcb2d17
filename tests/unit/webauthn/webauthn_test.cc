// The WebAuthn verification library against a software authenticator: valid ceremonies
// for every supported key type and attestation format, then one wrong thing at a time.
#include "gatehouse/webauthn/webauthn.h"

#include <gtest/gtest.h>

#include <ctime>

#include "gatehouse/crypto/base64url.h"
#include "gatehouse/crypto/random.h"
#include "support/soft_authenticator.h"

namespace gatehouse::webauthn {
namespace {

using testing::SoftAuthenticator;

constexpr const char* kOrigin = "http://localhost:8080";
constexpr const char* kRpId = "localhost";

int64_t now() { return static_cast<int64_t>(std::time(nullptr)); }

Expected expected(const std::string& challenge, bool require_uv = false) {
  return Expected{challenge, {"https://other.example", kOrigin}, kRpId, require_uv};
}

SoftAuthenticator::Ceremony ceremony(const std::string& challenge,
                                     const std::string& format = "none") {
  SoftAuthenticator::Ceremony c;
  c.rp_id = kRpId;
  c.challenge = challenge;
  c.origin = kOrigin;
  c.format = format;
  return c;
}

// Registers `a` and returns what the server would store.
StoredCredential register_ok(SoftAuthenticator& a) {
  std::string ch = crypto::random_bytes(32);
  auto made = a.create(ceremony(ch));
  auto reg =
      verify_registration(made.attestation_object, made.client_data_json, expected(ch), now());
  EXPECT_TRUE(reg) << (reg ? "" : reg.failure().detail);
  if (!reg) return {};
  return StoredCredential{reg->key, reg->sign_count};
}

struct Case {
  SoftAuthenticator::Alg alg;
  const char* format;
};

class RegistrationTest : public ::testing::TestWithParam<Case> {};

TEST_P(RegistrationTest, ValidRegistrationThenAssertion) {
  SoftAuthenticator a(GetParam().alg);
  a.counter = 3;
  std::string ch = crypto::random_bytes(32);
  auto made = a.create(ceremony(ch, GetParam().format));
  auto reg = verify_registration(made.attestation_object, made.client_data_json, expected(ch, true),
                                 now());
  ASSERT_TRUE(reg) << reg.failure().detail;
  EXPECT_EQ(reg->credential_id, a.credential_id);
  EXPECT_EQ(reg->key.alg, GetParam().alg == SoftAuthenticator::kEs256 ? kEs256 : kRs256);
  EXPECT_EQ(reg->format,
            "packed-x5c" == std::string(GetParam().format) ? "packed" : GetParam().format);
  EXPECT_EQ(reg->sign_count, 3u);
  EXPECT_TRUE(reg->user_verified);

  std::string ch2 = crypto::random_bytes(32);
  auto got = a.get(ceremony(ch2));
  auto as = verify_assertion(got.authenticator_data, got.client_data_json, got.signature,
                             expected(ch2, true), StoredCredential{reg->key, reg->sign_count});
  ASSERT_TRUE(as) << as.failure().detail;
  EXPECT_EQ(as->sign_count, 4u);
  EXPECT_TRUE(as->user_verified);
}

INSTANTIATE_TEST_SUITE_P(Formats, RegistrationTest,
                         ::testing::Values(Case{SoftAuthenticator::kEs256, "none"},
                                           Case{SoftAuthenticator::kEs256, "packed"},
                                           Case{SoftAuthenticator::kEs256, "packed-x5c"},
                                           Case{SoftAuthenticator::kRs256, "none"},
                                           Case{SoftAuthenticator::kRs256, "packed"}));

TEST(WebAuthnRegistration, WrongOriginTypeChallengeAndRpId) {
  SoftAuthenticator a;
  std::string ch = crypto::random_bytes(32);
  auto c = ceremony(ch);

  c.origin = "http://evil.example";
  auto made = a.create(c);
  EXPECT_EQ(verify_registration(made.attestation_object, made.client_data_json, expected(ch), now())
                .check(),
            Check::kOriginMismatch);

  c = ceremony(ch);
  c.type = "webauthn.get";
  made = a.create(c);
  EXPECT_EQ(verify_registration(made.attestation_object, made.client_data_json, expected(ch), now())
                .check(),
            Check::kWrongType);

  made = a.create(ceremony(crypto::random_bytes(32)));
  EXPECT_EQ(verify_registration(made.attestation_object, made.client_data_json, expected(ch), now())
                .check(),
            Check::kChallengeMismatch);

  a.rp_id_override = "evil.example";
  made = a.create(ceremony(ch));
  EXPECT_EQ(verify_registration(made.attestation_object, made.client_data_json, expected(ch), now())
                .check(),
            Check::kRpIdMismatch);
}

TEST(WebAuthnRegistration, FlagsAndFormats) {
  SoftAuthenticator a;
  std::string ch = crypto::random_bytes(32);
  a.user_verified = false;
  auto made = a.create(ceremony(ch));
  EXPECT_EQ(verify_registration(made.attestation_object, made.client_data_json,
                                expected(ch, /*require_uv=*/true), now())
                .check(),
            Check::kUserNotVerified);
  EXPECT_TRUE(
      verify_registration(made.attestation_object, made.client_data_json, expected(ch), now()));
  a.user_present = false;
  made = a.create(ceremony(ch));
  EXPECT_EQ(verify_registration(made.attestation_object, made.client_data_json, expected(ch), now())
                .check(),
            Check::kUserNotPresent);
  a.user_present = true;
  made = a.create(ceremony(ch, "tpm"));
  EXPECT_EQ(verify_registration(made.attestation_object, made.client_data_json, expected(ch), now())
                .check(),
            Check::kUnsupportedFormat);
}

TEST(WebAuthnRegistration, PackedSignatureMustVerify) {
  SoftAuthenticator a;
  std::string ch = crypto::random_bytes(32);
  auto made = a.create(ceremony(ch, "packed"));
  // Same attestation object, other client data: the attestation signature no longer
  // covers it (the challenge is still the issued one).
  std::string other = SoftAuthenticator::client_data("webauthn.create", ch, kOrigin);
  other.insert(other.size() - 1, ",\"extra\":1");
  EXPECT_EQ(verify_registration(made.attestation_object, other, expected(ch), now()).check(),
            Check::kBadAttestation);
  // x5c: a certificate that is not valid at `now`.
  auto x5c = a.create(ceremony(ch, "packed-x5c"));
  EXPECT_TRUE(
      verify_registration(x5c.attestation_object, x5c.client_data_json, expected(ch), now()));
  EXPECT_EQ(verify_registration(x5c.attestation_object, x5c.client_data_json, expected(ch),
                                now() + 3 * 365 * 86400)
                .check(),
            Check::kBadAttestation);
}

TEST(WebAuthnRegistration, CredentialIdLength) {
  SoftAuthenticator a;
  std::string ch = crypto::random_bytes(32);
  a.credential_id = std::string(8, 'x');
  auto made = a.create(ceremony(ch));
  EXPECT_EQ(verify_registration(made.attestation_object, made.client_data_json, expected(ch), now())
                .check(),
            Check::kCredentialIdLength);
  a.credential_id = std::string(1024, 'x');
  made = a.create(ceremony(ch));
  EXPECT_EQ(verify_registration(made.attestation_object, made.client_data_json, expected(ch), now())
                .check(),
            Check::kCredentialIdLength);
}

TEST(WebAuthnRegistration, MalformedCborNeverCrashes) {
  SoftAuthenticator a;
  std::string ch = crypto::random_bytes(32);
  auto made = a.create(ceremony(ch));
  auto want = expected(ch);
  const std::string& obj = made.attestation_object;
  // Every truncation, and every single-byte corruption of the first 200 bytes.
  for (size_t n = 0; n < obj.size(); ++n) {
    auto r = verify_registration(obj.substr(0, n), made.client_data_json, want, now());
    EXPECT_FALSE(r) << n;
  }
  for (size_t i = 0; i < std::min<size_t>(obj.size(), 200); ++i) {
    for (int bit : {0x01, 0x80, 0xff}) {
      std::string bad = obj;
      bad[i] = static_cast<char>(bad[i] ^ bit);
      (void)verify_registration(bad, made.client_data_json, want, now());
    }
  }
  // Huge declared lengths and deep nesting.
  for (std::string bad : {std::string("\xbb\xff\xff\xff\xff\xff\xff\xff\xff", 9),
                          std::string("\x9b\x00\x00\x00\xff\xff\xff\xff\xff", 9),
                          std::string("\x5a\xff\xff\xff\xff", 5), std::string(5000, '\x81'),
                          std::string("\xa1\x63"
                                      "fmt",
                                      5),
                          std::string()}) {
    EXPECT_EQ(verify_registration(bad, made.client_data_json, want, now()).check(),
              Check::kMalformed);
  }
  EXPECT_EQ(parse_cose_key("\xa0").check(), Check::kMalformed);
  EXPECT_EQ(parse_authenticator_data("short").check(), Check::kMalformed);
  EXPECT_EQ(parse_client_data("{\"type\":1}").check(), Check::kMalformed);
  EXPECT_EQ(parse_client_data("not json").check(), Check::kMalformed);
}

TEST(WebAuthnAssertion, BadSignatureAndWrongKey) {
  SoftAuthenticator a;
  StoredCredential stored = register_ok(a);
  std::string ch = crypto::random_bytes(32);
  auto got = a.get(ceremony(ch));
  std::string sig = got.signature;
  sig[sig.size() / 2] = static_cast<char>(sig[sig.size() / 2] ^ 0x01);
  EXPECT_EQ(
      verify_assertion(got.authenticator_data, got.client_data_json, sig, expected(ch), stored)
          .check(),
      Check::kBadSignature);
  SoftAuthenticator other;
  StoredCredential other_key = register_ok(other);
  EXPECT_EQ(verify_assertion(got.authenticator_data, got.client_data_json, got.signature,
                             expected(ch), other_key)
                .check(),
            Check::kBadSignature);
  EXPECT_TRUE(verify_assertion(got.authenticator_data, got.client_data_json, got.signature,
                               expected(ch), stored));
}

TEST(WebAuthnAssertion, ClientDataAndFlags) {
  SoftAuthenticator a;
  StoredCredential stored = register_ok(a);
  std::string ch = crypto::random_bytes(32);
  auto c = ceremony(ch);
  c.type = "webauthn.create";
  auto got = a.get(c);
  EXPECT_EQ(verify_assertion(got.authenticator_data, got.client_data_json, got.signature,
                             expected(ch), stored)
                .check(),
            Check::kWrongType);
  c = ceremony(ch);
  c.origin = "http://localhost:9999";
  got = a.get(c);
  EXPECT_EQ(verify_assertion(got.authenticator_data, got.client_data_json, got.signature,
                             expected(ch), stored)
                .check(),
            Check::kOriginMismatch);
  // The challenge of an earlier ceremony (a replay).
  std::string old = crypto::random_bytes(32);
  got = a.get(ceremony(old));
  EXPECT_EQ(verify_assertion(got.authenticator_data, got.client_data_json, got.signature,
                             expected(ch), stored)
                .check(),
            Check::kChallengeMismatch);
  a.rp_id_override = "example.com";
  got = a.get(ceremony(ch));
  EXPECT_EQ(verify_assertion(got.authenticator_data, got.client_data_json, got.signature,
                             expected(ch), stored)
                .check(),
            Check::kRpIdMismatch);
  a.rp_id_override.clear();
  a.user_verified = false;
  got = a.get(ceremony(ch));
  EXPECT_EQ(verify_assertion(got.authenticator_data, got.client_data_json, got.signature,
                             expected(ch, true), stored)
                .check(),
            Check::kUserNotVerified);
  a.user_present = false;
  got = a.get(ceremony(ch));
  EXPECT_EQ(verify_assertion(got.authenticator_data, got.client_data_json, got.signature,
                             expected(ch), stored)
                .check(),
            Check::kUserNotPresent);
}

TEST(WebAuthnAssertion, CounterMustIncrease) {
  SoftAuthenticator a;
  StoredCredential stored = register_ok(a);  // counter 0
  std::string ch = crypto::random_bytes(32);
  auto got = a.get(ceremony(ch));  // 1
  auto ok = verify_assertion(got.authenticator_data, got.client_data_json, got.signature,
                             expected(ch), stored);
  ASSERT_TRUE(ok);
  stored.sign_count = ok->sign_count;
  // The same counter again (a cloned authenticator, or a replayed assertion).
  a.counter_step = 0;
  got = a.get(ceremony(ch));
  EXPECT_EQ(verify_assertion(got.authenticator_data, got.client_data_json, got.signature,
                             expected(ch), stored)
                .check(),
            Check::kCounterRegression);
  a.counter = 0;
  got = a.get(ceremony(ch));
  EXPECT_EQ(verify_assertion(got.authenticator_data, got.client_data_json, got.signature,
                             expected(ch), stored)
                .check(),
            Check::kCounterRegression);
  // Both zero: an authenticator without a counter.
  stored.sign_count = 0;
  EXPECT_TRUE(verify_assertion(got.authenticator_data, got.client_data_json, got.signature,
                               expected(ch), stored));
}

TEST(WebAuthnResponses, ParseBrowserJson) {
  SoftAuthenticator a;
  a.user_handle = "U123";
  std::string ch = crypto::random_bytes(32);
  auto made = a.create(ceremony(ch));
  auto cr = parse_create_response(made.response_json);
  ASSERT_TRUE(cr) << cr.failure().detail;
  EXPECT_EQ(cr->credential_id, a.credential_id);
  EXPECT_EQ(cr->attestation_object, made.attestation_object);
  auto got = a.get(ceremony(ch));
  auto gr = parse_get_response(got.response_json);
  ASSERT_TRUE(gr) << gr.failure().detail;
  EXPECT_EQ(gr->user_handle, "U123");
  EXPECT_EQ(gr->signature, got.signature);
  EXPECT_EQ(parse_get_response("{}").check(), Check::kMalformed);
  EXPECT_EQ(parse_get_response("[1]").check(), Check::kMalformed);
  std::string id = crypto::base64url_encode(a.credential_id);
  EXPECT_EQ(parse_get_response("{\"id\":\"" + id + "\",\"rawId\":\"AAAA\",\"type\":\"public-key\"}")
                .check(),
            Check::kMalformed);
  EXPECT_EQ(parse_create_response(
                "{\"id\":\"AAAA\",\"rawId\":\"AAAA\",\"type\":\"public-key\",\"response\":{}}")
                .check(),
            Check::kCredentialIdLength);
  EXPECT_STREQ(check_name(Check::kCounterRegression), "counter_regression");
}

}  // namespace
}  // namespace gatehouse::webauthn
