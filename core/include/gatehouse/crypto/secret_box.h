// Sealing secrets kept at rest (the signing keys' private halves in the store) under a
// 32-byte key-encryption key (KEK): XChaCha20-Poly1305 (libsodium's
// crypto_aead_xchacha20poly1305_ietf), a random 24-byte nonce per seal, and a label bound
// in as associated data, so a sealed value opens only under the label it was sealed for
// (a signing key sealed for one kid cannot be moved to another).
//
//   Result<std::string> kek = crypto::parse_key_encryption_key(file_text);
//   Result<std::string> sealed = crypto::seal_secret(*kek, pem, kid);  // "v1:…"
//   Result<std::string> pem2 = crypto::open_secret(*kek, *sealed, kid);
//
// What is not hidden: the length of the secret, and the label (it is stored beside it).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "gatehouse/result.h"

namespace gatehouse::crypto {

inline constexpr size_t kKeyEncryptionKeyBytes = 32;

// "v1:" + base64url(nonce || ciphertext || tag). kInvalidArgument when `kek` is not 32
// bytes.
Result<std::string> seal_secret(std::string_view kek, std::string_view secret,
                                std::string_view label);

// The secret seal_secret sealed. kInvalidArgument when `sealed` is not of the v1 form, and
// when it does not open: another KEK, another label, or altered bytes (one answer for
// all three: the AEAD cannot tell them apart).
Result<std::string> open_secret(std::string_view kek, std::string_view sealed,
                                std::string_view label);

// A KEK as an operator writes it in a file or an environment variable: exactly 32 raw
// bytes, or (surrounding white space ignored) 64 hex digits, or standard or URL-safe
// base64 of 32 bytes with or without padding. kInvalidArgument otherwise; the message
// never quotes the input.
Result<std::string> parse_key_encryption_key(std::string_view text);

// A new random KEK as 64 lower-case hex digits and a newline (what `openssl rand -hex 32`
// prints), the form the server writes when it makes one.
std::string new_key_encryption_key_text();

}  // namespace gatehouse::crypto
