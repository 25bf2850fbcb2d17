#include "http/server.h"

#include <sys/resource.h>

#include <algorithm>
#include <atomic>
#include <limits>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <unordered_map>
#include <unordered_set>

#include <boost/asio.hpp>
#include <boost/json.hpp>

#include "http/access_log.h"
#include "http/connection.h"
#include "http/cors.h"
#include "http/middleware.h"
#include "http/request_id.h"
#include "http/worker_pool.h"

namespace gatehouse::http {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

namespace {

constexpr auto kUseTuple = asio::as_tuple(asio::use_awaitable);

// Hands the hooks to a middleware owned elsewhere (the metrics, which GET /metrics reads).
class SharedMiddleware : public Middleware {
 public:
  explicit SharedMiddleware(std::shared_ptr<Middleware> m) : m_(std::move(m)) {}
  std::optional<Response> on_request(Request& req) override { return m_->on_request(req); }
  void on_response(Request& req, Response& res, HeaderLines& head) override {
    m_->on_response(req, res, head);
  }
  void on_complete(const Request& req, const Completion& done) override {
    m_->on_complete(req, done);
  }

 private:
  std::shared_ptr<Middleware> m_;
};

// The middleware every request passes, in order. on_request runs top-down until one
// answers; on_response and on_complete run bottom-up, for every response.
MiddlewareChain make_chain(const ServerConfig& cfg, LogSink& log) {
  MiddlewareChain chain;
  // First: everything below, handlers and the logs see Request::request_id.
  chain.add(std::make_unique<RequestId>());
  // Sees every response, early answers and the server's own errors too; and so do the
  // metrics (on_complete: route, status and duration).
  chain.add(std::make_unique<AccessLog>(log));
  if (cfg.metrics) chain.add(std::make_unique<SharedMiddleware>(cfg.metrics));
  // A rate limiter goes here: after the id and the log, so that its 429s carry an id and
  // are logged; before CORS, so that preflights count too, and its 429s still get the
  // CORS headers (on_response) that let the browser read them.
  // Last before routing: answers preflights for every path, refuses foreign origins'
  // state-changing calls.
  chain.add(std::make_unique<Cors>(cfg.cors_origins, cfg.public_origin, cfg.error_response));
  return chain;
}

}  // namespace

struct Server::Impl {
  Impl(ServerConfig c, const Router& r)
      : cfg(std::move(c)),
        router(r),
        loops(make_loops(cfg.io_threads)),
        ioc(loops.front()->ioc),
        workers(cfg.worker_threads, cfg.worker_nice),
        network(cfg.network_threads, 0),
        acceptor(ioc),
        signals(ioc, SIGINT, SIGTERM),
        log(cfg.log_line),
        chain(make_chain(cfg, log)),
        conn_ctx{cfg, router, chain, workers, network, log, stopping} {}

  // One event loop per I/O thread, each run by its own thread only, as nginx runs one
  // worker per core: a connection lives on one loop from accept to close, so its
  // completions need no strand, and nothing of it crosses threads but the hand-offs to
  // the worker pools. The first loop also accepts (dealing connections out in turn),
  // handles signals and stop, and flushes the log.
  struct Loop {
    asio::io_context ioc{1};                        // concurrency hint: one thread runs it
    DeadlineSweeper deadlines{ioc.get_executor()};  // after ioc: goes first
  };
  static std::vector<std::unique_ptr<Loop>> make_loops(int n) {
    std::vector<std::unique_ptr<Loop>> v;
    for (int i = 0; i < std::max(n, 1); ++i) v.push_back(std::make_unique<Loop>());
    return v;
  }

  ServerConfig cfg;
  const Router& router;
  std::vector<std::unique_ptr<Loop>> loops;
  asio::io_context& ioc;  // the first loop's
  std::size_t next_loop = 0;
  WorkerPool workers;
  WorkerPool network;
  // Only the first loop's thread touches the acceptor: the accept loop and begin_stop
  // (which closes it) both run there.
  tcp::acceptor acceptor;
  asio::signal_set signals;
  LogSink log;
  MiddlewareChain chain;
  std::atomic<bool> stopping{false};
  ConnectionContext conn_ctx;
  std::mutex conns_mu;
  std::unordered_set<std::shared_ptr<Connection>> conns;
  // Open connections per peer address, trusted proxies left out (conns_mu).
  std::unordered_map<asio::ip::address, std::size_t> per_ip;
  std::size_t fd_limit = 0;
  std::size_t fd_wanted = 0;

