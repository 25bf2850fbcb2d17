#include "gatehouse/crypto/digest.h"

#include <sodium.h>

#include "crypto/sodium_init.h"

namespace gatehouse::crypto {

std::string sha256(std::string_view data) {
  detail::ensure_sodium();
  std::string out(crypto_hash_sha256_BYTES, '\0');
  crypto_hash_sha256(reinterpret_cast<unsigned char*>(out.data()),
                     reinterpret_cast<const unsigned char*>(data.data()), data.size());
  return out;
}

std::string sha256_hex(std::string_view data) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string raw = sha256(data);
  std::string out;
  out.reserve(raw.size() * 2);
  for (char c : raw) {
    auto b = static_cast<unsigned char>(c);
    out += kHex[b >> 4];
    out += kHex[b & 15];
  }
  return out;
}

bool constant_time_equal(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  if (a.empty()) return true;
  detail::ensure_sodium();
  return sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace gatehouse::crypto
