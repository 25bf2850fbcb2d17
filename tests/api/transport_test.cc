// Transport rules (docs/descope-wire.md §1): error JSON, malformed input, body limits,
// unknown routes, CORS, request logs, and the signing-key endpoints.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <future>
#include <thread>

#include "support/api.h"

namespace gatehouse::test {
namespace {

using ::testing::HasSubstr;
using ::testing::MatchesRegex;
using ::testing::Not;

// Every error a client can see: status, JSON content type and Descope's fields.
void ExpectDescopeError(const HttpResponse& r, int status, const std::string& code = "") {
  EXPECT_EQ(r.status, status) << r.body << r.transport_error;
  EXPECT_EQ(r.header("content-type"), "application/json") << r.body;
  ASSERT_TRUE(r.json && r.json->is_object()) << "not a JSON object: " << r.body;
  const auto& o = r.obj();
  for (const char* k : {"errorCode", "errorDescription", "errorMessage"}) {
    ASSERT_TRUE(o.contains(k) && o.at(k).is_string()) << k << " missing: " << r.body;
  }
  EXPECT_THAT(std::string(o.at("errorCode").as_string()), MatchesRegex("E[0-9]{6}"));
  EXPECT_FALSE(o.at("errorDescription").as_string().empty()) << r.body;
  if (!code.empty()) {
    EXPECT_EQ(str(o.at("errorCode")), code) << r.body;
  }
}

class RequestValidationTest : public SharedServerTest<RequestValidationTest> {
 protected:
  void ExpectHealthy() {
    auto h = api().http.get("/healthz");
    EXPECT_EQ(h.status, 200) << h.body << h.transport_error;
    EXPECT_EQ(h.obj().at("status"), "ok") << h.body;
  }
  HttpResponse signin_raw(const std::string& body) {
    return api().http.post("/v1/auth/password/signin", body, bearer(pid()));
  }
};

TEST_F(RequestValidationTest, MalformedJsonIs400RequestMalformed) {
  for (const char* body :
       {"{", "{\"loginId\": \"a@b.c\",}", "not json", "{\"loginId\":\"a@b.c\"} trailing"}) {
    auto r = signin_raw(body);
    ExpectDescopeError(r, 400, "E011001");
    ExpectHealthy();
  }
}

TEST_F(RequestValidationTest, WrongJsonTypesAre400) {
  std::vector<std::string> bodies = {
      R"({"loginId": 5, "password": "Correct-Horse-9"})",
      R"({"loginId": "a@b.c", "password": ["x"]})",
      R"({"loginId": {"x": 1}, "password": "Correct-Horse-9"})",
      R"([{"loginId": "a@b.c"}])",
      R"("a@b.c")",
  };
  for (const auto& body : bodies) {
    SCOPED_TRACE(body);
    ExpectDescopeError(signin_raw(body), 400);
    ExpectDescopeError(api().http.post("/v1/auth/password/signup", body, bearer(pid())), 400);
  }
  ExpectDescopeError(
      api().http.post(
          "/v1/auth/password/signup",
          json::object{{"loginId", unique_email()}, {"password", kPassword}, {"user", "Ada"}},
          bearer(pid())),
      400);
  ExpectHealthy();
}

TEST_F(RequestValidationTest, MissingFieldsAre400FieldIsRequired) {
  auto empty = signin_raw("");
  ExpectDescopeError(empty, 400, "E011003");
  EXPECT_EQ(empty.obj().at("errorMessage"), "The loginId field is required");

  auto braces = signin_raw("{}");
  ExpectDescopeError(braces, 400, "E011003");
  EXPECT_EQ(braces.obj().at("errorMessage"), "The loginId field is required");

  auto no_password = api().http.post("/v1/auth/password/signin", json::object{{"loginId", "a@b.c"}},
                                     bearer(pid()));
  ExpectDescopeError(no_password, 400, "E011003");
  EXPECT_EQ(no_password.obj().at("errorMessage"), "The password field is required");

  auto signup = api().http.post("/v1/auth/password/signup", json::object{{"password", kPassword}},
                                bearer(pid()));
  ExpectDescopeError(signup, 400, "E011003");
  EXPECT_EQ(signup.obj().at("errorMessage"), "The loginId field is required");
  ExpectHealthy();
}

TEST_F(RequestValidationTest, OversizedBodyIs413) {
  std::string big =
      "{\"loginId\":\"" + std::string(2 * 1024 * 1024, 'a') + "\",\"password\":\"x\"}";
  // libcurl's default: "Expect: 100-continue", the server answers before the body.
  auto r = signin_raw(big);
  ExpectDescopeError(r, 413);
  ExpectHealthy();
}

TEST_F(RequestValidationTest, OversizedBodySentAtOnceIs413) {
  // Browsers send the body without waiting: the 413 must still reach them.
  std::string big =
      "{\"loginId\":\"" + std::string(2 * 1024 * 1024, 'a') + "\",\"password\":\"x\"}";
  auto r = api().http.post("/v1/auth/password/signin", big,
                           {{"Authorization", "Bearer " + pid()}, {"Expect", ""}});
  ExpectDescopeError(r, 413);
  ExpectHealthy();
}

TEST_F(RequestValidationTest, KeepAliveConnectionSurvivesErrors) {
  // Browsers reuse one connection; error answers must not break it.
  HttpClient browser(server().base_url(), /*keep_alive=*/true);
  std::string email = unique_email("keepalive");
  EXPECT_EQ(browser
                .post("/v1/auth/password/signup",
                      json::object{{"loginId", email}, {"password", kPassword}}, bearer(pid()))
                .status,
            200);
  EXPECT_EQ(browser.post("/v1/auth/password/signin", std::string("{"), bearer(pid())).status, 400);
  EXPECT_EQ(
      browser
          .post("/v1/auth/password/signin",
                json::object{{"loginId", email}, {"password", "Wrong-Passw0rd"}}, bearer(pid()))
          .status,
      401);
  EXPECT_EQ(browser.get("/v1/auth/nope").status, 404);
  EXPECT_EQ(browser.get("/get_roles").status, 401);
  EXPECT_EQ(
      browser.request("OPTIONS", "/v1/auth/refresh", {{"Origin", "http://localhost:3000"}}).status,
      204);
  EXPECT_EQ(browser
                .post("/v1/auth/password/signin",
                      json::object{{"loginId", email}, {"password", kPassword}}, bearer(pid()))
                .status,
            200);
  EXPECT_EQ(browser.connections_opened(), 1);
}

TEST_F(RequestValidationTest, MalformedHttpIs400AndTheServerCarriesOn) {
  for (const char* bytes :
       {"GARBAGE\r\n\r\n", "GET /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: nope\r\n\r\n",
        "GET /healthz HTTP/9.9\r\n\r\n"}) {
    SCOPED_TRACE(bytes);
    std::string reply = raw_exchange(server().port(), bytes);
    EXPECT_THAT(reply, ::testing::StartsWith("HTTP/1.1 400")) << reply;
    EXPECT_THAT(reply, HasSubstr("Content-Type: application/json")) << reply;
    EXPECT_THAT(reply, HasSubstr("\"errorCode\":\"E011001\"")) << reply;
    ExpectHealthy();
  }
  // Headers beyond the limit.
  std::string huge =
      "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(64 * 1024, 'h') + "\r\n\r\n";
  std::string reply = raw_exchange(server().port(), huge);
  EXPECT_THAT(reply, ::testing::StartsWith("HTTP/1.1 4")) << reply.substr(0, 200);
  ExpectHealthy();
  // A client that connects and says nothing does not block others.
  auto silent = std::async(std::launch::async, [port = server().port()] {
    return raw_exchange(port, "", std::chrono::milliseconds(1000));
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  ExpectHealthy();
  EXPECT_EQ(silent.get(), "");
}

TEST_F(RequestValidationTest, UnknownRoutesAre404Json) {
  ExpectDescopeError(api().http.get("/v1/auth/nope"), 404);
  ExpectDescopeError(api().http.post("/v1/auth/password/nope", std::string("{}"), bearer(pid())),
                     404);
  ExpectDescopeError(api().http.get("/v2/nothing/here"), 404);
  ExpectDescopeError(api().http.get("/missing-file.js"), 404);
  ExpectDescopeError(api().http.request("DELETE", "/v1/auth/nope"), 404);
  ExpectHealthy();
}

TEST_F(RequestValidationTest, WrongMethodIsAJsonError) {
  auto r = api().http.get("/v1/auth/password/signup", bearer(pid()));
  ExpectDescopeError(r, 405);
}

TEST_F(RequestValidationTest, EveryErrorIsDescopeErrorJson) {
  auto login = api().must_sign_up(unique_email("errors"));
  ExpectDescopeError(api().sign_up(unique_email(), "short"), 400, "E011003");
  ExpectDescopeError(
      api().sign_up(std::string(login.response.obj().at("user").at("email").as_string())), 409,
      "E062107");
  ExpectDescopeError(api().sign_in(unique_email(), kPassword), 401);
  ExpectDescopeError(api().http.post("/v1/auth/password/signin", std::string("{}")), 401);
  ExpectDescopeError(api().refresh("garbage"), 401, "E061005");
  ExpectDescopeError(api().me("garbage"), 401, "E061005");
  ExpectDescopeError(api().logout("garbage"), 401, "E061005");
  ExpectDescopeError(api().logout_all(""), 401);
  ExpectDescopeError(api().http.get("/v2/keys/Pnope"), 404);
  ExpectDescopeError(api().http.get("/v1/keys/Pnope"), 404);
  ExpectDescopeError(api().http.get("/v1/auth/password/policy", bearer("Pnope")), 401);
  ASSERT_EQ(api().logout(login.refresh).status, 200);
  ExpectDescopeError(api().refresh(login.refresh), 401, "E064001");
}

TEST_F(RequestValidationTest, ResponsesCarryARequestId) {
  auto r = api().http.get("/healthz");
  EXPECT_FALSE(r.header("x-request-id").empty());
  auto echoed = api().http.get("/healthz", {{"X-Request-Id", "trace-123"}});
  EXPECT_EQ(echoed.header("x-request-id"), "trace-123");
}

// ---------------------------------------------------------------- CORS

constexpr const char* kOrigin = "http://localhost:3000";
constexpr const char* kForeign = "http://evil.example";

// What a browser's preflight asks for a call of @descope/web-js-sdk.
Headers preflight_from(const std::string& origin, const std::string& asked_headers) {
  return {{"Origin", origin},
          {"Access-Control-Request-Method", "POST"},
          {"Access-Control-Request-Headers", asked_headers}};
}

// An SPA on another origin, listed with --cors-origins (the React tutorial's dev server).
class CorsTest : public SharedServerTest<CorsTest> {
 public:
  static std::vector<std::string> ServerArgs() { return {"--cors-origins", kOrigin}; }
};

TEST_F(CorsTest, PreflightIsAnsweredForTheCallingOrigin) {
  for (const char* path :
       {"/v1/auth/password/signin", "/v1/auth/refresh", "/v1/auth/me", "/get_roles", "/anything"}) {
    SCOPED_TRACE(path);
    auto r = api().http.request(
        "OPTIONS", path, preflight_from(kOrigin, "authorization,content-type,x-descope-sdk-name"));
    EXPECT_EQ(r.status, 204) << r.body;
    EXPECT_EQ(r.header("access-control-allow-origin"), kOrigin);
    EXPECT_EQ(r.header("access-control-allow-credentials"), "true");
    std::string allowed = r.header("access-control-allow-headers");
    for (const char* h : {"Authorization", "Content-Type", "x-descope-sdk-name",
                          "x-descope-sdk-version", "x-descope-refresh-cookie-name"}) {
      EXPECT_THAT(allowed, HasSubstr(h));
    }
    EXPECT_THAT(r.header("access-control-allow-methods"), HasSubstr("POST"));
    EXPECT_THAT(r.header("access-control-allow-methods"), HasSubstr("GET"));
    EXPECT_THAT(r.header("vary"), HasSubstr("Origin"));
  }
}

TEST_F(CorsTest, ResponsesCarryTheOriginAndVary) {
  auto ok = api().http.get("/healthz", {{"Origin", kOrigin}});
  EXPECT_EQ(ok.status, 200);
  EXPECT_EQ(ok.header("access-control-allow-origin"), kOrigin);
  EXPECT_EQ(ok.header("access-control-allow-credentials"), "true");
  EXPECT_THAT(ok.header("vary"), HasSubstr("Origin"));

  // Errors too, or the browser cannot read them.
  auto err = api().http.post("/v1/auth/password/signin", std::string("{}"), {{"Origin", kOrigin}});
  EXPECT_EQ(err.status, 401);
  EXPECT_EQ(err.header("access-control-allow-origin"), kOrigin);
  auto app = api().http.get("/get_roles", {{"Origin", kOrigin}});
  EXPECT_EQ(app.status, 401);
  EXPECT_EQ(app.header("access-control-allow-origin"), kOrigin);

  auto signup =
      api().http.post("/v1/auth/password/signup",
                      json::object{{"loginId", unique_email("cors")}, {"password", kPassword}},
                      {{"Origin", kOrigin}, {"Authorization", "Bearer " + pid()}});
  EXPECT_EQ(signup.status, 200) << signup.body;
  EXPECT_EQ(signup.header("access-control-allow-origin"), kOrigin);
  EXPECT_NE(signup.header("access-control-allow-origin"), "*");
}

TEST_F(CorsTest, NoOriginNoCorsHeaders) {
  auto r = api().http.get("/healthz");
  EXPECT_FALSE(r.has_header("access-control-allow-origin"));
}

TEST_F(CorsTest, OtherOriginsAreStillForeign) {
  for (const char* origin : {kForeign, "http://localhost:3001", "https://localhost:3000"}) {
    SCOPED_TRACE(origin);
    auto pre =
        api().http.request("OPTIONS", "/v1/auth/refresh", preflight_from(origin, "authorization"));
    EXPECT_FALSE(pre.has_header("access-control-allow-origin"));
    auto post = api().http.post("/v1/auth/password/signin", std::string("{}"),
                                {{"Origin", origin}, {"Authorization", "Bearer " + pid()}});
    ExpectDescopeError(post, 403, "E011403");
  }
}

TEST_F(CorsTest, PreflightNeverEchoesArbitraryRequestHeaders) {
  auto r = api().http.request(
      "OPTIONS", "/v1/auth/refresh",
      preflight_from(kOrigin, "authorization,x-evil-header,cookie2,x-descope-sdk-name"));
  EXPECT_EQ(r.status, 204);
  std::string allowed = r.header("access-control-allow-headers");
  EXPECT_THAT(allowed, HasSubstr("x-descope-sdk-name")) << "the SDKs' own headers are allowed";
  EXPECT_THAT(allowed, Not(HasSubstr("x-evil-header")));
  EXPECT_THAT(allowed, Not(HasSubstr("cookie2")));
  EXPECT_NE(allowed, "*");
}

// The defaults: no --cors-origins. Only this server's own pages may call with credentials.
class CorsDefaultTest : public SharedServerTest<CorsDefaultTest> {
 protected:
  // The origin a browser sends for a page this server served (curl's Host is the same).
  std::string own_origin() { return server().base_url(); }
};

TEST_F(CorsDefaultTest, AForeignOriginGetsNoCorsHeaders) {
  auto pre = api().http.request("OPTIONS", "/v1/auth/password/signin",
                                preflight_from(kForeign, "authorization,content-type"));
  EXPECT_EQ(pre.status, 204);
  for (const char* h : {"access-control-allow-origin", "access-control-allow-credentials",
                        "access-control-allow-headers", "access-control-allow-methods"}) {
    EXPECT_FALSE(pre.has_header(h)) << h << ": " << pre.header(h);
  }
  auto keys = api().http.get("/v2/keys/" + pid(), {{"Origin", kForeign}});
  EXPECT_EQ(keys.status, 200);
  EXPECT_FALSE(keys.has_header("access-control-allow-origin"))
      << "a foreign page cannot read answers";
}

TEST_F(CorsDefaultTest, OriginNullIsNeverAllowed) {
  auto pre = api().http.request("OPTIONS", "/v1/auth/refresh",
                                preflight_from("null", "authorization,content-type"));
  EXPECT_FALSE(pre.has_header("access-control-allow-origin"))
      << pre.header("access-control-allow-origin");
  auto get = api().http.get("/healthz", {{"Origin", "null"}});
  EXPECT_FALSE(get.has_header("access-control-allow-origin"));
  auto post = api().http.post(
      "/v1/auth/password/signup",
      json::object{{"loginId", unique_email("null-origin")}, {"password", kPassword}},
      {{"Origin", "null"}, {"Authorization", "Bearer " + pid()}});
  ExpectDescopeError(post, 403, "E011403");
}

TEST_F(CorsDefaultTest, AForeignOriginCannotChangeState) {
  std::string email = unique_email("foreign");
  auto up = api().http.post("/v1/auth/password/signup",
                            json::object{{"loginId", email}, {"password", kPassword}},
                            {{"Origin", kForeign}, {"Authorization", "Bearer " + pid()}});
  ExpectDescopeError(up, 403, "E011403");
  EXPECT_FALSE(up.obj().contains("sessionJwt")) << up.body;
  // Refused before the handler: no account was made.
  EXPECT_EQ(api().sign_up(email).status, 200);

  auto login = api().must_sign_in(email);
  auto out = api().http.post(
      "/v1/auth/logout", std::string("{}"),
      {{"Origin", kForeign}, {"Authorization", "Bearer " + pid() + ":" + login.refresh}});
  ExpectDescopeError(out, 403, "E011403");
  EXPECT_EQ(api().refresh(login.refresh).status, 200) << "the session was not signed out";
}

TEST_F(CorsDefaultTest, TheServersOwnPagesMayCall) {
  std::string email = unique_email("own");
  auto up = api().http.post("/v1/auth/password/signup",
                            json::object{{"loginId", email}, {"password", kPassword}},
                            {{"Origin", own_origin()}, {"Authorization", "Bearer " + pid()}});
  EXPECT_EQ(up.status, 200) << up.body;
  // Without an Origin (server SDKs, curl) nothing changes either.
  EXPECT_EQ(api().sign_in(email).status, 200);
}

class CorsAllowListTest : public SharedServerTest<CorsAllowListTest> {
 public:
  static std::vector<std::string> ServerArgs() {
    return {"--cors-origins", "http://app.example, HTTPS://Admin.Example:443/"};
  }
};

TEST_F(CorsAllowListTest, OnlyListedOriginsAreAllowed) {
  for (const char* listed : {"http://app.example", "https://admin.example"}) {
    auto pre = api().http.request("OPTIONS", "/v1/auth/refresh",
                                  {{"Origin", listed}, {"Access-Control-Request-Method", "POST"}});
    EXPECT_EQ(pre.header("access-control-allow-origin"), listed);
    auto post = api().http.post("/v1/auth/password/signin", std::string("{}"),
                                {{"Origin", listed}, {"Authorization", "Bearer " + pid()}});
    ExpectDescopeError(post, 400, "E011003");  // reached the handler
  }
  auto other = api().http.request(
      "OPTIONS", "/v1/auth/refresh",
      {{"Origin", "http://evil.example"}, {"Access-Control-Request-Method", "POST"}});
  EXPECT_FALSE(other.has_header("access-control-allow-origin"));
  EXPECT_FALSE(other.has_header("access-control-allow-credentials"));
  auto get = api().http.get("/healthz", {{"Origin", "http://evil.example"}});
  EXPECT_FALSE(get.has_header("access-control-allow-origin"));
}

TEST(CorsOriginsFlag, NullWildcardsAndNonOriginsAreRefusedAtStart) {
  for (const char* value : {"null", "*", "http://app.example/path", "app.example"}) {
    // A value taken by mistake would start a server: in a directory that goes away.
    TempDir dir;
    auto r = run_gatehouse(
        {"serve", "--port", "0", "--data", dir.file("data"), "--cors-origins", value});
    EXPECT_NE(r.exit_code, 0) << value;
    EXPECT_THAT(r.err, HasSubstr("--cors-origins")) << value;
  }
}

// ---------------------------------------------------------------- cookie mode

// --token-cookies both over an https base URL: the refresh token arrives only as an HttpOnly
// cookie (docs/descope-wire.md §2.6), the session token also as a cookie; both are
// SameSite=Strict and Secure, and logout clears them. Foreign origins cannot use them.
class CookieModeTest : public SharedServerTest<CookieModeTest> {
 public:
  static std::vector<std::string> ServerArgs() {
    return {"--token-cookies",      "both",           "--base-url",
            "https://auth.example", "--cors-origins", "https://app.example"};
  }

 protected:
  // A browser's sign-up: the refresh token from its cookie.
  Login sign_up_in_browser(const std::string& email) {
    Login l;
    l.response = api().sign_up(email);
    if (l.response.status != 200) throw std::runtime_error("sign-up failed: " + l.response.body);
    l.session = str(l.response.obj().at("sessionJwt"));
    l.refresh = cookie_value(l.response, "DSR");
    return l;
  }
  static std::string cookie_value(const HttpResponse& r, const std::string& name) {
    auto [b, e] = r.headers.equal_range("set-cookie");
    for (auto it = b; it != e; ++it) {
      if (it->second.starts_with(name + "=")) {
        auto v = it->second.substr(name.size() + 1);
        return v.substr(0, v.find(';'));
      }
    }
    return {};
  }
  HttpResponse refresh_with_cookie(const std::string& token, const std::string& origin) {
    Headers h{{"Authorization", "Bearer " + pid()}, {"Cookie", "DSR=" + token}};
    if (!origin.empty()) h.emplace_back("Origin", origin);
    return api().http.post("/v1/auth/refresh", std::string("{}"), h);
  }
};

std::vector<std::string> set_cookies(const HttpResponse& r) {
  std::vector<std::string> out;
  auto [b, e] = r.headers.equal_range("set-cookie");
  for (auto it = b; it != e; ++it) out.push_back(it->second);
  return out;
}

TEST_F(CookieModeTest, TokensArriveAsCookiesAndLogoutClearsThem) {
  auto in = sign_up_in_browser(unique_email("cookies"));
  auto cookies = set_cookies(in.response);
  ASSERT_EQ(cookies.size(), 2u) << in.response.body;
  std::string dsr = cookies[0].starts_with("DSR=") ? cookies[0] : cookies[1];
  std::string ds = cookies[0].starts_with("DS=") ? cookies[0] : cookies[1];
  EXPECT_EQ(dsr,
            "DSR=" + in.refresh + "; Path=/; Max-Age=2419200; HttpOnly; SameSite=Strict; Secure");
  EXPECT_NO_THROW(jwt_payload(in.refresh));
  EXPECT_TRUE(ds.starts_with("DS=" + in.session + "; Path=/; Max-Age=600; SameSite=Strict"));
  EXPECT_THAT(ds, Not(HasSubstr("HttpOnly"))) << "the page may read the session token";
  EXPECT_THAT(ds, HasSubstr("Secure"));
  // What HttpOnly hides from scripts is not handed to them in the body either.
  EXPECT_FALSE(in.response.obj().contains("refreshJwt")) << in.response.body;
  EXPECT_THAT(in.response.body, Not(HasSubstr(in.refresh)));
  for (const char* f :
       {"sessionJwt", "sessionExpiration", "cookieExpiration", "cookieMaxAge", "user"}) {
    EXPECT_TRUE(in.response.obj().contains(f)) << f << " missing: " << in.response.body;
  }

  // The browser sends the cookie back; no token in the bearer.
  auto refreshed = refresh_with_cookie(in.refresh, "");
  ASSERT_EQ(refreshed.status, 200) << refreshed.body;
  EXPECT_EQ(set_cookies(refreshed).size(), 2u);
  EXPECT_FALSE(refreshed.obj().contains("refreshJwt")) << refreshed.body;
  std::string next = cookie_value(refreshed, "DSR");
  ASSERT_FALSE(next.empty());

  auto out = api().http.post(
      "/v1/auth/logout", std::string("{}"),
      {{"Authorization", "Bearer " + server().project_id()}, {"Cookie", "DSR=" + next}});
  ASSERT_EQ(out.status, 200) << out.body;
  auto cleared = set_cookies(out);
  ASSERT_EQ(cleared.size(), 2u);
  for (const auto& c : cleared) EXPECT_THAT(c, HasSubstr("=; Path=/; Max-Age=0"));
  EXPECT_EQ(api().refresh(next).status, 401);
}

// The attack: a page on another site (or a sibling subdomain, which SameSite does not stop)
// posts to /v1/auth/refresh with credentials: the browser attaches the DSR cookie.
TEST_F(CookieModeTest, AForeignOriginCannotRefreshWithTheCookie) {
  auto in = sign_up_in_browser(unique_email("csrf"));
  for (const char* origin : {"http://evil.example", "null", "https://app.example.evil"}) {
    SCOPED_TRACE(origin);
    auto r = refresh_with_cookie(in.refresh, origin);
    ExpectDescopeError(r, 403, "E011403");
    EXPECT_THAT(r.body, Not(HasSubstr("eyJ"))) << "no token of any kind";
    EXPECT_FALSE(r.has_header("set-cookie"));
    EXPECT_FALSE(r.has_header("access-control-allow-origin"));
    auto t = api().http.post("/v1/auth/try-refresh", std::string("{}"),
                             {{"Authorization", "Bearer " + pid()},
                              {"Cookie", "DSR=" + in.refresh},
                              {"Origin", origin}});
    ExpectDescopeError(t, 403, "E011403");
  }
  // Refused before the handler: the token was neither rotated nor revoked.
  auto own = refresh_with_cookie(in.refresh, "https://auth.example");
  EXPECT_EQ(own.status, 200) << own.body;
  // A listed origin may refresh, and read the answer.
  auto listed = refresh_with_cookie(cookie_value(own, "DSR"), "https://app.example");
  EXPECT_EQ(listed.status, 200) << listed.body;
  EXPECT_EQ(listed.header("access-control-allow-origin"), "https://app.example");
}

TEST(CookieModeDefault, BodyModeSetsNoCookies) {
  ServerProcess server;
  ASSERT_TRUE(server.start()) << server.error();
  Api api(server);
  auto in = api.must_sign_up(unique_email("nocookies"));
  EXPECT_FALSE(in.response.has_header("set-cookie"));
  EXPECT_EQ(server.stop(), 0);
}

// ---------------------------------------------------------------- logs

// Requests that run on the worker pool (sign-ins hash there) are answered as each one
// finishes, not all together when the pool's queue runs dry.
class WorkerQueueTest : public OwnServerTest {};

TEST_F(WorkerQueueTest, EachQueuedSignInIsAnsweredWhenItsHashIsDone) {
  ASSERT_NO_FATAL_FAILURE(Start({"--workers", "1"}));
  const std::string email = unique_email("queue");
  api().must_sign_up(email);

  // Twelve sign-ins at once on twelve connections: one worker hashes them one after
  // the other, so the answers should arrive spread over twelve hashes.
  constexpr int kRequests = 12;
  const auto start = std::chrono::steady_clock::now();
  std::vector<std::future<std::pair<int, std::chrono::steady_clock::duration>>> answers;
  for (int i = 0; i < kRequests; ++i) {
    answers.push_back(std::async(std::launch::async, [&] {
      auto r = api().sign_in(email);
      return std::make_pair(r.status, std::chrono::steady_clock::now() - start);
    }));
  }
  std::vector<std::chrono::steady_clock::duration> at;
  for (auto& a : answers) {
    auto [status, when] = a.get();
    EXPECT_EQ(status, 200);
    at.push_back(when);
  }
  std::sort(at.begin(), at.end());
  // Held responses (the bug this guards against) all arrive within a millisecond of
  // each other, after the last hash; answered ones are spread over the whole run.
  EXPECT_LT(at.front() * 2, at.back())
      << "first answer after " << std::chrono::duration<double>(at.front()).count()
      << " s, last after " << std::chrono::duration<double>(at.back()).count() << " s";
}

TEST_F(WorkerQueueTest, WorkerAnswersReachTheirConnectionsWithSeveralIoThreads) {
  // Connections on two event loops each resume on their own loop after the worker.
  ASSERT_NO_FATAL_FAILURE(Start({"--io-threads", "2", "--workers", "2"}));
  const std::string email = unique_email("strands");
  api().must_sign_up(email);
  std::vector<std::future<Login>> logins;
  for (int i = 0; i < 8; ++i) {
    logins.push_back(std::async(std::launch::async, [&] { return api().must_sign_in(email); }));
  }
  std::vector<std::future<HttpResponse>> refreshed;
  for (auto& l : logins) {
    Login login = l.get();
    refreshed.push_back(
        std::async(std::launch::async, [&, t = login.refresh] { return api().refresh(t); }));
  }
  for (auto& r : refreshed) {
    auto res = r.get();
    EXPECT_EQ(res.status, 200) << res.body << res.transport_error;
    EXPECT_TRUE(res.obj().contains("sessionJwt")) << res.body;
  }
}

class LoggingTest : public OwnServerTest {};

TEST_F(LoggingTest, RequestLogsNeverContainSecrets) {
  ASSERT_NO_FATAL_FAILURE(Start());
  const std::string password = "Log-Secret-Passw0rd-4711";
  std::string email = unique_email("logs");
  auto up = api().must_sign_up(email, password);
  auto in = api().must_sign_in(email, password);
  auto wrong = api().sign_in(email, password + "-wrong");
  EXPECT_EQ(wrong.status, 401);
  auto refreshed = api().must_refresh(in.refresh);
  EXPECT_EQ(api().me(refreshed.refresh).status, 200);
  EXPECT_EQ(api().app_get("/get_roles", refreshed.session).status, 200);
  auto cookie = api().http.post("/v1/auth/refresh", std::string("{}"),
                                {{"Authorization", "Bearer " + server().project_id()},
                                 {"Cookie", "DSR=" + refreshed.refresh}});
  EXPECT_EQ(cookie.status, 200);
  EXPECT_EQ(api().logout(up.refresh).status, 200);
  EXPECT_EQ(api().refresh(up.refresh).status, 401);

  // 9 requests: the log line is written after the response, so wait for it.
  ASSERT_TRUE(server().wait_for_output("\"msg\":\"request\"", 9, std::chrono::seconds(5)))
      << server().out();
  ASSERT_EQ(server().stop(), 0);
  std::string logs = server().out() + server().err();

  for (const auto& [what, secret] : std::vector<std::pair<std::string, std::string>>{
           {"password", password},
           {"wrong password", password + "-wrong"},
           {"sign-up session JWT", up.session},
           {"sign-up refresh JWT", up.refresh},
           {"sign-in session JWT", in.session},
           {"sign-in refresh JWT", in.refresh},
           {"refreshed session JWT", refreshed.session},
           {"refreshed refresh JWT", refreshed.refresh}}) {
    EXPECT_THAT(logs, Not(HasSubstr(secret))) << what << " appears in the server output";
    // Not even a JWT's signature part.
    auto sig = secret.substr(secret.rfind('.') + 1);
    if (sig.size() > 20) {
      EXPECT_THAT(logs, Not(HasSubstr(sig))) << what << " signature appears in the output";
    }
  }
  // Each request left one readable JSON line.
  size_t lines = 0;
  std::istringstream in_lines(logs);
  for (std::string line; std::getline(in_lines, line);) {
    if (line.find("\"msg\":\"request\"") == std::string::npos) continue;
    ++lines;
    auto o = json::parse(line).as_object();
    EXPECT_TRUE(o.contains("method") && o.contains("path") && o.contains("status")) << line;
  }
  EXPECT_EQ(lines, 9u) << logs;
  EXPECT_THAT(logs, HasSubstr("\"path\":\"/v1/auth/password/signin\",\"status\":401"));
}

// ---------------------------------------------------------------- keys

class KeysTest : public SharedServerTest<KeysTest> {};

TEST_F(KeysTest, V2KeysIsAJwksWithKidAlgOnEveryKey) {
  auto r = api().http.get("/v2/keys/" + pid(), bearer(pid()));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.header("content-type"), "application/json");
  const auto& keys = r.obj().at("keys").as_array();
  ASSERT_FALSE(keys.empty());
  for (const auto& k : keys) {
    const auto& o = k.as_object();
    for (const char* f : {"kid", "kty", "alg", "use"}) {
      ASSERT_TRUE(o.contains(f) && o.at(f).is_string()) << f << " missing: " << r.body;
      EXPECT_FALSE(o.at(f).as_string().empty()) << f;
    }
    EXPECT_EQ(o.at("use"), "sig");
    EXPECT_FALSE(o.contains("d")) << "private key material published!";
    if (o.at("kty") == "RSA") {
      EXPECT_TRUE(o.contains("n") && o.contains("e")) << r.body;
      EXPECT_GE(base64url_decode(std::string(o.at("n").as_string())).size(), 256u)
          << "RSA key under 2048 bits";
    }
  }
  // The key that signs sessions is published, with the JWT's alg.
  auto login = api().must_sign_up(unique_email("keys"));
  auto header = jwt_header(login.session);
  bool found = false;
  for (const auto& k : keys) {
    if (k.at("kid") == header.at("kid")) {
      found = true;
      EXPECT_EQ(k.at("alg"), header.at("alg"));
    }
  }
  EXPECT_TRUE(found) << "kid " << header.at("kid") << " not in " << r.body;
  // Without Authorization too (keys are public).
  EXPECT_EQ(api().http.get("/v2/keys/" + pid()).status, 200);
}

TEST_F(KeysTest, V1KeysIsTheBareArray) {
  auto v1 = api().http.get("/v1/keys/" + pid());
  auto v2 = api().http.get("/v2/keys/" + pid());
  ASSERT_EQ(v1.status, 200) << v1.body;
  ASSERT_TRUE(v1.json && v1.json->is_array()) << v1.body;
  EXPECT_EQ(v1.json->as_array(), v2.obj().at("keys").as_array());
}

TEST_F(KeysTest, UnknownProjectIs404) {
  ExpectDescopeError(api().http.get("/v2/keys/P0000000000000000000000000000"), 404);
  ExpectDescopeError(api().http.get("/v2/keys/" + pid() + "x"), 404);
  ExpectDescopeError(api().http.get("/v1/keys/P0000000000000000000000000000"), 404);
}

}  // namespace
}  // namespace gatehouse::test
