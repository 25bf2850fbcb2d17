// A bounded pool of SQLite connections to one database file.
//
// Each caller leases a whole connection (and with it that connection's
// statement cache) for the duration of one Store call, so connections are never
// shared between threads at the same time. The pool opens connections on demand
// up to `max_size`; further callers wait for one to come back. Readers run in
// parallel (WAL). Writers of this process queue on `writer()` before BEGIN
// IMMEDIATE, so they wait on a mutex instead of in SQLite's busy handler, which
// sleeps 1 to 100 ms between tries; other processes still meet the busy timeout.
//
// Checkpoints (copying the write-ahead log back into the database file) run on a
// thread of the pool's own. SQLite's default runs one inside the COMMIT that takes
// the log past 1,000 pages, on the committing thread and so, here, under
// `writer()`: every writer queued behind it waits for the copy and its fsyncs.
// Instead, each pooled connection reports the log size after its commits
// (sqlite3_wal_hook, which replaces the automatic checkpoint) and the checkpoint
// thread, once the log passes kCheckpointPages, copies it in two PASSIVE steps: the
// bulk while writers go on, then the few pages committed meanwhile under `writer()`,
// so that the next writer can start the log again from its beginning. Should the log
// still reach ten times that (a long read pins old pages, say), the committing
// connection checkpoints itself, as SQLite would.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "gatehouse/result.h"
#include "store/engine_status.h"
#include "store/sqlite/connection.h"

namespace gatehouse::store::sqlite {

inline constexpr size_t kMaxConnections = 8;

// The log size (in pages) that wakes the checkpoint thread: SQLite's own default.
inline constexpr int kCheckpointPages = 1000;
// The log size at which a committing connection checkpoints itself.
inline constexpr int kSelfCheckpointPages = 10 * kCheckpointPages;

class ConnectionPool {
 public:
  // `first` is an already opened connection (the one migrations ran on).
  ConnectionPool(std::string path, size_t max_size, std::unique_ptr<Connection> first);
  ConnectionPool(const ConnectionPool&) = delete;
  ConnectionPool& operator=(const ConnectionPool&) = delete;
  ~ConnectionPool();  // stops and joins the checkpoint thread

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
  // Installs on_commit as `conn`'s WAL hook.
  void watch(Connection& conn);
  static int on_commit(void* pool, sqlite3* db, const char* schema, int pages);
  void checkpoint_loop();

  const std::string path_;
  const size_t max_size_;
  std::mutex mu_;
  std::mutex writer_;
  std::condition_variable available_;
  std::vector<std::unique_ptr<Connection>> idle_;  // guarded by mu_
  size_t open_count_ = 0;                          // idle + leased + being opened; mu_
  uint64_t leases_ = 0;                            // leases ended (connections handed back); mu_

  std::atomic<bool> checkpoint_wanted_{false};  // set by on_commit, cleared by the thread
  std::mutex checkpoint_mu_;
  std::condition_variable checkpoint_cv_;
  bool stopping_ = false;  // checkpoint_mu_
  std::thread checkpointer_;
};

}  // namespace gatehouse::store::sqlite
