#include "http/server.h"

#include <atomic>
#include <cstdio>
#include <ctime>
#include <iostream>
#include <mutex>
#include <random>
#include <sstream>
#include <thread>
#include <unordered_set>

#include <boost/asio.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/json.hpp>
#include <boost/url/parse.hpp>

namespace gh::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;

namespace {

constexpr auto kUseTuple = asio::as_tuple(asio::use_awaitable);

std::string iso_time_now() {
  auto now = std::chrono::system_clock::now();
  auto secs = std::chrono::system_clock::to_time_t(now);
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() %
            1000;
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[96];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(ms));
  return buf;
}

bool safe_request_id(std::string_view id) {
  if (id.empty() || id.size() > 64) return false;
  for (char c : id) {
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.')) {
      return false;
    }
  }
  return true;
}

std::string new_request_id() {
  static const std::string prefix = [] {
    std::random_device rd;
    char buf[17];
    std::snprintf(buf, sizeof buf, "%08x", rd());
    return std::string(buf);
  }();
  static std::atomic<uint64_t> counter{0};
  return prefix + "-" + std::to_string(counter.fetch_add(1, std::memory_order_relaxed) + 1);
}

void default_log_line(const std::string& line) {
  static std::mutex mu;
  std::lock_guard lock(mu);
  std::fwrite(line.data(), 1, line.size(), stdout);
  std::fputc('\n', stdout);
  std::fflush(stdout);
}

}  // namespace

struct Connection {
  explicit Connection(tcp::socket s) : stream(std::move(s)) {}
  beast::tcp_stream stream;
  std::atomic<bool> busy{false};
};

struct Server::Impl {
  Impl(ServerConfig c, const Router& r)
      : cfg(std::move(c)), router(r), pool(static_cast<std::size_t>(std::max(1, cfg.worker_threads))),
        acceptor(ioc), signals(ioc, SIGINT, SIGTERM) {
    if (!cfg.log_line) cfg.log_line = default_log_line;
  }

  ServerConfig cfg;
  const Router& router;
  asio::io_context ioc;
  asio::thread_pool pool;
  tcp::acceptor acceptor;
  asio::signal_set signals;
  std::atomic<bool> stopping{false};
  std::mutex conns_mu;
  std::unordered_set<std::shared_ptr<Connection>> conns;

  Response error(Errc code, std::string message) {
    if (cfg.error_response) return cfg.error_response(Error{code, std::move(message)});
    return Response::json(500, boost::json::object{{"error", message}});
  }

  bool origin_allowed(std::string_view origin) const {
    if (origin.empty()) return false;
    if (cfg.cors_origins.empty()) return true;
    for (const auto& o : cfg.cors_origins) {
      if (o == origin) return true;
    }
    return false;
  }

  void add_cors(const Request& req, Response& res) const {
    auto origin = req.header("origin");
    if (!origin_allowed(origin)) return;
    res.set_header("Access-Control-Allow-Origin", std::string(origin));
    res.set_header("Access-Control-Allow-Credentials", "true");
    res.set_header("Access-Control-Expose-Headers", "X-Descope-Flow-Nonce, Retry-After");
    res.headers.emplace_back("Vary", "Origin");
  }

  Response preflight(const Request& req) const {
    Response res;
    res.status = 204;
    add_cors(req, res);
    if (origin_allowed(req.header("origin"))) {
      res.set_header("Access-Control-Allow-Methods", "GET, POST, PUT, PATCH, DELETE, OPTIONS");
      auto asked = req.header("access-control-request-headers");
      res.set_header("Access-Control-Allow-Headers",
                     asked.empty() ? std::string("Authorization, Content-Type") : std::string(asked));
      res.set_header("Access-Control-Max-Age", "600");
    }
    return res;
  }

