// gatehouse::http::Connection — one accepted TCP connection and the coroutine serving it.
//
// HTTP/1.1 keep-alive, modelled on Beast's server-flex-awaitable example: read a request
// (header and body limits, idle and read timeouts) → middleware on_request → route, inline
// or on the worker pool → middleware on_response → write → middleware on_complete, until
// the peer closes, a timeout, a transport error, or stop. Expected network errors are
// values, not exceptions. Internal to http::Server, which accepts, keeps the set of open
// connections and stops them. Request ids, CORS and logs are not here: they are the
// chain's (http/middleware.h).
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/flat_buffer.hpp>

#include "gatehouse/result.h"
#include "http/message.h"
#include "http/router.h"
#include "http/trusted_proxies.h"

namespace gatehouse::http {

struct ServerConfig;
class MiddlewareChain;
class WorkerPool;
class LogSink;

// What every connection shares with the server that accepted it, which outlives them.
struct ConnectionContext {
  const ServerConfig& config;
  const Router& router;
  const MiddlewareChain& chain;
  WorkerPool& workers;
  WorkerPool& network;  // RouteOptions::waits_on_network
  LogSink& log;         // for "handler failed" lines
  const std::atomic<bool>& stopping;
};

class Connection;

// The read and write deadlines of one event loop's connections, enforced by one timer that
// ticks every kTick while the loop has connections: a wait whose deadline has passed is
// cancelled (it completes with operation_aborted). A timer per operation, as
// beast::tcp_stream keeps, cost each request two timer insertions and cancellations, the
// handlers those cancellations post, and a timerfd_settime system call every other request
// (bench/README.md); a deadline here is a store into a vector. Timeouts fire up to kTick
// late. Used by the loop's thread only.
class DeadlineSweeper {
 public:
  using Clock = std::chrono::steady_clock;
  static constexpr auto kTick = std::chrono::milliseconds(250);

  explicit DeadlineSweeper(boost::asio::any_io_executor ex) : timer_(std::move(ex)) {}
  DeadlineSweeper(const DeadlineSweeper&) = delete;
  DeadlineSweeper& operator=(const DeadlineSweeper&) = delete;

  // A slot for `c`, without a deadline; the timer starts with the first connection.
  std::size_t add(Connection* c);
  void remove(std::size_t slot);
  void set(std::size_t slot, Clock::time_point deadline) { slots_[slot].deadline = deadline; }

 private:
  struct Slot {
    Connection* conn;
    Clock::time_point deadline;
  };
  void arm();
  void sweep();

  boost::asio::steady_timer timer_;
  bool armed_ = false;
  std::vector<Slot> slots_;
};

class Connection {
 public:
  // `sweeper` belongs to the event loop whose executor `socket` uses.
  Connection(boost::asio::ip::tcp::socket socket, const ConnectionContext& ctx,
             DeadlineSweeper& sweeper);

  // Serves requests until the connection ends, then closes the socket.
  boost::asio::awaitable<void> run();
  // At stop, on the connection's executor: ends a wait for the next request; a request
  // being served is answered first (run() then sees `stopping` and closes).
  void cancel_if_idle();
  boost::asio::any_io_executor executor() { return socket_.get_executor(); }

 private:
  friend class DeadlineSweeper;
  // What run() does after one request: read the next, close, or close after a lingering
  // read (a request that could not be read was refused).
  enum class Next { kRead, kClose, kLinger };
  // Parses and answers the request whose first bytes are in buffer_. Its own coroutine,
  // so that the parser, the request and the response take memory only while a request is
  // served, not while the connection waits for the next one.
  boost::asio::awaitable<Next> serve_one(const TrustedProxies* proxies);
  boost::asio::awaitable<Response> dispatch(Request& req);
  boost::asio::awaitable<void> linger();
  // Runs the chain's on_response, then writes status line, headers and body; false when
  // the write failed.
  boost::asio::awaitable<bool> write(Request& req, Response& res, unsigned version,
                                     bool keep_alive);
  Response call_handler(const Handler& h, Request& req);
  Response error(Errc code, std::string message) const;
  // The next operations on the socket must end within `d` (until settle()).
  void expires_after(std::chrono::steady_clock::duration d);
  void settle();  // no deadline
  void expire();  // the sweeper's: the deadline passed

  const ConnectionContext& ctx_;
  DeadlineSweeper& sweeper_;
  std::size_t slot_ = 0;  // in sweeper_, while run() runs
  boost::asio::ip::tcp::socket socket_;
  std::atomic<bool> busy_{false};
  std::string remote_;
  boost::beast::flat_buffer buffer_;  // read, not yet parsed
  std::string head_;                  // the serialized response head, reused by each request
  std::string extra_;                 // header lines from the middleware, reused
};

}  // namespace gatehouse::http
