// gatehouse::Error and gatehouse::Result<T>: errors are values.
//
// Every domain and storage function that can fail returns a Result<T>: either a
// value or an Error carrying one named Errc and a human-readable message (and, for a
// rejected token, the exact JwtStatus). In the server, the one place that turns an
// Errc into an HTTP status and Descope's error JSON is src/api/errors.h; nothing else
// decides status codes.
//
//   gatehouse::Result<User> r = store.get_user_by_login_id("a@b.c");
//   if (!r) return r.error();
//   use(*r);
#pragma once

#include <cassert>
#include <cstdint>
#include <string>
#include <utility>
#include <variant>

#include "gatehouse/jwt_status.h"

namespace gatehouse {

// One value per failure a caller may need to tell apart.
enum class Errc {
  kBadRequest,          // malformed request (bad JSON, wrong types)
  kInvalidArgument,     // well-formed but invalid field value (missing loginId, weak password)
  kInvalidCredentials,  // unknown login id or wrong password (same answer for both)
  kInvalidToken,        // token missing, malformed, bad signature, expired, wrong kind
  kTokenRevoked,        // refresh token revoked (logout, rotation window passed, reuse)
  kUserExists,          // login id already taken
  kUserNotFound,        // user lookup failed where the caller may know (management)
  kUserDisabled,        // account disabled
  kPasswordExpired,     // the password must be replaced before signing in
  kInvalidCode,         // wrong one-time code (TOTP), or an unknown login id (same answer)
  kMfaRequired,         // first factor right; a second factor is due (Error::mfa_ticket)
  kEmailNotVerified,    // password right, but the email must be verified first (required mode)
  kNotFound,            // unknown resource or route
  kMethodNotAllowed,    // known route, other method
  kConflict,            // other uniqueness violation (role exists, …)
  kForbidden,           // authenticated but not allowed
  kPayloadTooLarge,     // body over the configured limit
  kRateLimited,         // too many attempts
  kCodeInvalid,         // a one-time code that is wrong, used, replaced or never sent
  kCodeExpired,         // a one-time code past its life
  kTooManyAttempts,     // a one-time code killed by too many wrong tries
  kLinkInvalid,         // a magic-link token that is unknown, used or expired
  kDeliveryFailed,      // a message (mail) could not be sent
  kFlowExpired,         // a flow execution that is unknown, expired or finished
  kFlowStepUsed,        // a flow step answered twice (replayed or double-submitted)
  kUnavailable,         // storage busy/unreachable
  kInternal,            // broken invariant; details are logged, not returned
};

const char* errc_name(Errc c);

struct Error {
  Errc code;
  std::string message;
  // For a token that failed verification (kInvalidToken, and kUnavailable when its keys
  // could not be fetched): which check failed. kOk for every other error.
  JwtStatus jwt = JwtStatus::kOk;
  // For kRateLimited: seconds until a retry can succeed (HTTP Retry-After); 0 = unknown.
  int64_t retry_after = 0;
  // For kMfaRequired: the ticket that carries this sign-in to its second factor.
  std::string mfa_ticket;
};

inline Error make_error(Errc c, std::string message) { return Error{c, std::move(message)}; }

template <class T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}      // NOLINT(google-explicit-constructor)
  Result(Error error) : v_(std::move(error)) {}  // NOLINT(google-explicit-constructor)

  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }

  T& value() & {
    assert(ok());
    return std::get<0>(v_);
  }
  const T& value() const& {
    assert(ok());
    return std::get<0>(v_);
  }
  T&& value() && {
    assert(ok());
    return std::get<0>(std::move(v_));
  }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T&& operator*() && { return std::move(*this).value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

  const Error& error() const {
    assert(!ok());
    return std::get<1>(v_);
  }
  Errc code() const { return error().code; }

 private:
  std::variant<T, Error> v_;
};

// Result<void>: success carries nothing.
struct Unit {};
using Status = Result<Unit>;
inline Status ok_status() { return Unit{}; }

}  // namespace gatehouse
