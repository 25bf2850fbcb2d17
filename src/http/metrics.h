// gatehouse::http::Metrics — counters for GET /metrics, in Prometheus' text format (0.0.4).
//
// A middleware (http/middleware.h): on_complete counts each answered request under its
// route — the router's pattern ("GET /v2/keys/{projectId}"), never the raw path, so the
// number of series is bounded by the route table — and its status code, and adds its
// duration to the route's latency histogram. The counters are relaxed atomics in arrays
// sized once, when bind() sees the finished router: the request path takes no lock and
// allocates nothing.
//
// On top of the HTTP series, routes can be tagged as a sign-in method (their answers
// count as sign-ins by method and result) or as a refresh (ok / refused), and gauges read
// at scrape time (hash queue depth, database pool) are added as callbacks.
//
//   auto metrics = std::make_shared<Metrics>();
//   router.add("GET", "/metrics", metrics->handler(), {.inline_on_io = true});
//   ...all other routes...
//   metrics->sign_in_route("POST", "/v1/auth/password/signin", "password");
//   metrics->bind(router);          // before the server starts
//   server_config.metrics = metrics;
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "http/middleware.h"
#include "http/router.h"

namespace gatehouse::http {

class Metrics : public Middleware {
 public:
  // Upper bounds of the latency histogram's buckets, in seconds (+Inf comes last).
  static constexpr std::array<double, 14> kBuckets = {
      0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
  // Status codes counted under their own label; any other is counted as its class ("4xx").
  static constexpr std::array<int, 20> kCodes = {200, 201, 204, 301, 302, 304, 400, 401, 403, 404,
                                                 405, 408, 409, 413, 415, 429, 500, 502, 503, 504};

  Metrics();
  ~Metrics() override;

  // Tags the route `method pattern` (as given to Router::add): its answers count as
  // sign-ins with `sign_in_method`, or as refreshes. Call before bind().
  void sign_in_route(std::string_view method, std::string_view pattern, std::string sign_in_method);
  void refresh_route(std::string_view method, std::string_view pattern);
  // A gauge read at every scrape; `name` must be a valid metric name, `fn` thread-safe.
  void gauge(std::string name, std::string help, std::function<double()> fn);
  // A counter read at every scrape (`fn` never goes down); otherwise as gauge().
  void counter(std::string name, std::string help, std::function<double()> fn);

  // Sizes the counters for `router`'s routes. Call once, after the last Router::add and
  // before the first request.
  void bind(const Router& router);

  // The exposition, text format 0.0.4.
  std::string render() const;
  // GET /metrics: render() as text/plain; version=0.0.4.
  Handler handler();

  void on_complete(const Request& req, const Completion& done) override;

 private:
  struct Series;
  struct Tag {
    std::string route;  // "METHOD /pattern"
    std::string sign_in_method;
    bool refresh = false;
  };
  struct Sampled {  // a gauge or counter read at every scrape
    std::string name, help;
    std::function<double()> fn;
    const char* type;  // "gauge" or "counter"
  };

  std::vector<std::string> labels_;   // route id → "METHOD /pattern"; then fallback,
                                      // then unmatched
  std::unique_ptr<Series[]> series_;  // one per label
  std::vector<Tag> tags_;
  std::vector<Sampled> sampled_;
  std::atomic<bool> bound_{false};
};

}  // namespace gatehouse::http
