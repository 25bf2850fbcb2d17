#include "http/server.h"

#include <atomic>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <unordered_set>

#include <boost/asio.hpp>

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

// The middleware every request passes, in order. on_request runs top-down until one
// answers; on_response and on_complete run bottom-up, for every response.
MiddlewareChain make_chain(const ServerConfig& cfg, LogSink& log) {
  MiddlewareChain chain;
  // First: everything below, handlers and the logs see Request::request_id.
  chain.add(std::make_unique<RequestId>());
  // Sees every response, early answers and the server's own errors too. Metrics go next
  // to it (on_complete: status and duration).
  chain.add(std::make_unique<AccessLog>(log));
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
        workers(cfg.worker_threads, cfg.worker_nice),
        acceptor(ioc),
        signals(ioc, SIGINT, SIGTERM),
        log(cfg.log_line),
        chain(make_chain(cfg, log)),
        conn_ctx{cfg, router, chain, workers, log, stopping} {}

  ServerConfig cfg;
  const Router& router;
  asio::io_context ioc;
  WorkerPool workers;
  tcp::acceptor acceptor;
  asio::signal_set signals;
  LogSink log;
  MiddlewareChain chain;
  std::atomic<bool> stopping{false};
  ConnectionContext conn_ctx;
  std::mutex conns_mu;
  std::unordered_set<std::shared_ptr<Connection>> conns;

  asio::awaitable<void> serve(std::shared_ptr<Connection> conn) {
    co_await conn->run();
    std::lock_guard lock(conns_mu);
    conns.erase(conn);
  }

  asio::awaitable<void> accept_loop() {
    for (;;) {
      // A strand per connection only matters when several threads run the loop; with one
      // I/O thread (the default) it is pure overhead on every completion.
      auto conn_ex = cfg.io_threads > 1 ? asio::any_io_executor(asio::make_strand(ioc))
                                        : asio::any_io_executor(ioc.get_executor());
      auto [ec, socket] = co_await acceptor.async_accept(conn_ex, kUseTuple);
      if (ec) {
        if (ec == asio::error::operation_aborted || !acceptor.is_open()) co_return;
        continue;  // e.g. EMFILE: keep serving the connections we have
      }
      socket.set_option(tcp::no_delay(true));
      auto conn = std::make_shared<Connection>(std::move(socket), conn_ctx);
      {
        std::lock_guard lock(conns_mu);
        conns.insert(conn);
      }
      auto ex = conn->executor();
      asio::co_spawn(ex, serve(std::move(conn)), asio::detached);
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
        ioc.stop();
        co_return;
      }
      t.expires_after(std::chrono::milliseconds(20));
      co_await t.async_wait(kUseTuple);
    }
  }
};

Server::Server(ServerConfig config, const Router& router)
    : impl_(std::make_unique<Impl>(std::move(config), router)) {}

Server::~Server() { impl_->workers.join(); }

void Server::listen() {
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

void Server::run_until_signal() {
  auto& im = *impl_;
  im.signals.async_wait([&im](const boost::system::error_code& ec, int) {
    if (!ec) im.begin_stop();
  });
  asio::co_spawn(im.ioc, im.accept_loop(), asio::detached);
  im.log.start(im.ioc);
  std::vector<std::thread> extra;
  for (int i = 1; i < im.cfg.io_threads; ++i) extra.emplace_back([&im] { im.ioc.run(); });
  im.ioc.run();
  for (auto& t : extra) t.join();
  im.workers.join();
  im.log.flush();
}

void Server::stop() {
  asio::post(impl_->ioc, [this] { impl_->begin_stop(); });
}

}  // namespace gatehouse::http
