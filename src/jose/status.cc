#include "jose/status.h"

namespace gh::jose {

const char* status_name(Status s) {
  switch (s) {
    case Status::kOk:
      return "Ok";
    case Status::kJwtMalformed:
      return "JwtMalformed";
    case Status::kJwtHeaderParseError:
      return "JwtHeaderParseError";
    case Status::kJwtHeaderBadAlg:
      return "JwtHeaderBadAlg";
    case Status::kJwtHeaderNoKid:
      return "JwtHeaderNoKid";
    case Status::kJwtPayloadParseError:
      return "JwtPayloadParseError";
    case Status::kJwtSignatureParseError:
      return "JwtSignatureParseError";
    case Status::kJwtMissingClaim:
      return "JwtMissingClaim";
    case Status::kJwtExpired:
      return "JwtExpired";
    case Status::kJwtNotYetValid:
      return "JwtNotYetValid";
    case Status::kJwtWrongIssuer:
      return "JwtWrongIssuer";
    case Status::kJwtVerificationFail:
      return "JwtVerificationFail";
    case Status::kJwtWrongTokenKind:
      return "JwtWrongTokenKind";
    case Status::kJwksKidNotFound:
      return "JwksKidNotFound";
    case Status::kJwksAlgMismatch:
      return "JwksAlgMismatch";
    case Status::kJwksParseError:
      return "JwksParseError";
    case Status::kJwksNoKeys:
      return "JwksNoKeys";
    case Status::kJwksFetchFail:
      return "JwksFetchFail";
  }
  return "Unknown";
}

const char* status_message(Status s) {
  switch (s) {
    case Status::kOk:
      return "valid";
    case Status::kJwtMalformed:
      return "malformed";
    case Status::kJwtHeaderParseError:
      return "has an unreadable header";
    case Status::kJwtHeaderBadAlg:
      return "uses an unsupported algorithm";
    case Status::kJwtHeaderNoKid:
      return "has no key id";
    case Status::kJwtPayloadParseError:
      return "has an unreadable payload";
    case Status::kJwtSignatureParseError:
      return "has an unreadable signature";
    case Status::kJwtMissingClaim:
      return "lacks a required claim";
    case Status::kJwtExpired:
      return "expired";
    case Status::kJwtNotYetValid:
      return "not yet valid";
    case Status::kJwtWrongIssuer:
      return "issued for another project";
    case Status::kJwtVerificationFail:
      return "signature does not verify";
    case Status::kJwtWrongTokenKind:
      return "is of the wrong kind";
    case Status::kJwksKidNotFound:
      return "signed with an unknown key";
    case Status::kJwksAlgMismatch:
      return "algorithm does not match its key";
    case Status::kJwksParseError:
      return "cannot be checked: key set unreadable";
    case Status::kJwksNoKeys:
      return "cannot be checked: key set empty";
    case Status::kJwksFetchFail:
      return "cannot be checked: keys unavailable";
  }
  return "invalid";
}

}  // namespace gh::jose
