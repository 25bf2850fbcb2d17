#include "auth/password_strength.h"

#include <crack.h>
#include <cstddef>  // crack.h uses size_t without including it

#include <algorithm>
#include <cctype>
#include <mutex>
#include <vector>

namespace gatehouse::auth {

namespace {

// cracklib keeps static state between calls: one check at a time.
std::mutex& cracklib_mutex() {
  static std::mutex mu;
  return mu;
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// The parts of the owner's identity a password must not contain: the login id, the
// email's local part and each word of the name, lower-cased, 3 characters or longer.
std::vector<std::string> owner_words(const PasswordOwner& o) {
  std::vector<std::string> words;
  auto add = [&](std::string_view w) {
    if (w.size() >= 3) words.push_back(lower(w));
  };
  add(o.login_id);
  for (const std::string* email : {&o.email, &o.login_id}) {
    if (auto at = email->find('@'); at != std::string::npos) add(email->substr(0, at));
  }
  std::string word;
  for (char c : o.name + " ") {
    if (std::isalnum(static_cast<unsigned char>(c)) || (c & 0x80)) {
      word += c;
    } else {
      add(word);
      word.clear();
    }
  }
  return words;
}

}  // namespace

Status check_strength(std::string_view password, const PasswordOwner& owner) {
  const std::string pw(password);
  const std::string pw_lower = lower(pw);
  for (const auto& w : owner_words(owner)) {
    if (pw_lower.find(w) != std::string::npos) {
      return make_error(Errc::kInvalidArgument,
                        "Password is too weak: it must not contain your login id, email or name");
    }
  }
  const char* problem = nullptr;
  {
    std::lock_guard lock(cracklib_mutex());
    problem = FascistCheckUser(pw.c_str(), GetDefaultCracklibDict(), owner.login_id.c_str(),
                               owner.name.c_str());
  }
  if (problem != nullptr) {
    return make_error(Errc::kInvalidArgument, std::string("Password is too weak: ") + problem);
  }
  return ok_status();
}

Status check_strength_dictionary() {
  std::lock_guard lock(cracklib_mutex());
  char message[256] = {0};
  if (__DEBIAN_SPECIFIC__SafeFascistCheck("Xq7-strength-probe-Zr4", GetDefaultCracklibDict(),
                                          message, sizeof message) == 0) {
    return make_error(Errc::kInternal,
                      std::string("cannot read the cracklib password dictionary (") +
                          GetDefaultCracklibDict() +
                          "): install Debian's cracklib-runtime package");
  }
  return ok_status();
}

}  // namespace gatehouse::auth
