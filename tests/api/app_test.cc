// The tutorial's Flask routes served by gatehouse: /get_roles and
// /get_role_data behind `Authorization: Bearer <sessionJwt>`, with roles
// managed through the CLI on the live data directory.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "support/api.h"

namespace gatehouse::test {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::UnorderedElementsAre;

constexpr const char* kInvalidSessionBody = "{\"error\":\"❌ invalid session token!\"}";

class AppRolesTest : public SharedServerTest<AppRolesTest> {
 protected:
  // `gatehouse user add` on the running server's data directory.
  void cli_add_user(const std::string& email, const std::string& roles) {
    std::vector<std::string> args{"user",    "add", "--data",          server().data_dir(),
                                  "--email", email, "--password-stdin"};
    if (!roles.empty()) args.insert(args.end(), {"--roles", roles});
    auto r = run_gatehouse(args, std::string(kPassword) + "\n");
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }
  void cli_set_roles(const std::string& email, const std::string& roles) {
    auto r = run_gatehouse({"user", "set-roles", "--data", server().data_dir(), email, roles});
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }
  // {"roles": [...]} of /get_roles, after checking the response shape.
  std::vector<std::string> roles_of(const std::string& session) {
    auto r = api().app_get("/get_roles", session);
    EXPECT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.header("content-type"), "application/json");
    if (r.status != 200) return {"<error>"};
    EXPECT_EQ(r.obj().at("secretMessage"), "You are now a trained Descope user!");
    return strings(r.obj().at("roles"));
  }
  std::pair<bool, bool> role_data_of(const std::string& session) {
    auto r = api().app_get("/get_role_data", session);
    EXPECT_EQ(r.status, 200) << r.body;
    if (r.status != 200) return {false, false};
    EXPECT_EQ(r.obj().size(), 2u) << r.body;
    return {r.obj().at("valid_teacher").as_bool(), r.obj().at("valid_student").as_bool()};
  }
};

TEST_F(AppRolesTest, TeacherCreatedWithTheCli) {
  std::string email = unique_email("teacher");
  ASSERT_NO_FATAL_FAILURE(cli_add_user(email, "teacher"));
  auto login = api().must_sign_in(email);
  EXPECT_THAT(strings(login.response.obj().at("user").at("roleNames")), ElementsAre("teacher"));
  EXPECT_THAT(roles_of(login.session), ElementsAre("teacher"));
  EXPECT_EQ(role_data_of(login.session), std::make_pair(true, false));
}

TEST_F(AppRolesTest, StudentSetWithTheCliAfterSignUp) {
  std::string email = unique_email("student");
  auto before = api().must_sign_up(email);
  ASSERT_NO_FATAL_FAILURE(cli_set_roles(email, "student"));
  auto login = api().must_sign_in(email);
  EXPECT_THAT(roles_of(login.session), ElementsAre("student"));
  EXPECT_EQ(role_data_of(login.session), std::make_pair(false, true));
  EXPECT_THAT(strings(jwt_payload(login.session).at("roles")), ElementsAre("student"));
}

TEST_F(AppRolesTest, UserWithBothRoles) {
  std::string email = unique_email("both");
  ASSERT_NO_FATAL_FAILURE(cli_add_user(email, "teacher,student"));
  auto login = api().must_sign_in(email);
  EXPECT_THAT(roles_of(login.session), UnorderedElementsAre("teacher", "student"));
  EXPECT_EQ(role_data_of(login.session), std::make_pair(true, true));
}

TEST_F(AppRolesTest, UserWithoutRoles) {
  auto login = api().must_sign_up(unique_email("noroles"));
  EXPECT_THAT(roles_of(login.session), IsEmpty());
  EXPECT_EQ(role_data_of(login.session), std::make_pair(false, false));
}

TEST_F(AppRolesTest, RoleChangeAppearsAfterRefresh) {
  std::string email = unique_email("promoted");
  auto login = api().must_sign_up(email);
  ASSERT_NO_FATAL_FAILURE(cli_set_roles(email, "teacher"));
  // The session JWT is self-contained: the old one keeps its old roles …
  EXPECT_THAT(roles_of(login.session), IsEmpty());
  // … and a refresh re-reads the user.
  auto refreshed = api().must_refresh(login.refresh);
  EXPECT_THAT(strings(refreshed.response.obj().at("user").at("roleNames")), ElementsAre("teacher"));
  EXPECT_THAT(roles_of(refreshed.session), ElementsAre("teacher"));
  EXPECT_EQ(role_data_of(refreshed.session), std::make_pair(true, false));
  EXPECT_THAT(strings(api().me(refreshed.refresh).obj().at("roleNames")), ElementsAre("teacher"));

  // Removing every role ("" = none) also shows after a refresh.
  ASSERT_NO_FATAL_FAILURE(cli_set_roles(email, ""));
  auto demoted = api().must_refresh(refreshed.refresh);
  EXPECT_THAT(roles_of(demoted.session), IsEmpty());
}

TEST_F(AppRolesTest, WithoutAValidSessionTokenTheAnswerIs401InvalidSessionToken) {
  auto login = api().must_sign_up(unique_email("intruder"));
  std::string tampered = login.session;
  auto dot = tampered.find('.');
  // Change the payload (claims another user) but keep the signature.
  std::string payload = tampered.substr(dot + 1, tampered.find('.', dot + 1) - dot - 1);
  payload[payload.size() / 2] = payload[payload.size() / 2] == 'A' ? 'B' : 'A';
  tampered = tampered.substr(0, dot + 1) + payload + tampered.substr(tampered.find('.', dot + 1));

  struct Case {
    std::string what;
    Headers headers;
  } cases[] = {
      {"no Authorization header", {}},
      {"empty bearer", {{"Authorization", "Bearer "}}},
      {"garbage token", {{"Authorization", "Bearer garbage"}}},
      {"refresh token as session token", {{"Authorization", "Bearer " + login.refresh}}},
      {"tampered session token", {{"Authorization", "Bearer " + tampered}}},
      {"Descope-style project:token", {{"Authorization", "Bearer " + pid() + ":" + login.session}}},
      {"no Bearer word", {{"Authorization", login.session}}},
  };
  for (const char* path : {"/get_roles", "/get_role_data"}) {
    for (const auto& c : cases) {
      auto r = api().http.get(path, c.headers);
      EXPECT_EQ(r.status, 401) << path << " with " << c.what << ": " << r.body;
      EXPECT_EQ(r.body, kInvalidSessionBody) << path << " with " << c.what;
      EXPECT_EQ(r.header("content-type"), "application/json") << path << " with " << c.what;
    }
  }
  // Control: the untampered token works.
  EXPECT_EQ(api().app_get("/get_roles", login.session).status, 200);
}

}  // namespace
}  // namespace gatehouse::test
