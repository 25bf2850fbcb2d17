#include "gatehouse/result.h"

namespace gatehouse {

const char* errc_name(Errc c) {
  switch (c) {
    case Errc::kBadRequest:
      return "bad_request";
    case Errc::kInvalidArgument:
      return "invalid_argument";
    case Errc::kInvalidCredentials:
      return "invalid_credentials";
    case Errc::kInvalidToken:
      return "invalid_token";
    case Errc::kTokenRevoked:
      return "token_revoked";
    case Errc::kUserExists:
      return "user_exists";
    case Errc::kUserNotFound:
      return "user_not_found";
    case Errc::kUserDisabled:
      return "user_disabled";
    case Errc::kPasswordExpired:
      return "password_expired";
    case Errc::kInvalidCode:
      return "invalid_code";
    case Errc::kMfaRequired:
      return "mfa_required";
    case Errc::kEmailNotVerified:
      return "email_not_verified";
    case Errc::kNotFound:
      return "not_found";
    case Errc::kMethodNotAllowed:
      return "method_not_allowed";
    case Errc::kConflict:
      return "conflict";
    case Errc::kForbidden:
      return "forbidden";
    case Errc::kPayloadTooLarge:
      return "payload_too_large";
    case Errc::kRateLimited:
      return "rate_limited";
    case Errc::kCodeInvalid:
      return "code_invalid";
    case Errc::kCodeExpired:
      return "code_expired";
    case Errc::kTooManyAttempts:
      return "too_many_attempts";
    case Errc::kLinkInvalid:
      return "link_invalid";
    case Errc::kDeliveryFailed:
      return "delivery_failed";
    case Errc::kFlowExpired:
      return "flow_expired";
    case Errc::kFlowStepUsed:
      return "flow_step_used";
    case Errc::kUnavailable:
      return "unavailable";
    case Errc::kInternal:
      return "internal";
  }
  return "unknown";
}

}  // namespace gatehouse