  // A connection's end: its place is free again.
  void forget(const std::shared_ptr<Connection>& conn, const asio::ip::address& counted) {
    std::lock_guard lock(conns_mu);
    conns.erase(conn);
    if (!counted.is_unspecified()) {
      auto it = per_ip.find(counted);
      if (it != per_ip.end() && --it->second == 0) per_ip.erase(it);
    }
  }

  // Takes a place for a connection from `peer`, or says there is none. `counted` is the
  // address its place per IP is kept under (unspecified: not counted, a trusted proxy).
  bool admit(const asio::ip::address& peer, asio::ip::address& counted) {
    if (conns.size() >= cfg.max_connections) return false;
    if (!cfg.trusted_proxies.empty() && cfg.trusted_proxies.contains(peer.to_string())) {
      return true;
    }
    auto& n = per_ip[peer];
    if (n >= cfg.max_connections_per_ip) return false;
    ++n;
    counted = peer;
    return true;
  }

  void warn(const std::string& msg) {
    boost::json::object line{{"time", iso_time_now()}, {"level", "warn"}, {"msg", msg}};
    log.line(boost::json::serialize(line), /*flush_now=*/true);
  }

  asio::awaitable<void> accept_loop() {
    asio::steady_timer backoff(ioc);
    auto pause = std::chrono::milliseconds(0);
    for (;;) {
      // The connection's socket belongs to the next loop in turn.
      auto& loop = *loops[next_loop];
      next_loop = (next_loop + 1) % loops.size();
      asio::any_io_executor conn_ex = loop.ioc.get_executor();
      auto [ec, socket] = co_await acceptor.async_accept(conn_ex, kUseTuple);
      if (ec) {
        if (ec == asio::error::operation_aborted || !acceptor.is_open()) co_return;
        // Out of descriptors (EMFILE, ENFILE) or memory: the pending connection stays in
        // the listen queue and the listener stays readable, so accepting again at once
        // fails again at once — a spinning core. Wait, longer each time (up to 1 s), and
        // keep serving the connections we have; one of them closing makes room.
        if (pause.count() == 0) warn("cannot accept: " + ec.message() + "; pausing accepts");
        pause = std::min<std::chrono::milliseconds>(
            std::max<std::chrono::milliseconds>(pause * 2, std::chrono::milliseconds(10)),
            std::chrono::seconds(1));
        backoff.expires_after(pause);
        co_await backoff.async_wait(kUseTuple);
        continue;
      }
      pause = std::chrono::milliseconds(0);
      boost::system::error_code ep_ec;
      auto peer = socket.remote_endpoint(ep_ec).address();
      if (ep_ec) continue;  // already gone
      std::shared_ptr<Connection> conn;
      asio::ip::address counted;
      {
        std::lock_guard lock(conns_mu);
        if (!admit(peer, counted)) {
          // Over a cap: closed unread. An answer (503) would spend a write, and the
          // attention of the event loop, on whoever is flooding us.
          boost::system::error_code ignored;
          socket.close(ignored);
          continue;
        }
        socket.set_option(tcp::no_delay(true), ep_ec);
        conn = std::make_shared<Connection>(std::move(socket), conn_ctx, loop.deadlines);
        conns.insert(conn);
      }
      // run() straight, with the bookkeeping in its completion handler: a coroutine
      // wrapped around it would be one more frame per open connection.
      auto ex = conn->executor();
      auto* c = conn.get();
      asio::co_spawn(ex, c->run(), [this, conn = std::move(conn), counted](std::exception_ptr) {
        forget(conn, counted);
      });
    }
  }

