// The JWT attack corpus (tests/jwt_corpus) against core's verify_jwt: every crafted token
// is rejected with the JwtStatus its recipe names.
#include <gtest/gtest.h>

#include <set>

#include "gatehouse/jose/signing_key.h"
#include "gatehouse/jose/verify.h"
#include "jwt_corpus/corpus.h"
#include "support/matchers.h"

namespace gatehouse::jose {
namespace {

namespace corpus = gatehouse::testing::jwt_corpus;

constexpr int64_t kNow = 1'735'000'000;
const char kProject[] = "P2corpus0000000000000000000";

struct Fixture {
  SigningKey key = *SigningKey::generate_rsa(2048);
  corpus::Keys keys = corpus::Keys::make(key);
  corpus::Claims claims{.project = kProject,
                        .now = kNow,
                        .session = {{"sub", "U2admin000000000000000000000"},
                                    {"iss", kProject},
                                    {"iat", kNow - 10},
                                    {"exp", kNow + 600},
                                    {"drn", "DS"},
                                    {"amr", boost::json::array{"pwd"}},
                                    {"roles", boost::json::array{"admin"}},
                                    {"permissions", boost::json::array{}},
                                    {"tenants", boost::json::object{}}},
                        .refresh = {{"sub", "U2admin000000000000000000000"},
                                    {"iss", kProject},
                                    {"iat", kNow - 10},
                                    {"exp", kNow + 2'419'200},
                                    {"drn", "DSR"},
                                    {"jti", "R2corpus"},
                                    {"amr", boost::json::array{"pwd"}}}};
  Jwks jwks;
  Fixture() {
    if (parse_jwks(keys.test_jwks(), &jwks) != JwtStatus::kOk) std::abort();
  }
};

const Fixture& fixture() {
  static const Fixture f;
  return f;
}

JwtStatus verify(const corpus::Token& t) {
  Jwt jwt;
  return verify_jwt(t.text, fixture().jwks, {.now = kNow, .expected_issuer = kProject}, &jwt);
}

TEST(JwtCorpus, HoldsAtLeastThirtyNamedAttacks) {
  EXPECT_GE(corpus::attack_count(), 30u);
  auto tokens = corpus::attack_tokens(fixture().keys, fixture().claims);
  std::set<std::string> names;
  for (const auto& t : tokens) names.insert(t.name);
  EXPECT_EQ(names.size(), corpus::attack_count()) << "recipe names must be unique";
}

TEST(JwtCorpus, ControlsVerify) {
  // The recipes' keys, claims and encoding are right: only the attack makes a difference.
  for (const auto& t : corpus::control_tokens(fixture().keys, fixture().claims)) {
    EXPECT_EQ(verify(t), JwtStatus::kOk) << t.label() << "\n  " << t.text;
  }
}

TEST(JwtCorpus, EveryAttackIsRejectedWithItsReason) {
  for (const auto& t : corpus::attack_tokens(fixture().keys, fixture().claims)) {
    EXPECT_EQ(verify(t), t.expect_core) << t.label() << "\n  " << t.text.substr(0, 400);
  }
}

TEST(JwtCorpus, ParseJwtAgreesOnStructuralRejections) {
  // parse_jwt alone (tools, logs) refuses what verify_jwt refuses before any key is used.
  for (const auto& t : corpus::attack_tokens(fixture().keys, fixture().claims)) {
    Jwt jwt;
    JwtStatus s = parse_jwt(t.text, &jwt);
    switch (t.expect_core) {
      case JwtStatus::kJwtMalformed:
      case JwtStatus::kJwtHeaderParseError:
      case JwtStatus::kJwtHeaderBadAlg:
      case JwtStatus::kJwtHeaderNoKid:
      case JwtStatus::kJwtPayloadParseError:
      case JwtStatus::kJwtSignatureParseError:
      case JwtStatus::kJwtMissingClaim:
        EXPECT_EQ(s, t.expect_core) << t.label();
        break;
      default:
        EXPECT_EQ(s, JwtStatus::kOk) << t.label();
    }
  }
}

}  // namespace
}  // namespace gatehouse::jose
