#include "http/worker_pool.h"

#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <cstddef>
#include <latch>
#include <memory>

namespace gatehouse::http {

namespace {

// Best effort: a failure leaves the default priority.
void lower_this_thread_priority(int nice_value) {
  if (nice_value <= 0) return;
  (void)::setpriority(PRIO_PROCESS, static_cast<id_t>(::gettid()), nice_value);
}

}  // namespace

WorkerPool::WorkerPool(int threads, int nice)
    : pool_(static_cast<std::size_t>(std::max(1, threads))) {
  // Each pool thread takes exactly one of these (they wait for each other), so every
  // worker lowers its own priority before it runs any handler. The latch is shared: a
  // worker may still be leaving arrive_and_wait() when this constructor returns.
  const auto n = static_cast<std::ptrdiff_t>(std::max(1, threads));
  auto started = std::make_shared<std::latch>(n + 1);
  for (std::ptrdiff_t i = 0; i < n; ++i) {
    boost::asio::post(pool_, [started, nice] {
      lower_this_thread_priority(nice);
      started->arrive_and_wait();
    });
  }
  started->arrive_and_wait();
}

WorkerPool::~WorkerPool() { pool_.join(); }

void WorkerPool::join() { pool_.join(); }

}  // namespace gatehouse::http
