// Management API (contract §6): users, roles, permissions, tenants, license and
// audit over real HTTP; who may call it (management keys made with the CLI, an
// admin's own session) and the `gatehouse mgmt-key` CLI itself.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <map>
#include <regex>
#include <set>

#include "support/api.h"

extern char** environ;

namespace gatehouse::test {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using ::testing::UnorderedElementsAre;

// Error code of an unknown user on the management API. The brief said
// E062108 (the auth API's code); the contract (§1.6, §6.1) and the server now
// use Descope's management code.
const std::string kUserNotFound = "E112102";

// "tag-<n>-<salt>": unique per call; a valid role, permission or tenant id.
std::string unique_name(const std::string& tag) {
  std::string e = unique_email(tag);
  return e.substr(0, e.find('@'));
}

std::string upper(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

// Percent-encodes a query value the way URLSearchParams / requests do.
std::string url_encode(const std::string& s) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

std::set<std::string> set_of(const json::value& v) {
  auto s = strings(v);
  return {s.begin(), s.end()};
}

// tenantId → roleNames of a user object's userTenants.
std::map<std::string, std::set<std::string>> user_tenants(const json::object& user) {
  std::map<std::string, std::set<std::string>> out;
  for (const auto& t : user.at("userTenants").as_array()) {
    out[str(t.at("tenantId"))] = set_of(t.at("roleNames"));
  }
  return out;
}

// tenantId → roles of a session JWT's `tenants` claim.
std::map<std::string, std::set<std::string>> claim_tenants(const std::string& session_jwt) {
  std::map<std::string, std::set<std::string>> out;
  auto claims = jwt_payload(session_jwt);
  for (const auto& [id, t] : claims.at("tenants").as_object()) {
    out[std::string(id)] = set_of(t.at("roles"));
  }
  return out;
}

std::vector<std::string> ids_of(const json::value& users) {
  std::vector<std::string> out;
  for (const auto& u : users.as_array()) out.push_back(str(u.at("userId")));
  return out;
}

// The object of `array` whose `key` is `value`, or nullptr.
const json::object* find_by(const json::value& array, const char* key, const std::string& value) {
  for (const auto& v : array.as_array()) {
    if (v.is_object() && v.as_object().contains(key) && str(v.at(key)) == value)
      return &v.as_object();
  }
  return nullptr;
}

// A Descope error (contract §1.6): the status, a JSON body with errorCode
// E+6 digits, a non-empty errorDescription and a string errorMessage.
::testing::AssertionResult IsDescopeError(const HttpResponse& r, int status,
                                          const std::string& code = "") {
  auto fail = [&]() {
    return ::testing::AssertionFailure()
           << "HTTP " << r.status << " " << r.body << r.transport_error << "\n  ";
  };
  if (r.status != status) return fail() << "expected status " << status;
  if (r.header("content-type").rfind("application/json", 0) != 0) {
    return fail() << "content-type is '" << r.header("content-type") << "'";
  }
  if (!r.json || !r.json->is_object()) return fail() << "body is not a JSON object";
  const auto& o = r.obj();
  static const std::regex kCode("E[0-9]{6}");
  if (!o.contains("errorCode") || !o.at("errorCode").is_string() ||
      !std::regex_match(std::string(o.at("errorCode").as_string()), kCode)) {
    return fail() << "errorCode is missing or not E+6 digits";
  }
  if (!o.contains("errorDescription") || !o.at("errorDescription").is_string() ||
      o.at("errorDescription").as_string().empty()) {
    return fail() << "errorDescription is missing or empty";
  }
  if (o.contains("errorMessage") && !o.at("errorMessage").is_string())
    return fail() << "errorMessage is not a string";
  if (!code.empty() && str(o.at("errorCode")) != code)
    return fail() << "expected errorCode " << code;
  return ::testing::AssertionSuccess();
}

std::string message_of(const HttpResponse& r) {
  return r.json && r.obj().contains("errorMessage") ? str(r.obj().at("errorMessage")) : "";
}

// Runs a program (absolute path) and returns its exit status, -1 on failure.
int run_program(const std::vector<std::string>& argv) {
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  pid_t child = 0;
  if (::posix_spawn(&child, args[0], nullptr, nullptr, args.data(), environ) != 0) return -1;
  int status = 0;
  if (::waitpid(child, &status, 0) != child) return -1;
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

// A management key made with `gatehouse mgmt-key create`.
struct MgmtKey {
  std::string id;
  std::string secret;  // the part after gh_<id>_ (base64url: may itself contain '_')
  std::string key;
  CommandResult cli;
};

// One server per suite plus one management key, made with the CLI before the
// suite's first test. Requests default to `Bearer <pid>:<key>`.
template <class Derived>
class MgmtFixture : public SharedServerTest<Derived> {
 protected:
  using Base = SharedServerTest<Derived>;
  using Base::api;
  using Base::pid;
  using Base::server;

  void SetUp() override {
    Base::SetUp();
    if (::testing::Test::HasFatalFailure()) return;
    if (key().key.empty()) key() = create_key("api tests");
  }

  static MgmtKey& key() {
    static MgmtKey k;
    return k;
  }

  // `gatehouse <noun> <verb> --data <dir> <rest…>` on this suite's data directory.
  CommandResult gatehouse(std::vector<std::string> args, const std::string& stdin_text = "") {
    args.insert(args.begin() + 2, {"--data", server().data_dir()});
    return run_gatehouse(args, stdin_text);
  }
  MgmtKey create_key(const std::string& name, std::vector<std::string> extra = {}) {
    std::vector<std::string> args{"mgmt-key", "create", "--name", name};
    args.insert(args.end(), extra.begin(), extra.end());
    MgmtKey k;
    k.cli = gatehouse(args);
    if (k.cli.exit_code != 0) throw std::runtime_error("mgmt-key create failed: " + k.cli.err);
    std::string out = k.cli.out;
    while (!out.empty() && out.back() == '\n') out.pop_back();
    k.key = out.substr(out.rfind('\n') + 1);
    static const std::regex kKey("gh_([A-Za-z0-9]+)_([A-Za-z0-9_-]+)");
    std::smatch m;
    if (!std::regex_match(k.key, m, kKey))
      throw std::runtime_error("no key on the last line of: " + k.cli.out);
    k.id = m[1];
    k.secret = m[2];
    return k;
  }

  Headers auth() { return bearer(pid(), key().key); }
  HttpResponse post(const std::string& path, const json::value& body) {
    return post(path, body, auth());
  }
  HttpResponse post(const std::string& path, const json::value& body, const Headers& h) {
    return api().http.post(path, body, h);
  }
  HttpResponse get(const std::string& path) { return get(path, auth()); }
  HttpResponse get(const std::string& path, const Headers& h) { return api().http.get(path, h); }
  HttpResponse patch(const std::string& path, const json::value& body) {
    Headers h = auth();
    h.emplace_back("Content-Type", "application/json");
    return api().http.request("PATCH", path, h, json::serialize(body));
  }

  // The body of a 200 JSON-object response; throws (failing the test) otherwise.
  static json::object must(const HttpResponse& r, const std::string& what) {
    if (r.status != 200 || !r.json || !r.json->is_object()) {
      throw std::runtime_error(what + " failed: " + std::to_string(r.status) + " " + r.body +
                               r.transport_error);
    }
    return r.json->as_object();
  }
  json::object must_user(const HttpResponse& r, const std::string& what) {
    return must(r, what).at("user").as_object();
  }

  json::object create_user(const std::string& login_id, json::object fields = {}) {
    fields["loginId"] = login_id;
    return must_user(post("/v1/mgmt/user/create", fields), "create of " + login_id);
  }
  json::object user_by_id(const std::string& user_id) {
    return must_user(get("/v1/mgmt/user?userId=" + url_encode(user_id)), "load of " + user_id);
  }
  std::string make_role(const std::string& tag = "role",
                        const std::vector<std::string>& permissions = {}) {
    std::string name = unique_name(tag);
    json::array perms;
    for (const auto& p : permissions) perms.emplace_back(p);
    must(post("/v1/mgmt/role/create",
              json::object{
                  {"name", name}, {"description", "made by " + tag}, {"permissionNames", perms}}),
         "role create " + name);
    return name;
  }
  std::string make_permission(const std::string& tag = "perm") {
    std::string name = unique_name(tag);
    must(post("/v1/mgmt/permission/create",
              json::object{{"name", name}, {"description", "may " + tag}}),
         "permission create " + name);
    return name;
  }
  std::string make_tenant(const std::string& name = "Tenant") {
    std::string id = unique_name("t");
    must(post("/v1/mgmt/tenant/create", json::object{{"id", id}, {"name", name}}),
         "tenant create " + id);
    return id;
  }
  json::object role(const std::string& name) {
    auto all = must(get("/v1/mgmt/role/all"), "role/all");
    const auto* r = find_by(all.at("roles"), "name", name);
    if (!r) throw std::runtime_error("role " + name + " is not in role/all");
    return *r;
  }
  bool role_exists(const std::string& name) {
    return find_by(must(get("/v1/mgmt/role/all"), "role/all").at("roles"), "name", name) != nullptr;
  }
  // A user with a password, signed in.
  std::pair<json::object, Login> signed_in_user(const std::string& tag, json::object fields = {}) {
    std::string email = unique_email(tag);
    fields["password"] = kPassword;
    auto u = create_user(email, std::move(fields));
    return {u, api().must_sign_in(email)};
  }
};

// ---------------------------------------------------------------------------
// Users

class MgmtUserTest : public MgmtFixture<MgmtUserTest> {};

TEST_F(MgmtUserTest, CreateWithRolesTenantsAndPassword) {
  std::string tenant = make_tenant("Acme School");
  std::string email = unique_email("create");
  int64_t before = unix_now();
  auto r = post(
      "/v1/mgmt/user/create",
      json::object{
          {"loginId", email},
          {"email", email},
          {"phone", "+15555550100"},
          {"displayName", "Ada Lovelace"},
          {"roleNames", json::array{"teacher"}},
          {"userTenants",
           json::array{json::object{{"tenantId", tenant}, {"roleNames", json::array{"student"}}}}},
          {"password", kPassword},
          {"verifiedEmail", true},
          {"picture", "https://img.example/ada.png"},
          {"customAttributes", nullptr},
          {"invite", false}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.header("content-type"), "application/json");
  const auto& u = r.obj().at("user").as_object();
  std::string uid = str(u.at("userId"));
  EXPECT_EQ(uid.size(), 28u) << uid;
  EXPECT_EQ(uid[0], 'U') << uid;
  EXPECT_THAT(strings(u.at("loginIds")), ElementsAre(email));
  EXPECT_EQ(str(u.at("email")), email);
  EXPECT_EQ(u.at("phone"), "+15555550100");
  EXPECT_EQ(u.at("name"), "Ada Lovelace");
  EXPECT_EQ(u.at("picture"), "https://img.example/ada.png");
  EXPECT_EQ(u.at("verifiedEmail"), true);
  EXPECT_EQ(u.at("verifiedPhone"), false);
  EXPECT_THAT(strings(u.at("roleNames")), ElementsAre("teacher"));
  ASSERT_EQ(u.at("userTenants").as_array().size(), 1u) << r.body;
  const auto& ut = u.at("userTenants").as_array()[0];
  EXPECT_EQ(str(ut.at("tenantId")), tenant);
  EXPECT_EQ(ut.at("tenantName"), "Acme School");
  EXPECT_THAT(strings(ut.at("roleNames")), ElementsAre("student"));
  EXPECT_EQ(u.at("status"), "enabled");
  EXPECT_EQ(u.at("password"), true);
  EXPECT_GE(u.at("createdTime").as_int64(), before - 1);
  EXPECT_EQ(user_by_id(uid), u);

  auto login = api().must_sign_in(email);
  EXPECT_EQ(login.user_id, uid);
  EXPECT_THAT(strings(jwt_payload(login.session).at("roles")), ElementsAre("teacher"));
  auto tenants = claim_tenants(login.session);
  ASSERT_TRUE(tenants.count(tenant)) << jwt_payload(login.session);
  EXPECT_THAT(tenants[tenant], ElementsAre("student"));
}

TEST_F(MgmtUserTest, CreateWithoutPasswordNamesFromGivenAndFamilyName) {
  std::string email = unique_email("nopw");
  auto u = create_user(email, {{"givenName", "Grace"}, {"familyName", "Hopper"}});
  EXPECT_EQ(u.at("name"), "Grace Hopper");
  EXPECT_EQ(str(u.at("email")), email) << "an email login id is also the email";
  EXPECT_EQ(u.at("password"), false);
  EXPECT_THAT(strings(u.at("roleNames")), IsEmpty());
  EXPECT_THAT(u.at("userTenants").as_array(), IsEmpty());
  EXPECT_TRUE(IsDescopeError(api().sign_in(email), 401));

  auto phone_user = create_user(unique_name("phone"),
                                {{"phone", "+15555550111"}, {"displayName", "Phone Person"}});
  EXPECT_EQ(phone_user.at("email"), "");
  EXPECT_EQ(phone_user.at("phone"), "+15555550111");
}

TEST_F(MgmtUserTest, CreateTestUser) {
  std::string email = unique_email("testuser");
  auto r = post("/v1/mgmt/user/create/test",
                json::object{{"loginId", email}, {"displayName", "Test User"}, {"test", true}});
  ASSERT_EQ(r.status, 200) << r.body;
  const auto& u = r.obj().at("user").as_object();
  EXPECT_THAT(strings(u.at("loginIds")), ElementsAre(email));
  EXPECT_EQ(u.at("name"), "Test User");
  EXPECT_EQ(user_by_id(str(u.at("userId"))).at("name"), "Test User");
}

TEST_F(MgmtUserTest, LoadByLoginIdAndByUserId) {
  std::string email = unique_email("load");
  auto u = create_user(email, {{"displayName", "Loaded"}});
  std::string uid = str(u.at("userId"));

  auto by_id = get("/v1/mgmt/user?userId=" + uid);
  ASSERT_EQ(by_id.status, 200) << by_id.body;
  EXPECT_EQ(by_id.obj().at("user").as_object(), u);

  // As the SDKs send it: URLSearchParams / requests percent-encode '@' and '+'.
  std::string plus = "ada+" + email;
  std::string plus_id = str(create_user(plus).at("userId"));
  for (const auto& [q, id] :
       std::vector<std::pair<std::string, std::string>>{{email, uid},
                                                        {url_encode(email), uid},
                                                        {url_encode(upper(email)), uid},
                                                        {url_encode(plus), plus_id}}) {
    auto r = get("/v1/mgmt/user?loginId=" + q);
    EXPECT_EQ(r.status, 200) << "?loginId=" << q << ": " << r.body;
    if (r.status == 200) {
      EXPECT_EQ(str(r.obj().at("user").at("userId")), id) << q;
    }
  }

  EXPECT_TRUE(IsDescopeError(get("/v1/mgmt/user?loginId=" + url_encode(unique_email("ghost"))), 404,
                             kUserNotFound));
  EXPECT_TRUE(IsDescopeError(get("/v1/mgmt/user?userId=U0000000000000000000000000000"), 404,
                             kUserNotFound));
  EXPECT_TRUE(IsDescopeError(get("/v1/mgmt/user"), 400, "E011003"));
}

TEST_F(MgmtUserTest, UsersLoadReturnsTheKnownOnes) {
  std::string a = str(create_user(unique_email("loada")).at("userId"));
  std::string b = str(create_user(unique_email("loadb")).at("userId"));
  auto r = post("/v1/mgmt/users/load",
                json::object{{"userIds", json::array{a, b, "U0000000000000000000000000000"}}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_THAT(ids_of(r.obj().at("users")), UnorderedElementsAre(a, b));
  EXPECT_TRUE(
      IsDescopeError(post("/v1/mgmt/users/load", json::object{{"userIds", json::array{}}}), 400));
  EXPECT_TRUE(IsDescopeError(post("/v1/mgmt/users/load", json::object{}), 400));
  EXPECT_TRUE(IsDescopeError(post("/v1/mgmt/users/load", json::object{{"userIds", a}}), 400));
}

TEST_F(MgmtUserTest, SearchFiltersPagesAndCounts) {
  // Five users with the tag in their login id (1 and 3 students, 4 disabled)
  // and one with it only in the name: six matches for `text`.
  std::string tag = unique_name("srch");
  std::vector<std::string> ids;
  for (int i = 0; i < 5; ++i) {
    json::object f;
    if (i == 1 || i == 3) f["roleNames"] = json::array{"student"};
    ids.push_back(
        str(create_user(tag + "-" + std::to_string(i) + "@test.example", f).at("userId")));
  }
  must(
      post("/v1/mgmt/user/update/status", json::object{{"userId", ids[4]}, {"status", "disabled"}}),
      "disable");
  ids.push_back(str(
      create_user(unique_email("named"), {{"displayName", "Person " + upper(tag)}}).at("userId")));

  for (const char* path : {"/v1/mgmt/user/search", "/v2/mgmt/user/search"}) {
    SCOPED_TRACE(path);
    auto search = [&](json::object q) {
      auto r = post(path, q);
      EXPECT_EQ(r.status, 200) << json::serialize(q) << ": " << r.body;
      return r.json && r.obj().contains("users")
                 ? r.obj()
                 : json::object{{"users", json::array{}}, {"total", -1}};
    };
    auto all = search({{"text", tag}});
    EXPECT_EQ(all.at("total"), 6);
    EXPECT_THAT(ids_of(all.at("users")),
                ElementsAre(ids[0], ids[1], ids[2], ids[3], ids[4], ids[5]))
        << "oldest first";
    EXPECT_EQ(search({{"text", upper(tag)}}).at("total"), 6) << "text is case-insensitive";

    auto students = search({{"text", tag}, {"roleNames", json::array{"student"}}});
    EXPECT_EQ(students.at("total"), 2);
    EXPECT_THAT(ids_of(students.at("users")), ElementsAre(ids[1], ids[3]));

    auto disabled = search({{"text", tag}, {"statuses", json::array{"disabled"}}});
    EXPECT_EQ(disabled.at("total"), 1);
    EXPECT_THAT(ids_of(disabled.at("users")), ElementsAre(ids[4]));
    EXPECT_EQ(search({{"text", tag}, {"statuses", json::array{"enabled"}}}).at("total"), 5);
    EXPECT_EQ(search({{"text", tag},
                      {"statuses", json::array{"enabled", "disabled"}},
                      {"roleNames", json::array{"student", "teacher"}}})
                  .at("total"),
              2);

    std::vector<std::string> paged;
    for (int page = 0; page < 4; ++page) {
      auto p = search({{"text", tag}, {"limit", 2}, {"page", page}});
      EXPECT_EQ(p.at("total"), 6) << "page " << page;
      auto got = ids_of(p.at("users"));
      EXPECT_EQ(got.size(), page < 3 ? 2u : 0u) << "page " << page;
      paged.insert(paged.end(), got.begin(), got.end());
    }
    EXPECT_EQ(paged, ids) << "pages are 0-based and cover every match once";

    auto by_login =
        search({{"loginIds", json::array{tag + "-0@test.example", tag + "-2@test.example"}}});
    EXPECT_THAT(ids_of(by_login.at("users")), ElementsAre(ids[0], ids[2]));
    EXPECT_EQ(search({{"text", unique_name("nomatch")}}).at("total"), 0);
    // Descope SDKs send nulls and fields Gatehouse does not know.
    EXPECT_EQ(search({{"text", tag},
                      {"tenantIds", nullptr},
                      {"sort", json::array{}},
                      {"withTestUser", true}})
                  .at("total"),
              6);
  }
}

TEST_F(MgmtUserTest, UpdateReplacesTheWholeUser) {
  std::string tenant = make_tenant();
  std::string email = unique_email("update");
  auto u = create_user(
      email, {{"phone", "+15555550100"},
              {"displayName", "Before"},
              {"picture", "https://img.example/a.png"},
              {"roleNames", json::array{"teacher"}},
              {"userTenants", json::array{json::object{{"tenantId", tenant},
                                                       {"roleNames", json::array{"student"}}}}},
              {"password", kPassword}});
  std::string uid = str(u.at("userId"));

  // Only a name given: everything else becomes empty.
  auto r =
      post("/v1/mgmt/user/update", json::object{{"loginId", email}, {"displayName", "Only Name"}});
  ASSERT_EQ(r.status, 200) << r.body;
  const auto& after = r.obj().at("user").as_object();
  EXPECT_EQ(str(after.at("userId")), uid);
  EXPECT_THAT(strings(after.at("loginIds")), ElementsAre(email));
  EXPECT_EQ(after.at("name"), "Only Name");
  EXPECT_EQ(after.at("email"), "");
  EXPECT_EQ(after.at("phone"), "");
  EXPECT_EQ(after.at("picture"), "");
  EXPECT_THAT(strings(after.at("roleNames")), IsEmpty());
  EXPECT_THAT(after.at("userTenants").as_array(), IsEmpty());
  EXPECT_EQ(after.at("status"), "enabled");
  EXPECT_EQ(after.at("password"), true) << "update does not touch the password";
  EXPECT_EQ(user_by_id(uid), after);

  // Everything given (by userId); the absent name becomes empty; null = absent.
  auto full = must_user(
      post("/v1/mgmt/user/update",
           json::object{
               {"userId", uid},
               {"email", "new-" + email},
               {"phone", "+15555550101"},
               {"displayName", nullptr},
               {"picture", "https://img.example/b.png"},
               {"roleNames", json::array{"student", "teacher"}},
               {"userTenants", json::array{json::object{{"tenantId", tenant},
                                                        {"roleNames", json::array{"teacher"}}}}}}),
      "full update");
  EXPECT_EQ(full.at("name"), "");
  EXPECT_EQ(str(full.at("email")), "new-" + email);
  EXPECT_EQ(full.at("phone"), "+15555550101");
  EXPECT_EQ(full.at("picture"), "https://img.example/b.png");
  EXPECT_THAT(set_of(full.at("roleNames")), UnorderedElementsAre("student", "teacher"));
  EXPECT_EQ(user_tenants(full),
            (std::map<std::string, std::set<std::string>>{{tenant, {"teacher"}}}));
  EXPECT_EQ(user_by_id(uid), full);
  EXPECT_EQ(api().sign_in(email).status, 200) << "update keeps the login id and password";
}

TEST_F(MgmtUserTest, PatchChangesOnlyTheGivenFields) {
  std::string tenant = make_tenant();
  std::string email = unique_email("patch");
  auto u = create_user(
      email, {{"phone", "+15555550100"},
              {"displayName", "Patchy"},
              {"picture", "https://img.example/p.png"},
              {"roleNames", json::array{"teacher"}},
              {"userTenants", json::array{json::object{{"tenantId", tenant},
                                                       {"roleNames", json::array{"student"}}}}}});
  auto r =
      patch("/v1/mgmt/user/patch", json::object{{"loginId", email}, {"phone", "+15555550199"}});
  ASSERT_EQ(r.status, 200) << r.body;
  auto expected = u;
  expected["phone"] = "+15555550199";
  EXPECT_EQ(r.obj().at("user").as_object(), expected);

  auto roles = patch("/v1/mgmt/user/patch",
                     json::object{{"loginId", email}, {"roleNames", json::array{"student"}}});
  ASSERT_EQ(roles.status, 200) << roles.body;
  expected["roleNames"] = json::array{"student"};
  EXPECT_EQ(roles.obj().at("user").as_object(), expected);

  auto nulls = patch("/v1/mgmt/user/patch", json::object{{"loginId", email},
                                                         {"displayName", nullptr},
                                                         {"email", nullptr},
                                                         {"roleNames", nullptr},
                                                         {"userTenants", nullptr}});
  ASSERT_EQ(nulls.status, 200) << nulls.body;
  EXPECT_EQ(nulls.obj().at("user").as_object(), expected) << "null means not given";

  auto several = patch("/v1/mgmt/user/patch", json::object{{"userId", u.at("userId")},
                                                           {"displayName", "Renamed"},
                                                           {"verifiedPhone", true}});
  ASSERT_EQ(several.status, 200) << several.body;
  expected["name"] = "Renamed";
  expected["verifiedPhone"] = true;
  EXPECT_EQ(several.obj().at("user").as_object(), expected);
  EXPECT_EQ(user_by_id(str(u.at("userId"))), expected);
}

TEST_F(MgmtUserTest, SingleFieldUpdates) {
  std::string email = unique_email("single");
  auto u = create_user(email, {{"phone", "+15555550100"},
                               {"displayName", "Single"},
                               {"picture", "https://img.example/s.png"},
                               {"roleNames", json::array{"teacher"}},
                               {"password", kPassword}});
  std::string uid = str(u.at("userId"));
  auto expected = u;
  auto step = [&](const char* path, json::object body) {
    body["loginId"] = str(expected.at("loginIds").as_array()[0]);
    auto r = post(path, body);
    EXPECT_EQ(r.status, 200) << path << ": " << r.body;
    EXPECT_EQ(r.json && r.obj().contains("user") ? r.obj().at("user").as_object() : json::object{},
              expected)
        << path;
  };

  expected["email"] = "other-" + email;
  expected["verifiedEmail"] = true;
  step("/v1/mgmt/user/update/email", {{"email", "other-" + email}, {"verified", true}});
  expected["phone"] = "+15555550177";
  expected["verifiedPhone"] = true;
  step("/v1/mgmt/user/update/phone", {{"phone", "+15555550177"}, {"verified", true}});
  expected["name"] = "New Name";
  step("/v1/mgmt/user/update/name", {{"displayName", "New Name"}});
  expected["name"] = "Given Family";
  step("/v1/mgmt/user/update/name", {{"givenName", "Given"}, {"familyName", "Family"}});
  expected["picture"] = "https://img.example/new.png";
  step("/v1/mgmt/user/update/picture", {{"picture", "https://img.example/new.png"}});
  EXPECT_EQ(user_by_id(uid), expected);

  std::string new_login = unique_email("newlogin");
  expected["loginIds"] = json::array{new_login};
  expected["externalIds"] = json::array{new_login};
  auto r = post("/v1/mgmt/user/update/loginid",
                json::object{{"loginId", email}, {"newLoginId", new_login}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.obj().at("user").as_object(), expected);
  EXPECT_TRUE(IsDescopeError(get("/v1/mgmt/user?loginId=" + email), 404, kUserNotFound));
  EXPECT_EQ(str(user_by_id(uid).at("loginIds").as_array()[0]), new_login);
  EXPECT_EQ(api().must_sign_in(new_login).user_id, uid);
  EXPECT_EQ(api().sign_in(email).status, 401);
  expected["lastLogin"] = user_by_id(uid).at("lastLogin");
  EXPECT_GT(expected.at("lastLogin").as_int64(), 0);

  // A login id that is taken.
  std::string other = unique_email("taken");
  create_user(other);
  EXPECT_TRUE(
      IsDescopeError(post("/v1/mgmt/user/update/loginid",
                          json::object{{"loginId", new_login}, {"newLoginId", upper(other)}}),
                     409, "E062107"));
  EXPECT_EQ(user_by_id(uid), expected);
  EXPECT_TRUE(IsDescopeError(
      post("/v1/mgmt/user/update/loginid", json::object{{"loginId", new_login}}), 400, "E011003"));
}

TEST_F(MgmtUserTest, DisablingRevokesSessionsAndBlocksSignIn) {
  auto [u, login] = signed_in_user("disable");
  std::string email = str(u.at("loginIds").as_array()[0]);
  auto second = api().must_sign_in(email);

  auto r =
      post("/v1/mgmt/user/update/status", json::object{{"loginId", email}, {"status", "disabled"}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.obj().at("user").at("status"), "disabled");
  EXPECT_EQ(user_by_id(login.user_id).at("status"), "disabled");

  EXPECT_TRUE(IsDescopeError(api().refresh(login.refresh), 401))
      << "a disabled user's refresh fails";
  EXPECT_TRUE(IsDescopeError(api().refresh(second.refresh), 401));
  EXPECT_TRUE(IsDescopeError(api().sign_in(email), 403, "E062112"));

  auto enabled = post("/v1/mgmt/user/update/status",
                      json::object{{"userId", login.user_id}, {"status", "enabled"}});
  ASSERT_EQ(enabled.status, 200) << enabled.body;
  EXPECT_EQ(enabled.obj().at("user").at("status"), "enabled");
  auto again = api().must_sign_in(email);
  EXPECT_EQ(api().refresh(again.refresh).status, 200);
  EXPECT_TRUE(IsDescopeError(api().refresh(login.refresh), 401))
      << "enabling does not revive old sessions";

  EXPECT_TRUE(IsDescopeError(
      post("/v1/mgmt/user/update/status", json::object{{"loginId", email}, {"status", "paused"}}),
      400, "E011003"));
  EXPECT_TRUE(IsDescopeError(post("/v1/mgmt/user/update/status", json::object{{"loginId", email}}),
                             400, "E011003"));
  EXPECT_EQ(user_by_id(login.user_id).at("status"), "enabled");
}

TEST_F(MgmtUserTest, DeleteIsIdempotent) {
  auto [u, login] = signed_in_user("delete");
  std::string email = str(u.at("loginIds").as_array()[0]);
  auto r = post("/v1/mgmt/user/delete", json::object{{"loginId", email}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_TRUE(r.json && r.obj().empty()) << r.body;
  EXPECT_TRUE(IsDescopeError(get("/v1/mgmt/user?userId=" + login.user_id), 404, kUserNotFound));
  EXPECT_TRUE(IsDescopeError(api().sign_in(email), 401));
  EXPECT_TRUE(IsDescopeError(api().refresh(login.refresh), 401));

  auto again = post("/v1/mgmt/user/delete", json::object{{"loginId", email}});
  EXPECT_EQ(again.status, 200) << again.body;
  EXPECT_TRUE(again.json && again.obj().empty()) << again.body;

  std::string other = str(create_user(unique_email("delid")).at("userId"));
  EXPECT_EQ(post("/v1/mgmt/user/delete", json::object{{"userId", other}}).status, 200);
  EXPECT_TRUE(IsDescopeError(get("/v1/mgmt/user?userId=" + other), 404, kUserNotFound));
  EXPECT_EQ(post("/v1/mgmt/user/delete", json::object{{"userId", other}}).status, 200);
  EXPECT_TRUE(IsDescopeError(post("/v1/mgmt/user/delete", json::object{}), 400, "E011003"));
  // The login id is free again.
  EXPECT_EQ(post("/v1/mgmt/user/create", json::object{{"loginId", email}}).status, 200);
}

TEST_F(MgmtUserTest, RoleSetAddAndRemoveOnV1AndV2Paths) {
  std::string r1 = make_role("ra"), r2 = make_role("rb"), r3 = make_role("rc");
  auto [u, login] = signed_in_user("roles", {{"roleNames", json::array{r1}}});
  std::string email = str(u.at("loginIds").as_array()[0]);
  auto step = [&](const char* path, json::array names) {
    auto r = post(path, json::object{{"loginId", email}, {"roleNames", std::move(names)}});
    EXPECT_EQ(r.status, 200) << path << ": " << r.body;
    return r.json && r.obj().contains("user") ? set_of(r.obj().at("user").at("roleNames"))
                                              : std::set<std::string>{};
  };
  EXPECT_THAT(step("/v1/mgmt/user/update/role/set", {r2, r3}), UnorderedElementsAre(r2, r3));
  EXPECT_THAT(step("/v1/mgmt/user/update/role/add", {r1}), UnorderedElementsAre(r1, r2, r3));
  EXPECT_THAT(step("/v1/mgmt/user/update/role/remove", {r2}), UnorderedElementsAre(r1, r3));
  EXPECT_THAT(step("/v2/mgmt/user/update/role/add", {r2, r2}), UnorderedElementsAre(r1, r2, r3));
  EXPECT_THAT(step("/v2/mgmt/user/update/role/add", {r2}), UnorderedElementsAre(r1, r2, r3));
  EXPECT_THAT(step("/v2/mgmt/user/update/role/remove", {r1, r3}), UnorderedElementsAre(r2));
  EXPECT_THAT(step("/v1/mgmt/user/update/role/set", {}), IsEmpty());
  EXPECT_THAT(strings(user_by_id(login.user_id).at("roleNames")), IsEmpty());

  // The session shows the roles after the next refresh.
  EXPECT_THAT(strings(jwt_payload(login.session).at("roles")), ElementsAre(r1));
  EXPECT_THAT(strings(jwt_payload(api().must_refresh(login.refresh).session).at("roles")),
              IsEmpty());
  step("/v1/mgmt/user/update/role/set", {r3});
  auto fresh = api().must_sign_in(email);
  EXPECT_THAT(strings(jwt_payload(fresh.session).at("roles")), ElementsAre(r3));
  EXPECT_THAT(strings(fresh.response.obj().at("user").at("roleNames")), ElementsAre(r3));
}

TEST_F(MgmtUserTest, RolesWithTenantIdActOnTheTenantMembership) {
  std::string r1 = make_role("pr"), r2 = make_role("tr"), r3 = make_role("ts");
  std::string tenant = make_tenant(), other = make_tenant();
  auto [u, login] = signed_in_user("troles", {{"roleNames", json::array{r1}}});
  std::string email = str(u.at("loginIds").as_array()[0]);
  must(post("/v1/mgmt/user/update/tenant/add",
            json::object{{"loginId", email}, {"tenantId", tenant}}),
       "tenant add");

  using Tenants = std::map<std::string, std::set<std::string>>;
  auto step = [&](const char* path, json::array names) -> Tenants {
    auto r = post(
        path,
        json::object{{"loginId", email}, {"tenantId", tenant}, {"roleNames", std::move(names)}});
    EXPECT_EQ(r.status, 200) << path << ": " << r.body;
    if (!r.json || !r.obj().contains("user")) return {};
    EXPECT_THAT(strings(r.obj().at("user").at("roleNames")), ElementsAre(r1))
        << path << ": project roles stay";
    return user_tenants(r.obj().at("user").as_object());
  };
  EXPECT_EQ(step("/v1/mgmt/user/update/role/set", {r2}), (Tenants{{tenant, {r2}}}));
  EXPECT_EQ(step("/v2/mgmt/user/update/role/add", {r3}), (Tenants{{tenant, {r2, r3}}}));
  EXPECT_EQ(step("/v1/mgmt/user/update/role/remove", {r2}), (Tenants{{tenant, {r3}}}));
  EXPECT_EQ(step("/v1/mgmt/user/update/role/add", {r1}), (Tenants{{tenant, {r1, r3}}}));
  EXPECT_EQ(step("/v2/mgmt/user/update/role/remove", {r1}), (Tenants{{tenant, {r3}}}));

  auto next = api().must_refresh(login.refresh);
  auto claims = jwt_payload(next.session);
  EXPECT_THAT(strings(claims.at("roles")), ElementsAre(r1));
  EXPECT_EQ(claim_tenants(next.session), (Tenants{{tenant, {r3}}}));
  ASSERT_TRUE(claims.at("tenants").at(tenant).as_object().contains("permissions")) << claims;

  // A tenant the user is not a member of: 400, nothing changes.
  auto r =
      post("/v1/mgmt/user/update/role/set",
           json::object{{"loginId", email}, {"tenantId", other}, {"roleNames", json::array{r2}}});
  EXPECT_TRUE(IsDescopeError(r, 400, "E011003"));
  EXPECT_EQ(user_tenants(user_by_id(login.user_id)), (Tenants{{tenant, {r3}}}));
}

TEST_F(MgmtUserTest, TenantAddAndRemoveShowInTheSessionAfterRefresh) {
  std::string t1 = make_tenant("First"), t2 = make_tenant("Second"), role = make_role("member");
  auto [u, login] = signed_in_user("tenants");
  std::string email = str(u.at("loginIds").as_array()[0]);
  EXPECT_TRUE(jwt_payload(login.session).at("tenants").as_object().empty());
  using Tenants = std::map<std::string, std::set<std::string>>;

  auto add = must_user(
      post("/v1/mgmt/user/update/tenant/add", json::object{{"loginId", email}, {"tenantId", t1}}),
      "tenant add");
  EXPECT_EQ(user_tenants(add), (Tenants{{t1, {}}}));
  EXPECT_EQ(add.at("userTenants").as_array()[0].at("tenantName"), "First");
  auto twice = must_user(
      post("/v1/mgmt/user/update/tenant/add", json::object{{"loginId", email}, {"tenantId", t1}}),
      "tenant add again");
  EXPECT_EQ(user_tenants(twice), (Tenants{{t1, {}}}));
  must(post("/v1/mgmt/user/update/role/set",
            json::object{{"loginId", email}, {"tenantId", t1}, {"roleNames", json::array{role}}}),
       "tenant role set");
  auto s1 = api().must_refresh(login.refresh);
  EXPECT_EQ(claim_tenants(s1.session), (Tenants{{t1, {role}}}));

  must(post("/v1/mgmt/user/update/tenant/add",
            json::object{{"userId", login.user_id}, {"tenantId", t2}}),
       "add t2");
  auto s2 = api().must_refresh(s1.refresh);
  EXPECT_EQ(claim_tenants(s2.session), (Tenants{{t1, {role}}, {t2, {}}}));

  auto removed = must_user(post("/v1/mgmt/user/update/tenant/remove",
                                json::object{{"loginId", email}, {"tenantId", t1}}),
                           "remove");
  EXPECT_EQ(user_tenants(removed), (Tenants{{t2, {}}}));
  auto s3 = api().must_refresh(s2.refresh);
  EXPECT_EQ(claim_tenants(s3.session), (Tenants{{t2, {}}}));

  std::string ghost = unique_name("no-such-tenant");
  auto r = post("/v1/mgmt/user/update/tenant/add",
                json::object{{"loginId", email}, {"tenantId", ghost}});
  EXPECT_TRUE(IsDescopeError(r, 400, "E011003"));
  EXPECT_THAT(message_of(r), HasSubstr(ghost));
  EXPECT_TRUE(IsDescopeError(
      post("/v1/mgmt/user/update/tenant/add", json::object{{"loginId", email}}), 400, "E011003"));
  EXPECT_EQ(user_tenants(user_by_id(login.user_id)), (Tenants{{t2, {}}}));
}

TEST_F(MgmtUserTest, UnknownRoleIs400NamingItAndChangesNothing) {
  std::string r1 = make_role("keep"), tenant = make_tenant();
  std::string bogus = unique_name("no-such-role");
  std::string email = unique_email("badrole");
  auto u = create_user(
      email, {{"displayName", "Unchanged"},
              {"phone", "+15555550100"},
              {"roleNames", json::array{r1}},
              {"userTenants",
               json::array{json::object{{"tenantId", tenant}, {"roleNames", json::array{r1}}}}}});
  std::string uid = str(u.at("userId"));

  struct Case {
    const char* method;
    const char* path;
    json::object body;
  };
  std::vector<Case> cases = {
      {"POST",
       "/v1/mgmt/user/update/role/set",
       {{"loginId", email}, {"roleNames", json::array{r1, bogus}}}},
      {"POST",
       "/v1/mgmt/user/update/role/add",
       {{"loginId", email}, {"roleNames", json::array{bogus}}}},
      {"POST",
       "/v2/mgmt/user/update/role/add",
       {{"loginId", email}, {"roleNames", json::array{bogus}}}},
      {"POST",
       "/v1/mgmt/user/update/role/set",
       {{"loginId", email}, {"tenantId", tenant}, {"roleNames", json::array{bogus}}}},
      {"POST",
       "/v2/mgmt/user/update/role/add",
       {{"loginId", email}, {"tenantId", tenant}, {"roleNames", json::array{bogus}}}},
      {"POST",
       "/v1/mgmt/user/update",
       {{"loginId", email}, {"displayName", "Changed"}, {"roleNames", json::array{bogus}}}},
      {"POST",
       "/v1/mgmt/user/update",
       {{"loginId", email},
        {"displayName", "Changed"},
        {"userTenants",
         json::array{json::object{{"tenantId", tenant}, {"roleNames", json::array{bogus}}}}}}},
      {"PATCH",
       "/v1/mgmt/user/patch",
       {{"loginId", email}, {"phone", "+15555550199"}, {"roleNames", json::array{bogus}}}},
  };
  for (const auto& c : cases) {
    std::string what = std::string(c.path) + " " + json::serialize(c.body);
    auto r = std::string(c.method) == "PATCH" ? patch(c.path, c.body) : post(c.path, c.body);
    EXPECT_TRUE(IsDescopeError(r, 400, "E011003")) << what;
    EXPECT_THAT(message_of(r), HasSubstr(bogus)) << what;
    EXPECT_EQ(user_by_id(uid), u) << what << ": the user changed";
  }

  // Creating with an unknown role (project or tenant) creates nothing.
  for (const auto& f : {json::object{{"roleNames", json::array{"teacher", bogus}}},
                        json::object{{"userTenants", json::array{json::object{
                                                         {"tenantId", tenant},
                                                         {"roleNames", json::array{bogus}}}}}}}) {
    std::string login = unique_email("badcreate");
    json::object body = f;
    body["loginId"] = login;
    body["password"] = kPassword;
    auto r = post("/v1/mgmt/user/create", body);
    EXPECT_TRUE(IsDescopeError(r, 400, "E011003")) << json::serialize(body);
    EXPECT_THAT(message_of(r), HasSubstr(bogus));
    EXPECT_TRUE(IsDescopeError(get("/v1/mgmt/user?loginId=" + login), 404, kUserNotFound))
        << "half-created user";
    EXPECT_EQ(post("/v1/mgmt/user/create", json::object{{"loginId", login}}).status, 200)
        << "login id still free";
  }
  EXPECT_FALSE(role_exists(bogus));
}

TEST_F(MgmtUserTest, PasswordSetActiveLetsTheUserSignIn) {
  std::string email = unique_email("setpw");
  std::string uid = str(create_user(email).at("userId"));
  EXPECT_TRUE(IsDescopeError(api().sign_in(email), 401));

  auto r = post("/v1/mgmt/user/password/set/active",
                json::object{{"loginId", email}, {"password", kPassword}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_TRUE(r.json && r.obj().empty()) << r.body;
  EXPECT_EQ(api().must_sign_in(email).user_id, uid);
  EXPECT_EQ(user_by_id(uid).at("password"), true);

  std::string next = "Another-Horse-7-Staple";
  ASSERT_EQ(
      post("/v1/mgmt/user/password/set/active", json::object{{"userId", uid}, {"password", next}})
          .status,
      200);
  EXPECT_TRUE(IsDescopeError(api().sign_in(email), 401));
  EXPECT_EQ(api().sign_in(email, next).status, 200);

  EXPECT_TRUE(IsDescopeError(post("/v1/mgmt/user/password/set/active",
                                  json::object{{"loginId", email}, {"password", "short"}}),
                             400, "E011003"));
  EXPECT_TRUE(IsDescopeError(
      post("/v1/mgmt/user/password/set/active", json::object{{"loginId", email}}), 400, "E011003"));
  EXPECT_EQ(api().sign_in(email, next).status, 200) << "a refused password changes nothing";
}

TEST_F(MgmtUserTest, TemporaryPasswordMustBeReplacedBeforeSignIn) {
  std::string temp = "Temporary-Pass-42";
  for (const char* path : {"/v1/mgmt/user/password/set/temporary", "/v1/mgmt/user/password/set"}) {
    SCOPED_TRACE(path);
    std::string email = unique_email("temppw");
    std::string uid = str(create_user(email, {{"password", kPassword}}).at("userId"));
    auto r = post(path, json::object{{"loginId", email}, {"password", temp}});
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_TRUE(IsDescopeError(api().sign_in(email, temp), 401, "E062909"));
    EXPECT_TRUE(IsDescopeError(api().sign_in(email, kPassword), 401)) << "the old password is gone";

    auto replaced = api().http.post(
        "/v1/auth/password/replace",
        json::object{
            {"loginId", email}, {"oldPassword", temp}, {"newPassword", "Chosen-By-Me-2024"}},
        bearer(pid()));
    ASSERT_EQ(replaced.status, 200) << replaced.body;
    EXPECT_EQ(str(replaced.obj().at("user").at("userId")), uid);
    EXPECT_TRUE(replaced.obj().at("sessionJwt").is_string());
    EXPECT_EQ(api().sign_in(email, "Chosen-By-Me-2024").status, 200);
    EXPECT_TRUE(IsDescopeError(api().sign_in(email, temp), 401));
  }
}

TEST_F(MgmtUserTest, ExpiredPasswordMustBeReplaced) {
  auto [u, login] = signed_in_user("expire");
  std::string email = str(u.at("loginIds").as_array()[0]);
  auto r = post("/v1/mgmt/user/password/expire", json::object{{"loginId", email}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_TRUE(r.json && r.obj().empty()) << r.body;
  EXPECT_TRUE(IsDescopeError(api().sign_in(email), 401, "E062909"));
  auto replaced = api().http.post(
      "/v1/auth/password/replace",
      json::object{
          {"loginId", email}, {"oldPassword", kPassword}, {"newPassword", "Fresh-Password-77"}},
      bearer(pid()));
  ASSERT_EQ(replaced.status, 200) << replaced.body;
  EXPECT_EQ(api().sign_in(email, "Fresh-Password-77").status, 200);
}

TEST_F(MgmtUserTest, LogoutEndsEveryRefreshToken) {
  auto [u, a] = signed_in_user("mlogout");
  std::string email = str(u.at("loginIds").as_array()[0]);
  auto b = api().must_sign_in(email);
  auto b2 = api().must_refresh(b.refresh);

  auto r = post("/v1/mgmt/user/logout", json::object{{"loginId", email}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_TRUE(r.json && r.obj().empty()) << r.body;
  EXPECT_TRUE(IsDescopeError(api().refresh(a.refresh), 401));
  EXPECT_TRUE(IsDescopeError(api().refresh(b2.refresh), 401));
  EXPECT_TRUE(IsDescopeError(api().refresh(b.refresh), 401))
      << "even within the rotation grace window";
  EXPECT_TRUE(IsDescopeError(api().me(a.refresh), 401));

  auto c = api().must_sign_in(email);
  EXPECT_EQ(api().refresh(c.refresh).status, 200) << "the user can sign in again";
  ASSERT_EQ(post("/v1/mgmt/user/logout", json::object{{"userId", a.user_id}}).status, 200);
  EXPECT_TRUE(IsDescopeError(api().refresh(c.refresh), 401));
}

TEST_F(MgmtUserTest, UnknownUserIs404OnEveryUserEndpoint) {
  std::string ghost = unique_email("ghost");
  std::string tenant = make_tenant();
  EXPECT_TRUE(
      IsDescopeError(get("/v1/mgmt/user?loginId=" + url_encode(ghost)), 404, kUserNotFound));
  EXPECT_TRUE(IsDescopeError(get("/v1/mgmt/user?userId=Unosuchuser"), 404, kUserNotFound));
  struct Case {
    const char* path;
    json::object extra;
  };
  std::vector<Case> cases = {
      {"/v1/mgmt/user/update", {{"displayName", "X"}}},
      {"/v1/mgmt/user/update/email", {{"email", "x@test.example"}}},
      {"/v1/mgmt/user/update/phone", {{"phone", "+15555550100"}}},
      {"/v1/mgmt/user/update/name", {{"displayName", "X"}}},
      {"/v1/mgmt/user/update/picture", {{"picture", "https://img.example/x.png"}}},
      {"/v1/mgmt/user/update/loginid", {{"newLoginId", unique_email("newghost")}}},
      {"/v1/mgmt/user/update/status", {{"status", "disabled"}}},
      {"/v1/mgmt/user/update/role/set", {{"roleNames", json::array{"teacher"}}}},
      {"/v1/mgmt/user/update/role/add", {{"roleNames", json::array{"teacher"}}}},
      {"/v2/mgmt/user/update/role/add", {{"roleNames", json::array{"teacher"}}}},
      {"/v1/mgmt/user/update/role/remove", {{"roleNames", json::array{"teacher"}}}},
      {"/v2/mgmt/user/update/role/remove", {{"roleNames", json::array{"teacher"}}}},
      {"/v1/mgmt/user/update/tenant/add", {{"tenantId", tenant}}},
      {"/v1/mgmt/user/update/tenant/remove", {{"tenantId", tenant}}},
      {"/v1/mgmt/user/password/set/active", {{"password", kPassword}}},
      {"/v1/mgmt/user/password/set/temporary", {{"password", kPassword}}},
      {"/v1/mgmt/user/password/expire", {}},
      {"/v1/mgmt/user/logout", {}},
  };
  for (auto c : cases) {
    auto by_login = c.extra;
    by_login["loginId"] = ghost;
    EXPECT_TRUE(IsDescopeError(post(c.path, by_login), 404, kUserNotFound))
        << c.path << " by loginId";
    auto by_id = c.extra;
    by_id["userId"] = "Unosuchuser";
    EXPECT_TRUE(IsDescopeError(post(c.path, by_id), 404, kUserNotFound)) << c.path << " by userId";
  }
  EXPECT_TRUE(IsDescopeError(
      patch("/v1/mgmt/user/patch", json::object{{"loginId", ghost}, {"phone", "+1555"}}), 404,
      kUserNotFound));
  EXPECT_TRUE(IsDescopeError(get("/v1/mgmt/user?loginId=" + url_encode(ghost)), 404))
      << "nothing was created";
}

TEST_F(MgmtUserTest, WrongJsonTypesAre400) {
  std::string login = unique_email("types");
  for (const char* body : {"{", "[]", "\"text\"", "42", "{\"loginId\": }"}) {
    auto r = api().http.post("/v1/mgmt/user/create", std::string(body), auth());
    EXPECT_TRUE(IsDescopeError(r, 400)) << body;
  }
  std::vector<json::object> bad_creates = {
      {{"loginId", 42}},
      {{"loginId", json::array{login}}},
      {{"loginId", login}, {"roleNames", "teacher"}},
      {{"loginId", login}, {"roleNames", json::array{1, 2}}},
      {{"loginId", login}, {"userTenants", json::object{}}},
      {{"loginId", login}, {"userTenants", json::array{"t1"}}},
      {{"loginId", login}, {"userTenants", json::array{json::object{{"tenantId", 5}}}}},
      {{"loginId", login}, {"password", 12345678}},
      {{"loginId", login}, {"verifiedEmail", "yes"}},
      {{"loginId", login}, {"displayName", json::array{}}},
      {{"loginId", login}, {"email", false}},
  };
  for (const auto& b : bad_creates) {
    EXPECT_TRUE(IsDescopeError(post("/v1/mgmt/user/create", b), 400)) << json::serialize(b);
  }
  EXPECT_TRUE(IsDescopeError(post("/v1/mgmt/user/create", json::object{}), 400, "E011003"));
  EXPECT_TRUE(IsDescopeError(get("/v1/mgmt/user?loginId=" + url_encode(login)), 404))
      << "nothing was created";

  auto u = create_user(login, {{"displayName", "Typed"}});
  std::vector<std::pair<const char*, json::object>> bad_others = {
      {"/v2/mgmt/user/search", {{"limit", "10"}}},
      {"/v2/mgmt/user/search", {{"page", 1.5}}},
      {"/v2/mgmt/user/search", {{"text", 5}}},
      {"/v2/mgmt/user/search", {{"roleNames", "teacher"}}},
      {"/v1/mgmt/user/search", {{"statuses", json::object{}}}},
      {"/v1/mgmt/user/update", {{"loginId", login}, {"roleNames", "teacher"}}},
      {"/v1/mgmt/user/update/status", {{"loginId", login}, {"status", true}}},
      {"/v1/mgmt/user/update/role/set", {{"loginId", login}, {"roleNames", "teacher"}}},
      {"/v1/mgmt/user/update/role/add",
       {{"loginId", login}, {"roleNames", json::array{"teacher"}}, {"tenantId", 7}}},
      {"/v1/mgmt/user/update/tenant/add", {{"loginId", login}, {"tenantId", json::array{}}}},
      {"/v1/mgmt/user/password/set/active", {{"loginId", login}, {"password", 12345678}}},
      {"/v1/mgmt/user/delete", {{"userId", 17}}},
      {"/v1/mgmt/role/create", {{"name", unique_name("r")}, {"permissionNames", "p"}}},
      {"/v1/mgmt/tenant/create", {{"name", "T"}, {"selfProvisioningDomains", "a.example"}}},
      {"/v1/mgmt/tenant/create", {{"name", "T"}, {"customAttributes", "x"}}},
      {"/v1/mgmt/audit/search", {{"actions", "user.signin"}}},
  };
  for (const auto& [path, b] : bad_others) {
    EXPECT_TRUE(IsDescopeError(post(path, b), 400)) << path << " " << json::serialize(b);
  }
  EXPECT_TRUE(IsDescopeError(
      patch("/v1/mgmt/user/patch", json::object{{"loginId", login}, {"phone", 5}}), 400));
  EXPECT_EQ(user_by_id(str(u.at("userId"))), u) << "no bad request changed the user";
}

TEST_F(MgmtUserTest, DuplicateUserIs409) {
  std::string email = unique_email("dupe");
  auto u = create_user(email, {{"displayName", "First"}});
  for (const auto& again : {email, upper(email)}) {
    auto r =
        post("/v1/mgmt/user/create", json::object{{"loginId", again}, {"displayName", "Second"}});
    EXPECT_TRUE(IsDescopeError(r, 409, "E062107")) << again;
  }
  EXPECT_TRUE(IsDescopeError(post("/v1/mgmt/user/create/test", json::object{{"loginId", email}}),
                             409, "E062107"));
  EXPECT_EQ(user_by_id(str(u.at("userId"))).at("name"), "First");
  // Also a user who signed up over the auth API.
  std::string web = unique_email("webdupe");
  api().must_sign_up(web);
  EXPECT_TRUE(
      IsDescopeError(post("/v1/mgmt/user/create", json::object{{"loginId", web}}), 409, "E062107"));
}

// ---------------------------------------------------------------------------
// Roles and permissions

class MgmtRoleTest : public MgmtFixture<MgmtRoleTest> {};

TEST_F(MgmtRoleTest, CreateAndListRolesWithPermissions) {
  std::string p1 = make_permission("read"), p2 = make_permission("write");
  std::string name = unique_name("editor");
  int64_t before = unix_now();
  auto r = post("/v1/mgmt/role/create", json::object{{"name", name},
                                                     {"description", "Edits things"},
                                                     {"permissionNames", json::array{p2, p1}},
                                                     {"tenantId", ""},
                                                     {"default", false}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_TRUE(r.json && r.json->is_object()) << r.body;

  auto all = get("/v1/mgmt/role/all");
  ASSERT_EQ(all.status, 200) << all.body;
  const auto* listed = find_by(all.obj().at("roles"), "name", name);
  ASSERT_NE(listed, nullptr) << all.body;
  EXPECT_EQ(listed->at("description"), "Edits things");
  EXPECT_THAT(set_of(listed->at("permissionNames")), UnorderedElementsAre(p1, p2));
  EXPECT_GE(listed->at("createdTime").as_int64(), before - 1);
  // The seeded roles are there too.
  for (const char* seeded : {"admin", "teacher", "student"}) {
    EXPECT_NE(find_by(all.obj().at("roles"), "name", seeded), nullptr) << seeded;
  }
  // A role without permissions.
  std::string bare = make_role("bare");
  EXPECT_THAT(role(bare).at("permissionNames").as_array(), IsEmpty());
}

TEST_F(MgmtRoleTest, SessionPermissionsAreTheUnionOfTheRolesAfterRefresh) {
  std::string p1 = make_permission("p"), p2 = make_permission("p"), p3 = make_permission("p");
  std::string ra = make_role("ra", {p1, p2}), rb = make_role("rb", {p2, p3});
  auto [u, login] = signed_in_user("perms", {{"roleNames", json::array{ra, rb}}});
  EXPECT_THAT(strings(jwt_payload(login.session).at("permissions")),
              UnorderedElementsAre(p1, p2, p3));

  // Change the roles' permissions: the next session carries the new union.
  must(post("/v1/mgmt/role/update",
            json::object{{"name", ra}, {"newName", ra}, {"permissionNames", json::array{p1}}}),
       "update ra");
  must(post("/v1/mgmt/role/update",
            json::object{{"name", rb}, {"newName", rb}, {"permissionNames", json::array{p1}}}),
       "update rb");
  EXPECT_THAT(strings(jwt_payload(login.session).at("permissions")),
              UnorderedElementsAre(p1, p2, p3))
      << "a minted token does not change";
  auto next = api().must_refresh(login.refresh);
  EXPECT_THAT(strings(jwt_payload(next.session).at("permissions")), ElementsAre(p1));

  // Roles given later count too.
  std::string rc = make_role("rc", {p3});
  must(post("/v2/mgmt/user/update/role/add",
            json::object{{"userId", login.user_id}, {"roleNames", json::array{rc}}}),
       "role add");
  auto last = api().must_refresh(next.refresh);
  EXPECT_THAT(strings(jwt_payload(last.session).at("permissions")), UnorderedElementsAre(p1, p3));
  EXPECT_THAT(strings(jwt_payload(last.session).at("roles")), UnorderedElementsAre(ra, rb, rc));
}

TEST_F(MgmtRoleTest, RenameCascadesToUsersAndTokens) {
  std::string p = make_permission("grade");
  std::string old_name = make_role("old", {p});
  auto [u, login] = signed_in_user("rename", {{"roleNames", json::array{old_name, "student"}}});
  std::string new_name = unique_name("new");
  auto r = post("/v1/mgmt/role/update", json::object{{"name", old_name},
                                                     {"newName", new_name},
                                                     {"description", "Renamed"},
                                                     {"permissionNames", json::array{p}}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_FALSE(role_exists(old_name));
  auto renamed = role(new_name);
  EXPECT_EQ(renamed.at("description"), "Renamed");
  EXPECT_THAT(strings(renamed.at("permissionNames")), ElementsAre(p));

  EXPECT_THAT(set_of(user_by_id(login.user_id).at("roleNames")),
              UnorderedElementsAre(new_name, "student"));
  auto next = api().must_refresh(login.refresh);
  EXPECT_THAT(strings(jwt_payload(next.session).at("roles")),
              UnorderedElementsAre(new_name, "student"));
  EXPECT_THAT(strings(jwt_payload(next.session).at("permissions")), ElementsAre(p));
  auto search = post("/v2/mgmt/user/search", json::object{{"roleNames", json::array{new_name}}});
  ASSERT_EQ(search.status, 200) << search.body;
  EXPECT_THAT(ids_of(search.obj().at("users")), ElementsAre(login.user_id));

  // Errors: unknown role 404, taken new name 409; nothing changes.
  EXPECT_TRUE(IsDescopeError(
      post("/v1/mgmt/role/update", json::object{{"name", old_name}, {"newName", unique_name("x")}}),
      404));
  EXPECT_TRUE(IsDescopeError(
      post("/v1/mgmt/role/update",
           json::object{
               {"name", new_name}, {"newName", "teacher"}, {"permissionNames", json::array{p}}}),
      409));
  EXPECT_TRUE(
      IsDescopeError(post("/v1/mgmt/role/update", json::object{{"newName", "x"}}), 400, "E011003"));
  EXPECT_THAT(strings(role(new_name).at("permissionNames")), ElementsAre(p));
  // Updating with an unknown permission names it and changes nothing.
  std::string ghost = unique_name("no-such-perm");
  auto bad = post("/v1/mgmt/role/update", json::object{{"name", new_name},
                                                       {"newName", new_name},
                                                       {"permissionNames", json::array{ghost}}});
  EXPECT_TRUE(IsDescopeError(bad, 400, "E011003"));
  EXPECT_THAT(message_of(bad), HasSubstr(ghost));
  EXPECT_THAT(strings(role(new_name).at("permissionNames")), ElementsAre(p));
}

TEST_F(MgmtRoleTest, DeleteRemovesTheRoleFromUsers) {
  std::string p = make_permission("gone");
  std::string doomed = make_role("doomed", {p});
  std::string tenant = make_tenant();
  auto [u, login] = signed_in_user(
      "delrole", {{"roleNames", json::array{doomed, "teacher"}},
                  {"userTenants", json::array{json::object{{"tenantId", tenant},
                                                           {"roleNames", json::array{doomed}}}}}});
  auto r = post("/v1/mgmt/role/delete", json::object{{"name", doomed}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_TRUE(r.json && r.json->is_object()) << r.body;
  EXPECT_FALSE(role_exists(doomed));
  auto after = user_by_id(login.user_id);
  EXPECT_THAT(strings(after.at("roleNames")), ElementsAre("teacher"));
  EXPECT_EQ(user_tenants(after), (std::map<std::string, std::set<std::string>>{{tenant, {}}}));
  auto next = api().must_refresh(login.refresh);
  EXPECT_THAT(strings(jwt_payload(next.session).at("roles")), ElementsAre("teacher"));
  EXPECT_THAT(strings(jwt_payload(next.session).at("permissions")), IsEmpty());

  EXPECT_TRUE(IsDescopeError(post("/v1/mgmt/role/delete", json::object{{"name", doomed}}), 404));
  EXPECT_TRUE(IsDescopeError(post("/v1/mgmt/role/delete", json::object{}), 400, "E011003"));
  // The name can be used again, and old holders do not get it back.
  make_permission("unused");
  ASSERT_EQ(post("/v1/mgmt/role/create", json::object{{"name", doomed}}).status, 200);
  EXPECT_THAT(strings(user_by_id(login.user_id).at("roleNames")), ElementsAre("teacher"));
}

TEST_F(MgmtRoleTest, DuplicateRoleIs409AndUnknownPermissionIs400) {
  std::string name = make_role("dup");
  auto again =
      post("/v1/mgmt/role/create", json::object{{"name", name}, {"description", "second"}});
  EXPECT_TRUE(IsDescopeError(again, 409));
  EXPECT_EQ(role(name).at("description"), "made by dup");
  EXPECT_TRUE(IsDescopeError(post("/v1/mgmt/role/create", json::object{{"name", "teacher"}}), 409));

  std::string ghost = unique_name("no-such-perm");
  std::string fresh = unique_name("fresh");
  auto bad = post("/v1/mgmt/role/create",
                  json::object{{"name", fresh}, {"permissionNames", json::array{ghost}}});
  EXPECT_TRUE(IsDescopeError(bad, 400, "E011003"));
  EXPECT_THAT(message_of(bad), HasSubstr(ghost));
  EXPECT_FALSE(role_exists(fresh));

  EXPECT_TRUE(IsDescopeError(post("/v1/mgmt/role/create", json::object{{"description", "no name"}}),
                             400, "E011003"));
  EXPECT_TRUE(IsDescopeError(post("/v1/mgmt/role/create", json::object{{"name", "bad/name"}}), 400,
                             "E011003"));
  // Tenant-scoped roles are not supported: refused rather than made project-wide.
  std::string scoped = unique_name("scoped");
  EXPECT_TRUE(IsDescopeError(
      post("/v1/mgmt/role/create", json::object{{"name", scoped}, {"tenantId", make_tenant()}}),
      400, "E011003"));
  EXPECT_FALSE(role_exists(scoped));
}

TEST_F(MgmtRoleTest, PermissionsCreateRenameDeleteAndList) {
  std::string name = unique_name("perm");
  auto r = post("/v1/mgmt/permission/create",
                json::object{{"name", name}, {"description", "Can do it"}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_TRUE(r.json && r.json->is_object()) << r.body;
  auto all = must(get("/v1/mgmt/permission/all"), "permission/all");
  const auto* p = find_by(all.at("permissions"), "name", name);
  ASSERT_NE(p, nullptr) << all;
  EXPECT_EQ(p->at("description"), "Can do it");
  EXPECT_EQ(p->at("systemDefault"), false);
  EXPECT_TRUE(
      IsDescopeError(post("/v1/mgmt/permission/create", json::object{{"name", name}}), 409));

  // Rename: roles holding it follow, and so do the sessions of their users.
  std::string role_name = make_role("holder", {name});
  auto [u, login] = signed_in_user("permrename", {{"roleNames", json::array{role_name}}});
  std::string renamed = unique_name("renamed");
  ASSERT_EQ(
      post("/v1/mgmt/permission/update",
           json::object{{"name", name}, {"newName", renamed}, {"description", "Can still do it"}})
          .status,
      200);
  all = must(get("/v1/mgmt/permission/all"), "permission/all");
  EXPECT_EQ(find_by(all.at("permissions"), "name", name), nullptr);
  ASSERT_NE(find_by(all.at("permissions"), "name", renamed), nullptr);
  EXPECT_EQ(find_by(all.at("permissions"), "name", renamed)->at("description"), "Can still do it");
  EXPECT_THAT(strings(role(role_name).at("permissionNames")), ElementsAre(renamed));
  auto next = api().must_refresh(login.refresh);
  EXPECT_THAT(strings(jwt_payload(next.session).at("permissions")), ElementsAre(renamed));

  // Description only (no newName keeps the name).
  ASSERT_EQ(
      post("/v1/mgmt/permission/update", json::object{{"name", renamed}, {"description", "Third"}})
          .status,
      200);
  all = must(get("/v1/mgmt/permission/all"), "permission/all");
  ASSERT_NE(find_by(all.at("permissions"), "name", renamed), nullptr);
  EXPECT_EQ(find_by(all.at("permissions"), "name", renamed)->at("description"), "Third");

  EXPECT_TRUE(IsDescopeError(post("/v1/mgmt/permission/update",
                                  json::object{{"name", unique_name("ghost")}, {"newName", "x"}}),
                             404));
  std::string other = make_permission("other");
  EXPECT_TRUE(IsDescopeError(
      post("/v1/mgmt/permission/update", json::object{{"name", renamed}, {"newName", other}}),
      409));

  // Delete: gone from the list, from the role and from the next session.
  ASSERT_EQ(post("/v1/mgmt/permission/delete", json::object{{"name", renamed}}).status, 200);
  all = must(get("/v1/mgmt/permission/all"), "permission/all");
  EXPECT_EQ(find_by(all.at("permissions"), "name", renamed), nullptr);
  EXPECT_THAT(role(role_name).at("permissionNames").as_array(), IsEmpty());
  EXPECT_THAT(strings(jwt_payload(api().must_refresh(next.refresh).session).at("permissions")),
              IsEmpty());
  EXPECT_TRUE(
      IsDescopeError(post("/v1/mgmt/permission/delete", json::object{{"name", renamed}}), 404));
  EXPECT_TRUE(IsDescopeError(post("/v1/mgmt/permission/create", json::object{}), 400, "E011003"));
}

// ---------------------------------------------------------------------------
// Tenants

class MgmtTenantTest : public MgmtFixture<MgmtTenantTest> {};

TEST_F(MgmtTenantTest, CreateWithAndWithoutAnId) {
  std::string id = unique_name("acme");
  auto r = post("/v1/mgmt/tenant/create",
                json::object{{"id", id},
                             {"name", "Acme"},
                             {"selfProvisioningDomains", json::array{"acme.example"}},
                             {"customAttributes", json::object{{"plan", "gold"}}},
                             {"enforceSSO", false},
                             {"parent", nullptr}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.obj(), (json::object{{"id", id}}));

  auto gen = post("/v1/mgmt/tenant/create", json::object{{"name", "Generated"}});
  ASSERT_EQ(gen.status, 200) << gen.body;
  ASSERT_TRUE(gen.obj().contains("id") && gen.obj().at("id").is_string()) << gen.body;
  std::string gen_id = str(gen.obj().at("id"));
  EXPECT_FALSE(gen_id.empty());
  auto gen2 = post("/v1/mgmt/tenant/create", json::object{{"name", "Generated"}});
  ASSERT_EQ(gen2.status, 200) << gen2.body;
  EXPECT_NE(str(gen2.obj().at("id")), gen_id) << "generated ids are unique";

  auto loaded = get("/v1/mgmt/tenant?id=" + url_encode(id));
  ASSERT_EQ(loaded.status, 200) << loaded.body;
  const auto& t = loaded.obj();
  EXPECT_FALSE(t.contains("tenant")) << "the tenant is at top level";
  EXPECT_EQ(str(t.at("id")), id);
  EXPECT_EQ(t.at("name"), "Acme");
  EXPECT_THAT(strings(t.at("selfProvisioningDomains")), ElementsAre("acme.example"));
  EXPECT_EQ(t.at("customAttributes"), (json::object{{"plan", "gold"}}));
  EXPECT_NEAR(static_cast<double>(t.at("createdTime").as_int64()), static_cast<double>(unix_now()),
              60);

  auto g = get("/v1/mgmt/tenant?id=" + url_encode(gen_id));
  ASSERT_EQ(g.status, 200) << g.body;
  EXPECT_EQ(g.obj().at("name"), "Generated");
  EXPECT_THAT(g.obj().at("selfProvisioningDomains").as_array(), IsEmpty());
  EXPECT_EQ(g.obj().at("customAttributes"), json::object{});
}

TEST_F(MgmtTenantTest, AllUpdateAndDelete) {
  std::string a = make_tenant("Alpha"), b = make_tenant("Beta");
  auto all = must(get("/v1/mgmt/tenant/all"), "tenant/all");
  ASSERT_NE(find_by(all.at("tenants"), "id", a), nullptr) << all;
  ASSERT_NE(find_by(all.at("tenants"), "id", b), nullptr) << all;
  EXPECT_EQ(find_by(all.at("tenants"), "id", b)->at("name"), "Beta");

  auto r =
      post("/v1/mgmt/tenant/update",
           json::object{{"id", a},
                        {"name", "Alpha Two"},
                        {"selfProvisioningDomains", json::array{"alpha.example", "a2.example"}},
                        {"customAttributes", json::object{{"seats", 30}}},
                        {"enforceSSO", false},
                        {"disabled", false}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_TRUE(r.json && r.json->is_object()) << r.body;
  auto t = must(get("/v1/mgmt/tenant?id=" + a), "load");
  EXPECT_EQ(t.at("name"), "Alpha Two");
  EXPECT_THAT(strings(t.at("selfProvisioningDomains")), ElementsAre("alpha.example", "a2.example"));
  EXPECT_EQ(t.at("customAttributes"), (json::object{{"seats", 30}}));
  all = must(get("/v1/mgmt/tenant/all"), "tenant/all");
  EXPECT_EQ(find_by(all.at("tenants"), "id", a)->at("name"), "Alpha Two");

  auto del = post("/v1/mgmt/tenant/delete", json::object{{"id", b}});
  ASSERT_EQ(del.status, 200) << del.body;
  EXPECT_TRUE(del.json && del.json->is_object()) << del.body;
  EXPECT_TRUE(IsDescopeError(get("/v1/mgmt/tenant?id=" + b), 404));
  all = must(get("/v1/mgmt/tenant/all"), "tenant/all");
  EXPECT_EQ(find_by(all.at("tenants"), "id", b), nullptr);
  EXPECT_NE(find_by(all.at("tenants"), "id", a), nullptr);
}

TEST_F(MgmtTenantTest, DeletingATenantEndsItsMemberships) {
  std::string tenant = make_tenant("Doomed"), keep = make_tenant("Kept");
  auto [u, login] = signed_in_user(
      "tdel",
      {{"userTenants",
        json::array{json::object{{"tenantId", tenant}, {"roleNames", json::array{"teacher"}}},
                    json::object{{"tenantId", keep}, {"roleNames", json::array{"student"}}}}}});
  ASSERT_EQ(post("/v1/mgmt/tenant/delete", json::object{{"id", tenant}}).status, 200);
  using Tenants = std::map<std::string, std::set<std::string>>;
  EXPECT_EQ(user_tenants(user_by_id(login.user_id)), (Tenants{{keep, {"student"}}}));
  EXPECT_EQ(claim_tenants(api().must_refresh(login.refresh).session),
            (Tenants{{keep, {"student"}}}));
}

TEST_F(MgmtTenantTest, InvalidRequests) {
  std::string id = make_tenant("Taken");
  EXPECT_TRUE(IsDescopeError(
      post("/v1/mgmt/tenant/create", json::object{{"id", id}, {"name", "Again"}}), 409));
  EXPECT_EQ(must(get("/v1/mgmt/tenant?id=" + id), "load").at("name"), "Taken");
  EXPECT_TRUE(IsDescopeError(post("/v1/mgmt/tenant/create", json::object{{"id", unique_name("t")}}),
                             400, "E011003"));
  EXPECT_TRUE(
      IsDescopeError(post("/v1/mgmt/tenant/create", json::object{{"name", std::string(101, 'n')}}),
                     400, "E011003"));
  std::string ghost = unique_name("ghost");
  EXPECT_TRUE(IsDescopeError(get("/v1/mgmt/tenant?id=" + ghost), 404));
  EXPECT_TRUE(IsDescopeError(get("/v1/mgmt/tenant"), 400, "E011003"));
  EXPECT_TRUE(IsDescopeError(
      post("/v1/mgmt/tenant/update", json::object{{"id", ghost}, {"name", "X"}}), 404));
  EXPECT_TRUE(
      IsDescopeError(post("/v1/mgmt/tenant/update", json::object{{"name", "X"}}), 400, "E011003"));
  EXPECT_TRUE(
      IsDescopeError(post("/v1/mgmt/tenant/update", json::object{{"id", id}}), 400, "E011003"));
  EXPECT_TRUE(IsDescopeError(post("/v1/mgmt/tenant/delete", json::object{{"id", ghost}}), 404));
  EXPECT_TRUE(IsDescopeError(post("/v1/mgmt/tenant/delete", json::object{}), 400, "E011003"));
  EXPECT_EQ(must(get("/v1/mgmt/tenant?id=" + id), "load").at("name"), "Taken");
}

// ---------------------------------------------------------------------------
// License and audit

class MgmtAuditTest : public MgmtFixture<MgmtAuditTest> {
 protected:
  json::array audits(json::object query) {
    return must(post("/v1/mgmt/audit/search", query), "audit search " + json::serialize(query))
        .at("audits")
        .as_array();
  }
  // Sum of the per-day sign-in counts of the last 30 days.
  int64_t signins_last_30_days(json::array* days_out = nullptr) {
    auto o = must(get("/v1/mgmt/audit/daily?days=30"), "audit/daily");
    int64_t sum = 0;
    for (const auto& d : o.at("days").as_array()) sum += d.at("count").as_int64();
    if (days_out) *days_out = o.at("days").as_array();
    return sum;
  }
};

TEST_F(MgmtAuditTest, LicenseHandshake) {
  auto r = get("/v1/mgmt/license");
  ASSERT_EQ(r.status, 200) << r.body;
  ASSERT_TRUE(r.obj().contains("rateLimitTier")) << r.body;
  EXPECT_TRUE(r.obj().at("rateLimitTier").is_string());
  EXPECT_TRUE(IsDescopeError(get("/v1/mgmt/license", bearer(pid())), 401));
}

TEST_F(MgmtAuditTest, SearchFindsManagementChangesWithTheirActor) {
  std::string email = unique_email("audited");
  int64_t before = unix_now();
  std::string uid = str(create_user(email, {{"password", kPassword}}).at("userId"));
  must(post("/v1/mgmt/user/update/role/set",
            json::object{{"userId", uid}, {"roleNames", json::array{"teacher"}}}),
       "role set");
  api().must_sign_in(email);
  EXPECT_TRUE(IsDescopeError(api().sign_in(email, "Wrong-Password-1"), 401));

  auto created = audits({{"actions", json::array{"user.created"}}, {"userIds", json::array{uid}}});
  ASSERT_EQ(created.size(), 1u) << created;
  const auto& e = created[0].as_object();
  EXPECT_EQ(e.at("action"), "user.created");
  EXPECT_EQ(e.at("result"), "success");
  EXPECT_EQ(str(e.at("userId")), uid);
  EXPECT_THAT(strings(e.at("externalIds")), ElementsAre(email));
  EXPECT_EQ(str(e.at("actorId")), "mgmt-key:" + key().id);
  EXPECT_GE(e.at("occurred").as_int64(), (before - 1) * 1000) << "epoch milliseconds, as Descope";
  EXPECT_TRUE(e.at("id").is_int64() || e.at("id").is_string());
  EXPECT_TRUE(e.at("remoteAddress").is_string());

  auto roles =
      audits({{"actions", json::array{"user.roles.changed"}}, {"userIds", json::array{uid}}});
  ASSERT_FALSE(roles.empty());
  EXPECT_THAT(str(roles[0].at("data").at("detail")), HasSubstr("teacher"));

  auto signins = audits({{"actions", json::array{"user.signin"}}, {"userIds", json::array{uid}}});
  ASSERT_EQ(signins.size(), 1u) << signins;
  EXPECT_EQ(signins[0].at("result"), "success");
  EXPECT_EQ(str(signins[0].at("actorId")), uid);
  // A wrong password is logged by login id (without naming the user).
  auto recent = audits({{"actions", json::array{"user.signin"}}, {"limit", 20}});
  ASSERT_FALSE(recent.empty());
  EXPECT_EQ(recent[0].at("result"), "failure") << "newest first: " << recent;
  EXPECT_THAT(strings(recent[0].at("externalIds")), ElementsAre(email));
  auto failures = audits({{"actions", json::array{"user.signin"}},
                          {"results", json::array{"failure"}},
                          {"externalIds", json::array{email}}});
  ASSERT_EQ(failures.size(), 1u) << failures;
  EXPECT_EQ(failures[0].at("result"), "failure");
  EXPECT_THAT(json::serialize(recent), Not(HasSubstr("Wrong-Password-1")))
      << "no secret in the audit log";
  EXPECT_THAT(json::serialize(recent), Not(HasSubstr(kPassword)));
}

TEST_F(MgmtAuditTest, SearchFiltersByActionUserTimeAndLimit) {
  std::string a = str(create_user(unique_email("fa")).at("userId"));
  std::string b = str(create_user(unique_email("fb")).at("userId"));
  auto both = audits({{"actions", json::array{"user.created"}}, {"userIds", json::array{a, b}}});
  EXPECT_EQ(both.size(), 2u) << both;
  auto one = audits(
      {{"actions", json::array{"user.created"}}, {"userIds", json::array{a, b}}, {"limit", 1}});
  ASSERT_EQ(one.size(), 1u) << one;
  EXPECT_EQ(str(one[0].at("userId")), b) << "newest first";
  int64_t now = unix_now() * 1000;  // from/to are epoch milliseconds, as in Descope
  EXPECT_TRUE(audits({{"userIds", json::array{a}}, {"from", now + 3600000}}).empty());
  EXPECT_TRUE(audits({{"userIds", json::array{a}}, {"to", now - 3600000}}).empty());
  EXPECT_EQ(
      audits({{"userIds", json::array{a}}, {"from", now - 3600000}, {"to", now + 3600000}}).size(),
      1u);
  auto any = audits({{"limit", 5}});
  EXPECT_EQ(any.size(), 5u) << "every management call is audited, so there are plenty";
  EXPECT_TRUE(IsDescopeError(post("/v1/mgmt/audit/search", json::object{{"limit", "5"}}), 400));
}

TEST_F(MgmtAuditTest, DailyCountsTodaysSignIns) {
  json::array days;
  int64_t before = signins_last_30_days(&days);
  ASSERT_EQ(days.size(), 30u);
  int64_t now = unix_now();
  int64_t today = now - now % 86400;
  EXPECT_EQ(days.back().at("day").as_int64(), today) << "the last entry is today (UTC)";
  EXPECT_EQ(days.front().at("day").as_int64(), today - 29 * 86400);
  for (size_t i = 1; i < days.size(); ++i) {
    EXPECT_EQ(days[i].at("day").as_int64() - days[i - 1].at("day").as_int64(), 86400) << i;
  }

  auto [u, login] = signed_in_user("daily");  // one sign-in
  std::string email = str(u.at("loginIds").as_array()[0]);
  api().must_sign_in(email);  // two
  EXPECT_TRUE(
      IsDescopeError(api().sign_in(email, "Wrong-Password-1"), 401));  // a failure: not a sign-in
  EXPECT_TRUE(IsDescopeError(api().sign_in(unique_email("nobody")), 401));  // nor this
  EXPECT_EQ(signins_last_30_days(&days) - before, 2) << "today's sign-ins: " << days.back();

  auto r = get("/v1/mgmt/audit/daily?days=7");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.obj().at("days").as_array().size(), 7u);
  EXPECT_EQ(r.obj().at("action"), "user.signin");
  auto created = must(get("/v1/mgmt/audit/daily?days=1&action=user.created"), "daily user.created");
  ASSERT_EQ(created.at("days").as_array().size(), 1u);
  EXPECT_GE(created.at("days").as_array()[0].at("count").as_int64(), 1);
}

// ---------------------------------------------------------------------------
// Who may call the management API

class MgmtAuthTest : public MgmtFixture<MgmtAuthTest> {
 protected:
  // Requests of several kinds that must all be refused the same way with `h`.
  void ExpectRefused(const Headers& h, int status, const std::string& what) {
    std::string login = unique_email("refused");
    std::vector<HttpResponse> rs = {
        get("/v1/mgmt/license", h),
        get("/v1/mgmt/role/all", h),
        post("/v1/mgmt/user/create", json::object{{"loginId", login}}, h),
        post("/v2/mgmt/user/search", json::object{}, h),
        get("/v1/mgmt/audit/daily?days=30", h),
    };
    for (const auto& r : rs) {
      EXPECT_TRUE(IsDescopeError(r, status)) << what;
      EXPECT_FALSE(r.obj().contains("users") || r.obj().contains("roles")) << what;
    }
    EXPECT_TRUE(IsDescopeError(get("/v1/mgmt/user?loginId=" + url_encode(login)), 404))
        << what << ": user created";
  }
  std::string one_time_password() {
    static const std::regex kLine(
        "admin account: admin@localhost  one-time password: (\\S+)  \\(must be changed");
    std::smatch m;
    std::string out = server().out();
    if (!std::regex_search(out, m, kLine))
      throw std::runtime_error("no one-time password line in: " + out);
    return m[1];
  }
  // An admin made over the management API, signed in.
  std::pair<json::object, Login> new_admin(const std::string& tag) {
    return signed_in_user(tag, {{"roleNames", json::array{"admin"}}});
  }
};

TEST_F(MgmtAuthTest, KeyFromTheCliWorks) {
  auto r = get("/v1/mgmt/license");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(post("/v2/mgmt/user/search", json::object{}).status, 200);
  // The Authorization scheme is case-insensitive, as for the auth API.
  EXPECT_EQ(
      get("/v1/mgmt/license", {{"Authorization", "bearer " + pid() + ":" + key().key}}).status,
      200);
}

TEST_F(MgmtAuthTest, MissingKeyIs401) {
  ExpectRefused({}, 401, "no Authorization header");
  ExpectRefused(bearer(pid()), 401, "project id only");
  ExpectRefused({{"Authorization", "Bearer " + pid() + ":"}}, 401, "empty key");
  ExpectRefused({{"Authorization", "Bearer " + key().key}}, 401, "key without project id");
  ExpectRefused({{"Authorization", "Basic " + pid() + ":" + key().key}}, 401, "Basic scheme");
}

TEST_F(MgmtAuthTest, MalformedKeyIs401) {
  for (const std::string& k :
       {std::string("gh_"), std::string("gh_abc"), std::string("gh__secret"), "gh_" + key().id,
        "gh_" + key().id + "_", "gh_" + std::string(40, 'a') + "_x", std::string("gh_ab!c_secret"),
        std::string("not-a-key"), std::string("a.b.c"),
        std::string("eyJhbGciOiJSUzI1NiJ9.e30.c2ln"), std::string(5000, 'k')}) {
    ExpectRefused(bearer(pid(), k), 401, "key " + k.substr(0, 60));
  }
}

TEST_F(MgmtAuthTest, WrongSecretOfAKnownKeyIs401) {
  std::string k = key().key;
  std::string flipped = k;
  flipped.back() = flipped.back() == 'A' ? 'B' : 'A';
  ExpectRefused(bearer(pid(), flipped), 401, "last character changed");
  ExpectRefused(bearer(pid(), "gh_" + key().id + "_" + std::string(43, 'A')), 401, "other secret");
  ExpectRefused(bearer(pid(), k + "x"), 401, "extra character");
  ExpectRefused(bearer(pid(), k.substr(0, k.size() - 1)), 401, "truncated");
  EXPECT_EQ(get("/v1/mgmt/license").status, 200) << "the right key still works";
}

TEST_F(MgmtAuthTest, AnotherProjectsIdIs401) {
  ExpectRefused(bearer("P0000000000000000000000000000", key().key), 401, "other project");
  ExpectRefused(bearer(pid() + "x", key().key), 401, "project id with a suffix");
  auto r = get("/v1/mgmt/license", bearer("P0000000000000000000000000000", key().key));
  EXPECT_TRUE(IsDescopeError(r, 401, "E061005"));
}

TEST_F(MgmtAuthTest, RevokedKeyIs401) {
  auto k = create_key("to revoke");
  ASSERT_EQ(get("/v1/mgmt/license", bearer(pid(), k.key)).status, 200);
  auto r = gatehouse({"mgmt-key", "revoke", k.id});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr(k.id));
  ExpectRefused(bearer(pid(), k.key), 401, "revoked key");
  EXPECT_EQ(get("/v1/mgmt/license").status, 200) << "other keys keep working";
  auto list = gatehouse({"mgmt-key", "list"});
  ASSERT_EQ(list.exit_code, 0) << list.err;
  EXPECT_THAT(list.out, ::testing::ContainsRegex(k.id + "\tto revoke\t.*\trevoked\n"));
}

TEST_F(MgmtAuthTest, ExpiredKeyIs401) {
  auto k = create_key("short-lived", {"--expires-in", "1"});
  EXPECT_THAT(k.cli.out, Not(HasSubstr("expires never")));
  ASSERT_EQ(get("/v1/mgmt/license", bearer(pid(), k.key)).status, 200) << "valid for a day";
  auto list = gatehouse({"mgmt-key", "list"});
  EXPECT_THAT(list.out, ::testing::ContainsRegex(k.id + "\tshort-lived\t.*\tactive\n"));
  // Waiting a day is not an option: move the expiry into the past in the
  // database (the server reads it on every request).
  if (::access("/usr/bin/python3", X_OK) != 0)
    GTEST_SKIP() << "needs /usr/bin/python3 to edit the database";
  int rc =
      run_program({"/usr/bin/python3", "-c",
                   "import sqlite3, sys\n"
                   "c = sqlite3.connect(sys.argv[1], timeout=10)\n"
                   "n = c.execute('UPDATE mgmt_keys SET expires_at = ? WHERE id = ?',"
                   " (int(sys.argv[3]), sys.argv[2])).rowcount\n"
                   "c.commit()\n"
                   "sys.exit(0 if n == 1 else 3)\n",
                   server().data_dir() + "/gatehouse.db", k.id, std::to_string(unix_now() - 1)});
  ASSERT_EQ(rc, 0) << "could not expire the key in the database";
  ExpectRefused(bearer(pid(), k.key), 401, "expired key");
  list = gatehouse({"mgmt-key", "list"});
  EXPECT_THAT(list.out, ::testing::ContainsRegex(k.id + "\tshort-lived\t.*\texpired\n"));
  EXPECT_EQ(get("/v1/mgmt/license").status, 200);
}

TEST_F(MgmtAuthTest, FirstAdminSessionWorksAfterReplacingTheOneTimePassword) {
  std::string otp = one_time_password();
  // The one-time password is already expired.
  EXPECT_TRUE(IsDescopeError(api().sign_in("admin@localhost", otp), 401, "E062909"));
  auto r = api().http.post("/v1/auth/password/replace",
                           json::object{{"loginId", "admin@localhost"},
                                        {"oldPassword", otp},
                                        {"newPassword", "Admin-Chosen-Pass-1"}},
                           bearer(pid()));
  ASSERT_EQ(r.status, 200) << r.body;
  std::string session = str(r.obj().at("sessionJwt"));
  EXPECT_THAT(strings(jwt_payload(session).at("roles")), ElementsAre("admin"));

  Headers h = bearer(pid(), session);
  auto lic = get("/v1/mgmt/license", h);
  EXPECT_EQ(lic.status, 200) << lic.body;
  std::string email = unique_email("byadmin");
  auto created = post("/v1/mgmt/user/create",
                      json::object{{"loginId", email}, {"roleNames", json::array{"student"}}}, h);
  ASSERT_EQ(created.status, 200) << created.body;
  std::string uid = str(created.obj().at("user").at("userId"));
  auto search = post("/v2/mgmt/user/search", json::object{{"roleNames", json::array{"admin"}}}, h);
  ASSERT_EQ(search.status, 200) << search.body;
  EXPECT_GE(search.obj().at("total").as_int64(), 1);
  // The audit log names the admin (not a key) as the actor.
  auto audit = must(
      post("/v1/mgmt/audit/search",
           json::object{{"actions", json::array{"user.created"}}, {"userIds", json::array{uid}}}),
      "audit");
  ASSERT_EQ(audit.at("audits").as_array().size(), 1u) << audit;
  EXPECT_EQ(str(audit.at("audits").as_array()[0].at("actorId")),
            str(r.obj().at("user").at("userId")));
  EXPECT_EQ(api().sign_in("admin@localhost", "Admin-Chosen-Pass-1").status, 200);
}

TEST_F(MgmtAuthTest, AdminMadeWithTheCliWorks) {
  std::string email = unique_email("cliadmin");
  auto add = gatehouse({"user", "add", "--email", email, "--password-stdin", "--roles", "admin"},
                       std::string(kPassword) + "\n");
  ASSERT_EQ(add.exit_code, 0) << add.err;
  auto login = api().must_sign_in(email);
  auto r = get("/v1/mgmt/role/all", bearer(pid(), login.session));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_NE(find_by(r.obj().at("roles"), "name", "admin"), nullptr);
}

TEST_F(MgmtAuthTest, AnAdminsRefreshTokenIsNotAManagementCredential) {
  auto [u, login] = new_admin("admrefresh");
  ASSERT_EQ(get("/v1/mgmt/license", bearer(pid(), login.session)).status, 200);
  ExpectRefused(bearer(pid(), login.refresh), 401, "admin refresh token");
  std::string tampered = login.session.substr(0, login.session.size() - 4) + "AAAA";
  ExpectRefused(bearer(pid(), tampered), 401, "tampered admin session");
  ExpectRefused(bearer("P0000000000000000000000000000", login.session), 401,
                "admin session, other project");
}

TEST_F(MgmtAuthTest, NonAdminSessionIs403) {
  auto [u, login] = signed_in_user("nonadmin", {{"roleNames", json::array{"teacher", "student"}}});
  ExpectRefused(bearer(pid(), login.session), 403, "teacher session");
  auto r = get("/v1/mgmt/license", bearer(pid(), login.session));
  EXPECT_TRUE(IsDescopeError(r, 403));
  EXPECT_THAT(message_of(r), HasSubstr("admin"));
  auto self = api().must_sign_up(unique_email("selfsignup"));
  ExpectRefused(bearer(pid(), self.session), 403, "self-signed-up session");
  // Nor can a non-admin promote themselves.
  auto promote = post("/v1/mgmt/user/update/role/add",
                      json::object{{"userId", login.user_id}, {"roleNames", json::array{"admin"}}},
                      bearer(pid(), login.session));
  EXPECT_TRUE(IsDescopeError(promote, 403));
  EXPECT_THAT(strings(user_by_id(login.user_id).at("roleNames")),
              Not(::testing::Contains("admin")));
}

TEST_F(MgmtAuthTest, AdminWhoseRoleWasRemovedIs403) {
  auto [u, login] = new_admin("demoted");
  Headers h = bearer(pid(), login.session);
  ASSERT_EQ(get("/v1/mgmt/license", h).status, 200);
  must(post("/v1/mgmt/user/update/role/remove",
            json::object{{"userId", login.user_id}, {"roleNames", json::array{"admin"}}}),
       "remove admin");
  EXPECT_THAT(strings(jwt_payload(login.session).at("roles")), ElementsAre("admin"))
      << "the token still says admin";
  ExpectRefused(h, 403, "demoted admin");
  // Given back: the same token works again.
  must(post("/v1/mgmt/user/update/role/add",
            json::object{{"userId", login.user_id}, {"roleNames", json::array{"admin"}}}),
       "re-add admin");
  EXPECT_EQ(get("/v1/mgmt/license", h).status, 200);
}

TEST_F(MgmtAuthTest, DisabledOrDeletedAdminIs403) {
  auto [u, login] = new_admin("disabledadmin");
  Headers h = bearer(pid(), login.session);
  ASSERT_EQ(get("/v1/mgmt/license", h).status, 200);
  must(post("/v1/mgmt/user/update/status",
            json::object{{"userId", login.user_id}, {"status", "disabled"}}),
       "disable");
  ExpectRefused(h, 403, "disabled admin");

  auto [u2, gone] = new_admin("deletedadmin");
  must(post("/v1/mgmt/user/delete", json::object{{"userId", gone.user_id}}), "delete");
  for (const auto& r : {get("/v1/mgmt/license", bearer(pid(), gone.session)),
                        get("/v1/mgmt/role/all", bearer(pid(), gone.session))}) {
    EXPECT_GE(r.status, 401) << r.body;
    EXPECT_LE(r.status, 403) << r.body;
    EXPECT_TRUE(IsDescopeError(r, r.status));
  }
}

TEST_F(MgmtAuthTest, UnknownManagementRoutesAreJson404) {
  for (const char* path : {"/v1/mgmt/sso/settings", "/v1/mgmt/accesskey/all", "/v1/mgmt/nothing"}) {
    auto r = get(path);
    EXPECT_TRUE(IsDescopeError(r, 404)) << path;
  }
}

// ---------------------------------------------------------------------------
// The `gatehouse mgmt-key` CLI

class MgmtKeyCliTest : public MgmtFixture<MgmtKeyCliTest> {};

TEST_F(MgmtKeyCliTest, CreatePrintsTheKeyOnTheLastLine) {
  auto r = gatehouse({"mgmt-key", "create", "--name", "ci deploy"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  ASSERT_FALSE(r.out.empty());
  EXPECT_EQ(r.out.back(), '\n');
  std::string body = r.out.substr(0, r.out.size() - 1);
  std::string last = body.substr(body.rfind('\n') + 1);
  EXPECT_THAT(last, ::testing::MatchesRegex("gh_[A-Za-z0-9]+_[A-Za-z0-9_-]+")) << r.out;
  EXPECT_EQ(body.find(last), body.rfind(last)) << "the key is printed once";
  EXPECT_THAT(r.out, HasSubstr("ci deploy"));
  EXPECT_THAT(r.out, HasSubstr("expires never"));
  EXPECT_EQ(get("/v1/mgmt/license", bearer(pid(), last)).status, 200);

  // Two keys are different.
  auto other = create_key("ci deploy");
  EXPECT_NE(other.key, last);
  EXPECT_NE(other.id, last.substr(3, other.id.size()));
}

TEST_F(MgmtKeyCliTest, ListShowsKeysWithoutTheirSecrets) {
  auto k = create_key("listed key");
  ASSERT_EQ(get("/v1/mgmt/license", bearer(pid(), k.key)).status, 200);
  auto r = gatehouse({"mgmt-key", "list"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, ::testing::StartsWith("ID\tNAME\tCREATED\tEXPIRES\tLAST USED\tSTATUS\n"));
  EXPECT_THAT(r.out, ::testing::ContainsRegex(
                         k.id + "\tlisted key\t[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9:]{5}\tnever\t"
                                "[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9:]{5}\tactive\n"))
      << "last used is set after a request";
  EXPECT_THAT(r.out, HasSubstr(key().id));
  EXPECT_THAT(r.out, Not(HasSubstr(k.secret)));
  EXPECT_THAT(r.out, Not(HasSubstr(key().secret)));
  EXPECT_THAT(r.out, Not(::testing::ContainsRegex("[0-9a-f]{64}"))) << "no key hash either";
  EXPECT_TRUE(r.err.empty()) << r.err;
}

TEST_F(MgmtKeyCliTest, RevokeOfAnUnknownIdFailsReadably) {
  auto r = gatehouse({"mgmt-key", "revoke", "Knosuchkey"});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_THAT(r.err, HasSubstr("Knosuchkey"));
  EXPECT_THAT(r.err, HasSubstr("no management key"));
  EXPECT_EQ(r.err.find('{'), std::string::npos) << "a sentence, not JSON: " << r.err;
  EXPECT_EQ(get("/v1/mgmt/license").status, 200) << "nothing else was revoked";
}

TEST_F(MgmtKeyCliTest, UsageMistakesExitNonZeroWithAMessage) {
  auto no_name = gatehouse({"mgmt-key", "create"});
  EXPECT_NE(no_name.exit_code, 0);
  EXPECT_THAT(no_name.err, HasSubstr("--name"));
  auto bad_days = gatehouse({"mgmt-key", "create", "--name", "x", "--expires-in", "soon"});
  EXPECT_NE(bad_days.exit_code, 0);
  EXPECT_THAT(bad_days.err, HasSubstr("soon"));
  auto too_long = gatehouse({"mgmt-key", "create", "--name", "x", "--expires-in", "99999"});
  EXPECT_NE(too_long.exit_code, 0);
  EXPECT_FALSE(too_long.err.empty());
  auto no_id = gatehouse({"mgmt-key", "revoke"});
  EXPECT_NE(no_id.exit_code, 0);
  EXPECT_THAT(no_id.err, HasSubstr("usage"));
  auto verb = gatehouse({"mgmt-key", "rotate"});
  EXPECT_NE(verb.exit_code, 0);
  EXPECT_THAT(verb.err, HasSubstr("rotate"));
  for (const auto& r : {no_name, bad_days, too_long, no_id, verb}) {
    EXPECT_THAT(r.out, Not(::testing::ContainsRegex("gh_[A-Za-z0-9]+_"))) << "no key was made";
  }
}

}  // namespace
}  // namespace gatehouse::test
