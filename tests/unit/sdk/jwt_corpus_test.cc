// The JWT attack corpus (tests/jwt_corpus) against the session SDK: validate_session and
// validate_refresh reject every crafted token, and error().jwt names the check that did.
// Each token is presented twice, so the verified-token cache cannot hide a difference.
#include <gtest/gtest.h>

#include "gatehouse/session.h"
#include "jwt_corpus/corpus.h"
#include "sdk_test_util.h"

namespace gatehouse {
namespace {

using namespace gatehouse::testing;

class SdkJwtCorpus : public ::testing::Test {
 protected:
  SdkJwtCorpus()
      : keys_(jwt_corpus::Keys::make(key_a())),
        client_({.project_id = kProject,
                 .keys = make_static_key_source(keys_.test_jwks()),
                 .clock = clock_.clock()}) {
    claims_.project = kProject;
    claims_.now = kStart;
    claims_.session = session_claims(kStart);
    claims_.session["roles"] = boost::json::array{"admin"};
    claims_.refresh = refresh_claims(kStart);
  }

  Result<JwtResponse> validate(const jwt_corpus::Token& t) const {
    return t.use == jwt_corpus::Use::kSession ? client_.validate_session(t.text)
                                              : client_.validate_refresh(t.text);
  }

  FakeClock clock_;
  jwt_corpus::Keys keys_;
  jwt_corpus::Claims claims_;
  SessionClient client_;
};

TEST_F(SdkJwtCorpus, ControlsAreAccepted) {
  for (const auto& t : jwt_corpus::control_tokens(keys_, claims_)) {
    EXPECT_THAT(validate(t), IsOk()) << t.label();
  }
}

TEST_F(SdkJwtCorpus, EveryAttackIsRejectedWithItsReason) {
  for (const auto& t : jwt_corpus::attack_tokens(keys_, claims_)) {
    for (int attempt = 0; attempt < 2; ++attempt) {
      Result<JwtResponse> r = validate(t);
      ASSERT_FALSE(r.ok()) << t.label() << " was accepted";
      EXPECT_EQ(r.error().jwt, t.expect) << t.label() << " (attempt " << attempt << ")";
      EXPECT_EQ(r.code(), Errc::kInvalidToken) << t.label();
    }
  }
}

}  // namespace
}  // namespace gatehouse
