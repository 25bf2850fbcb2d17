// gatehouse::http::Server — the HTTP/1.1 listener on Boost.Beast and C++20 coroutines.
//
// Accepts connections and serves each with one coroutine (http/connection.h: read →
// route → write, keep-alive, timeouts and limits), on one of io_threads event loops (an
// io_context and a thread each; connections dealt to them in turn). Routes marked inline
// run on the I/O thread; those that wait on another server (mail) on a network pool; all
// others on the worker pool (http/worker_pool.h) so that password hashing and blocking
// database calls never stall the event loop.
//
// Cross-cutting jobs are middleware (http/middleware.h), chained once in server.cc —
// request ids, the access log, CORS (with credentials and preflight) — with the places for
// metrics and a rate limiter marked there. Before any of that, the accept loop caps
// connections (in all and per address) and, out of descriptors, backs off instead of
// retrying at once. Stop is graceful: stop accepting, answer the requests in flight (up to
// drain_timeout), close idle keep-alive connections.
//
//   Server server(config, router);
//   server.listen();            // binds; port() is known from here on
//   server.run_until_signal();  // SIGINT/SIGTERM: stop accepting, drain, return
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "gatehouse/result.h"
#include "http/message.h"
#include "http/metrics.h"
#include "http/router.h"
#include "http/trusted_proxies.h"

namespace gatehouse::http {

struct ServerConfig {
  std::string address = "0.0.0.0";
  unsigned short port = 8080;  // 0 = any free port
  int io_threads = 1;
  int worker_threads = 2;
  // Nice value of the worker threads (Linux, per thread): above the I/O threads' 0 so
  // that hashing at full load cannot starve the event loop. 0 keeps them equal.
  int worker_nice = 10;
  // Threads for handlers that wait on another server (RouteOptions::waits_on_network):
  // as many such requests are served at once; more queue.
  int network_threads = 8;
  std::size_t header_limit = 16 * 1024;
  std::size_t body_limit = 1024 * 1024;
  std::chrono::seconds read_timeout{30};  // for one request once its first byte arrived
  std::chrono::seconds idle_timeout{60};  // keep-alive between requests
  std::chrono::seconds drain_timeout{10};
  // Open connections at most, in all and from one client address (a trusted proxy's are
  // not counted per address: it speaks for many). One over is closed at once, unread.
  std::size_t max_connections = 4096;
  std::size_t max_connections_per_ip = 256;
  // Peers whose X-Forwarded-For names the client (Request::client_ip); empty = nobody.
  TrustedProxies trusted_proxies;
  // Origins, as Cors::normalize_origin gives them, allowed to call cross-origin with
  // credentials, and the origin of the server's public URL (http/cors.h).
  std::vector<std::string> cors_origins;
  std::string public_origin;
  // The one domain-error → HTTP mapping (api/errors.h), used for errors the
  // HTTP layer detects itself (oversized body, unknown route, …).
  std::function<Response(const Error&)> error_response;
  // Where the per-request JSON log lines go (http/access_log.h). Default: stdout, buffered
  // (written when 32 KiB gather, at least every 100 ms, at once for errors, and at stop); a
  // sink given here gets every line as it happens.
  std::function<void(const std::string&)> log_line;
  // Request counts and latencies for GET /metrics (http/metrics.h), bound to the router;
  // none = not counted.
  std::shared_ptr<Metrics> metrics;
};

class Server {
 public:
  Server(ServerConfig config, const Router& router);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds and starts accepting; throws std::runtime_error when it cannot bind.
  void listen();
  unsigned short port() const;
  // The descriptor limit (RLIMIT_NOFILE) after listen() raised it towards what
  // max_connections needs, as far as the hard limit allows; and what it would need.
  std::size_t fd_limit() const;
  std::size_t fd_limit_wanted() const;
  // Runs the I/O threads until SIGINT/SIGTERM or stop(); then stops accepting,
  // lets in-flight requests finish (up to drain_timeout) and returns.
  void run_until_signal();
  void stop();  // thread-safe

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace gatehouse::http
