// Jwks: a set of public verification keys parsed from JWKS JSON ({"keys":[…]}), as served
// by GET /v2/keys/{projectId}.
//
// Each key's "alg" is required and is the only algorithm that key verifies: a token whose
// header alg differs is rejected (kJwksAlgMismatch). "kid" is an opaque lookup string,
// matched exactly. Supported: RSA (RS256/384/512, PS256/384/512; 2048..8192-bit moduli)
// and EC (ES256/P-256, ES384/P-384, ES512/P-521). Keys that are unusable (other kty,
// unsupported alg, missing kid/alg, use other than "sig", malformed numbers, weak RSA) are
// skipped, as Descope's Python SDK does, so one odd key never disables the rest.
//
//   jose::Jwks jwks;
//   if (jose::parse_jwks(body, &jwks) != JwtStatus::kOk) return;
//   const jose::Jwk* key = jwks.find("K1a2b3");
#pragma once

#include <openssl/types.h>
#include <boost/json/value.hpp>

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "gatehouse/jwt_status.h"

namespace gatehouse::jose {

// True for the JWS algorithms this library verifies (never "none" or HS*).
bool is_supported_alg(std::string_view alg);

struct Jwk {
  std::string kid;
  std::string alg;  // the one JWS alg this key verifies
  std::string kty;  // "RSA" or "EC"
  // Immutable public key; OpenSSL allows concurrent verification with one EVP_PKEY.
  std::shared_ptr<EVP_PKEY> key;
};

struct Jwks {
  std::vector<Jwk> keys;

  // First key with exactly this kid, or nullptr.
  const Jwk* find(std::string_view kid) const;
};

// kJwksParseError when json is not an object with a "keys" array; kJwksNoKeys when no
// usable key remains. On kOk, *out holds the usable keys (duplicate kids: first wins).
JwtStatus parse_jwks(const boost::json::value& json, Jwks* out);
JwtStatus parse_jwks(std::string_view json_text, Jwks* out);

}  // namespace gatehouse::jose
