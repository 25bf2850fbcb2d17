// gatehouse::http::LogSink / AccessLog — where the server's log lines go, and the one
// JSON line per request.
//
// LogSink takes whole lines: to ServerConfig::log_line when one is given (each line as it
// happens), else to stdout, buffered — written when 32 KiB gather, at least every 100 ms
// (a timer on the I/O loop between start() and stop()), at once for error lines, and at
// flush(). One fflush per request was a third of the system calls of a keep-alive request.
//
// AccessLog is a middleware (http/middleware.h) writing, after each response,
//   {"time":"2026-11-28T19:05:00.123Z","level":"info","msg":"request","method":"GET",
//    "path":"/healthz","status":200,"duration_us":57,"request_id":"…","remote":"…"}
// (one line, fields in this order). Paths are logged, query strings and bodies never.
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>

#include "http/middleware.h"

namespace gatehouse::http {

class LogSink {
 public:
  static constexpr std::size_t kFlushBytes = 32 * 1024;
  static constexpr std::chrono::milliseconds kFlushInterval{100};

  // An empty `line_fn` means buffered stdout.
  explicit LogSink(std::function<void(const std::string&)> line_fn = {});

  // `flush_now` (error lines) writes the buffer at once; a line_fn gets every line anyway.
  void line(const std::string& l, bool flush_now = false);
  void flush();
  // Buffered stdout only: flush every kFlushInterval on `ioc` until stop(). `ioc` must
  // outlive the sink: the sink's timer is destroyed with it.
  void start(boost::asio::io_context& ioc);
  void stop();  // from any thread; flush() after the loop ends writes what is left

 private:
  boost::asio::awaitable<void> flush_periodically();

  std::function<void(const std::string&)> line_fn_;
  std::mutex mu_;
  std::string buf_;
  std::optional<boost::asio::strand<boost::asio::io_context::executor_type>> strand_;
  std::optional<boost::asio::steady_timer> timer_;
  std::atomic<bool> stopping_{false};
};

class AccessLog : public Middleware {
 public:
  explicit AccessLog(LogSink& sink) : sink_(sink) {}
  void on_complete(const Request& req, const Completion& done) override;

 private:
  LogSink& sink_;
};

// "2026-11-28T19:05:00.123Z" (UTC, milliseconds), for log lines.
std::string iso_time_now();

}  // namespace gatehouse::http
