#include "gatehouse/crypto/random.h"

#include <sodium.h>

#include <stdexcept>

#include "crypto/sodium_init.h"
#include "gatehouse/crypto/base64url.h"

namespace gatehouse::crypto {

namespace detail {

void ensure_sodium() {
  // A function-local static is initialised exactly once even under concurrent first calls.
  static const bool ok = sodium_init() >= 0;
  if (!ok) throw std::runtime_error("libsodium initialisation failed");
}

}  // namespace detail

std::string random_bytes(size_t n) {
  detail::ensure_sodium();
  std::string out(n, '\0');
  randombytes_buf(out.data(), n);
  return out;
}

std::string random_token(size_t n_bytes) { return base64url_encode(random_bytes(n_bytes)); }

std::string random_id(char prefix) {
  static constexpr char kChars[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  // Bytes >= 248 (= 4 * 62) are rejected so that `byte % 62` is exactly uniform.
  constexpr unsigned kLimit = 248;
  std::string out(1, prefix);
  while (out.size() < kRandomIdLength + 1) {
    std::string buf = random_bytes(2 * kRandomIdLength);
    for (char c : buf) {
      unsigned b = static_cast<unsigned char>(c);
      if (b >= kLimit) continue;
      out += kChars[b % 62];
      if (out.size() == kRandomIdLength + 1) break;
    }
  }
  return out;
}

}  // namespace gatehouse::crypto
