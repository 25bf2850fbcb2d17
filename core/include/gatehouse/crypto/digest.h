// SHA-256 and constant-time comparison, for secrets stored as hashes (refresh tokens,
// OTP codes, management keys) and compared without timing leaks.
//
//   std::string stored = gatehouse::crypto::sha256_hex(token);
//   if (gatehouse::crypto::constant_time_equal(stored, gatehouse::crypto::sha256_hex(presented)))
//   ...
#pragma once

#include <string>
#include <string_view>

namespace gatehouse::crypto {

// Raw 32-byte digest.
std::string sha256(std::string_view data);

// Lower-case hex of the digest (64 chars).
std::string sha256_hex(std::string_view data);

// True iff a == b. The time taken depends only on the lengths, never on the content;
// inputs of different length return false at once (lengths are not secret here: callers
// compare fixed-size digests).
bool constant_time_equal(std::string_view a, std::string_view b);

}  // namespace gatehouse::crypto
