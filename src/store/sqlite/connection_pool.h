// A bounded pool of SQLite connections to one database file.
//
// Each caller leases a whole connection (and with it that connection's
// statement cache) for the duration of one Store call, so connections are never
// shared between threads at the same time. The pool opens connections on demand
// up to `max_size`; further callers wait for one to come back. Readers run in
// parallel (WAL). Writers of this process queue on `writer()` before BEGIN
// IMMEDIATE, so they wait on a mutex instead of in SQLite's busy handler, which
// sleeps 1 to 100 ms between tries; other processes still meet the busy timeout.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "gatehouse/result.h"
#include "store/engine_status.h"
#include "store/sqlite/connection.h"

namespace gatehouse::store::sqlite {

inline constexpr size_t kMaxConnections = 8;

class ConnectionPool {
 public:
  // `first` is an already opened connection (the one migrations ran on).
  ConnectionPool(std::string path, size_t max_size, std::unique_ptr<Connection> first);
  ConnectionPool(const ConnectionPool&) = delete;
  ConnectionPool& operator=(const ConnectionPool&) = delete;

  // A connection on loan; returned to the pool when the lease is destroyed.
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

  // Waits while all `max_size` connections are leased. Fails only when a new
  // connection cannot be opened.
  Result<Lease> acquire();

  // Held by transaction() (query.h) from before it leases a connection until the lease
  // is back, BEGIN IMMEDIATE to COMMIT or ROLLBACK included.
  std::mutex& writer() { return writer_; }

  // Connections leased and open now, and the bound (GET /metrics).
  PoolUsage usage();

 private:
  void release(std::unique_ptr<Connection> conn);

  const std::string path_;
  const size_t max_size_;
  std::mutex mu_;
  std::mutex writer_;
  std::condition_variable available_;
  std::vector<std::unique_ptr<Connection>> idle_;  // guarded by mu_
  size_t open_count_ = 0;                          // idle + leased + being opened; mu_
};

}  // namespace gatehouse::store::sqlite
