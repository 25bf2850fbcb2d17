#include "store/sqlite/connection_pool.h"

#include <utility>

#include <sqlite3.h>

namespace gatehouse::store::sqlite {

ConnectionPool::ConnectionPool(std::string path, size_t max_size, std::unique_ptr<Connection> first)
    : path_(std::move(path)), max_size_(max_size == 0 ? 1 : max_size) {
  if (first) {
    watch(*first);
    idle_.push_back(std::move(first));
    open_count_ = 1;
  }
  checkpointer_ = std::thread([this] { checkpoint_loop(); });
}

ConnectionPool::~ConnectionPool() {
  {
    std::lock_guard lock(checkpoint_mu_);
    stopping_ = true;
  }
  checkpoint_cv_.notify_one();
  checkpointer_.join();
}

void ConnectionPool::watch(Connection& conn) { sqlite3_wal_hook(conn.db(), &on_commit, this); }

namespace {
// Unlocked checkpoint steps before the locked one, and the pages left behind that are
// worth another unlocked step.
constexpr int kCheckpointSteps = 4;
constexpr int kCheckpointTail = 100;
}  // namespace

// Called by SQLite on the committing thread, after the commit.
int ConnectionPool::on_commit(void* arg, sqlite3* db, const char* schema, int pages) {
  auto* pool = static_cast<ConnectionPool*>(arg);
  if (pages >= kSelfCheckpointPages) {
    sqlite3_wal_checkpoint_v2(db, schema, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
  } else if (pages >= kCheckpointPages && !pool->checkpoint_wanted_.exchange(true)) {
    // Taking the mutex orders this wake-up after the thread's check of the flag.
    std::lock_guard lock(pool->checkpoint_mu_);
    pool->checkpoint_cv_.notify_one();
  }
  return SQLITE_OK;
}

void ConnectionPool::checkpoint_loop() {
  std::unique_ptr<Connection> conn;  // opened at the first checkpoint
  std::unique_lock lock(checkpoint_mu_);
  for (;;) {
    checkpoint_cv_.wait(lock, [&] { return stopping_ || checkpoint_wanted_.load(); });
    if (stopping_) return;
    lock.unlock();
    if (!conn) {
      if (auto opened = Connection::open(path_)) conn = std::move(*opened);
    }
    if (!conn) {
      // Left to the committers (kSelfCheckpointPages); asked again by the next commit.
      checkpoint_wanted_ = false;
    } else {
      // The bulk of the log, while writers go on: again while a step leaves much behind.
      for (int step = 0; step < kCheckpointSteps; ++step) {
        int log = 0;
        int copied = 0;
        if (sqlite3_wal_checkpoint_v2(conn->db(), nullptr, SQLITE_CHECKPOINT_PASSIVE, &log,
                                      &copied) != SQLITE_OK ||
            log - copied < kCheckpointTail) {
          break;
        }
      }
      // Then what was committed meanwhile, with this process's writers held back, so the
      // log is wholly in the database file when the next writer begins, and that writer
      // starts the log again from its first page. SQLite restarts the log only then;
      // without this step, under steady writes a commit would nearly always fall inside
      // the checkpoint, and the log would grow until the committers checkpoint it.
      // The flag is cleared here: commits during the first step are covered by the
      // second. A failure (SQLITE_BUSY while another connection checkpoints) leaves the
      // log to the next request or to the committers.
      std::lock_guard writers(writer_);
      checkpoint_wanted_ = false;
      sqlite3_wal_checkpoint_v2(conn->db(), nullptr, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
    }
    lock.lock();
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
  if (conn) watch(**conn);
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
  return {.in_use = open_count_ - idle_.size(),
          .open = open_count_,
          .max = max_size_,
          .leases = leases_};
}

void ConnectionPool::release(std::unique_ptr<Connection> conn) {
  // A connection still inside a transaction after a rollback attempt is
  // dropped rather than handed to the next caller.
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

}  // namespace gatehouse::store::sqlite
