#include "http/metrics.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <regex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace gatehouse::http {
namespace {

using namespace std::chrono_literals;
using ::testing::HasSubstr;
using ::testing::Not;

Response ok(Request&) { return {}; }

// A routed request as the server completes it: matched, answered `status` in `elapsed`.
void serve(Metrics& m, const Router& router, std::string method, std::string path, int status,
           std::chrono::steady_clock::duration elapsed = 1ms) {
  Request req;
  req.method = std::move(method);
  req.path = std::move(path);
  (void)router.match(req);
  m.on_complete(req, {status, elapsed});
}

struct Fixture {
  Router router;
  Metrics metrics;
  Fixture() {
    router.add("GET", "/get_roles", ok);
    router.add("GET", "/v2/keys/{projectId}", ok);
    router.add("POST", "/v1/auth/password/signin", ok);
    router.add("POST", "/v1/auth/refresh", ok);
    router.set_fallback(ok);
    metrics.sign_in_route("POST", "/v1/auth/password/signin", "password");
    metrics.refresh_route("POST", "/v1/auth/refresh");
    metrics.gauge("gatehouse_test_gauge", "A gauge for the test.", [] { return 2.5; });
    metrics.bind(router);
  }
};

// Every line is a comment (# HELP / # TYPE) or `name{labels} value` with a number.
void expect_well_formed(const std::string& text) {
  static const std::regex kSample(
      R"(^[a-zA-Z_:][a-zA-Z0-9_:]*(\{([a-zA-Z_][a-zA-Z0-9_]*="([^"\\\n]|\\.)*",?)*\})? [-+0-9.eEInf]+$)");
  static const std::regex kComment(R"(^# (HELP|TYPE) [a-zA-Z_:][a-zA-Z0-9_:]* .+$)");
  std::istringstream in(text);
  std::string line;
  int n = 0;
  while (std::getline(in, line)) {
    ++n;
    EXPECT_TRUE(std::regex_match(line, kSample) || std::regex_match(line, kComment))
        << "line " << n << ": " << line;
  }
  EXPECT_FALSE(text.empty());
  EXPECT_EQ(text.back(), '\n');
}

TEST(MetricsTest, CountsRequestsByRoutePatternAndStatus) {
  Fixture f;
  serve(f.metrics, f.router, "GET", "/v2/keys/P1", 200);
  serve(f.metrics, f.router, "GET", "/v2/keys/P2", 200);
  serve(f.metrics, f.router, "GET", "/v2/keys/P3", 404);
  serve(f.metrics, f.router, "GET", "/get_roles", 401);
  serve(f.metrics, f.router, "GET", "/get_roles", 418);  // no label of its own: its class
  std::string text = f.metrics.render();
  expect_well_formed(text);
  // The pattern, not the paths: one series for three project ids.
  EXPECT_THAT(text, HasSubstr("gatehouse_http_requests_total{route=\"GET /v2/keys/{projectId}\","
                              "code=\"200\"} 2\n"));
  EXPECT_THAT(text, HasSubstr("gatehouse_http_requests_total{route=\"GET /v2/keys/{projectId}\","
                              "code=\"404\"} 1\n"));
  EXPECT_THAT(text, Not(HasSubstr("P1")));
  EXPECT_THAT(text, HasSubstr("{route=\"GET /get_roles\",code=\"401\"} 1\n"));
  EXPECT_THAT(text, HasSubstr("{route=\"GET /get_roles\",code=\"4xx\"} 1\n"));
  // Routes never called have no series.
  EXPECT_THAT(text, Not(HasSubstr("route=\"POST /v1/auth/refresh\",code")));
}

TEST(MetricsTest, UnroutedAndFallbackRequestsHaveTheirOwnSeries) {
  Fixture f;
  serve(f.metrics, f.router, "GET", "/index.html", 200);  // the fallback (static files)
  serve(f.metrics, f.router, "POST", "/get_roles", 405);  // path known, method not
  Request unread;                                         // never routed
  f.metrics.on_complete(unread, {400, 1ms});
  std::string text = f.metrics.render();
  EXPECT_THAT(text, HasSubstr("{route=\"fallback\",code=\"200\"} 1\n"));
  EXPECT_THAT(text, HasSubstr("{route=\"unrouted\",code=\"405\"} 1\n"));
  EXPECT_THAT(text, HasSubstr("{route=\"unrouted\",code=\"400\"} 1\n"));
}

