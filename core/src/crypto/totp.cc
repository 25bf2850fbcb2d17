#include "gatehouse/crypto/totp.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <array>

#include "gatehouse/crypto/digest.h"

namespace gatehouse::crypto {

int64_t totp_step(int64_t unix_time) {
  int64_t step = unix_time / kTotpStepSeconds;
  if (unix_time % kTotpStepSeconds < 0) --step;
  return step;
}

std::string hotp_code(std::string_view key, uint64_t counter, int digits) {
  std::array<unsigned char, 8> message{};
  for (int i = 7; i >= 0; --i) {
    message[static_cast<size_t>(i)] = static_cast<unsigned char>(counter & 0xff);
    counter >>= 8;
  }
  std::array<unsigned char, EVP_MAX_MD_SIZE> mac{};
  unsigned int mac_len = 0;
  // A zero-length key is a valid HMAC key; OpenSSL wants a non-null pointer for it.
  static constexpr unsigned char kEmpty = 0;
  const void* key_data = key.empty() ? &kEmpty : static_cast<const void*>(key.data());
  if (HMAC(EVP_sha1(), key_data, static_cast<int>(key.size()), message.data(), message.size(),
           mac.data(), &mac_len) == nullptr ||
      mac_len != 20) {
    return {};  // only when OpenSSL itself fails; an empty code never matches
  }
  // Dynamic truncation (RFC 4226 §5.3).
  const unsigned offset = mac[19] & 0x0f;
  uint32_t binary = (static_cast<uint32_t>(mac[offset] & 0x7f) << 24) |
                    (static_cast<uint32_t>(mac[offset + 1]) << 16) |
                    (static_cast<uint32_t>(mac[offset + 2]) << 8) |
                    static_cast<uint32_t>(mac[offset + 3]);
  if (digits < 1) digits = 1;
  if (digits > 9) digits = 9;
  uint32_t modulus = 1;
  for (int i = 0; i < digits; ++i) modulus *= 10;
  std::string code = std::to_string(binary % modulus);
  return std::string(static_cast<size_t>(digits) - code.size(), '0') + code;
}

std::string totp_code(std::string_view key, int64_t unix_time, int digits) {
  return hotp_code(key, static_cast<uint64_t>(totp_step(unix_time)), digits);
}

std::optional<int64_t> totp_match(std::string_view key, std::string_view code, int64_t now,
                                  int window, int digits) {
  bool well_formed = code.size() == static_cast<size_t>(digits);
  for (char c : code) well_formed = well_formed && c >= '0' && c <= '9';
  // A malformed code is still compared against every candidate (against a dummy of the
  // right length) so it costs the same as a wrong one.
  const std::string presented = well_formed ? std::string(code) : std::string(digits, 'x');
  const int64_t current = totp_step(now);
  std::optional<int64_t> matched;
  for (int64_t step = current - window; step <= current + window; ++step) {
    if (step < 0) continue;
    const bool equal =
        constant_time_equal(hotp_code(key, static_cast<uint64_t>(step), digits), presented);
    if (equal && well_formed && !matched) matched = step;
  }
  return matched;
}

}  // namespace gatehouse::crypto
