#include "store/postgres/connection_pool.h"

#include <utility>

namespace gatehouse::store::postgres {

ConnectionPool::ConnectionPool(std::string url, size_t max_size, std::chrono::milliseconds wait,
                               std::unique_ptr<Connection> first)
    : url_(std::move(url)), max_size_(max_size == 0 ? 1 : max_size), wait_(wait) {
  if (first) {
    idle_.push_back(std::move(first));
    open_count_ = 1;
  }
}

ConnectionPool::Lease::~Lease() {
  if (conn_) pool_->release(std::move(conn_));
}

Result<ConnectionPool::Lease> ConnectionPool::acquire() {
  {
    std::unique_lock lock(mu_);
    if (!available_.wait_for(lock, wait_,
                             [&] { return !idle_.empty() || open_count_ < max_size_; })) {
      return make_error(Errc::kUnavailable,
                        "postgres: database busy (no pooled connection came free)");
    }
    if (!idle_.empty()) {
      auto conn = std::move(idle_.back());
      idle_.pop_back();
      return Lease(this, std::move(conn));
    }
    ++open_count_;  // reserve the slot; connect outside the lock
  }
  auto conn = Connection::open(url_);
  if (!conn) {
    {
      std::lock_guard lock(mu_);
      --open_count_;
    }
    available_.notify_one();
    return conn.error();
  }
  return Lease(this, std::move(*conn));
}

void ConnectionPool::release(std::unique_ptr<Connection> conn) {
  const bool reusable = conn->reset_state();
  if (!reusable) conn.reset();
  {
    std::lock_guard lock(mu_);
    ++leases_;
    if (reusable) {
      idle_.push_back(std::move(conn));
    } else {
      --open_count_;
    }
  }
  available_.notify_one();
}

PoolUsage ConnectionPool::usage() {
  std::lock_guard lock(mu_);
  return {open_count_ - idle_.size(), open_count_, max_size_, leases_};
}

}  // namespace gatehouse::store::postgres
