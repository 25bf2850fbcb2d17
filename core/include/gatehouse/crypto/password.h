// Argon2id password hashing (libsodium), with parameters checked against OWASP's floor.
//
// Hashes are libsodium's self-describing encoded strings ("$argon2id$v=19$m=…"), so a
// stored hash keeps verifying after the configured parameters change; needs_rehash tells
// the sign-in path when to upgrade it.
//
//   gatehouse::crypto::Argon2Params params;                 // m = 19 MiB, t = 2 (OWASP minimum)
//   gatehouse::Result<std::string> h = gatehouse::crypto::hash_password("hunter2!", params);
//   bool ok = gatehouse::crypto::verify_password(*h, "hunter2!");
//   if (ok && gatehouse::crypto::needs_rehash(*h, params)) { /* store a fresh hash */ }
//
// Hashing takes tens of milliseconds and 19+ MiB of memory: call it from a worker pool,
// never from an I/O thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "gatehouse/result.h"

namespace gatehouse::crypto {

struct Argon2Params {
  uint64_t ops = 2;                     // iterations (t)
  size_t mem_bytes = 19 * 1024 * 1024;  // memory (m); libsodium fixes parallelism at 1
};

// Longest password accepted by hash_password, in bytes. The policy's code-point limit is
// the user-facing bound; this one only keeps a bogus caller from hashing megabytes.
inline constexpr size_t kMaxPasswordBytes = 1024;

// kInvalidArgument when params are below OWASP's minimum (m = 19 MiB, t = 2) or above
// libsodium's limits. A configuration check: run it at start-up.
Status validate(const Argon2Params& params);

// Encoded Argon2id hash of pw with a fresh random salt. kInvalidArgument for bad params
// or an over-long password, kInternal if the memory cannot be allocated.
Result<std::string> hash_password(std::string_view pw, const Argon2Params& params);

// False for a wrong password and for a malformed or foreign encoded string.
bool verify_password(std::string_view encoded, std::string_view pw);

// True if encoded is not an Argon2id hash made with exactly these params (or malformed).
bool needs_rehash(std::string_view encoded, const Argon2Params& params);

// The parameters an Argon2id hash was made with ("$argon2id$v=19$m=19456,t=2,p=1$…"),
// read from its text without checking them; nullopt when it does not have that shape.
std::optional<Argon2Params> encoded_params(std::string_view encoded);

// Hash of a random password, computed once with default params on first use
// (thread-safe). Verifying against it when the user does not exist makes an unknown
// login id cost the same time as a wrong password.
const std::string& dummy_password_hash();

}  // namespace gatehouse::crypto
