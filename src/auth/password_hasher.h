// PasswordHasher: every Argon2id computation of the server — sign-up, sign-in,
// the unknown-account dummy, rehash, password changes — goes through one object,
// so at most `concurrency` of them run at once. Each holds the configured memory
// (19 MiB by default) for tens of milliseconds; the bound keeps a sign-in flood
// from multiplying that by the number of requests in flight.
//
// Callers are worker threads; with more workers than slots (--workers above
// --hash-concurrency, e.g. for a slow database) the extra workers serve other
// requests or wait for a slot, and Argon2id memory stays bounded.
//
//   PasswordHasher hasher(config, /*concurrency=*/2);
//   auto stored = hasher.hash_new("correct horse battery");  // policy, then Argon2id
//   bool ok = hasher.verify(*stored, "correct horse battery");
#pragma once

#include <atomic>
#include <functional>
#include <mutex>
#include <optional>
#include <semaphore>
#include <string>
#include <string_view>

#include "auth/config.h"
#include "auth/password_strength.h"
#include "gatehouse/result.h"

namespace gatehouse::auth {

class PasswordHasher {
 public:
  // The Argon2id calls themselves; tests substitute them to observe the bound.
  struct Backend {
    std::function<Result<std::string>(std::string_view pw, const crypto::Argon2Params&)> hash;
    std::function<bool(std::string_view encoded, std::string_view pw)> verify;
  };
  static constexpr int kMaxConcurrency = 256;

  // `concurrency` is clamped to 1..kMaxConcurrency. A default Backend is libsodium.
  PasswordHasher(const AuthConfig& config, int concurrency, Backend backend = {});

  // A new password as it will be stored: checked against the policy and for strength
  // (password_strength.h; a readable kInvalidArgument), then hashed.
  Result<std::string> hash_new(std::string_view password, const PasswordOwner& owner = {});

  // True if `password` matches `encoded`. An empty `encoded` (no such account, or no
  // password set) verifies against a dummy hash, so it takes as long, and is false.
  bool verify(std::string_view encoded, std::string_view password);

  // After a successful verify: a fresh hash with the configured parameters when
  // `encoded` was made with other ones, else nullopt.
  std::optional<std::string> rehash_if_needed(std::string_view encoded, std::string_view password);

  int concurrency() const { return concurrency_; }
  // Callers waiting for a slot, and hashes running now (GET /metrics).
  int queued() const { return waiting_.load(std::memory_order_relaxed); }
  int in_progress() const { return hashing_.load(std::memory_order_relaxed); }

 private:
  // Holds one hashing slot for its lifetime.
  class Slot;
  // Hash of a random password with the configured parameters, made on first use:
  // an unknown account then costs exactly what a wrong password costs.
  const std::string& dummy_hash();

  const AuthConfig& config_;
  int concurrency_;
  Backend backend_;
  std::counting_semaphore<kMaxConcurrency> slots_;
  std::atomic<int> waiting_{0};
  std::atomic<int> hashing_{0};
  std::once_flag dummy_once_;
  std::string dummy_;
};

}  // namespace gatehouse::auth
