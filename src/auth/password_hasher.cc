#include "auth/password_hasher.h"

#include <algorithm>

#include "gatehouse/crypto/password.h"
#include "gatehouse/crypto/random.h"

namespace gatehouse::auth {

class PasswordHasher::Slot {
 public:
  explicit Slot(PasswordHasher& h) : h_(h) {
    h_.waiting_.fetch_add(1, std::memory_order_relaxed);
    h_.slots_.acquire();
    h_.waiting_.fetch_sub(1, std::memory_order_relaxed);
    h_.hashing_.fetch_add(1, std::memory_order_relaxed);
  }
  ~Slot() {
    h_.hashing_.fetch_sub(1, std::memory_order_relaxed);
    h_.slots_.release();
  }
  Slot(const Slot&) = delete;
  Slot& operator=(const Slot&) = delete;

 private:
  PasswordHasher& h_;
};

PasswordHasher::PasswordHasher(const AuthConfig& config, int concurrency, Backend backend)
    : config_(config),
      concurrency_(std::clamp(concurrency, 1, kMaxConcurrency)),
      backend_(std::move(backend)),
      slots_(concurrency_) {
  if (!backend_.hash) backend_.hash = crypto::hash_password;
  if (!backend_.verify) backend_.verify = crypto::verify_password;
}

Result<std::string> PasswordHasher::hash_new(std::string_view password,
                                             const PasswordOwner& owner) {
  if (auto st = crypto::check_password(password, config_.password_policy); !st) return st.error();
  if (auto st = check_strength(password, owner); !st) return st.error();
  Slot slot(*this);
  return backend_.hash(password, config_.argon2);
}

bool PasswordHasher::verify(std::string_view encoded, std::string_view password) {
  Slot slot(*this);
  if (encoded.empty()) {
    (void)backend_.verify(dummy_hash(), password);
    return false;
  }
  return backend_.verify(encoded, password);
}

std::optional<std::string> PasswordHasher::rehash_if_needed(std::string_view encoded,
                                                            std::string_view password) {
  if (!crypto::needs_rehash(encoded, config_.argon2)) return std::nullopt;
  Slot slot(*this);
  auto fresh = backend_.hash(password, config_.argon2);
  if (!fresh) return std::nullopt;
  return std::move(*fresh);
}

const std::string& PasswordHasher::dummy_hash() {
  // Called with a slot held, so the one-time hash is bounded like any other.
  std::call_once(dummy_once_, [this] {
    auto h = backend_.hash(crypto::random_token(24), config_.argon2);
    // Without a dummy the unknown-account path would be fast; the default-parameter
    // hash is the closest stand-in (hashing only fails when memory is exhausted).
    dummy_ = h ? std::move(*h) : crypto::dummy_password_hash();
  });
  return dummy_;
}

}  // namespace gatehouse::auth
