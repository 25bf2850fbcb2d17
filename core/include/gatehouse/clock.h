// Clock: the current time as Unix seconds, injectable so tests need no sleeps.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>

namespace gatehouse {

using Clock = std::function<int64_t()>;  // Unix time in seconds

inline int64_t system_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

inline Clock system_clock() { return &system_now; }

}  // namespace gatehouse
