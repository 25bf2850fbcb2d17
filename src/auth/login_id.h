// Login ids: trimmed, bounded, printable; emails lower-cased so that
// "Ann@Example.com" and "ann@example.com" are one account.
#pragma once

#include <string>
#include <string_view>

#include "gatehouse/result.h"

namespace gatehouse::auth {

Result<std::string> normalize_login_id(std::string_view raw);
bool looks_like_email(std::string_view s);

}  // namespace gatehouse::auth
