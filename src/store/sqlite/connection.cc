#include "store/sqlite/connection.h"

#include <chrono>
#include <thread>
#include <utility>

namespace gatehouse::store::sqlite {

Error sqlite_error(sqlite3* db, int rc, std::string_view what) {
  const int primary = rc & 0xff;
  std::string message = "sqlite: ";
  message += what;
  message += ": ";
  // sqlite3_errmsg describes the most recent failure on `db`; fall back to the
  // generic text for the code when there is no handle.
  message += db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
  if (primary == SQLITE_BUSY || primary == SQLITE_LOCKED) {
    return make_error(Errc::kUnavailable, std::move(message));
  }
  return make_error(Errc::kInternal, std::move(message));
}

// --- Statement ---

Statement::Statement(sqlite3_stmt* stmt, bool* in_use, bool owned)
    : stmt_(stmt), in_use_(in_use), owned_(owned) {
  if (in_use_ != nullptr) *in_use_ = true;
}

Statement::Statement(Statement&& other) noexcept
    : stmt_(std::exchange(other.stmt_, nullptr)),
      in_use_(std::exchange(other.in_use_, nullptr)),
      owned_(std::exchange(other.owned_, false)),
      bind_rc_(other.bind_rc_) {}

Statement::~Statement() {
  if (stmt_ == nullptr) return;
  if (owned_) {
    sqlite3_finalize(stmt_);
    return;
  }
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
  if (in_use_ != nullptr) *in_use_ = false;
}

Statement& Statement::bind(int index, std::string_view value) {
  const int rc =
      sqlite3_bind_text64(stmt_, index, value.data(), value.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
  if (bind_rc_ == SQLITE_OK) bind_rc_ = rc;
  return *this;
}

Statement& Statement::bind(int index, int64_t value) {
  const int rc = sqlite3_bind_int64(stmt_, index, value);
  if (bind_rc_ == SQLITE_OK) bind_rc_ = rc;
  return *this;
}

Statement& Statement::bind_null(int index) {
  const int rc = sqlite3_bind_null(stmt_, index);
  if (bind_rc_ == SQLITE_OK) bind_rc_ = rc;
  return *this;
}

int Statement::step() {
  if (bind_rc_ != SQLITE_OK) return bind_rc_;
  return sqlite3_step(stmt_);
}

std::string Statement::column_text(int col) const {
  const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, col));
  if (text == nullptr) return {};
  return std::string(text, static_cast<size_t>(sqlite3_column_bytes(stmt_, col)));
}

int64_t Statement::column_int64(int col) const { return sqlite3_column_int64(stmt_, col); }

// --- Connection ---

namespace {

// Runs a PRAGMA that answers with one row and returns that row's text.
Result<std::string> query_pragma(sqlite3* db, const char* sql) {
  sqlite3_stmt* stmt = nullptr;
  int rc = sqlite3_prepare_v2(db, sql, -1, &stmt, nullptr);
  if (rc != SQLITE_OK) return sqlite_error(db, rc, sql);
  std::string value;
  rc = sqlite3_step(stmt);
  if (rc == SQLITE_ROW) {
    const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0));
    if (text != nullptr) value = text;
    rc = sqlite3_step(stmt);
  }
  sqlite3_finalize(stmt);
  if (rc != SQLITE_DONE) return sqlite_error(db, rc, sql);
  return value;
}

