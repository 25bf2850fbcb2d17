// Audit: records who did what, when and from where (store::AuditStore), and answers the
// questions the console and the management API ask of the log.
//
// Recording never fails the operation it describes: a store error is written
// to the log instead. Details are short texts and never carry a secret.
//
// With `batched` (the server), record() only queues the event: a flusher thread writes
// the queue in one transaction every `max_delay` or once `max_batch` events wait, so a
// sign-in pays for one audit row among many instead of a transaction of its own (four
// b-tree pages: the table and three indexes). Every read here flushes first, so this
// process always sees its own events; another process sees them within `max_delay`. A
// crash loses at most that much of the log. Without `batched` (tools, tests) record()
// writes at once.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "gatehouse/clock.h"
#include "store/audit_store.h"

namespace gatehouse::auth {

// Where a request came from, passed down from the HTTP layer.
struct Origin {
  std::string ip;
  std::string user_agent;
  std::string actor;  // user id, "mgmt-key:<id>", "cli" or "system"; "" = the subject itself
};

// How Audit::record writes (see above).
struct AuditBatching {
  bool batched = false;
  std::chrono::milliseconds max_delay{100};
  size_t max_batch = 512;
};

class Audit {
 public:
  Audit(store::AuditStore& store, Clock clock,
        std::function<void(const std::string&)> on_error = nullptr, AuditBatching batching = {});
  ~Audit();  // writes what is still queued
  Audit(const Audit&) = delete;
  Audit& operator=(const Audit&) = delete;

  void record(const Origin& origin, std::string action, bool success, std::string user_id,
              std::string login_id = {}, std::string detail = {});

  // Writes every queued event now (a no-op without batching).
  void flush();

  // The user's successful sign-ins, newest first (GET /v1/auth/me/history).
  Result<std::vector<store::AuditEvent>> sign_in_history(const std::string& user_id,
                                                         int limit = 100);

  // Events matching `q`, newest first; the limit is clamped to 1..1000.
  Result<std::vector<store::AuditEvent>> search(store::AuditQuery q);

  // Successful `action` events per UTC day over the last `days` days (clamped to 1..366)
  // up to today, oldest first, days without events included with a count of 0.
  Result<std::vector<store::DayCount>> daily(const std::string& action, int days);

 private:
  void run();

  store::AuditStore& store_;
  Clock clock_;
  std::function<void(const std::string&)> on_error_;
  const AuditBatching batching_;

  std::mutex mu_;  // guards queue_ and stop_
  std::condition_variable wake_;
  std::vector<store::AuditEvent> queue_;
  bool stop_ = false;
  std::mutex write_mu_;  // one batch at a time, so the log keeps the order of record()
  std::thread flusher_;  // last: started once everything above exists
};

}  // namespace gatehouse::auth
