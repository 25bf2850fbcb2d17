#include "auth/revocations.h"

#include <iostream>

#include <boost/json.hpp>

namespace gatehouse::auth {

namespace {

// Clock skew tolerated by validators (the SDK's default leeway) plus a margin.
constexpr int64_t kSkew = 30;
// The log is pruned at most this often, of entries a day past the horizon.
constexpr int64_t kPruneEvery = 3600;

void default_on_error(const std::string& m) {
  boost::json::object line{{"level", "error"}, {"msg", "revocation sync failed"}, {"what", m}};
  std::cerr << boost::json::serialize(line) << "\n";
}

}  // namespace

Revocations::Revocations(store::SessionStore& store, const AuthConfig& config, Clock clock,
                         std::function<void(const std::string&)> on_error)
    : store_(store),
      config_(config),
      clock_(std::move(clock)),
      on_error_(on_error ? std::move(on_error) : default_on_error),
      snapshot_(std::make_shared<const Snapshot>()) {}

Revocations::~Revocations() {
  {
    std::lock_guard lock(poll_mu_);
    stopping_ = true;
  }
  poll_cv_.notify_all();
  if (poller_.joinable()) poller_.join();
}

int64_t Revocations::horizon() const { return clock_() - config_.session_ttl - kSkew; }

Status Revocations::end_sign_in(const std::string& family_id) {
  if (auto st = store_.revoke_family(family_id, clock_()); !st) return st;
  return sync();
}

Status Revocations::end_user(const std::string& user_id, const std::string& keep_family) {
  if (auto st = store_.revoke_user(user_id, clock_(), keep_family); !st) return st;
  return sync();
}

bool Revocations::ended(std::string_view family_id) const {
  auto snap = snapshot_.load();
  if (snap->families.empty()) return false;
  auto it = snap->families.find(family_id);
  return it != snap->families.end() && it->second >= horizon();
}

Status Revocations::sync() {
  std::lock_guard lock(sync_mu_);
  auto current = snapshot_.load();
  const int64_t not_before = horizon();
  auto fresh = store_.revocations(current->seq, not_before);
  if (!fresh) return fresh.error();
  bool stale = false;
  for (const auto& [id, at] : current->families) stale = stale || at < not_before;
  if (fresh->empty() && !stale) return ok_status();
  auto next = std::make_shared<Snapshot>();
  next->seq = fresh->empty() ? current->seq : fresh->back().seq;
  for (const auto& [id, at] : current->families) {
    if (at >= not_before) next->families.emplace(id, at);
  }
  for (const auto& r : *fresh) next->families[r.family_id] = r.at;
  snapshot_.store(std::move(next));
  const int64_t now = clock_();
  if (now - last_prune_ >= kPruneEvery) {
    last_prune_ = now;
    if (auto st = store_.prune_revocations(not_before - 86400); !st) return st;
  }
  return ok_status();
}

void Revocations::start_polling(std::chrono::milliseconds interval) {
  if (poller_.joinable()) return;
  poller_ = std::thread([this, interval] {
    std::unique_lock lock(poll_mu_);
    while (!poll_cv_.wait_for(lock, interval, [this] { return stopping_; })) {
      lock.unlock();
      if (auto st = sync(); !st) on_error_(st.error().message);
      lock.lock();
    }
  });
}

}  // namespace gatehouse::auth
