// CORS and the Origin check (docs/descope-wire.md §1.4, docs/security.md "Browsers: CORS and
// cookies"): which origins may read answers, which may change state, and what a preflight
// allows.
#include "http/cors.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "http/middleware.h"
#include "http/request_id.h"

namespace gatehouse::http {
namespace {

using Headers = std::vector<std::pair<std::string, std::string>>;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using ::testing::Pair;

constexpr const char* kPublic = "https://auth.example";

Request request(std::string method, Headers headers) {
  Request req;
  req.method = std::move(method);
  req.path = "/v1/auth/refresh";
  req.headers = std::move(headers);  // names lower-cased, as the connection delivers them
  return req;
}

Response forbidden(const Error& e) {
  return Response::json_text(403,
                             "{\"errorCode\":\"E011403\",\"errorMessage\":\"" + e.message + "\"}");
}

Cors make(std::vector<std::string> allowed = {}, std::string public_origin = kPublic) {
  return Cors(std::move(allowed), std::move(public_origin), forbidden);
}

std::string header_of(const Response& res, const std::string& name) {
  for (const auto& [k, v] : res.headers) {
    if (k == name) return v;
  }
  return {};
}

TEST(Cors, ByDefaultOnlyThePublicOriginIsAllowed) {
  Cors cors = make();
  EXPECT_TRUE(cors.allows(kPublic));
  EXPECT_FALSE(cors.allows("http://localhost:3000"));
  EXPECT_FALSE(cors.allows("https://anything.example"));
  EXPECT_FALSE(cors.allows(""));
}

TEST(Cors, NullIsNeverAllowed) {
  // Sandboxed frames, file: pages and some redirects all send "null": allowing it allows
  // any of them.
  EXPECT_FALSE(make().allows("null"));
  EXPECT_FALSE(make({"null"}, "null").allows("null"));
  EXPECT_FALSE(Cors::normalize_origin("null"));
  EXPECT_FALSE(Cors::normalize_origin("*"));
}

TEST(Cors, AllowListAllowsOnlyListedOriginsExactly) {
  Cors cors = make({"http://app.example", "https://admin.example"});
  EXPECT_TRUE(cors.allows("http://app.example"));
  EXPECT_TRUE(cors.allows("https://admin.example"));
  EXPECT_FALSE(cors.allows("http://evil.example"));
  EXPECT_FALSE(cors.allows("https://app.example"));
  EXPECT_FALSE(cors.allows("http://app.example.evil"));
  EXPECT_FALSE(cors.allows("http://app.example:8080"));
  EXPECT_FALSE(cors.allows(""));
}

TEST(Cors, OriginsAreNormalizedAsBrowsersSendThem) {
  EXPECT_EQ(*Cors::normalize_origin("HTTP://App.Example:3000/"), "http://app.example:3000");
  EXPECT_EQ(*Cors::normalize_origin("https://app.example:443"), "https://app.example");
  EXPECT_EQ(*Cors::normalize_origin("http://app.example:80"), "http://app.example");
  EXPECT_EQ(*Cors::normalize_origin("http://[::1]:8080"), "http://[::1]:8080");
  for (const char* bad : {"app.example", "ftp://app.example", "http://app.example/path",
                          "http://user@app.example", "http://app.example?x=1", "http://", ""}) {
    EXPECT_FALSE(Cors::normalize_origin(bad)) << bad;
  }
  EXPECT_EQ(*Cors::origin_of_url("https://Auth.Example/gatehouse/"), "https://auth.example");
  EXPECT_EQ(*Cors::origin_of_url("http://localhost:8080"), "http://localhost:8080");
}

TEST(Cors, ResponsesToAnAllowedOriginCarryItWithCredentialsAndVary) {
  Cors cors = make({"http://localhost:3000"});
  auto req = request("GET", {{"origin", "http://localhost:3000"}});
  auto res = Response::json_text(401, "{}");
  std::string head;
  HeaderLines lines(head);
  cors.on_response(req, res, lines);
  EXPECT_THAT(res.headers, ElementsAre(Pair("Content-Type", "application/json"),
                                       Pair("Access-Control-Allow-Origin", "http://localhost:3000"),
                                       Pair("Access-Control-Allow-Credentials", "true"),
                                       Pair("Access-Control-Expose-Headers",
                                            "X-Descope-Flow-Nonce, Retry-After"),
                                       Pair("Vary", "Origin")));
  EXPECT_EQ(res.status, 401);
  EXPECT_EQ(head, "");
}

TEST(Cors, NoOriginOrAnOriginNotListedGetsNoHeaders) {
  Cors cors = make({"http://app.example"});
  for (const auto& headers :
       {Headers{}, Headers{{"origin", "http://evil.example"}}, Headers{{"origin", "null"}}}) {
    auto req = request("GET", headers);
    Response res;
    std::string head;
    HeaderLines lines(head);
    cors.on_response(req, res, lines);
    EXPECT_THAT(res.headers, IsEmpty());
  }
}

TEST(Cors, OnlyOptionsAndForeignStateChangesAreAnsweredEarly) {
  Cors cors = make({"http://localhost:3000"});
  for (const char* method : {"GET", "POST", "HEAD", "DELETE", "PATCH", "PUT"}) {
    auto req = request(method, {{"origin", "http://localhost:3000"}});
    EXPECT_FALSE(cors.on_request(req).has_value()) << method;
  }
  auto req = request("OPTIONS", {});
  auto answer = cors.on_request(req);
  ASSERT_TRUE(answer.has_value());
  EXPECT_EQ(answer->status, 204);
  EXPECT_THAT(answer->headers, IsEmpty()) << "no Origin, no CORS headers";
  EXPECT_EQ(answer->body, "");
}

TEST(Cors, PreflightAllowsTheSdkHeadersAndNeverEchoesWhatWasAsked) {
  Cors cors = make({"http://localhost:3000"});
  auto req = request("OPTIONS", {{"origin", "http://localhost:3000"},
                                 {"access-control-request-method", "POST"},
                                 {"access-control-request-headers", "authorization,x-evil"}});
  auto res = cors.preflight(req);
  EXPECT_EQ(res.status, 204);
  EXPECT_THAT(
      res.headers,
      ElementsAre(Pair("Access-Control-Allow-Origin", "http://localhost:3000"),
                  Pair("Access-Control-Allow-Credentials", "true"),
                  Pair("Access-Control-Expose-Headers", "X-Descope-Flow-Nonce, Retry-After"),
                  Pair("Vary", "Origin"),
                  Pair("Access-Control-Allow-Methods", "GET, POST, PUT, PATCH, DELETE, OPTIONS"),
                  Pair("Access-Control-Allow-Headers", std::string(Cors::kAllowHeaders)),
                  Pair("Access-Control-Max-Age", "600")));
  std::string allowed = header_of(res, "Access-Control-Allow-Headers");
  EXPECT_THAT(allowed, Not(HasSubstr("x-evil")));
  for (const char* sdk_header :
       {"Authorization", "Content-Type", "x-descope-sdk-name", "x-descope-sdk-version",
        "x-descope-refresh-cookie-name", "X-Descope-Flow-Nonce"}) {
    EXPECT_THAT(allowed, HasSubstr(sdk_header));
  }
}

TEST(Cors, PreflightFromAnOriginNotListedIsABare204) {
  Cors cors = make({"http://app.example"});
  for (const char* origin : {"http://evil.example", "null"}) {
    auto req = request("OPTIONS", {{"origin", origin},
                                   {"access-control-request-method", "POST"},
                                   {"access-control-request-headers", "authorization"}});
    auto res = cors.preflight(req);
    EXPECT_EQ(res.status, 204);
    EXPECT_THAT(res.headers, IsEmpty()) << origin;
  }
}

TEST(Cors, AForeignOriginMayNotChangeState) {
  Cors cors = make({"http://app.example"});
  for (const char* origin : {"http://evil.example", "null", "https://auth.example.evil"}) {
    for (const char* method : {"POST", "PUT", "PATCH", "DELETE", "PROPFIND"}) {
      auto req = request(method, {{"origin", origin}, {"host", "auth.example"}});
      EXPECT_FALSE(cors.may_change_state(req)) << method << " from " << origin;
      auto answer = cors.on_request(req);
      ASSERT_TRUE(answer.has_value()) << method << " from " << origin;
      EXPECT_EQ(answer->status, 403);
      EXPECT_THAT(answer->body, HasSubstr("E011403"));
    }
    // Reading is not refused (the browser hides the answer: no CORS headers).
    auto get = request("GET", {{"origin", origin}, {"host", "auth.example"}});
    EXPECT_FALSE(cors.on_request(get).has_value()) << origin;
  }
}

TEST(Cors, OwnListedAndOriginlessCallsMayChangeState) {
  Cors cors = make({"http://app.example"});
  // Listed, the public origin, the origin the browser addressed (Host), and no Origin at
  // all (server SDKs, curl).
  EXPECT_TRUE(cors.may_change_state(request("POST", {{"origin", "http://app.example"}})));
  EXPECT_TRUE(cors.may_change_state(request("POST", {{"origin", kPublic}})));
  EXPECT_TRUE(cors.may_change_state(
      request("POST", {{"origin", "http://127.0.0.1:8080"}, {"host", "127.0.0.1:8080"}})));
  EXPECT_TRUE(cors.may_change_state(
      request("POST", {{"origin", "http://localhost:5173"}, {"host", "LOCALHOST:5173"}})));
  EXPECT_TRUE(cors.may_change_state(request("POST", {})));
  // The Host's port is part of the origin; and a Host alone proves nothing.
  EXPECT_FALSE(cors.may_change_state(
      request("POST", {{"origin", "http://127.0.0.1:9999"}, {"host", "127.0.0.1:8080"}})));
  EXPECT_FALSE(cors.may_change_state(request("POST", {{"origin", "http://"}, {"host", ""}})));
  // Own by Host, but not listed: nothing to add for CORS (same-origin reads need none).
  EXPECT_FALSE(cors.allows("http://127.0.0.1:8080"));
}

// The preflight as the server writes it: answered by on_request, completed by every
// on_response (the response headers set again in place, Vary once more), then the id.
TEST(Cors, PreflightThroughTheChainIsWrittenAsBefore) {
  MiddlewareChain chain;
  chain.add(std::make_unique<RequestId>());
  chain.add(std::make_unique<Cors>(std::vector<std::string>{"http://localhost:3000"}, kPublic,
                                   forbidden));
  auto req = request("OPTIONS", {{"origin", "http://localhost:3000"},
                                 {"x-request-id", "trace-1"},
                                 {"access-control-request-method", "POST"}});
  auto res = chain.on_request(req);
  ASSERT_TRUE(res.has_value());
  std::string head;
  HeaderLines lines(head);
  chain.on_response(req, *res, lines);
  EXPECT_THAT(
      res->headers,
      ElementsAre(Pair("Access-Control-Allow-Origin", "http://localhost:3000"),
                  Pair("Access-Control-Allow-Credentials", "true"),
                  Pair("Access-Control-Expose-Headers", "X-Descope-Flow-Nonce, Retry-After"),
                  Pair("Vary", "Origin"),
                  Pair("Access-Control-Allow-Methods", "GET, POST, PUT, PATCH, DELETE, OPTIONS"),
                  Pair("Access-Control-Allow-Headers", std::string(Cors::kAllowHeaders)),
                  Pair("Access-Control-Max-Age", "600"), Pair("Vary", "Origin")));
  EXPECT_EQ(head, "X-Request-Id: trace-1\r\n");
}

}  // namespace
}  // namespace gatehouse::http
