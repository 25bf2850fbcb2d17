// Clock: the current time as Unix seconds, injectable so tests need no sleeps, and the
// one way the project writes a time as text.
//
//   gatehouse::Clock clock = gatehouse::system_clock();
//   std::string when = gatehouse::format_utc(clock(), "%Y-%m-%dT%H:%M:%SZ");  // RFC 3339
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>

namespace gatehouse {

using Clock = std::function<int64_t()>;  // Unix time in seconds

inline int64_t system_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

inline Clock system_clock() { return &system_now; }

// `unix_seconds` in UTC, formatted by strftime's `format` (at most 63 characters out).
std::string format_utc(int64_t unix_seconds, const char* format);

}  // namespace gatehouse
