// Audit: records who did what, when and from where (store audit_events).
//
// Recording never fails the operation it describes: a store error is written
// to the log instead. Details are short texts and never carry a secret.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "gatehouse/clock.h"
#include "store/store.h"

namespace gatehouse::auth {

// Where a request came from, passed down from the HTTP layer.
struct Origin {
  std::string ip;
  std::string user_agent;
  std::string actor;  // user id, "mgmt-key:<id>", "cli" or "system"; "" = the subject itself
};

class Audit {
 public:
  Audit(store::Store& store, Clock clock,
        std::function<void(const std::string&)> on_error = nullptr);

  void record(const Origin& origin, std::string action, bool success, std::string user_id,
              std::string login_id = {}, std::string detail = {});

  // The user's successful sign-ins, newest first (GET /v1/auth/me/history).
  Result<std::vector<store::AuditEvent>> sign_in_history(const std::string& user_id,
                                                         int limit = 100);

 private:
  store::Store& store_;
  Clock clock_;
  std::function<void(const std::string&)> on_error_;
};

}  // namespace gatehouse::auth
