#include "http/connection.h"

#include <array>
#include <chrono>
#include <utility>
#include <vector>

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/json.hpp>

#include "http/access_log.h"
#include "http/middleware.h"
#include "http/server.h"
#include "http/trusted_proxies.h"
#include "http/wire_request.h"
#include "http/worker_pool.h"

namespace gatehouse::http {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;

namespace {

constexpr auto kUseTuple = asio::as_tuple(asio::use_awaitable);

}  // namespace

std::size_t DeadlineSweeper::add(Connection* c) {
  slots_.push_back({c, Clock::time_point::max()});
  if (!armed_) arm();
  return slots_.size() - 1;
}

void DeadlineSweeper::remove(std::size_t slot) {
  if (slot + 1 != slots_.size()) {
    slots_[slot] = slots_.back();
    slots_[slot].conn->slot_ = slot;
  }
  slots_.pop_back();
}

void DeadlineSweeper::arm() {
  armed_ = true;
  timer_.expires_after(kTick);
  timer_.async_wait([this](const beast::error_code& ec) {
    armed_ = false;
    if (ec) return;  // the loop is going away
    sweep();
    if (!slots_.empty()) arm();
  });
}

void DeadlineSweeper::sweep() {
  const auto now = Clock::now();
  // expire() only posts the cancelled operations' completions: no slot moves meanwhile.
  for (auto& s : slots_) {
    if (s.deadline <= now) {
      s.deadline = Clock::time_point::max();
      s.conn->expire();
    }
  }
}

Connection::Connection(tcp::socket socket, const ConnectionContext& ctx, DeadlineSweeper& sweeper)
    : ctx_(ctx), sweeper_(sweeper), socket_(std::move(socket)) {}

void Connection::expires_after(std::chrono::steady_clock::duration d) {
  sweeper_.set(slot_, std::chrono::steady_clock::now() + d);
}

void Connection::settle() { sweeper_.set(slot_, DeadlineSweeper::Clock::time_point::max()); }

void Connection::expire() {
  beast::error_code ignored;
  socket_.cancel(ignored);
}

void Connection::cancel_if_idle() {
  // By now run() may have closed the socket: the error_code overload, because the
  // throwing one ended the process.
  beast::error_code ignored;
  if (!busy_) socket_.cancel(ignored);
}

Response Connection::error(Errc code, std::string message) const {
  if (ctx_.config.error_response)
    return ctx_.config.error_response(Error{code, std::move(message)});
  return Response::json(500, boost::json::object{{"error", message}});
}

Response Connection::call_handler(const Handler& h, Request& req) {
  try {
    return h(req);
  } catch (const std::exception& e) {
    boost::json::object line{{"time", iso_time_now()},       {"level", "error"},
                             {"msg", "handler failed"},      {"path", req.path},
                             {"request_id", req.request_id}, {"what", e.what()}};
    ctx_.log.line(boost::json::serialize(line), /*flush_now=*/true);
    return error(Errc::kInternal, "internal error");
  }
}

asio::awaitable<Response> Connection::dispatch(Request& req) {
  if (auto early = ctx_.chain.on_request(req)) co_return std::move(*early);
  auto m = ctx_.router.match(req);
  if (auto* miss = std::get_if<Router::Miss>(&m)) {
    if (*miss == Router::Miss::kMethodNotAllowed) {
      co_return error(Errc::kMethodNotAllowed, "Method not allowed on this route");
    }
    co_return error(Errc::kNotFound, "Route not found");
  }
  auto match = std::get<Router::Match>(m);
  if (match.options.inline_on_io) co_return call_handler(*match.handler, req);
  WorkerPool& pool = match.options.waits_on_network ? ctx_.network : ctx_.workers;
  co_return co_await pool.run([&] { return call_handler(*match.handler, req); });
}

// Status line and headers serialized by hand, body sent as a second buffer of the same
// write: Beast's generic serializer was about a fifth of the instructions of a cached
// /get_roles. Framing headers are the server's own: a handler's Content-Length,
// Connection or Transfer-Encoding is ignored.
asio::awaitable<bool> Connection::write(Request& req, Response& res, unsigned version,
                                        bool keep_alive) {
  extra_.clear();
  HeaderLines extra(extra_);
  ctx_.chain.on_response(req, res, extra);
  head_.clear();
  head_.reserve(256);
  HeaderLines head(head_);
  head_.append(version == 10 ? "HTTP/1.0 " : "HTTP/1.1 ");
  head_.append(std::to_string(res.status));
  head_ += ' ';
  head_.append(bhttp::obsolete_reason(static_cast<bhttp::status>(res.status)));
  head_.append("\r\n");
  for (const auto& [k, v] : res.headers) {
    if (beast::iequals(k, "content-length") || beast::iequals(k, "connection") ||
        beast::iequals(k, "transfer-encoding")) {
      continue;
    }
    head.add(k, v);
  }
  head_.append(extra_);
  if (version == 10 && keep_alive) head.add("Connection", "keep-alive");
  if (version != 10 && !keep_alive) head.add("Connection", "close");
  // 1xx, 204 and 304 carry neither a body nor a Content-Length (as Beast's
  // prepare_payload does); HEAD announces the length of the body it does not send.
  bool bodiless = res.status < 200 || res.status == 204 || res.status == 304;
  if (!bodiless) head.add("Content-Length", std::to_string(res.body.size()));
  head_.append("\r\n");
  std::string_view body = (bodiless || req.method == "HEAD") ? std::string_view{} : res.body;
  std::array<asio::const_buffer, 2> buffers{asio::buffer(head_), asio::buffer(body)};
  expires_after(ctx_.config.read_timeout);
  auto [ec, n] = co_await asio::async_write(socket_, buffers, kUseTuple);
  settle();
  (void)n;
  co_return !ec;
}

asio::awaitable<void> Connection::run() {
  const auto& cfg = ctx_.config;
  // Out of the sweeper however run() ends, before the connection can be freed.
  slot_ = sweeper_.add(this);
  struct Unregister {
    Connection* c;
    ~Unregister() { c->sweeper_.remove(c->slot_); }
  } unregister{this};
  {
    beast::error_code ec;
    auto ep = socket_.remote_endpoint(ec);
    if (!ec) remote_ = ep.address().to_string();
  }
  // Decided once per connection: most peers are not proxies, and their requests then pay
  // nothing for X-Forwarded-For.
  const TrustedProxies* proxies =
      cfg.trusted_proxies.contains(remote_) ? &cfg.trusted_proxies : nullptr;
  Next next = Next::kClose;
  for (;;) {
    if (ctx_.stopping) break;
    // Two deadlines: idle_timeout for the first byte of a request, then read_timeout for
    // the whole of it. One deadline for both let a client that trickles a byte now and then
    // hold the connection for the idle timeout, again and again (slowloris).
    if (buffer_.size() == 0) {
      expires_after(cfg.idle_timeout);
      auto [ec, n] = co_await socket_.async_read_some(
          buffer_.prepare(beast::read_size(buffer_, 65536)), kUseTuple);
      settle();
      if (ec) break;  // closed, reset, idle too long, or stop
      buffer_.commit(n);
    }
    next = co_await serve_one(proxies);
    if (next != Next::kRead) break;
  }
  beast::error_code ignored;
  socket_.shutdown(tcp::socket::shutdown_send, ignored);
  if (next == Next::kLinger) co_await linger();
  socket_.close(ignored);
}

asio::awaitable<Connection::Next> Connection::serve_one(const TrustedProxies* proxies) {
  const auto& cfg = ctx_.config;
  bhttp::request_parser<bhttp::string_body> parser;
  parser.header_limit(static_cast<std::uint32_t>(cfg.header_limit));
  parser.body_limit(cfg.body_limit);
  // Usually the first read brought the whole request: parse it here, as async_read would,
  // without a second asynchronous operation and its timer and post (about 4 % of the
  // instructions of a cached /get_roles).
  beast::error_code ec;
  parser.eager(true);
  while (!parser.is_done() && buffer_.size() > 0) {
    auto used = parser.put(buffer_.data(), ec);
    buffer_.consume(used);
    if (ec || used == 0) break;
  }
  if (ec == bhttp::error::need_more) ec = {};
  if (!ec && !parser.is_done()) {
    expires_after(cfg.read_timeout);
    auto [read_ec, n] = co_await bhttp::async_read(socket_, buffer_, parser, kUseTuple);
    settle();
    (void)n;
    ec = read_ec;
  }
  auto start = std::chrono::steady_clock::now();
  // A passed deadline reads as operation_aborted (the sweeper cancelled the read).
  if (ec == bhttp::error::end_of_stream || ec == asio::error::operation_aborted ||
      ec == asio::error::connection_reset || ec == asio::error::eof) {
    co_return Next::kClose;
  }
  if (ec) {
    // The request could not be read: answer once, then close. It never reaches the
    // chain's on_request; on_response and on_complete see it (method "?").
    Request req;
    req.method = "?";
    req.remote_ip = remote_;
    req.client_ip = remote_;
    Response res = (ec == bhttp::error::body_limit || ec == bhttp::error::header_limit)
                       ? error(Errc::kPayloadTooLarge, ec == bhttp::error::body_limit
                                                           ? "Request body is too large"
                                                           : "Request headers are too large")
                       : error(Errc::kBadRequest, "Malformed HTTP request");
    co_await write(req, res, 11, false);
    ctx_.chain.on_complete(req, {res.status, std::chrono::steady_clock::now() - start});
    co_return Next::kLinger;
  }
  busy_ = true;
  auto& msg = parser.get();
  bool keep_alive = msg.keep_alive() && !ctx_.stopping;
  unsigned version = msg.version();
  Request req = to_request(msg, remote_, proxies);
  Response res;
  if (req.path.empty()) {
    res = error(Errc::kBadRequest, "Malformed request target");  // skips on_request too
  } else {
    res = co_await dispatch(req);
  }
  bool ok = co_await write(req, res, version, keep_alive && !ctx_.stopping);
  ctx_.chain.on_complete(req, {res.status, std::chrono::steady_clock::now() - start});
  busy_ = false;
  co_return (!ok || !keep_alive || ctx_.stopping) ? Next::kClose : Next::kRead;
}

asio::awaitable<void> Connection::linger() {
  // A client that sends its body without waiting (browsers do) is still sending when a
  // 413 goes out. Closing a socket with unread input makes the kernel reset the
  // connection, and the reset can destroy the answer before the client has read it. So,
  // as nginx's lingering close does: after the answer and our FIN, read and discard what
  // still arrives until the client closes, for at most kLingerTime and kLingerBytes.
  constexpr auto kLingerTime = std::chrono::seconds(2);
  constexpr std::size_t kLingerBytes = 16 * 1024 * 1024;
  std::array<char, 16384> sink;
  std::size_t total = 0;
  expires_after(kLingerTime);  // for the whole of it
  while (total < kLingerBytes && !ctx_.stopping) {
    auto [ec, n] = co_await socket_.async_read_some(asio::buffer(sink), kUseTuple);
    if (ec) break;  // the client closed, reset, or the time is up
    total += n;
  }
  settle();
}

}  // namespace gatehouse::http