TEST(MetricsTest, LatencyHistogramIsCumulativeWithSumAndCount) {
  Fixture f;
  serve(f.metrics, f.router, "GET", "/get_roles", 200, 300us);  // ≤ 0.0005
  serve(f.metrics, f.router, "GET", "/get_roles", 200, 3ms);    // ≤ 0.005
  serve(f.metrics, f.router, "GET", "/get_roles", 200, 20s);    // +Inf only
  std::string text = f.metrics.render();
  expect_well_formed(text);
  const std::string b = "gatehouse_http_request_duration_seconds_bucket{route=\"GET /get_roles\",";
  EXPECT_THAT(text, HasSubstr("# TYPE gatehouse_http_request_duration_seconds histogram\n"));
  EXPECT_THAT(text, HasSubstr(b + "le=\"0.0005\"} 1\n"));
  EXPECT_THAT(text, HasSubstr(b + "le=\"0.0025\"} 1\n"));
  EXPECT_THAT(text, HasSubstr(b + "le=\"0.005\"} 2\n"));
  EXPECT_THAT(text, HasSubstr(b + "le=\"10\"} 2\n"));
  EXPECT_THAT(text, HasSubstr(b + "le=\"+Inf\"} 3\n"));
  EXPECT_THAT(text, HasSubstr("gatehouse_http_request_duration_seconds_count{route=\"GET "
                              "/get_roles\"} 3\n"));
  EXPECT_THAT(text, HasSubstr("gatehouse_http_request_duration_seconds_sum{route=\"GET "
                              "/get_roles\"} 20.0033\n"));
}

TEST(MetricsTest, SignInsRefreshesAndRateLimitHits) {
  Fixture f;
  serve(f.metrics, f.router, "POST", "/v1/auth/password/signin", 200);
  serve(f.metrics, f.router, "POST", "/v1/auth/password/signin", 401);
  serve(f.metrics, f.router, "POST", "/v1/auth/password/signin", 401);
  serve(f.metrics, f.router, "POST", "/v1/auth/password/signin", 429);
  serve(f.metrics, f.router, "POST", "/v1/auth/refresh", 200);
  serve(f.metrics, f.router, "POST", "/v1/auth/refresh", 401);
  serve(f.metrics, f.router, "GET", "/get_roles", 429);
  std::string text = f.metrics.render();
  expect_well_formed(text);
  EXPECT_THAT(text, HasSubstr("gatehouse_sign_ins_total{method=\"password\",result=\"ok\"} 1\n"));
  EXPECT_THAT(text,
              HasSubstr("gatehouse_sign_ins_total{method=\"password\",result=\"refused\"} 2\n"));
  EXPECT_THAT(
      text, HasSubstr("gatehouse_sign_ins_total{method=\"password\",result=\"rate_limited\"} 1\n"));
  EXPECT_THAT(text,
              HasSubstr("gatehouse_sign_ins_total{method=\"password\",result=\"error\"} 0\n"));
  EXPECT_THAT(text, HasSubstr("gatehouse_refreshes_total{result=\"ok\"} 1\n"));
  EXPECT_THAT(text, HasSubstr("gatehouse_refreshes_total{result=\"refused\"} 1\n"));
  EXPECT_THAT(text, HasSubstr("gatehouse_rate_limited_total 2\n"));
  EXPECT_THAT(text, HasSubstr("# TYPE gatehouse_test_gauge gauge\ngatehouse_test_gauge 2.5\n"));
}

TEST(MetricsTest, EscapesLabelValues) {
  Router router;
  router.add("GET", "/a\"b\\c", ok);
  Metrics m;
  m.bind(router);
  serve(m, router, "GET", "/a\"b\\c", 200);
  std::string text = m.render();
  expect_well_formed(text);
  EXPECT_THAT(text, HasSubstr("{route=\"GET /a\\\"b\\\\c\",code=\"200\"} 1\n"));
}

TEST(MetricsTest, CountsFromManyThreadsWithoutLoss) {
  Fixture f;
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 10000; ++i) serve(f.metrics, f.router, "GET", "/get_roles", 200);
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_THAT(f.metrics.render(), HasSubstr("{route=\"GET /get_roles\",code=\"200\"} 40000\n"));
}

TEST(MetricsTest, BeforeBindNothingIsCounted) {
  Metrics m;
  Request req;
  m.on_complete(req, {200, 1ms});
  std::string text = m.render();
  expect_well_formed(text);
  EXPECT_THAT(text, Not(HasSubstr("gatehouse_http_requests_total{")));
}

}  // namespace
}  // namespace gatehouse::http
