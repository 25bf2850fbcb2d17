// Password strength: what the length and character-class policy (crypto/password_policy.h)
// cannot see. A new password is refused when Debian's cracklib finds it in its
// dictionary or too simple ("12345678", "password", eight spaces, keyboard runs), or
// when it contains its owner's login id, email name or a word of their name.
// The message names the rule, fit to show the user.
//
//   Status st = check_strength("hunter2!", {.login_id = "ann@example.com", .name = "Ann"});
//   // kInvalidArgument "Password is too weak: it is based on a dictionary word"
#pragma once

#include <string>
#include <string_view>

#include "gatehouse/result.h"

namespace gatehouse::auth {

// Who the password is for; empty fields are not checked.
struct PasswordOwner {
  std::string login_id;
  std::string email;
  std::string name;
};

Status check_strength(std::string_view password, const PasswordOwner& owner);

// kInternal naming the package to install when cracklib's dictionary cannot be read: run
// at start-up, so a server never accepts weak passwords for lack of a file.
Status check_strength_dictionary();

}  // namespace gatehouse::auth
