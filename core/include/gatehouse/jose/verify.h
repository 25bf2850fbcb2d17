// verify_jwt: the one function that decides whether a JWT is accepted. Pure: the key set
// and the current time are parameters, so tests need neither network nor sleeps.
//
//   jose::Jwt jwt;
//   JwtStatus s = jose::verify_jwt(token, jwks,
//                                     {.now = clock(), .expected_issuer = project_id}, &jwt);
//   if (s == JwtStatus::kJwtExpired) ...
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "gatehouse/jose/jwk.h"
#include "gatehouse/jose/jwt.h"
#include "gatehouse/jwt_status.h"

namespace gatehouse::jose {

struct VerifyOptions {
  int64_t now = 0;     // Unix seconds
  int64_t leeway = 5;  // seconds of clock skew tolerated on exp, nbf and iat
  // Project id the token's iss must name (see issuer_names_project). Empty = the issuer
  // is not checked; only pass empty when something else binds the token to a project.
  std::string expected_issuer;
};

// Descope's issuer rule: iss equals project_id, or iss contains '/' and its last or
// second-to-last '/'-separated segment equals project_id ("https://host/P2abc").
bool issuer_names_project(std::string_view iss, std::string_view project_id);

// Checks in order: parse_jwt (structure, alg supported, kid present, required claims) →
// key with that kid in jwks (kJwksKidNotFound) → key alg == token alg (kJwksAlgMismatch)
// → signature (kJwtVerificationFail) → exp (kJwtExpired: exp <= now - leeway) → nbf, iat
// (kJwtNotYetValid: > now + leeway) → issuer (kJwtWrongIssuer). "aud" is not checked.
// *out (optional) is filled whenever parsing succeeded, also on later failures, so the
// caller can log kid/sub of a rejected token; trust its contents only on kOk.
JwtStatus verify_jwt(std::string_view token, const Jwks& jwks, const VerifyOptions& options,
                     Jwt* out);

// Signature check alone, for a key already chosen: true iff signature verifies over data
// with key under alg. False also for an alg the key does not allow.
bool verify_signature(const Jwk& key, std::string_view alg, std::string_view data,
                      std::string_view signature);

}  // namespace gatehouse::jose
