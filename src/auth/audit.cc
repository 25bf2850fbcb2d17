#include "auth/audit.h"

#include <algorithm>
#include <iostream>

#include <boost/json.hpp>

namespace gatehouse::auth {

Audit::Audit(store::AuditStore& store, Clock clock,
             std::function<void(const std::string&)> on_error, AuditBatching batching)
    : store_(store), clock_(std::move(clock)), on_error_(std::move(on_error)), batching_(batching) {
  if (!on_error_) {
    on_error_ = [](const std::string& m) {
      boost::json::object line{{"level", "error"}, {"msg", "audit write failed"}, {"what", m}};
      std::cerr << boost::json::serialize(line) << "\n";
    };
  }
  if (batching_.batched) flusher_ = std::thread([this] { run(); });
}

Audit::~Audit() {
  if (flusher_.joinable()) {
    {
      std::lock_guard lock(mu_);
      stop_ = true;
    }
    wake_.notify_one();
    flusher_.join();
  }
  flush();
}

void Audit::run() {
  std::unique_lock lock(mu_);
  while (true) {
    // Asleep while nothing waits; then up to max_delay for a full batch.
    wake_.wait(lock, [this] { return stop_ || !queue_.empty(); });
    if (stop_) return;  // the destructor flushes the rest
    wake_.wait_for(lock, batching_.max_delay,
                   [this] { return stop_ || queue_.size() >= batching_.max_batch; });
    lock.unlock();
    flush();
    lock.lock();
  }
}

void Audit::flush() {
  std::lock_guard writing(write_mu_);
  std::vector<store::AuditEvent> batch;
  {
    std::lock_guard lock(mu_);
    batch.swap(queue_);
  }
  if (batch.empty()) return;
  if (auto st = store_.insert_all(batch); !st) {
    on_error_(st.error().message + " (" + std::to_string(batch.size()) + " events)");
  }
}

void Audit::record(const Origin& origin, std::string action, bool success, std::string user_id,
                   std::string login_id, std::string detail) {
  store::AuditEvent e;
  e.at = clock_();
  e.action = std::move(action);
  e.result = success ? "success" : "failure";
  e.actor = origin.actor.empty() ? user_id : origin.actor;
  e.user_id = std::move(user_id);
  e.login_id = std::move(login_id);
  e.ip = origin.ip;
  e.user_agent = origin.user_agent.substr(0, 256);
  e.detail = std::move(detail);
  if (batching_.batched) {
    bool wake = false;
    {
      std::lock_guard lock(mu_);
      queue_.push_back(std::move(e));
      wake = queue_.size() == 1 || queue_.size() >= batching_.max_batch;
    }
    if (wake) wake_.notify_one();
    return;
  }
  if (auto r = store_.insert(e); !r) on_error_(r.error().message);
}

Result<std::vector<store::AuditEvent>> Audit::sign_in_history(const std::string& user_id,
                                                              int limit) {
  flush();
  store::AuditQuery q;
  q.actions = {"user.signin", "user.signup"};
  q.user_ids = {user_id};
  // Filtered in the store, so failed tries never crowd sign-ins out of the limit.
  q.results = {"success"};
  q.limit = limit;
  return store_.search(q);
}

Result<std::vector<store::AuditEvent>> Audit::search(store::AuditQuery q) {
  flush();
  q.limit = std::clamp(q.limit, 1, 1000);
  return store_.search(q);
}

Result<std::vector<store::DayCount>> Audit::daily(const std::string& action, int days) {
  flush();
  constexpr int64_t kDay = 86400;
  days = std::clamp(days, 1, 366);
  const int64_t now = clock_();
  const int64_t today = now - now % kDay;
  const int64_t from = today - int64_t{days - 1} * kDay;
  auto counts = store_.count_by_day(action, from, today + kDay);
  if (!counts) return counts.error();
  std::vector<store::DayCount> out;
  size_t i = 0;
  for (int64_t day = from; day <= today; day += kDay) {
    int64_t n = 0;
    if (i < counts->size() && (*counts)[i].day == day) n = (*counts)[i++].count;
    out.push_back({day, n});
  }
  return out;
}

}  // namespace gatehouse::auth
