#include "api/errors.h"

#include <boost/json.hpp>

namespace gatehouse::api {

ErrorInfo error_info(Errc c) {
  switch (c) {
    case Errc::kBadRequest:
      return {400, "E011001", "Request is malformed"};
    case Errc::kInvalidArgument:
      return {400, "E011003", "Request is invalid"};
    case Errc::kInvalidCredentials:
      return {401, "E062111", "Invalid credentials"};
    case Errc::kInvalidToken:
      return {401, "E061005", "Invalid token"};
    case Errc::kTokenRevoked:
      return {401, "E064001", "Token revoked"};
    case Errc::kUserExists:
      return {409, "E062107", "User already exists"};
    // Only the management API reveals whether a user exists (sign-in answers
    // kInvalidCredentials), so Descope's management code is used.
    case Errc::kUserNotFound:
      return {404, "E112102", "User not found"};
    case Errc::kUserDisabled:
      return {403, "E062112", "User is disabled"};
    case Errc::kPasswordExpired:
      return {401, "E062909", "Password expired"};
    case Errc::kInvalidCode:
      return {401, "E061102", "Invalid code"};
    // Not a Descope code (Descope leaves MFA to flows): docs/descope-wire.md, "TOTP".
    case Errc::kMfaRequired:
      return {401, "E062801", "Second factor required"};
    // Not a Descope code (Descope enforces verification in flows): docs/descope-wire.md
    // §4.1, "Email verification".
    case Errc::kEmailNotVerified:
      return {403, "E062113", "Email not verified"};
    case Errc::kNotFound:
      return {404, "E011404", "Not found"};
    case Errc::kMethodNotAllowed:
      return {405, "E011405", "Method not allowed"};
    case Errc::kConflict:
      return {409, "E011409", "Already exists"};
    case Errc::kForbidden:
      return {403, "E011403", "Forbidden"};
    case Errc::kPayloadTooLarge:
      return {413, "E011413", "Request is too large"};
    case Errc::kRateLimited:
      return {429, "E130429", "Rate limit exceeded"};
    // One-time codes and links (docs/descope-wire.md §4.2–4.3): Descope's codes.
    case Errc::kCodeInvalid:
      return {401, "E061102", "Invalid one-time code"};
    case Errc::kCodeExpired:
      return {401, "E061104", "One-time code expired"};
    case Errc::kTooManyAttempts:
      return {401, "E061103", "Too many attempts"};
    case Errc::kLinkInvalid:
      return {401, "E063010", "Magic link expired or not found"};
    // The mail server is down or refused the message. 500, not 503: core-js retries a 503
    // on its own, which would mail (and rate-limit) the address again.
    case Errc::kDeliveryFailed:
      return {500, "E011500", "Could not send"};
    // Flows (docs/flows.md): the web component restarts the flow on E103205 when its
    // restartOnError is set; a replayed step is "next step not found" (E102116).
    case Errc::kFlowExpired:
      return {400, "E103205", "Flow execution expired or not found"};
    case Errc::kFlowStepUsed:
      return {400, "E102116", "Flow step already answered"};
    case Errc::kUnavailable:
      return {500, "E011500", "Service busy, try again"};
    case Errc::kInternal:
      return {500, "E011500", "Internal error"};
  }
  return {500, "E011500", "Internal error"};
}

http::Response error_response(const Error& e) {
  auto info = error_info(e.code);
  // Internal details never reach the client; they are logged where they happen.
  std::string message = e.code == Errc::kInternal ? std::string(info.description) : e.message;
  boost::json::object body{{"errorCode", info.code},
                           {"errorDescription", info.description},
                           {"errorMessage", message},
                           {"message", message}};
  if (e.code == Errc::kMfaRequired && !e.mfa_ticket.empty()) body["mfaTicket"] = e.mfa_ticket;
  auto res = http::Response::json(info.status, body);
  if (e.code == Errc::kRateLimited) {
    res.set_header("Retry-After", std::to_string(e.retry_after > 0 ? e.retry_after : 60));
  }
  return res;
}

}  // namespace gatehouse::api
