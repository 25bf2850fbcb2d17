#include "http/server.h"

#include <array>
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

#include "http/worker_pool.h"

namespace gatehouse::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;

namespace {

constexpr auto kUseTuple = asio::as_tuple(asio::use_awaitable);

// "2026-11-28T19:05:00.123Z". The date part is formatted once per second per thread:
// snprintf on every request line was 5 % of a cached /get_roles.
void append_iso_time_now(std::string& out) {
  thread_local std::time_t cached_secs = -1;
  thread_local char cached[32];  // "YYYY-MM-DDTHH:MM:SS."
  thread_local int cached_len = 0;
  auto ms_total = std::chrono::duration_cast<std::chrono::milliseconds>(
                      std::chrono::system_clock::now().time_since_epoch())
                      .count();
  auto secs = static_cast<std::time_t>(ms_total / 1000);
  int ms = static_cast<int>(ms_total % 1000);
  if (secs != cached_secs) {
    std::tm tm{};
    gmtime_r(&secs, &tm);
    cached_len =
        std::snprintf(cached, sizeof cached, "%04d-%02d-%02dT%02d:%02d:%02d.", tm.tm_year + 1900,
                      tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
    cached_secs = secs;
  }
  out.append(cached, static_cast<size_t>(cached_len));
  out += static_cast<char>('0' + ms / 100);
  out += static_cast<char>('0' + ms / 10 % 10);
  out += static_cast<char>('0' + ms % 10);
  out += 'Z';
}

std::string iso_time_now() {
  std::string s;
  append_iso_time_now(s);
  return s;
}

// Appends s as the inside of a JSON string, as boost::json::serialize would.
void append_json_string(std::string& out, std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  for (char ch : s) {
    auto c = static_cast<unsigned char>(ch);
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\f':
        out += "\\f";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (c < 0x20) {
          out += "\\u00";
          out += kHex[c >> 4];
          out += kHex[c & 0xf];
        } else {
          out += ch;
        }
    }
  }
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

// The default log sink: stdout, buffered. One fflush per request line was one write(2)
// per request, a third of the system calls of a keep-alive /get_roles. Lines now leave
// when 32 KiB have gathered, at the latest one flush interval later (a timer on the I/O
// loop), at once for error lines, and when the server stops.
class StdoutLog {
 public:
  static constexpr size_t kFlushBytes = 32 * 1024;

  void line(std::string_view l, bool flush_now = false) {
    std::lock_guard lock(mu_);
    buf_.append(l);
    buf_ += '\n';
    if (flush_now || buf_.size() >= kFlushBytes) flush_locked();
  }
  void flush() {
    std::lock_guard lock(mu_);
    flush_locked();
  }

 private:
  void flush_locked() {
    if (buf_.empty()) return;
    std::fwrite(buf_.data(), 1, buf_.size(), stdout);
    std::fflush(stdout);
    buf_.clear();
  }
  std::mutex mu_;
  std::string buf_;
};

void append_header(std::string& out, std::string_view name, std::string_view value) {
  out.append(name);
  out.append(": ");
  for (char ch : value) out += (ch == '\r' || ch == '\n') ? ' ' : ch;  // no header injection
  out.append("\r\n");
}

}  // namespace

struct Connection {
  explicit Connection(tcp::socket s) : stream(std::move(s)) {}
  beast::tcp_stream stream;
  std::atomic<bool> busy{false};
};

struct Server::Impl {
  Impl(ServerConfig c, const Router& r)
      : cfg(std::move(c)),
        router(r),
        workers(cfg.worker_threads, cfg.worker_nice),
        acceptor(ioc),
        signals(ioc, SIGINT, SIGTERM),
        log_flush_timer(ioc) {}

