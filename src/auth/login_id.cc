#include "auth/login_id.h"

#include <cctype>

namespace gatehouse::auth {

bool looks_like_email(std::string_view s) {
  auto at = s.find('@');
  return at != std::string_view::npos && at > 0 && at + 1 < s.size() &&
         s.find('@', at + 1) == std::string_view::npos;
}

Result<std::string> normalize_login_id(std::string_view raw) {
  while (!raw.empty() && std::isspace(static_cast<unsigned char>(raw.front())))
    raw.remove_prefix(1);
  while (!raw.empty() && std::isspace(static_cast<unsigned char>(raw.back()))) raw.remove_suffix(1);
  if (raw.empty()) return make_error(Errc::kInvalidArgument, "The loginId field is required");
  if (raw.size() > 254) return make_error(Errc::kInvalidArgument, "The loginId is too long");
  for (unsigned char c : raw) {
    if (c < 0x20 || c == 0x7f) {
      return make_error(Errc::kInvalidArgument, "The loginId contains control characters");
    }
  }
  std::string out(raw);
  if (looks_like_email(out)) {
    for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return out;
}

bool looks_like_user_id(std::string_view s) {
  if (s.size() != 28 || (s[0] != 'U' && s[0] != 'u')) return false;
  for (unsigned char c : s.substr(1)) {
    if (!std::isalnum(c)) return false;
  }
  return true;
}

Result<std::string> new_login_id(std::string_view raw) {
  auto id = normalize_login_id(raw);
  if (!id) return id;
  if (looks_like_user_id(*id)) {
    return make_error(Errc::kInvalidArgument,
                      "The loginId must not look like a user id (U followed by 27 letters or "
                      "digits)");
  }
  return id;
}

}  // namespace gatehouse::auth
