// Internal: initialises libsodium once before its first use (sodium_init is required
// before randombytes_* and crypto_pwhash_* and must not race with them).
#pragma once

namespace gatehouse::crypto::detail {

void ensure_sodium();

}  // namespace gatehouse::crypto::detail
