#include "http/server.h"

#include <array>
#include <atomic>
#include <cctype>
#include <mutex>
#include <thread>
#include <unordered_set>

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/json.hpp>
#include <boost/url/parse.hpp>

#include "http/access_log.h"
#include "http/cors.h"
#include "http/middleware.h"
#include "http/request_id.h"
#include "http/worker_pool.h"

namespace gatehouse::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
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
  // Last before routing: answers preflights for every path.
  chain.add(std::make_unique<Cors>(cfg.cors_origins));
  return chain;
}

}  // namespace

struct Connection {
  explicit Connection(tcp::socket s) : stream(std::move(s)) {}
  beast::tcp_stream stream;
  std::atomic<bool> busy{false};
  std::string head;   // the serialized response head, reused by each request
  std::string extra;  // header lines from the middleware, reused
};

struct Server::Impl {
  Impl(ServerConfig c, const Router& r)
      : cfg(std::move(c)),
        router(r),
        workers(cfg.worker_threads, cfg.worker_nice),
        acceptor(ioc),
        signals(ioc, SIGINT, SIGTERM),
        log(cfg.log_line),
        chain(make_chain(cfg, log)) {}

  ServerConfig cfg;
  const Router& router;
  asio::io_context ioc;
  WorkerPool workers;
  tcp::acceptor acceptor;
  asio::signal_set signals;
  LogSink log;
  MiddlewareChain chain;
  std::atomic<bool> stopping{false};
  std::mutex conns_mu;
  std::unordered_set<std::shared_ptr<Connection>> conns;

  Response error(Errc code, std::string message) {
    if (cfg.error_response) return cfg.error_response(Error{code, std::move(message)});
    return Response::json(500, boost::json::object{{"error", message}});
  }

  static Response call_handler(const Handler& h, Request& req, Impl& self) {
    try {
      return h(req);
    } catch (const std::exception& e) {
      boost::json::object line{{"time", iso_time_now()},       {"level", "error"},
                               {"msg", "handler failed"},      {"path", req.path},
                               {"request_id", req.request_id}, {"what", e.what()}};
      self.log.line(boost::json::serialize(line), /*flush_now=*/true);
      return self.error(Errc::kInternal, "internal error");
    }
  }

  asio::awaitable<Response> dispatch(Request& req) {
    if (auto early = chain.on_request(req)) co_return std::move(*early);
    auto m = router.match(req);
    if (auto* miss = std::get_if<Router::Miss>(&m)) {
      if (*miss == Router::Miss::kMethodNotAllowed) {
        co_return error(Errc::kMethodNotAllowed, "Method not allowed on this route");
      }
      co_return error(Errc::kNotFound, "Route not found");
    }
    auto match = std::get<Router::Match>(m);
    if (match.options.inline_on_io) co_return call_handler(*match.handler, req, *this);
    co_return co_await workers.run([&] { return call_handler(*match.handler, req, *this); });
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
    return req;
  }

  // Status line and headers serialized by hand, body sent as a second buffer of the same
  // write: Beast's generic serializer was about a fifth of the instructions of a cached
  // /get_roles. Framing headers are the server's own: a handler's Content-Length,
  // Connection or Transfer-Encoding is ignored.
  asio::awaitable<void> write(Connection& c, Request& req, Response& res, unsigned version,
                              bool keep_alive, bool& ok) {
    c.extra.clear();
    HeaderLines extra(c.extra);
    chain.on_response(req, res, extra);
    auto& head = c.head;
    head.clear();
    head.reserve(256);
    HeaderLines lines(head);
    head.append(version == 10 ? "HTTP/1.0 " : "HTTP/1.1 ");
    head.append(std::to_string(res.status));
    head += ' ';
    head.append(bhttp::obsolete_reason(static_cast<bhttp::status>(res.status)));
    head.append("\r\n");
    for (const auto& [k, v] : res.headers) {
      if (beast::iequals(k, "content-length") || beast::iequals(k, "connection") ||
          beast::iequals(k, "transfer-encoding")) {
        continue;
      }
      lines.add(k, v);
    }
    head.append(c.extra);
    if (version == 10 && keep_alive) lines.add("Connection", "keep-alive");
    if (version != 10 && !keep_alive) lines.add("Connection", "close");
    // 1xx, 204 and 304 carry neither a body nor a Content-Length (as Beast's
    // prepare_payload does); HEAD announces the length of the body it does not send.
    bool bodiless = res.status < 200 || res.status == 204 || res.status == 304;
    if (!bodiless) lines.add("Content-Length", std::to_string(res.body.size()));
    head.append("\r\n");
    std::string_view body = (bodiless || req.method == "HEAD") ? std::string_view{} : res.body;
    std::array<asio::const_buffer, 2> buffers{asio::buffer(head), asio::buffer(body)};
    c.stream.expires_after(cfg.read_timeout);
    auto [ec, n] = co_await asio::async_write(c.stream, buffers, kUseTuple);
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
        // The request could not be read: answer once, then close. It never reaches the
        // chain's on_request; on_response and on_complete see it (method "?").
        Request req;
        req.method = "?";
        req.remote_ip = remote;
        Response res = (ec == bhttp::error::body_limit || ec == bhttp::error::header_limit)
                           ? error(Errc::kPayloadTooLarge, ec == bhttp::error::body_limit
                                                               ? "Request body is too large"
                                                               : "Request headers are too large")
                           : error(Errc::kBadRequest, "Malformed HTTP request");
        bool ok = false;
        co_await write(c, req, res, 11, false, ok);
        chain.on_complete(req, {res.status, std::chrono::steady_clock::now() - start});
        break;
      }
      c.busy = true;
      auto& msg = parser.get();
      bool keep_alive = msg.keep_alive() && !stopping;
      unsigned version = msg.version();
      Request req = to_request(msg, remote);
      Response res;
      if (req.path.empty()) {
        res = error(Errc::kBadRequest, "Malformed request target");  // skips on_request too
      } else {
        res = co_await dispatch(req);
      }
      bool ok = false;
      co_await write(c, req, res, version, keep_alive && !stopping, ok);
      chain.on_complete(req, {res.status, std::chrono::steady_clock::now() - start});
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
    log.stop();
    std::vector<std::shared_ptr<Connection>> snapshot;
    {
      std::lock_guard lock(conns_mu);
      snapshot.assign(conns.begin(), conns.end());
    }
    for (auto& c : snapshot) {
      // Runs on the connection's executor, by which time its session may have closed the
      // socket: the error_code overload, because the throwing one ended the process.
      asio::post(c->stream.get_executor(), [c] {
        beast::error_code ignored_ec;
        if (!c->busy) c->stream.socket().cancel(ignored_ec);
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

Server::~Server() { impl_->workers.join(); }

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
