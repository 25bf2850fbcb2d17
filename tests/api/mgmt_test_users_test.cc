// Descope's test users on the management API (docs/descope-wire.md §6.6): the generators
// /v1/mgmt/tests/generate/otp and /generate/magiclink (test users only, nothing mailed,
// no send limit), whose codes and links are spent through the ordinary verify routes;
// user/search/test; DELETE user/test/delete/all — over real HTTP.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "mgmt_fixture.h"

namespace gatehouse::test {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::StartsWith;
using ::testing::UnorderedElementsAre;

constexpr const char* kOrigin = "http://localhost:3000";

class MgmtTestUsersTest : public MgmtFixture<MgmtTestUsersTest> {
 public:
  // The dev mail engine (no --smtp-host): its mailbox shows what would have been mailed.
  static std::vector<std::string> ServerArgs() { return {"--redirect-origins", kOrigin}; }

 protected:
  json::object create_test_user(const std::string& login_id, json::object fields = {}) {
    fields["loginId"] = login_id;
    return must_user(post("/v1/mgmt/user/create/test", fields), "create/test of " + login_id);
  }
  HttpResponse generate_otp(const std::string& login_id) {
    return post("/v1/mgmt/tests/generate/otp",
                json::object{{"loginId", login_id}, {"deliveryMethod", "email"}});
  }
  HttpResponse generate_link(const std::string& login_id,
                             const std::string& uri = std::string(kOrigin) + "/verify") {
    return post("/v1/mgmt/tests/generate/magiclink",
                json::object{{"loginId", login_id}, {"deliveryMethod", "email"}, {"URI", uri}});
  }
  HttpResponse verify_otp(const std::string& login_id, const std::string& code) {
    return api().http.post("/v1/auth/otp/verify/email",
                           json::object{{"loginId", login_id}, {"code", code}}, bearer(pid()));
  }
  HttpResponse verify_link(const std::string& token) {
    return api().http.post("/v1/auth/magiclink/verify", json::object{{"token", token}},
                           bearer(pid()));
  }
  static std::string token_of(const std::string& link) {
    auto at = link.find("?t=");
    if (at == std::string::npos) at = link.find("&t=");
    return at == std::string::npos ? "" : link.substr(at + 3);
  }
  // How many messages the dev mailbox holds for `to`.
  size_t mails_to(const std::string& to) {
    auto box = must(get("/v1/mgmt/dev/mailbox"), "dev mailbox");
    size_t n = 0;
    for (const auto& m : box.at("messages").as_array()) n += str(m.at("to")) == to ? 1 : 0;
    return n;
  }
  std::string delete_all() {
    auto r = api().http.request("DELETE", "/v1/mgmt/user/test/delete/all", auth());
    return r.status == 200 ? "" : std::to_string(r.status) + " " + r.body;
  }
};

TEST_F(MgmtTestUsersTest, AGeneratedCodeSignsTheTestUserInOnceAndIsNotMailed) {
  const std::string email = unique_email("gen-otp");
  auto created = create_test_user(email, {{"email", email}});
  auto r = generate_otp(email);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.obj().at("loginId"), email.c_str());
  const std::string code = str(r.obj().at("code"));
  ASSERT_EQ(code.size(), 6u) << r.body;
  EXPECT_EQ(code.find_first_not_of("0123456789"), std::string::npos) << code;
  EXPECT_EQ(mails_to(email), 0u) << "a generated code is handed back, never mailed";

  auto v = verify_otp(email, code);
  ASSERT_EQ(v.status, 200) << v.body;
  const auto& user = v.obj().at("user").as_object();
  EXPECT_EQ(user.at("userId"), created.at("userId"));
  EXPECT_EQ(user.at("test"), true);
  EXPECT_EQ(v.obj().at("firstSeen"), false);
  auto claims = jwt_payload(str(v.obj().at("sessionJwt")));
  EXPECT_EQ(str(claims.at("amr").as_array().at(0)), "email");
  EXPECT_EQ(api().me(str(v.obj().at("refreshJwt"))).status, 200);

  EXPECT_TRUE(IsDescopeError(verify_otp(email, code), 401, "E061102")) << "a code works once";
}

TEST_F(MgmtTestUsersTest, AGeneratedLinkSignsTheTestUserInOnceAndIsNotMailed) {
  const std::string email = unique_email("gen-link");
  create_test_user(email);
  auto r = generate_link(email, std::string(kOrigin) + "/verify?next=home#top");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.obj().at("loginId"), email.c_str());
  const std::string link = str(r.obj().at("link"));
  EXPECT_THAT(link, StartsWith(std::string(kOrigin) + "/verify?next=home&t="));
  EXPECT_THAT(link, ::testing::EndsWith("#top"));
  std::string token = token_of(link);
  token.resize(token.find('#'));
  EXPECT_EQ(mails_to(email), 0u);

  auto v = verify_link(token);
  ASSERT_EQ(v.status, 200) << v.body;
  EXPECT_EQ(str(v.obj().at("user").at("loginIds").at(0)), email);
  EXPECT_EQ(v.obj().at("user").at("verifiedEmail"), true) << "the link reached the address";
  EXPECT_TRUE(IsDescopeError(verify_link(token), 401, "E063010")) << "a link works once";
}

