// Base32 (RFC 4648 §6), the alphabet authenticator apps read TOTP secrets in.
//
// Encoding pads with '=' to a multiple of 8 characters as RFC 4648 does; `pad = false`
// leaves the padding off (otpauth:// URIs carry secrets unpadded). Decoding accepts
// upper- or lower-case letters, with or without the padding, and rejects anything else
// (spaces, a length no encoding produces, non-zero unused bits).
//
//   std::string s = gatehouse::crypto::base32_encode("foobar");        // "MZXW6YTBOI======"
//   std::optional<std::string> b = gatehouse::crypto::base32_decode(s);  // "foobar"
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace gatehouse::crypto {

std::string base32_encode(std::string_view bytes, bool pad = true);

// nullopt on input that is not base32 (see above).
std::optional<std::string> base32_decode(std::string_view text);

}  // namespace gatehouse::crypto
