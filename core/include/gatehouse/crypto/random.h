// Cryptographically secure random bytes, tokens and ids (libsodium's CSPRNG).
//
// Use random_token for secrets handed to clients (refresh-token ids, magic-link tokens),
// random_id for public identifiers in Descope's shape.
//
//   std::string t = gatehouse::crypto::random_token(32);  // 43 base64url chars
//   std::string p = gatehouse::crypto::random_id('P');    // "P" + 27 chars of [A-Za-z0-9]
#pragma once

#include <cstddef>
#include <string>

namespace gatehouse::crypto {

// Length of the random part of random_id; with the prefix ids are 28 chars like Descope's.
inline constexpr size_t kRandomIdLength = 27;

std::string random_bytes(size_t n);

// base64url (no padding) of n_bytes random bytes.
std::string random_token(size_t n_bytes);

// prefix + kRandomIdLength characters drawn uniformly from [A-Za-z0-9].
std::string random_id(char prefix);

}  // namespace gatehouse::crypto
