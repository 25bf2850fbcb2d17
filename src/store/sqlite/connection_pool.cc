#include "store/sqlite/connection_pool.h"

#include <utility>

namespace gatehouse::store::sqlite {

ConnectionPool::ConnectionPool(std::string path, size_t max_size, std::unique_ptr<Connection> first)
    : path_(std::move(path)), max_size_(max_size == 0 ? 1 : max_size) {
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
    available_.wait(lock, [&] { return !idle_.empty() || open_count_ < max_size_; });
    if (!idle_.empty()) {
      auto conn = std::move(idle_.back());
      idle_.pop_back();
      return Lease(this, std::move(conn));
    }
    ++open_count_;  // reserve the slot; open outside the lock
  }
  auto conn = Connection::open(path_);
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

PoolUsage ConnectionPool::usage() {
  std::lock_guard lock(mu_);
  return {.in_use = open_count_ - idle_.size(), .open = open_count_, .max = max_size_};
}

void ConnectionPool::release(std::unique_ptr<Connection> conn) {
  // A connection still inside a transaction after a rollback attempt is
  // dropped rather than handed to the next caller.
  const bool reusable = conn->reset_state();
  if (!reusable) conn.reset();
  {
    std::lock_guard lock(mu_);
    if (reusable) {
      idle_.push_back(std::move(conn));
    } else {
      --open_count_;
    }
  }
  available_.notify_one();
}

}  // namespace gatehouse::store::sqlite