// Switches the file to WAL. Switching needs an exclusive lock and SQLite does
// not call the busy handler for it, so when several processes open a fresh file
// at once the losers see SQLITE_BUSY; they retry until the busy timeout.
Result<std::string> enable_wal(sqlite3* db) {
  const auto deadline =
      std::chrono::steady_clock::now() + std::chrono::milliseconds(kBusyTimeoutMs);
  for (;;) {
    auto mode = query_pragma(db, "PRAGMA journal_mode = WAL");
    if (mode || mode.code() != Errc::kUnavailable || std::chrono::steady_clock::now() >= deadline) {
      return mode;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}

}  // namespace

Result<std::unique_ptr<Connection>> Connection::open(const std::string& path) {
  sqlite3* db = nullptr;
  const int rc = sqlite3_open_v2(
      path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  // From here on `conn` owns the handle (sqlite3_open_v2 allocates one even on
  // failure, and it must be closed).
  std::unique_ptr<Connection> conn(new Connection(db));
  if (rc != SQLITE_OK) {
    return sqlite_error(db, rc, "open " + path);
  }
  sqlite3_extended_result_codes(db, 1);
  sqlite3_busy_timeout(db, kBusyTimeoutMs);

  // WAL: readers never block the writer and vice versa; persistent in the file.
  auto mode = enable_wal(db);
  if (!mode) return mode.error();
  if (*mode != "wal") {
    return make_error(Errc::kInternal, "sqlite: could not enable WAL (journal_mode=" + *mode + ")");
  }
  // NORMAL is durable up to the last checkpointed commit in WAL mode and does
  // not fsync on every commit.
  if (auto st = conn->exec("PRAGMA synchronous = NORMAL"); !st) return st.error();
  if (auto st = conn->exec("PRAGMA foreign_keys = ON"); !st) return st.error();
  // A build without foreign key support would ignore the pragma silently.
  auto fk = query_pragma(db, "PRAGMA foreign_keys");
  if (!fk) return fk.error();
  if (*fk != "1") return make_error(Errc::kInternal, "sqlite: foreign keys are not supported");
  return conn;
}

Connection::~Connection() {
  for (auto& [sql, cached] : cache_) sqlite3_finalize(cached.stmt);
  sqlite3_close(db_);
}

Result<Statement> Connection::prepare(std::string_view sql) {
  auto it = cache_.find(sql);
  if (it != cache_.end() && !it->second.in_use) {
    return Statement(it->second.stmt, &it->second.in_use, /*owned=*/false);
  }
  sqlite3_stmt* stmt = nullptr;
  const int rc = sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()),
                                    SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
  if (rc != SQLITE_OK) {
    sqlite3_finalize(stmt);
    return sqlite_error(db_, rc, "prepare");
  }
  if (it != cache_.end()) return Statement(stmt, nullptr, /*owned=*/true);
  auto [inserted, _] = cache_.emplace(sql, Cached{stmt, false});
  return Statement(stmt, &inserted->second.in_use, /*owned=*/false);
}

Status Connection::exec(const char* sql) {
  const int rc = sqlite3_exec(db_, sql, nullptr, nullptr, nullptr);
  if (rc != SQLITE_OK) return sqlite_error(db_, rc, sql);
  return ok_status();
}

bool Connection::reset_state() {
  if (sqlite3_get_autocommit(db_) == 0) {
    sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
  }
  return sqlite3_get_autocommit(db_) != 0;
}

// --- Transaction ---

Result<Transaction> Transaction::begin(Connection& conn) {
  if (auto st = conn.exec("BEGIN IMMEDIATE"); !st) return st.error();
  return Transaction(&conn);
}

Transaction::Transaction(Transaction&& other) noexcept
    : conn_(std::exchange(other.conn_, nullptr)) {}

Transaction::~Transaction() {
  if (conn_ != nullptr) conn_->reset_state();
}

Status Transaction::commit() {
  auto st = conn_->exec("COMMIT");
  if (st) conn_ = nullptr;
  return st;
}

Result<ReadTransaction> ReadTransaction::begin(Connection& conn) {
  if (auto st = conn.exec("BEGIN"); !st) return st.error();
  return ReadTransaction(&conn);
}

ReadTransaction::ReadTransaction(ReadTransaction&& other) noexcept
    : conn_(std::exchange(other.conn_, nullptr)) {}

ReadTransaction::~ReadTransaction() {
  if (conn_ == nullptr) return;
  if (!conn_->exec("COMMIT")) conn_->reset_state();
}

}  // namespace gatehouse::store::sqlite
