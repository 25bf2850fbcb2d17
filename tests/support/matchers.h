// GoogleTest printers and matchers for gatehouse::Result, Errc and JwtStatus, shared by
// every C++ suite (unit, store contract, API).
//
//   using ::gatehouse::testing::ErrcIs;
//   using ::gatehouse::testing::IsOk;
//   using ::gatehouse::testing::JwtIs;
//   EXPECT_THAT(store.create_role(role), IsOk());
//   EXPECT_THAT(store.get_user_by_login_id("nobody"), ErrcIs(Errc::kUserNotFound));
//   EXPECT_THAT(client.validate_session(expired), JwtIs(JwtStatus::kJwtExpired));
#pragma once

#include <ostream>
#include <string>

#include <gmock/gmock.h>

#include "gatehouse/jwt_status.h"
#include "gatehouse/result.h"

// gtest finds PrintTo by ADL, so these live next to the types they print.
namespace gatehouse {

// "JwtExpired" instead of a raw enum value.
inline void PrintTo(JwtStatus s, std::ostream* os) { *os << jwt_status_name(s); }

// "ok", or "<Errc>: <message>" plus the failed token check when there is one.
template <class T>
void PrintTo(const Result<T>& r, std::ostream* os) {
  if (r.ok()) {
    *os << "ok";
    return;
  }
  *os << errc_name(r.code()) << ": " << r.error().message;
  if (r.error().jwt != JwtStatus::kOk) *os << " (" << jwt_status_name(r.error().jwt) << ")";
}

}  // namespace gatehouse

namespace gatehouse::testing {

// The token check a Result failed: error().jwt, or JwtStatus::kOk when it succeeded
// (or failed for a reason that is not about the token).
template <class T>
JwtStatus jwt_status_of(const Result<T>& r) {
  return r ? JwtStatus::kOk : r.error().jwt;
}

// The matchers add nothing to the mismatch message: gtest prints the Result itself
// with PrintTo above ("ok", or the Errc, the message and the failed token check).

// The Result succeeded.
MATCHER(IsOk, "is ok") { return arg.ok(); }

// The Result failed with this Errc.
MATCHER_P(ErrcIs, code, std::string("fails with ") + errc_name(code)) {
  return !arg.ok() && arg.code() == code;
}

// jwt_status_of(arg) is this JwtStatus: JwtIs(JwtStatus::kJwtExpired) for a token
// rejected as expired, JwtIs(JwtStatus::kOk) when no token check failed.
MATCHER_P(JwtIs, status, std::string("token check ") + jwt_status_name(status)) {
  return jwt_status_of(arg) == status;
}

}  // namespace gatehouse::testing