  ServerConfig cfg;
  const Router& router;
  asio::io_context ioc;
  WorkerPool workers;
  tcp::acceptor acceptor;
  asio::signal_set signals;
  StdoutLog stdout_log;
  asio::steady_timer log_flush_timer;
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
      res.set_header(
          "Access-Control-Allow-Headers",
          asked.empty() ? std::string("Authorization, Content-Type") : std::string(asked));
      res.set_header("Access-Control-Max-Age", "600");
    }
    return res;
  }

  static Response call_handler(const Handler& h, Request& req, Impl& self) {
    try {
      return h(req);
    } catch (const std::exception& e) {
      boost::json::object line{{"time", iso_time_now()},       {"level", "error"},
                               {"msg", "handler failed"},      {"path", req.path},
                               {"request_id", req.request_id}, {"what", e.what()}};
      self.emit_log(boost::json::serialize(line), /*flush_now=*/true);
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
    auto rid = req.header("x-request-id");
    req.request_id = safe_request_id(rid) ? std::string(rid) : new_request_id();
    return req;
  }

  void emit_log(const std::string& line, bool flush_now = false) {
    if (cfg.log_line) {
      cfg.log_line(line);
    } else {
      stdout_log.line(line, flush_now);
    }
  }

  // The same JSON line as serializing a boost::json::object with these fields in this
  // order, written by hand into a reused buffer (building and serializing the object was
  // the largest single cost of a cached /get_roles).
  void log_request(const Request& req, int status, std::chrono::steady_clock::time_point start) {
    auto us = std::chrono::duration_cast<std::chrono::microseconds>(
                  std::chrono::steady_clock::now() - start)
                  .count();
    thread_local std::string line;
    line.clear();
    line.append(R"({"time":")");
    append_iso_time_now(line);
    line.append(R"(","level":"info","msg":"request","method":")");
    append_json_string(line, req.method);
    line.append(R"(","path":")");
    append_json_string(line, req.path);
    line.append(R"(","status":)");
    line.append(std::to_string(status));
    line.append(R"(,"duration_us":)");
    line.append(std::to_string(us));
    line.append(R"(,"request_id":")");
    append_json_string(line, req.request_id);
    line.append(R"(","remote":")");
    append_json_string(line, req.remote_ip);
    line.append(R"("})");
    emit_log(line);
  }

  asio::awaitable<void> flush_log_periodically() {
    while (!stopping) {
      log_flush_timer.expires_after(std::chrono::milliseconds(100));
      co_await log_flush_timer.async_wait(kUseTuple);
      stdout_log.flush();
    }
  }

  // Status line and headers serialized by hand, body sent as a second buffer of the same
  // write: Beast's generic serializer was about a fifth of the instructions of a cached
  // /get_roles. Framing headers are the server's own: a handler's Content-Length,
  // Connection or Transfer-Encoding is ignored.
  asio::awaitable<void> write(Connection& c, const Request& req, Response res, unsigned version,
                              bool keep_alive, bool& ok) {
    add_cors(req, res);
    std::string head;
    head.reserve(256);
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
      append_header(head, k, v);
    }
    append_header(head, "X-Request-Id", req.request_id);
    if (version == 10 && keep_alive) append_header(head, "Connection", "keep-alive");
    if (version != 10 && !keep_alive) append_header(head, "Connection", "close");
    // 1xx, 204 and 304 carry neither a body nor a Content-Length (as Beast's
    // prepare_payload does); HEAD announces the length of the body it does not send.
    bool bodiless = res.status < 200 || res.status == 204 || res.status == 304;
    if (!bodiless) append_header(head, "Content-Length", std::to_string(res.body.size()));
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
    log_flush_timer.cancel();
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
  if (!im.cfg.log_line) asio::co_spawn(im.ioc, im.flush_log_periodically(), asio::detached);
  std::vector<std::thread> extra;
  for (int i = 1; i < im.cfg.io_threads; ++i) extra.emplace_back([&im] { im.ioc.run(); });
  im.ioc.run();
  for (auto& t : extra) t.join();
  im.workers.join();
  im.stdout_log.flush();
}

void Server::stop() {
  asio::post(impl_->ioc, [this] { impl_->begin_stop(); });
}

}  // namespace gatehouse::http
