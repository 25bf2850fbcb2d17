// A bounded pool of PostgreSQL connections to one database.
//
// Each caller leases a whole connection (and its prepared statements) for one Store call.
// Connections are opened on demand up to `max_size`; further callers wait, at most
// `wait` (then kUnavailable: "database busy"). Callers are worker threads, never I/O
// threads (stores.h), so the wait never stalls the event loop. A connection that broke
// (server restart, network) is dropped on return and a new one opened next time.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "gatehouse/result.h"
#include "store/engine_status.h"
#include "store/postgres/connection.h"

namespace gatehouse::store::postgres {

inline constexpr size_t kDefaultPoolSize = 8;
inline constexpr std::chrono::milliseconds kDefaultAcquireWait{5000};

class ConnectionPool {
 public:
  ConnectionPool(std::string url, size_t max_size, std::chrono::milliseconds wait,
                 std::unique_ptr<Connection> first);
  ConnectionPool(const ConnectionPool&) = delete;
  ConnectionPool& operator=(const ConnectionPool&) = delete;

  class Lease {
   public:
    Lease(ConnectionPool* pool, std::unique_ptr<Connection> conn)
        : pool_(pool), conn_(std::move(conn)) {}
    Lease(Lease&&) noexcept = default;
    Lease& operator=(Lease&&) = delete;
    ~Lease();
    Connection& operator*() const { return *conn_; }
    Connection* operator->() const { return conn_.get(); }

   private:
    ConnectionPool* pool_;
    std::unique_ptr<Connection> conn_;
  };

  // kUnavailable when no connection comes free within the wait, or a new one cannot be
  // opened.
  Result<Lease> acquire();

  size_t max_size() const { return max_size_; }
  // For /metrics: leased, open and the bound. Takes the pool's lock only.
  PoolUsage usage();

 private:
  void release(std::unique_ptr<Connection> conn);

  const std::string url_;
  const size_t max_size_;
  const std::chrono::milliseconds wait_;
  std::mutex mu_;
  std::condition_variable available_;
  std::vector<std::unique_ptr<Connection>> idle_;  // guarded by mu_
  size_t open_count_ = 0;                          // idle + leased + being opened; mu_
  uint64_t leases_ = 0;                            // leases ended (connections handed back); mu_
};

}  // namespace gatehouse::store::postgres
