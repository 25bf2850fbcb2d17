// JwtStatus: one value per reason a JWT or JWKS is rejected, so callers and tests can
// name the exact failure (modelled on google/jwt_verify_lib's status.h). The jose
// functions return it; an Error about a token carries it in Error::jwt (result.h), so
// the session SDK reports the exact reason through its one error type.
//
//   jose::Jwt jwt;
//   JwtStatus s = jose::verify_jwt(token, jwks, {.now = now, .expected_issuer = pid}, &jwt);
//   if (s != JwtStatus::kOk) log("rejected: ", jwt_status_name(s));
#pragma once

namespace gatehouse {

enum class JwtStatus {
  kOk,                      // token verified / key set parsed (or: not a token failure)
  kJwtMalformed,            // not three '.'-separated base64url parts, or too long
  kJwtHeaderParseError,     // header is not a JSON object, repeats a name, kid is not a
                            // string, or has "crit"
  kJwtHeaderBadAlg,         // alg missing, "none", HS*, or otherwise unsupported
  kJwtHeaderNoKid,          // header carries no (non-empty) kid
  kJwtPayloadParseError,    // payload is not a JSON object, or repeats a name
  kJwtSignatureParseError,  // signature part is empty or not canonical base64url
  kJwtMissingClaim,         // exp/iat/iss/sub absent or of the wrong type (also a bad nbf)
  kJwtExpired,              // exp <= now - leeway
  kJwtNotYetValid,          // nbf or iat > now + leeway
  kJwtWrongIssuer,          // iss does not name the expected project
  kJwtVerificationFail,     // signature does not verify with the key named by kid
  kJwtWrongTokenKind,       // drn is not what the caller asked for (session vs refresh);
                            // checked by the SDK, not by verify_jwt
  kJwtRevoked,              // verifies, but its sign-in was ended (logout, deactivation);
                            // known to the SDK only through SessionClient::Options::revoked
  kJwksKidNotFound,         // no key in the set has the token's kid
  kJwksAlgMismatch,         // the key's alg differs from the token's alg
  kJwksParseError,          // key set is not JSON or has no "keys" array
  kJwksNoKeys,              // key set holds no usable key
  kJwksFetchFail,           // key set could not be obtained (SDK key sources)
};

// Stable identifier, e.g. "JwtExpired"; for logs and test output.
const char* jwt_status_name(JwtStatus s);

// Short lower-case phrase that reads after "<kind> token", e.g. "expired".
const char* jwt_status_message(JwtStatus s);

}  // namespace gatehouse
