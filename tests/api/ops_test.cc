// Operations endpoints on the real server (docs/operations.md): GET /metrics after real
// traffic, /healthz and /readyz while the database goes away and comes back.
#include <sqlite3.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <regex>
#include <sstream>
#include <thread>

#include "support/api.h"

namespace gatehouse::test {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using ::testing::Not;

// The value of the sample whose line starts with `series` (name and labels), or -1.
double sample(const std::string& text, const std::string& series) {
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (line.starts_with(series + " ")) return std::stod(line.substr(series.size() + 1));
  }
  return -1;
}

class MetricsTest : public SharedServerTest<MetricsTest> {};

TEST_F(MetricsTest, CountsWhatTheServerAnswered) {
  HttpClient http(server().base_url());
  const std::string before = http.get("/metrics").body;
  // What the requests below added to a series (it starts at 0 when it was absent).
  auto added = [&](const std::string& now, const std::string& series) {
    return sample(now, series) - std::max(0.0, sample(before, series));
  };
  std::string email = unique_email("metrics");
  auto login = api().must_sign_up(email);
  api().must_sign_in(email);
  EXPECT_EQ(api().sign_in(email, "Wrong-Password-1").status, 401);
  api().must_refresh(login.refresh);
  EXPECT_EQ(api().refresh("not-a-token").status, 401);
  for (int i = 0; i < 3; ++i) EXPECT_EQ(api().app_get("/get_roles", login.session).status, 200);
  EXPECT_EQ(api().app_get("/get_roles", "garbage").status, 401);
  EXPECT_EQ(http.get("/v2/keys/" + pid()).status, 200);
  EXPECT_EQ(http.get("/no/such/route/123").status, 404);

  // A request is counted just after its response is written: with several I/O threads the
  // last ones may be counted a moment after their answers arrived here. Scrape until the
  // request counts add up (or 5 s pass), then check everything on that scrape.
  const std::vector<std::pair<std::string, double>> expected_counts = {
      {R"(gatehouse_http_requests_total{route="GET /get_roles",code="200"})", 3},
      {R"(gatehouse_http_requests_total{route="GET /get_roles",code="401"})", 1},
      {R"(gatehouse_http_requests_total{route="GET /v2/keys/{projectId}",code="200"})", 1},
      {R"(gatehouse_http_requests_total{route="fallback",code="404"})", 1},
  };
  HttpResponse r;
  for (int tries = 0; tries < 100; ++tries) {
    r = http.get("/metrics");
    bool settled = r.status == 200;
    for (const auto& [series, n] : expected_counts) settled = settled && added(r.body, series) == n;
    if (settled) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_THAT(r.header("content-type"), HasSubstr("text/plain; version=0.0.4"));
  const std::string& m = r.body;
  EXPECT_EQ(added(m, R"(gatehouse_http_requests_total{route="GET /get_roles",code="200"})"), 3);
  EXPECT_EQ(added(m, R"(gatehouse_http_requests_total{route="GET /get_roles",code="401"})"), 1);
  // By the route's pattern: the project id in the path is not a label.
  EXPECT_EQ(
      added(m, R"(gatehouse_http_requests_total{route="GET /v2/keys/{projectId}",code="200"})"), 1);
  EXPECT_THAT(m, Not(HasSubstr("/no/such/route")));
  // Unknown paths go to the static files (the fallback), which answer 404.
  EXPECT_EQ(added(m, R"(gatehouse_http_requests_total{route="fallback",code="404"})"), 1);
  EXPECT_EQ(added(m, R"(gatehouse_http_request_duration_seconds_count{route="GET /get_roles"})"),
            4);
  EXPECT_EQ(
      added(m,
            R"(gatehouse_http_request_duration_seconds_bucket{route="GET /get_roles",le="+Inf"})"),
      4);
  EXPECT_GT(sample(m, R"(gatehouse_http_request_duration_seconds_sum{route="GET /get_roles"})"), 0);
  EXPECT_EQ(added(m, R"(gatehouse_sign_ins_total{method="password",result="ok"})"), 1);
  EXPECT_EQ(added(m, R"(gatehouse_sign_ins_total{method="password",result="refused"})"), 1);
  EXPECT_EQ(sample(m, R"(gatehouse_sign_ins_total{method="otp",result="ok"})"), 0);
  EXPECT_EQ(added(m, R"(gatehouse_refreshes_total{result="ok"})"), 1);
  EXPECT_EQ(added(m, R"(gatehouse_refreshes_total{result="refused"})"), 1);
  EXPECT_EQ(sample(m, "gatehouse_password_hash_queue_depth"), 0);
  EXPECT_EQ(sample(m, "gatehouse_password_hash_slots"), 2);
  EXPECT_EQ(sample(m, "gatehouse_db_pool_connections_max"), 8);
  EXPECT_GE(sample(m, "gatehouse_db_pool_connections_open"), 1);
  EXPECT_EQ(sample(m, "gatehouse_db_pool_connections_in_use"), 0);

  // The scrapes are counted too.
  EXPECT_GE(sample(http.get("/metrics").body,
                   R"(gatehouse_http_requests_total{route="GET /metrics",code="200"})"),
            1);
}

// The protected endpoint needs no database: /get_roles takes no pooled connection, while a
// sign-in takes several. The server's own background work (revocation polling, audit
// batches) may take a few meanwhile, never one per request.
TEST_F(MetricsTest, TheProtectedEndpointLeasesNoDatabaseConnection) {
  HttpClient http(server().base_url());
  const std::string series = "gatehouse_db_pool_leases_total";
  std::string email = unique_email("leases");
  auto login = api().must_sign_up(email);
  EXPECT_EQ(api().app_get("/get_roles", login.session).status, 200);  // verified and cached

  const double before = sample(http.get("/metrics").body, series);
  ASSERT_GE(before, 1);
  for (int i = 0; i < 300; ++i) {
    ASSERT_EQ(api().app_get("/get_roles", login.session).status, 200);
  }
  const double after_reads = sample(http.get("/metrics").body, series);
  EXPECT_LT(after_reads - before, 30) << "leases during 300 /get_roles";

  api().must_sign_in(email);
  EXPECT_GE(sample(http.get("/metrics").body, series) - after_reads, 2)
      << "a sign-in reads the user and writes the session";
}

TEST_F(MetricsTest, RateLimitedAnswersAreCounted) {
  std::string email = unique_email("limited");
  api().must_sign_up(email);
  HttpClient http(server().base_url());
  double before = sample(http.get("/metrics").body, "gatehouse_rate_limited_total");
  int limited = 0;
  for (int i = 0; i < 30 && limited == 0; ++i) {
    if (api().sign_in(email, "Wrong-Password-1").status == 429) ++limited;
  }
  ASSERT_EQ(limited, 1) << "no 429 after 30 wrong passwords";
  std::string m;
  for (int tries = 0; tries < 100; ++tries) {  // counted just after the answer (see above)
    m = http.get("/metrics").body;
    if (sample(m, "gatehouse_rate_limited_total") >= before + 1) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  EXPECT_EQ(sample(m, "gatehouse_rate_limited_total"), before + 1);
  EXPECT_GE(sample(m, R"(gatehouse_sign_ins_total{method="password",result="rate_limited"})"), 1);
}

// Behind a proxy on the same host every peer is loopback: a forwarded request is not.
TEST_F(MetricsTest, ForwardedRequestsAreRefusedByDefault) {
  HttpClient http(server().base_url());
  EXPECT_EQ(http.get("/metrics", {{"X-Forwarded-For", "203.0.113.9"}}).status, 404);
}

class MetricsOffTest : public OwnServerTest {};

TEST_F(MetricsOffTest, MetricsFlagChoosesWhoMayRead) {
  ASSERT_NO_FATAL_FAILURE(Start({"--metrics", "off"}));
  HttpClient http(server().base_url());
  EXPECT_EQ(http.get("/metrics").status, 404);
  EXPECT_EQ(server().stop(), 0);
  ASSERT_NO_FATAL_FAILURE(Start({"--metrics", "open"}));
  HttpClient http2(server().base_url());
  EXPECT_EQ(http2.get("/metrics", {{"X-Forwarded-For", "203.0.113.9"}}).status, 200);
}

class HealthTest : public OwnServerTest {};

TEST_F(HealthTest, ReadyzFailsWhileTheDatabaseIsGoneAndRecovers) {
  ASSERT_NO_FATAL_FAILURE(Start());
  HttpClient http(server().base_url());
  EXPECT_EQ(http.get("/healthz").status, 200);
  auto ready = http.get("/readyz");
  EXPECT_EQ(ready.status, 200);
  EXPECT_EQ(str(ready.obj().at("status")), "ready");

  // Moved away (a botched restore, a deleted volume): a new connection would open an
  // empty database, so the node is not ready; alive all the same.
  const fs::path db = fs::path(server().data_dir()) / "gatehouse.db";
  fs::rename(db, db.string() + ".moved");
  auto gone = http.get("/readyz");
  EXPECT_EQ(gone.status, 503);
  EXPECT_EQ(str(gone.obj().at("status")), "unavailable");
  EXPECT_THAT(str(gone.obj().at("reason")), HasSubstr("missing"));
  EXPECT_EQ(http.get("/healthz").status, 200);

  fs::rename(db.string() + ".moved", db);
  EXPECT_EQ(http.get("/readyz").status, 200);

  // A schema at another version than this build's (another build migrated the file, or a
  // restore from a newer one): not ready either.
  auto sql = [&](const char* statement) {
    sqlite3* raw = nullptr;
    ASSERT_EQ(sqlite3_open(db.c_str(), &raw), SQLITE_OK);
    sqlite3_busy_timeout(raw, 5000);
    EXPECT_EQ(sqlite3_exec(raw, statement, nullptr, nullptr, nullptr), SQLITE_OK)
        << sqlite3_errmsg(raw);
    sqlite3_close(raw);
  };
  sql("UPDATE schema_migrations SET version = version + 1000 "
      "WHERE version = (SELECT max(version) FROM schema_migrations)");
  auto newer = http.get("/readyz");
  EXPECT_EQ(newer.status, 503);
  EXPECT_THAT(str(newer.obj().at("reason")), HasSubstr("schema"));
  sql("UPDATE schema_migrations SET version = version - 1000 WHERE version > 1000");
  EXPECT_EQ(http.get("/readyz").status, 200);
}

}  // namespace
}  // namespace gatehouse::test
