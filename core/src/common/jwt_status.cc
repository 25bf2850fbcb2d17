#include "gatehouse/jwt_status.h"

namespace gatehouse {

const char* jwt_status_name(JwtStatus s) {
  switch (s) {
    case JwtStatus::kOk:
      return "Ok";
    case JwtStatus::kJwtMalformed:
      return "JwtMalformed";
    case JwtStatus::kJwtHeaderParseError:
      return "JwtHeaderParseError";
    case JwtStatus::kJwtHeaderBadAlg:
      return "JwtHeaderBadAlg";
    case JwtStatus::kJwtHeaderNoKid:
      return "JwtHeaderNoKid";
    case JwtStatus::kJwtPayloadParseError:
      return "JwtPayloadParseError";
    case JwtStatus::kJwtSignatureParseError:
      return "JwtSignatureParseError";
    case JwtStatus::kJwtMissingClaim:
      return "JwtMissingClaim";
    case JwtStatus::kJwtExpired:
      return "JwtExpired";
    case JwtStatus::kJwtNotYetValid:
      return "JwtNotYetValid";
    case JwtStatus::kJwtWrongIssuer:
      return "JwtWrongIssuer";
    case JwtStatus::kJwtVerificationFail:
      return "JwtVerificationFail";
    case JwtStatus::kJwtWrongTokenKind:
      return "JwtWrongTokenKind";
    case JwtStatus::kJwksKidNotFound:
      return "JwksKidNotFound";
    case JwtStatus::kJwksAlgMismatch:
      return "JwksAlgMismatch";
    case JwtStatus::kJwksParseError:
      return "JwksParseError";
    case JwtStatus::kJwksNoKeys:
      return "JwksNoKeys";
    case JwtStatus::kJwksFetchFail:
      return "JwksFetchFail";
    case JwtStatus::kJwtRevoked:
      return "JwtRevoked";
  }
  return "Unknown";
}

const char* jwt_status_message(JwtStatus s) {
  switch (s) {
    case JwtStatus::kOk:
      return "valid";
    case JwtStatus::kJwtMalformed:
      return "malformed";
    case JwtStatus::kJwtHeaderParseError:
      return "has an unreadable header";
    case JwtStatus::kJwtHeaderBadAlg:
      return "uses an unsupported algorithm";
    case JwtStatus::kJwtHeaderNoKid:
      return "has no key id";
    case JwtStatus::kJwtPayloadParseError:
      return "has an unreadable payload";
    case JwtStatus::kJwtSignatureParseError:
      return "has an unreadable signature";
    case JwtStatus::kJwtMissingClaim:
      return "lacks a required claim";
    case JwtStatus::kJwtExpired:
      return "expired";
    case JwtStatus::kJwtNotYetValid:
      return "not yet valid";
    case JwtStatus::kJwtWrongIssuer:
      return "issued for another project";
    case JwtStatus::kJwtVerificationFail:
      return "signature does not verify";
    case JwtStatus::kJwtWrongTokenKind:
      return "is of the wrong kind";
    case JwtStatus::kJwksKidNotFound:
      return "signed with an unknown key";
    case JwtStatus::kJwksAlgMismatch:
      return "algorithm does not match its key";
    case JwtStatus::kJwksParseError:
      return "cannot be checked: key set unreadable";
    case JwtStatus::kJwksNoKeys:
      return "cannot be checked: key set empty";
    case JwtStatus::kJwksFetchFail:
      return "cannot be checked: keys unavailable";
    case JwtStatus::kJwtRevoked:
      return "revoked";
  }
  return "invalid";
}

}  // namespace gatehouse
