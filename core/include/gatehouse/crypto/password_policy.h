// PasswordPolicy: which passwords sign-up and password change accept, and its JSON form
// in Descope's shape (GET /v1/auth/password/policy).
//
//   gatehouse::crypto::PasswordPolicy policy{.min_length = 10, .number = true};
//   gatehouse::Status s = gatehouse::crypto::check_password("short", policy);
//   // !s, s.error().message == "Password must be at least 10 characters long"
#pragma once

#include <boost/json/object.hpp>

#include <string_view>

#include "gatehouse/result.h"

namespace gatehouse::crypto {

// Upper bound in code points; keeps hashing cost and storage bounded.
inline constexpr int kMaxPasswordLength = 128;
// NIST SP 800-63B floor; validate() rejects configurations below it.
inline constexpr int kMinPasswordLengthFloor = 8;

struct PasswordPolicy {
  int min_length = kMinPasswordLengthFloor;
  bool lowercase = false;         // needs an ASCII a-z
  bool uppercase = false;         // needs an ASCII A-Z
  bool number = false;            // needs an ASCII 0-9
  bool non_alphanumeric = false;  // needs anything else (punctuation, space, any non-ASCII)

  // {"minLength", "lowercase", "uppercase", "number", "nonAlphanumeric"}
  boost::json::object to_json() const;
};

// kInvalidArgument when min_length is below 8 or above kMaxPasswordLength.
Status validate(const PasswordPolicy& policy);

// kInvalidArgument with a message fit to show the user, naming the first rule broken:
// invalid UTF-8, too short/long (counted in code points), then the character classes.
Status check_password(std::string_view pw, const PasswordPolicy& policy);

}  // namespace gatehouse::crypto