  void begin_stop() {
    if (stopping.exchange(true)) return;
    boost::system::error_code ignored;
    acceptor.close(ignored);
    signals.cancel(ignored);
    log.stop();
    std::vector<std::shared_ptr<Connection>> snapshot;
    {
      std::lock_guard lock(conns_mu);
      snapshot.assign(conns.begin(), conns.end());
    }
    for (auto& c : snapshot) asio::post(c->executor(), [c] { c->cancel_if_idle(); });
    asio::co_spawn(ioc, drain(), asio::detached);
  }

  asio::awaitable<void> drain() {
    auto deadline = std::chrono::steady_clock::now() + cfg.drain_timeout;
    asio::steady_timer t(ioc);
    for (;;) {
      {
        std::lock_guard lock(conns_mu);
        if (conns.empty()) co_return;
      }
      if (std::chrono::steady_clock::now() >= deadline) {
        for (auto& l : loops) l->ioc.stop();
        co_return;
      }
      t.expires_after(std::chrono::milliseconds(20));
      co_await t.async_wait(kUseTuple);
    }
  }
};

Server::Server(ServerConfig config, const Router& router)
    : impl_(std::make_unique<Impl>(std::move(config), router)) {}

Server::~Server() {
  impl_->workers.join();
  impl_->network.join();
}

namespace {

// Raises the soft RLIMIT_NOFILE towards `wanted`, as far as the hard limit allows; returns
// the soft limit in force.
std::size_t raise_fd_limit(std::size_t wanted) {
  rlimit rl{};
  if (::getrlimit(RLIMIT_NOFILE, &rl) != 0) return 0;
  if (rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur < wanted) {
    rlimit more = rl;
    more.rlim_cur = rl.rlim_max == RLIM_INFINITY ? wanted : std::min<rlim_t>(wanted, rl.rlim_max);
    if (::setrlimit(RLIMIT_NOFILE, &more) == 0) rl = more;
  }
  return rl.rlim_cur == RLIM_INFINITY ? std::numeric_limits<std::size_t>::max()
                                      : static_cast<std::size_t>(rl.rlim_cur);
}

}  // namespace

void Server::listen() {
  // A descriptor per connection, and room for the rest: the listener, the database, the
  // hashing helpers' sockets, log and key files.
  constexpr std::size_t kReserve = 256;
  impl_->fd_wanted = impl_->cfg.max_connections + kReserve;
  impl_->fd_limit = raise_fd_limit(impl_->fd_wanted);
  auto& a = impl_->acceptor;
  tcp::endpoint ep(asio::ip::make_address(impl_->cfg.address), impl_->cfg.port);
  a.open(ep.protocol());
  a.set_option(asio::socket_base::reuse_address(true));
  boost::system::error_code ec;
  a.bind(ep, ec);
  if (ec) {
    throw std::runtime_error("cannot listen on " + impl_->cfg.address + ":" +
                             std::to_string(impl_->cfg.port) + ": " + ec.message());
  }
  a.listen(asio::socket_base::max_listen_connections);
}

unsigned short Server::port() const { return impl_->acceptor.local_endpoint().port(); }

std::size_t Server::fd_limit() const { return impl_->fd_limit; }
std::size_t Server::fd_limit_wanted() const { return impl_->fd_wanted; }

void Server::run_until_signal() {
  auto& im = *impl_;
  im.signals.async_wait([&im](const boost::system::error_code& ec, int) {
    if (!ec) im.begin_stop();
  });
  asio::co_spawn(im.ioc, im.accept_loop(), asio::detached);
  im.log.start(im.ioc);
  // The other loops have no work until a connection is dealt to them: a guard keeps each
  // running until the first loop has stopped (begin_stop's drain is done, or timed out).
  std::vector<asio::executor_work_guard<asio::io_context::executor_type>> guards;
  std::vector<std::thread> extra;
  for (std::size_t i = 1; i < im.loops.size(); ++i) {
    auto& ioc = im.loops[i]->ioc;
    guards.push_back(asio::make_work_guard(ioc));
    extra.emplace_back([&ioc] { ioc.run(); });
  }
  im.ioc.run();
  for (auto& g : guards) g.reset();
  for (auto& t : extra) t.join();
  im.workers.join();
  im.network.join();
  im.log.flush();
}

void Server::stop() {
  asio::post(impl_->ioc, [this] { impl_->begin_stop(); });
}

}  // namespace gatehouse::http
