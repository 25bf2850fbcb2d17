#include "http/request_id.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <regex>
#include <string>

namespace gatehouse::http {
namespace {

Request with_id(std::string id) {
  Request req;
  req.method = "GET";
  req.path = "/healthz";
  req.headers = {{"accept", "*/*"}, {"x-request-id", std::move(id)}};
  return req;
}

bool minted(const std::string& id) {
  static const std::regex re("[0-9a-f]{8}-[0-9]+");
  return std::regex_match(id, re);
}

TEST(RequestId, SafeIdsAreShortAndPlain) {
  EXPECT_TRUE(RequestId::is_safe("trace-123"));
  EXPECT_TRUE(RequestId::is_safe("a.b_c-D9"));
  EXPECT_TRUE(RequestId::is_safe(std::string(64, 'x')));
  EXPECT_FALSE(RequestId::is_safe(""));
  EXPECT_FALSE(RequestId::is_safe(std::string(65, 'x')));
  for (const char* bad : {"has space", "line\nbreak", "cr\r", "quote\"", "semi;colon", "slash/",
                          "caf\xc3\xa9", "tab\t"}) {
    EXPECT_FALSE(RequestId::is_safe(bad)) << bad;
  }
}

TEST(RequestId, MintedIdsShareAPrefixAndCount) {
  std::string a = RequestId::mint(), b = RequestId::mint();
  EXPECT_TRUE(minted(a)) << a;
  EXPECT_TRUE(minted(b)) << b;
  EXPECT_EQ(a.substr(0, 9), b.substr(0, 9));
  EXPECT_EQ(std::stoull(b.substr(9)), std::stoull(a.substr(9)) + 1);
}

TEST(RequestId, AcceptsASafeIncomingId) {
  RequestId mw;
  auto req = with_id("trace-123");
  EXPECT_FALSE(mw.on_request(req).has_value());
  EXPECT_EQ(req.request_id, "trace-123");
}

TEST(RequestId, MintsWhenTheIncomingIdIsUnsafeOrAbsent) {
  RequestId mw;
  auto unsafe = with_id("evil\"}{\"x");
  mw.on_request(unsafe);
  EXPECT_TRUE(minted(unsafe.request_id)) << unsafe.request_id;
  Request none;
  mw.on_request(none);
  EXPECT_TRUE(minted(none.request_id)) << none.request_id;
  EXPECT_NE(unsafe.request_id, none.request_id);
}

TEST(RequestId, EveryResponseCarriesTheId) {
  RequestId mw;
  auto req = with_id("trace-9");
  mw.on_request(req);
  Response res;
  std::string head;
  HeaderLines lines(head);
  mw.on_response(req, res, lines);
  EXPECT_EQ(head, "X-Request-Id: trace-9\r\n");
  EXPECT_TRUE(res.headers.empty());
}

// Requests the server rejects before routing (unreadable, bad target) never pass
// on_request: their id is settled when the response is.
TEST(RequestId, ARequestThatSkippedOnRequestGetsItsIdWithTheResponse) {
  RequestId mw;
  for (auto [req, expect_minted] :
       {std::pair{with_id("trace-7"), false}, std::pair{with_id("bad id"), true},
        std::pair{Request{}, true}}) {
    Response res;
    std::string head;
    HeaderLines lines(head);
    mw.on_response(req, res, lines);
    if (expect_minted) {
      EXPECT_TRUE(minted(req.request_id)) << req.request_id;
    } else {
      EXPECT_EQ(req.request_id, "trace-7");
    }
    EXPECT_EQ(head, "X-Request-Id: " + req.request_id + "\r\n");
  }
}

}  // namespace
}  // namespace gatehouse::http
