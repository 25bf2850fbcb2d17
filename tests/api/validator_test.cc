// Validator nodes (docs/operations.md): `gatehouse serve --validator --issuer-url URL`
// answers the tutorial API with no database, from the keys the issuing node publishes,
// and follows the issuer's key rotations.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <thread>

#include "support/api.h"

namespace gatehouse::test {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

bool eventually(const std::function<bool()>& done,
                std::chrono::seconds limit = std::chrono::seconds(30)) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < deadline) {
    if (done()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return done();
}

class ValidatorTest : public OwnServerTest {
 protected:
  std::string kid_of(const std::string& jwt) { return str(jwt_header(jwt).at("kid")); }
};

TEST_F(ValidatorTest, ServesTheTutorialApiFromTheIssuersKeysAndFollowsRotation) {
  ASSERT_NO_FATAL_FAILURE(Start());
  const std::string email = unique_email("validated");
  api().must_sign_up(email);
  ASSERT_EQ(run_gatehouse({"user", "set-roles", email, "teacher", "--data", server().data_dir()})
                .exit_code,
            0);
  auto login = api().must_sign_in(email);

  ServerProcess validator(
      {"--validator", "--issuer-url", server().base_url(), "--jwks-refetch-interval", "1"});
  ASSERT_TRUE(validator.start()) << validator.error();
  EXPECT_EQ(validator.project_id(), server().project_id());
  // No database: nothing written in its data directory.
  EXPECT_FALSE(fs::exists(fs::path(validator.data_dir()) / "gatehouse.db"));
  Api on_validator(validator);
  HttpClient vhttp(validator.base_url());
  EXPECT_EQ(vhttp.get("/healthz").status, 200);
  EXPECT_EQ(vhttp.get("/readyz").status, 200);

  auto roles = on_validator.app_get("/get_roles", login.session);
  ASSERT_EQ(roles.status, 200) << roles.body;
  EXPECT_EQ(strings(roles.obj().at("roles")), std::vector<std::string>{"teacher"});
  auto data = on_validator.app_get("/get_role_data", login.session);
  ASSERT_EQ(data.status, 200) << data.body;
  EXPECT_EQ(data.obj().at("valid_teacher"), true);
  EXPECT_EQ(on_validator.app_get("/get_roles", "garbage").status, 401);
  // Sign-in is the issuer's: the validator has no /v1/auth routes.
  EXPECT_EQ(on_validator.sign_in(email).status, 404);

  // Two rotations on the issuer: the second signs with a key the validator never saw; a
  // token naming it makes the validator fetch the keys again.
  std::string kid = kid_of(login.session);
  for (int round = 0; round < 2; ++round) {
    auto rotated = run_gatehouse({"key", "rotate", "--force", "--data", server().data_dir()});
    ASSERT_EQ(rotated.exit_code, 0) << rotated.err;
    Login fresh;
    ASSERT_TRUE(eventually([&] {
      fresh = api().must_sign_in(email);
      return kid_of(fresh.session) != kid;
    })) << "the issuer never signed with the rotated key";
    kid = kid_of(fresh.session);
    std::this_thread::sleep_for(std::chrono::milliseconds(1100));  // the refetch throttle
    auto after = on_validator.app_get("/get_roles", fresh.session);
    EXPECT_EQ(after.status, 200) << "round " << round << ": " << after.body;
  }
  // The old token, signed by a key now previous, still verifies there too.
  EXPECT_EQ(on_validator.app_get("/get_roles", login.session).status, 200);

  auto m = vhttp.get("/metrics");
  EXPECT_THAT(m.body,
              HasSubstr("gatehouse_http_requests_total{route=\"GET /get_roles\",code=\"200\"}"));
  EXPECT_EQ(validator.stop(), 0);
}

TEST_F(ValidatorTest, NotReadyUntilTheIssuerAnswers) {
  // An issuer that is not there (a port nothing listens on), project id given.
  ServerProcess validator(
      {"--validator", "--issuer-url", "http://127.0.0.1:9", "--project-id", "P2validatortest"});
  ASSERT_TRUE(validator.start()) << validator.error();
  HttpClient vhttp(validator.base_url());
  EXPECT_EQ(vhttp.get("/healthz").status, 200);
  EXPECT_EQ(vhttp.get("/readyz").status, 503);
  EXPECT_EQ(vhttp.get("/get_roles", {{"Authorization", "Bearer x.y.z"}}).status, 401);
  EXPECT_EQ(validator.stop(), 0);
}

TEST_F(ValidatorTest, RefusesToStartWithoutAnIssuer) {
  auto r = run_gatehouse({"serve", "--validator", "--port", "0"});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_THAT(r.err, HasSubstr("--issuer-url"));
}

}  // namespace
}  // namespace gatehouse::test
