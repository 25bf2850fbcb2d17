// Audit: records who did what, when and from where (store::AuditStore), and answers the
// questions the console and the management API ask of the log.
//
// Recording never fails the operation it describes: a store error is written
// to the log instead. Details are short texts and never carry a secret.
#pragma once

#include <functional>
#include <string>
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

class Audit {
 public:
  Audit(store::AuditStore& store, Clock clock,
        std::function<void(const std::string&)> on_error = nullptr);

  void record(const Origin& origin, std::string action, bool success, std::string user_id,
              std::string login_id = {}, std::string detail = {});

  // The user's successful sign-ins, newest first (GET /v1/auth/me/history).
  Result<std::vector<store::AuditEvent>> sign_in_history(const std::string& user_id,
                                                         int limit = 100);

  // Events matching `q`, newest first; the limit is clamped to 1..1000.
  Result<std::vector<store::AuditEvent>> search(store::AuditQuery q);

  // Successful `action` events per UTC day over the last `days` days (clamped to 1..366)
  // up to today, oldest first, days without events included with a count of 0.
  Result<std::vector<store::DayCount>> daily(const std::string& action, int days);

 private:
  store::AuditStore& store_;
  Clock clock_;
  std::function<void(const std::string&)> on_error_;
};

}  // namespace gatehouse::auth
