// Login ids: trimmed, bounded, printable; emails lower-cased so that
// "Ann@Example.com" and "ann@example.com" are one account.
#pragma once

#include <string>
#include <string_view>

#include "gatehouse/result.h"

namespace gatehouse::auth {

Result<std::string> normalize_login_id(std::string_view raw);
bool looks_like_email(std::string_view s);

// True for the shape of a user id ("U" + 27 letters/digits), in any letter case: login
// ids compare case-insensitively, so "u…" would match "U…" too.
bool looks_like_user_id(std::string_view s);

// A login id a new or renamed account may take: a normalised one that cannot shadow a
// user id (management look-ups accept either; kInvalidArgument otherwise).
Result<std::string> new_login_id(std::string_view raw);

}  // namespace gatehouse::auth
