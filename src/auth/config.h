// AuthConfig: the rules of sign-in and sessions, filled from the server
// configuration (flags > environment > defaults) and shared by every strategy.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "gatehouse/crypto/password.h"
#include "gatehouse/crypto/password_policy.h"
#include "gatehouse/result.h"

namespace gatehouse::auth {

struct AuthConfig {
  std::string project_id;
  int64_t session_ttl = 600;             // seconds; Descope-style short sessions
  int64_t refresh_ttl = 28 * 24 * 3600;  // 4 weeks
  int64_t refresh_grace = 10;            // a replaced refresh token keeps working this long
  crypto::PasswordPolicy password_policy;
  crypto::Argon2Params argon2;
  std::vector<std::string> default_roles;  // given on sign-up
  // Passwordless sign-in (otp_strategy.h, magic_link_strategy.h).
  std::string product_name = "Gatehouse";  // in the subject and text of every mail
  int64_t otp_ttl = 300;                   // seconds a mailed code lives
  int64_t otp_max_attempts = 5;            // wrong tries that kill a code
  int64_t magic_link_ttl = 600;            // seconds a mailed link lives
  // --email-verification required: a password sign-up mails a code and gets no session, and
  // password sign-in (and replace) of an account whose email is not verified is refused
  // (kEmailNotVerified) until an email code or link proves the address.
  bool email_verification_required = false;
  // Origins (scheme://host[:port], normalised) a magic link may point into.
  std::vector<std::string> redirect_origins;
};

}  // namespace gatehouse::auth
