#include "http/access_log.h"

#include <chrono>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "gatehouse/clock.h"

namespace gatehouse::http {

namespace asio = boost::asio;

namespace {

// "2026-11-28T19:05:00.123Z". The date part is formatted once per second per thread:
// formatting it on every request line was 5 % of a cached /get_roles.
void append_iso_time_now(std::string& out) {
  thread_local int64_t cached_secs = -1;
  thread_local std::string cached;  // "YYYY-MM-DDTHH:MM:SS."
  auto ms_total = std::chrono::duration_cast<std::chrono::milliseconds>(
                      std::chrono::system_clock::now().time_since_epoch())
                      .count();
  int64_t secs = ms_total / 1000;
  int ms = static_cast<int>(ms_total % 1000);
  if (secs != cached_secs) {
    cached = format_utc(secs, "%Y-%m-%dT%H:%M:%S.");
    cached_secs = secs;
  }
  out.append(cached);
  out += static_cast<char>('0' + ms / 100);
  out += static_cast<char>('0' + ms / 10 % 10);
  out += static_cast<char>('0' + ms % 10);
  out += 'Z';
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

}  // namespace

std::string iso_time_now() {
  std::string s;
  append_iso_time_now(s);
  return s;
}

LogSink::LogSink(std::function<void(const std::string&)> line_fn) : line_fn_(std::move(line_fn)) {}

void LogSink::line(const std::string& l, bool flush_now) {
  if (line_fn_) {
    line_fn_(l);
    return;
  }
  std::lock_guard lock(mu_);
  buf_.append(l);
  buf_ += '\n';
  if (flush_now || buf_.size() >= kFlushBytes) {
    std::fwrite(buf_.data(), 1, buf_.size(), stdout);
    std::fflush(stdout);
    buf_.clear();
  }
}

void LogSink::flush() {
  std::lock_guard lock(mu_);
  if (buf_.empty()) return;
  std::fwrite(buf_.data(), 1, buf_.size(), stdout);
  std::fflush(stdout);
  buf_.clear();
}

void LogSink::start(asio::io_context& ioc) {
  if (line_fn_) return;
  strand_.emplace(asio::make_strand(ioc));
  timer_.emplace(*strand_);
  asio::co_spawn(*strand_, flush_periodically(), asio::detached);
}

void LogSink::stop() {
  stopping_ = true;
  // The timer is not thread-safe: it is cancelled on the strand its coroutine runs on.
  if (timer_) asio::post(*strand_, [this] { timer_->cancel(); });
}

asio::awaitable<void> LogSink::flush_periodically() {
  while (!stopping_) {
    timer_->expires_after(kFlushInterval);
    co_await timer_->async_wait(asio::as_tuple(asio::use_awaitable));
    flush();
  }
}

// The same JSON line as serializing a boost::json::object with these fields in this
// order, written by hand into a reused buffer (building and serializing the object was
// the largest single cost of a cached /get_roles).
void AccessLog::on_complete(const Request& req, const Completion& done) {
  auto us = std::chrono::duration_cast<std::chrono::microseconds>(done.elapsed).count();
  thread_local std::string line;
  line.clear();
  line.append(R"({"time":")");
  append_iso_time_now(line);
  line.append(R"(","level":"info","msg":"request","method":")");
  append_json_string(line, req.method);
  line.append(R"(","path":")");
  append_json_string(line, req.path);
  line.append(R"(","status":)");
  line.append(std::to_string(done.status));
  line.append(R"(,"duration_us":)");
  line.append(std::to_string(us));
  line.append(R"(,"request_id":")");
  append_json_string(line, req.request_id);
  line.append(R"(","remote":")");
  append_json_string(line, req.remote_ip);
  line.append(R"("})");
  sink_.line(line);
}

}  // namespace gatehouse::http
