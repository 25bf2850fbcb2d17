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
#include <memory>
#include <string>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>

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

class Connection {
 public:
  Connection(boost::asio::ip::tcp::socket socket, const ConnectionContext& ctx);

  // Serves requests until the connection ends, then closes the socket.
  boost::asio::awaitable<void> run();
  // At stop, on the connection's executor: ends a wait for the next request; a request
  // being served is answered first (run() then sees `stopping` and closes).
  void cancel_if_idle();
  boost::asio::any_io_executor executor() { return stream_.get_executor(); }

 private:
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

  const ConnectionContext& ctx_;
  boost::beast::tcp_stream stream_;
  std::atomic<bool> busy_{false};
  std::string remote_;
  boost::beast::flat_buffer buffer_;  // read, not yet parsed
  std::string head_;                  // the serialized response head, reused by each request
  std::string extra_;                 // header lines from the middleware, reused
};

}  // namespace gatehouse::http
