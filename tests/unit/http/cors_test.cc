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
using ::testing::IsEmpty;
using ::testing::Pair;

Request request(std::string method, Headers headers) {
  Request req;
  req.method = std::move(method);
  req.path = "/v1/auth/refresh";
  req.headers = std::move(headers);  // names lower-cased, as the connection delivers them
  return req;
}

TEST(Cors, EmptyAllowListAllowsEveryOriginButNoOrigin) {
  Cors cors({});
  EXPECT_TRUE(cors.allows("http://localhost:3000"));
  EXPECT_TRUE(cors.allows("https://anything.example"));
  EXPECT_FALSE(cors.allows(""));
}

TEST(Cors, AllowListAllowsOnlyListedOriginsExactly) {
  Cors cors({"http://app.example", "https://admin.example"});
  EXPECT_TRUE(cors.allows("http://app.example"));
  EXPECT_TRUE(cors.allows("https://admin.example"));
  EXPECT_FALSE(cors.allows("http://evil.example"));
  EXPECT_FALSE(cors.allows("https://app.example"));
  EXPECT_FALSE(cors.allows("http://app.example.evil"));
  EXPECT_FALSE(cors.allows(""));
}

TEST(Cors, ResponsesToAnAllowedOriginCarryItWithCredentialsAndVary) {
  Cors cors({});
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
  Cors cors({"http://app.example"});
  for (const auto& headers : {Headers{}, Headers{{"origin", "http://evil.example"}}}) {
    auto req = request("GET", headers);
    Response res;
    std::string head;
    HeaderLines lines(head);
    cors.on_response(req, res, lines);
    EXPECT_THAT(res.headers, IsEmpty());
  }
}

TEST(Cors, OnlyOptionsIsAnsweredEarly) {
  Cors cors({});
  for (const char* method : {"GET", "POST", "HEAD", "DELETE"}) {
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

TEST(Cors, PreflightEchoesTheAskedHeaders) {
  Cors cors({});
  auto req = request("OPTIONS", {{"origin", "http://localhost:3000"},
                                 {"access-control-request-method", "POST"},
                                 {"access-control-request-headers", "authorization,x-sdk"}});
  auto res = cors.preflight(req);
  EXPECT_EQ(res.status, 204);
  EXPECT_THAT(
      res.headers,
      ElementsAre(Pair("Access-Control-Allow-Origin", "http://localhost:3000"),
                  Pair("Access-Control-Allow-Credentials", "true"),
                  Pair("Access-Control-Expose-Headers", "X-Descope-Flow-Nonce, Retry-After"),
                  Pair("Vary", "Origin"),
                  Pair("Access-Control-Allow-Methods", "GET, POST, PUT, PATCH, DELETE, OPTIONS"),
                  Pair("Access-Control-Allow-Headers", "authorization,x-sdk"),
                  Pair("Access-Control-Max-Age", "600")));
}

TEST(Cors, PreflightWithoutAskedHeadersAllowsAuthorizationAndContentType) {
  Cors cors({});
  auto req = request("OPTIONS", {{"origin", "http://localhost:3000"}});
  auto res = cors.preflight(req);
  auto it = std::find_if(res.headers.begin(), res.headers.end(),
                         [](const auto& h) { return h.first == "Access-Control-Allow-Headers"; });
  ASSERT_NE(it, res.headers.end());
  EXPECT_EQ(it->second, "Authorization, Content-Type");
}

TEST(Cors, PreflightFromAnOriginNotListedIsABare204) {
  Cors cors({"http://app.example"});
  auto req = request(
      "OPTIONS", {{"origin", "http://evil.example"}, {"access-control-request-method", "POST"}});
  auto res = cors.preflight(req);
  EXPECT_EQ(res.status, 204);
  EXPECT_THAT(res.headers, IsEmpty());
}

// The preflight as the server writes it: answered by on_request, completed by every
// on_response (the response headers set again in place, Vary once more), then the id.
TEST(Cors, PreflightThroughTheChainIsWrittenAsBefore) {
  MiddlewareChain chain;
  chain.add(std::make_unique<RequestId>());
  chain.add(std::make_unique<Cors>(std::vector<std::string>{}));
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
                  Pair("Access-Control-Allow-Headers", "Authorization, Content-Type"),
                  Pair("Access-Control-Max-Age", "600"), Pair("Vary", "Origin")));
  EXPECT_EQ(head, "X-Request-Id: trace-1\r\n");
}

}  // namespace
}  // namespace gatehouse::http
