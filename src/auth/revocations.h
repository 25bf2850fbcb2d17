// Revocations: ends sign-ins and knows, without a store read, which ones were ended.
//
// Ending a sign-in (a refresh-token family) in the store stops its refresh tokens at
// once. Its session JWTs, though, verify until they expire (minutes); to refuse them at
// once too, each session JWT names its family (claim `sid`), the store keeps a log of
// ended families, and every server process holds the recent part of that log in memory:
// its own revocations immediately, other processes' (the CLI, other nodes) within one
// poll. ended() looks up an immutable snapshot (a mutex held only to copy its pointer),
// cheap enough for every protected request.
//
//   revocations.end_user(user.id);                 // deactivated: every sign-in ends
//   if (revocations.ended(sid)) refuse();          // on the request path
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_map>

#include "auth/config.h"
#include "gatehouse/clock.h"
#include "gatehouse/result.h"
#include "gatehouse/snapshot.h"
#include "store/session_store.h"

namespace gatehouse::auth {

class Revocations {
 public:
  // `on_error` hears about failed polls (default: a JSON line on stderr).
  Revocations(store::SessionStore& store, const AuthConfig& config, Clock clock,
              std::function<void(const std::string&)> on_error = nullptr);
  ~Revocations();  // stops polling
  Revocations(const Revocations&) = delete;
  Revocations& operator=(const Revocations&) = delete;

  // Ends one sign-in, or every sign-in of a user but `keep_family` (empty = all).
  Status end_sign_in(const std::string& family_id);
  Status end_user(const std::string& user_id, const std::string& keep_family = "");

  // True when the sign-in `family_id` was ended within the longest session lifetime.
  bool ended(std::string_view family_id) const;

  // Catches up with the store's log (what other processes ended).
  Status sync();
  // Calls sync() every `interval` on a thread of its own until destruction.
  void start_polling(std::chrono::milliseconds interval);

 private:
  struct Hash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  struct Snapshot {
    int64_t seq = 0;
    std::unordered_map<std::string, int64_t, Hash, std::equal_to<>> families;  // id → at
  };
  // How long an entry matters: no session JWT issued before it can be valid longer.
  int64_t horizon() const;

  store::SessionStore& store_;
  const AuthConfig& config_;
  Clock clock_;
  std::function<void(const std::string&)> on_error_;
  std::mutex sync_mu_;  // one sync at a time; readers never take it
  SharedSnapshot<Snapshot> snapshot_;
  int64_t last_prune_ = 0;  // guarded by sync_mu_

  std::mutex poll_mu_;
  std::condition_variable poll_cv_;
  bool stopping_ = false;  // guarded by poll_mu_
  std::thread poller_;
};

}  // namespace gatehouse::auth
