// Jwt: a compact JWS split into its parts and decoded, without checking the signature.
// Use verify_jwt (verify.h) to accept a token; parse_jwt alone is for tools and logging.
//
//   jose::Jwt jwt;
//   if (jose::parse_jwt(token, &jwt) == JwtStatus::kOk) log(jwt.kid, jwt.sub);
#pragma once

#include <boost/json/object.hpp>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "gatehouse/jwt_status.h"

namespace gatehouse::jose {

// Tokens longer than this are kJwtMalformed: they arrive in headers and are decoded before
// anything is known about them.
inline constexpr size_t kMaxJwtSize = 32 * 1024;

struct Jwt {
  boost::json::object header;
  boost::json::object payload;
  std::string alg;  // header alg, always a supported one
  std::string kid;  // header kid, never empty
  std::string iss;
  std::string sub;
  int64_t iat = 0;
  int64_t exp = 0;
  int64_t nbf = 0;            // 0 when absent
  std::string raw;            // the token as given
  std::string signing_input;  // "<header>.<payload>" as given (what was signed)
  std::string signature;      // decoded signature bytes
};

// Checks in order: three parts within kMaxJwtSize (kJwtMalformed), header JSON object
// without repeated member names (kJwtHeaderParseError; "crit" is refused since no
// extension is understood), alg supported (kJwtHeaderBadAlg), kid (kJwtHeaderNoKid),
// payload JSON object without repeated names at any depth (kJwtPayloadParseError),
// exp/iat/iss/sub present with the right types, nbf numeric if present
// (kJwtMissingClaim), signature canonical base64url (kJwtSignatureParseError).
// Header fields such as jku/x5u/jwk are ignored: keys come only from the caller's Jwks.
// *out is written only on kOk.
JwtStatus parse_jwt(std::string_view token, Jwt* out);

}  // namespace gatehouse::jose
