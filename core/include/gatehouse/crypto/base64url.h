// Base64url (RFC 4648 §5) without padding, as used by JOSE and for random tokens.
//
// Decoding is strict so that every byte string has exactly one textual form: it rejects
// '=' padding, characters outside [A-Za-z0-9_-], a length of 1 mod 4, and non-zero
// unused bits in the last character.
//
//   std::string s = gatehouse::crypto::base64url_encode("hi");      // "aGk"
//   std::optional<std::string> b = gatehouse::crypto::base64url_decode(s);  // "hi"
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace gatehouse::crypto {

std::string base64url_encode(std::string_view bytes);

// nullopt on any non-canonical input (see above).
std::optional<std::string> base64url_decode(std::string_view text);

}  // namespace gatehouse::crypto