TEST_F(MgmtTestUsersTest, GeneratorsServeTestUsersOnly) {
  const std::string normal = unique_email("normal");
  create_user(normal);
  for (auto r : {generate_otp(normal), generate_link(normal)}) {
    EXPECT_TRUE(IsDescopeError(r, 400, "E011003")) << r.body;
    EXPECT_THAT(message_of(r), HasSubstr("test users only"));
  }
  EXPECT_EQ(mails_to(normal), 0u);

  const std::string ghost = unique_email("ghost");
  EXPECT_TRUE(IsDescopeError(generate_otp(ghost), 404, kUserNotFound));
  EXPECT_TRUE(IsDescopeError(generate_link(ghost), 404, kUserNotFound));

  const std::string disabled = unique_email("disabled");
  create_test_user(disabled, {{"status", "disabled"}});
  EXPECT_TRUE(IsDescopeError(generate_otp(disabled), 403, "E062112"));
}

TEST_F(MgmtTestUsersTest, GeneratorsCheckTheirRequest) {
  const std::string email = unique_email("checks");
  create_test_user(email);
  // Management credentials only.
  EXPECT_TRUE(IsDescopeError(api().http.post("/v1/mgmt/tests/generate/otp",
                                             json::object{{"loginId", email}}, bearer(pid())),
                             401));
  auto signed_in = api().must_sign_up(unique_email("not-admin"));
  EXPECT_TRUE(IsDescopeError(
      api().http.post("/v1/mgmt/tests/generate/otp", json::object{{"loginId", email}},
                      bearer(pid(), signed_in.session)),
      403, "E011403"));
  // Email is the only delivery method; absent means email.
  EXPECT_TRUE(IsDescopeError(post("/v1/mgmt/tests/generate/otp",
                                  json::object{{"loginId", email}, {"deliveryMethod", "sms"}}),
                             400, "E011003"));
  EXPECT_EQ(post("/v1/mgmt/tests/generate/otp", json::object{{"loginId", email}}).status, 200);
  EXPECT_TRUE(IsDescopeError(post("/v1/mgmt/tests/generate/otp", json::object{}), 400, "E011003"));
  EXPECT_TRUE(IsDescopeError(post("/v1/mgmt/tests/generate/otp", json::object{{"loginId", 7}}), 400,
                             "E011001"));
  // Links: a URI is required, and it must lie under an allowed redirect origin.
  EXPECT_TRUE(IsDescopeError(
      post("/v1/mgmt/tests/generate/magiclink", json::object{{"loginId", email}}), 400, "E011003"));
  EXPECT_TRUE(IsDescopeError(generate_link(email, "https://evil.example/verify"), 400, "E011003"));
  EXPECT_TRUE(IsDescopeError(generate_link(email, std::string(kOrigin) + ".evil.example/"), 400,
                             "E011003"));
}

TEST_F(MgmtTestUsersTest, GeneratingIsNotLimitedAndANewCodeReplacesTheOld) {
  // A mailed code is limited per address (§4.2: 3 at once); a test suite or a benchmark
  // mints one code per sign-in, as fast as it likes.
  const std::string email = unique_email("many");
  create_test_user(email);
  std::vector<std::string> codes;
  for (int i = 0; i < 25; ++i) {
    auto r = generate_otp(email);
    ASSERT_EQ(r.status, 200) << "code " << i << ": " << r.body;
    codes.push_back(str(r.obj().at("code")));
  }
  if (codes.front() != codes.back()) {
    EXPECT_TRUE(IsDescopeError(verify_otp(email, codes.front()), 401, "E061102"))
        << "the newest code replaced the first";
  }
  EXPECT_EQ(verify_otp(email, codes.back()).status, 200);
  for (int i = 0; i < 25; ++i) {
    auto r = generate_link(email);
    ASSERT_EQ(r.status, 200) << "link " << i << ": " << r.body;
  }
}

TEST_F(MgmtTestUsersTest, SearchTestUsersAndDeleteThemAll) {
  const std::string a = unique_email("del-a");
  const std::string b = unique_email("del-b");
  const std::string normal = unique_email("del-normal");
  std::string ida = str(create_test_user(a).at("userId"));
  std::string idb = str(create_test_user(b).at("userId"));
  std::string idn = str(create_user(normal).at("userId"));
  const json::array logins{a.c_str(), b.c_str(), normal.c_str()};

  // node-sdk searchTestUsers: /v2/mgmt/user/search/test, test users only.
  auto only =
      must(post("/v2/mgmt/user/search/test", json::object{{"loginIds", logins}}), "search/test");
  EXPECT_THAT(ids_of(only.at("users")), UnorderedElementsAre(ida, idb));
  auto flag = must(
      post("/v2/mgmt/user/search", json::object{{"loginIds", logins}, {"testUsersOnly", true}}),
      "search testUsersOnly");
  EXPECT_THAT(ids_of(flag.at("users")), UnorderedElementsAre(ida, idb));

  // A test user's session ends with it.
  auto code = str(must(generate_otp(a), "generate").at("code"));
  auto v = verify_otp(a, code);
  ASSERT_EQ(v.status, 200) << v.body;
  const std::string refresh = str(v.obj().at("refreshJwt"));

  EXPECT_EQ(delete_all(), "");
  auto after =
      must(post("/v2/mgmt/user/search", json::object{{"loginIds", logins}, {"withTestUser", true}}),
           "search after");
  EXPECT_THAT(ids_of(after.at("users")), ElementsAre(idn)) << "only test users are deleted";
  EXPECT_TRUE(IsDescopeError(get("/v1/mgmt/user?userId=" + ida), 404, kUserNotFound));
  EXPECT_EQ(api().refresh(refresh).status, 401);
  EXPECT_EQ(delete_all(), "") << "nothing left to delete is fine";
  EXPECT_THAT(ids_of(must(post("/v2/mgmt/user/search/test", json::object{}), "empty").at("users")),
              IsEmpty());
  EXPECT_TRUE(IsDescopeError(
      api().http.request("DELETE", "/v1/mgmt/user/test/delete/all", bearer(pid())), 401));
}

}  // namespace
}  // namespace gatehouse::test