  static Response call_handler(const Handler& h, Request& req, Impl& self) {
    try {
      return h(req);
    } catch (const std::exception& e) {
      boost::json::object line{{"time", iso_time_now()},    {"level", "error"},
                               {"msg", "handler failed"},   {"path", req.path},
                               {"request_id", req.request_id}, {"what", e.what()}};
      self.cfg.log_line(boost::json::serialize(line));
      return self.error(Errc::kInternal, "internal error");
    }
  }

  asio::awaitable<Response> dispatch(Request& req) {
    if (req.method == "OPTIONS") co_return preflight(req);
    auto m = router.match(req);
    if (auto* miss = std::get_if<Router::Miss>(&m)) {
      if (*miss == Router::Miss::kMethodNotAllowed) {
        co_return error(Errc::kMethodNotAllowed, "Method not allowed on this route");
      }
      co_return error(Errc::kNotFound, "Route not found");
    }
    auto match = std::get<Router::Match>(m);
    if (match.options.inline_on_io) co_return call_handler(*match.handler, req, *this);
    // Run on the worker pool; the coroutine resumes on this connection's strand.
    co_return co_await asio::co_spawn(
        pool,
        [&]() -> asio::awaitable<Response> { co_return call_handler(*match.handler, req, *this); },
        asio::use_awaitable);
  }

  static Request to_request(bhttp::request<bhttp::string_body>& msg, const std::string& remote) {
    Request req;
    req.method = std::string(msg.method_string());
    req.target = std::string(msg.target());
    auto q = req.target.find('?');
    std::string_view raw_path = std::string_view(req.target).substr(0, q);
    if (q != std::string::npos) req.query = req.target.substr(q + 1);
    auto parsed = boost::urls::parse_origin_form(raw_path);
    req.path = parsed ? std::string(parsed->path()) : std::string();
    req.headers.reserve(std::distance(msg.begin(), msg.end()));
    for (const auto& f : msg) {
      std::string name(f.name_string());
      for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      req.headers.emplace_back(std::move(name), std::string(f.value()));
    }
    req.body = std::move(msg.body());
    req.remote_ip = remote;
    auto rid = req.header("x-request-id");
    req.request_id = safe_request_id(rid) ? std::string(rid) : new_request_id();
    return req;
  }

  void log_request(const Request& req, int status, std::chrono::steady_clock::time_point start) {
    auto us = std::chrono::duration_cast<std::chrono::microseconds>(
                  std::chrono::steady_clock::now() - start)
                  .count();
    boost::json::object line{{"time", iso_time_now()},
                             {"level", "info"},
                             {"msg", "request"},
                             {"method", req.method},
                             {"path", req.path},
                             {"status", status},
                             {"duration_us", us},
                             {"request_id", req.request_id},
                             {"remote", req.remote_ip}};
    cfg.log_line(boost::json::serialize(line));
  }

  asio::awaitable<void> write(Connection& c, const Request& req, Response res, unsigned version,
                              bool keep_alive, bool& ok) {
    add_cors(req, res);
    bhttp::response<bhttp::string_body> out{static_cast<bhttp::status>(res.status), version};
    for (auto& [k, v] : res.headers) out.insert(k, v);
    out.set("X-Request-Id", req.request_id);
    out.keep_alive(keep_alive);
    if (req.method == "HEAD") {
      out.content_length(res.body.size());
    } else {
      out.body() = std::move(res.body);
      out.prepare_payload();
    }
    c.stream.expires_after(cfg.read_timeout);
    auto [ec, n] = co_await bhttp::async_write(c.stream, out, kUseTuple);
    (void)n;
    ok = !ec;
  }

