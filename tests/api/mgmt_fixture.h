// The management API suites (mgmt_*_test.cc): MgmtFixture (one server per suite plus
// a management key made with the CLI, and calls that use it) and the helpers they share.
#pragma once

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>
#include <regex>
#include <set>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "support/api.h"

namespace gatehouse::test {

// Error code of an unknown user on the management API. The brief said
// E062108 (the auth API's code); docs/descope-wire.md (§1.6, §6.1) and the server now
// use Descope's management code.
inline const std::string kUserNotFound = "E112102";

// "tag-<n>-<salt>": unique per call; a valid role, permission or tenant id.
std::string unique_name(const std::string& tag);

// ASCII upper case.
std::string upper(std::string s);

// Percent-encodes a query value the way URLSearchParams / requests do.
std::string url_encode(const std::string& s);

// The strings of a JSON array of strings, as a set.
std::set<std::string> set_of(const json::value& v);

// tenantId → roleNames of a user object's userTenants.
std::map<std::string, std::set<std::string>> user_tenants(const json::object& user);

// tenantId → roles of a session JWT's `tenants` claim.
std::map<std::string, std::set<std::string>> claim_tenants(const std::string& session_jwt);

// The userId of each user object of a JSON array.
std::vector<std::string> ids_of(const json::value& users);

// The object of `array` whose `key` is `value`, or nullptr.
const json::object* find_by(const json::value& array, const char* key, const std::string& value);

// A Descope error (docs/descope-wire.md §1.6): the status, a JSON body with errorCode
// E+6 digits, a non-empty errorDescription and a string errorMessage.
::testing::AssertionResult IsDescopeError(const HttpResponse& r, int status,
                                          const std::string& code = "");

// The errorMessage of an error response, "" when it has none.
std::string message_of(const HttpResponse& r);

// Runs a program (absolute path) and returns its exit status, -1 on failure.
int run_program(const std::vector<std::string>& argv);

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

}  // namespace gatehouse::test
