#include "gatehouse/crypto/password_policy.h"

#include <cstdint>
#include <optional>
#include <string>

namespace gatehouse::crypto {
namespace {

// Number of code points in well-formed UTF-8 (no overlongs, surrogates or values past
// U+10FFFF); nullopt otherwise.
std::optional<int> utf8_length(std::string_view s) {
  int count = 0;
  size_t i = 0;
  while (i < s.size()) {
    auto b = static_cast<unsigned char>(s[i]);
    size_t n;
    uint32_t cp;
    if (b < 0x80) {
      n = 1, cp = b;
    } else if ((b & 0xE0) == 0xC0) {
      n = 2, cp = b & 0x1F;
    } else if ((b & 0xF0) == 0xE0) {
      n = 3, cp = b & 0x0F;
    } else if ((b & 0xF8) == 0xF0) {
      n = 4, cp = b & 0x07;
    } else {
      return std::nullopt;
    }
    if (i + n > s.size()) return std::nullopt;
    for (size_t k = 1; k < n; ++k) {
      auto c = static_cast<unsigned char>(s[i + k]);
      if ((c & 0xC0) != 0x80) return std::nullopt;
      cp = cp << 6 | (c & 0x3F);
    }
    static constexpr uint32_t kMinForLength[] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < kMinForLength[n] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
      return std::nullopt;
    }
    i += n;
    ++count;
  }
  return count;
}

Error policy_error(std::string message) {
  return make_error(Errc::kInvalidArgument, std::move(message));
}

}  // namespace

boost::json::object PasswordPolicy::to_json() const {
  return {{"minLength", min_length},
          {"lowercase", lowercase},
          {"uppercase", uppercase},
          {"number", number},
          {"nonAlphanumeric", non_alphanumeric}};
}

Status validate(const PasswordPolicy& policy) {
  if (policy.min_length < kMinPasswordLengthFloor || policy.min_length > kMaxPasswordLength) {
    return policy_error("password policy minLength must be between " +
                        std::to_string(kMinPasswordLengthFloor) + " and " +
                        std::to_string(kMaxPasswordLength));
  }
  return ok_status();
}

Status check_password(std::string_view pw, const PasswordPolicy& policy) {
  std::optional<int> length = utf8_length(pw);
  if (!length) return policy_error("Password must be valid UTF-8 text");
  if (*length < policy.min_length) {
    return policy_error("Password must be at least " + std::to_string(policy.min_length) +
                        " characters long");
  }
  if (*length > kMaxPasswordLength) {
    return policy_error("Password must be at most " + std::to_string(kMaxPasswordLength) +
                        " characters long");
  }
  bool lower = false, upper = false, digit = false, other = false;
  for (char c : pw) {
    if (c >= 'a' && c <= 'z') {
      lower = true;
    } else if (c >= 'A' && c <= 'Z') {
      upper = true;
    } else if (c >= '0' && c <= '9') {
      digit = true;
    } else {
      other = true;  // any byte of a non-ASCII code point counts here
    }
  }
  if (policy.lowercase && !lower) return policy_error("Password must contain a lowercase letter");
  if (policy.uppercase && !upper) return policy_error("Password must contain an uppercase letter");
  if (policy.number && !digit) return policy_error("Password must contain a number");
  if (policy.non_alphanumeric && !other) {
    return policy_error("Password must contain a non-alphanumeric character");
  }
  return ok_status();
}

}  // namespace gatehouse::crypto