  asio::awaitable<void> session(std::shared_ptr<Connection> conn) {
    auto& c = *conn;
    beast::flat_buffer buffer;
    std::string remote;
    {
      beast::error_code ec;
      auto ep = c.stream.socket().remote_endpoint(ec);
      if (!ec) remote = ep.address().to_string();
    }
    for (;;) {
      if (stopping) break;
      bhttp::request_parser<bhttp::string_body> parser;
      parser.header_limit(static_cast<std::uint32_t>(cfg.header_limit));
      parser.body_limit(cfg.body_limit);
      c.stream.expires_after(cfg.idle_timeout);
      auto [ec, n] = co_await bhttp::async_read(c.stream, buffer, parser, kUseTuple);
      (void)n;
      auto start = std::chrono::steady_clock::now();
      if (ec == bhttp::error::end_of_stream || ec == asio::error::operation_aborted ||
          ec == beast::error::timeout || ec == asio::error::connection_reset ||
          ec == asio::error::eof) {
        break;
      }
      if (ec) {
        // The request could not be read: answer once, then close.
        Request req;
        req.method = "?";
        req.remote_ip = remote;
        req.request_id = new_request_id();
        Response res = (ec == bhttp::error::body_limit || ec == bhttp::error::header_limit)
                           ? error(Errc::kPayloadTooLarge, ec == bhttp::error::body_limit
                                                               ? "Request body is too large"
                                                               : "Request headers are too large")
                           : error(Errc::kBadRequest, "Malformed HTTP request");
        int status = res.status;
        bool ok = false;
        co_await write(c, req, std::move(res), 11, false, ok);
        log_request(req, status, start);
        break;
      }
      c.busy = true;
      auto& msg = parser.get();
      bool keep_alive = msg.keep_alive() && !stopping;
      unsigned version = msg.version();
      Request req = to_request(msg, remote);
      Response res;
      if (req.path.empty()) {
        res = error(Errc::kBadRequest, "Malformed request target");
      } else {
        res = co_await dispatch(req);
      }
      int status = res.status;
      bool ok = false;
      co_await write(c, req, std::move(res), version, keep_alive && !stopping, ok);
      log_request(req, status, start);
      c.busy = false;
      if (!ok || !keep_alive || stopping) break;
    }
    beast::error_code ignored;
    c.stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
    c.stream.close();
    std::lock_guard lock(conns_mu);
    conns.erase(conn);
  }

  asio::awaitable<void> accept_loop() {
    for (;;) {
      auto [ec, socket] = co_await acceptor.async_accept(asio::make_strand(ioc), kUseTuple);
      if (ec) {
        if (ec == asio::error::operation_aborted || !acceptor.is_open()) co_return;
        continue;  // e.g. EMFILE: keep serving the connections we have
      }
      socket.set_option(tcp::no_delay(true));
      auto conn = std::make_shared<Connection>(std::move(socket));
      {
        std::lock_guard lock(conns_mu);
        conns.insert(conn);
      }
      auto ex = conn->stream.get_executor();
      asio::co_spawn(ex, session(std::move(conn)), asio::detached);
    }
  }

  void begin_stop() {
    if (stopping.exchange(true)) return;
    beast::error_code ignored;
    acceptor.close(ignored);
    signals.cancel(ignored);
    std::vector<std::shared_ptr<Connection>> snapshot;
    {
      std::lock_guard lock(conns_mu);
      snapshot.assign(conns.begin(), conns.end());
    }
    for (auto& c : snapshot) {
      asio::post(c->stream.get_executor(), [c] {
        if (!c->busy) c->stream.socket().cancel();
      });
    }
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

Server::~Server() {
  impl_->pool.join();
}

void Server::listen() {
  auto& a = impl_->acceptor;
  tcp::endpoint ep(asio::ip::make_address(impl_->cfg.address), impl_->cfg.port);
  a.open(ep.protocol());
  a.set_option(asio::socket_base::reuse_address(true));
  beast::error_code ec;
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
  im.signals.async_wait([&im](const beast::error_code& ec, int) {
    if (!ec) im.begin_stop();
  });
  asio::co_spawn(im.ioc, im.accept_loop(), asio::detached);
  std::vector<std::thread> extra;
  for (int i = 1; i < im.cfg.io_threads; ++i) extra.emplace_back([&im] { im.ioc.run(); });
  im.ioc.run();
  for (auto& t : extra) t.join();
  im.pool.join();
}

void Server::stop() {
  asio::post(impl_->ioc, [this] { impl_->begin_stop(); });
}

}  // namespace gh::http
