#include "mgmt_fixture.h"

#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cctype>

extern char** environ;

namespace gatehouse::test {

std::string unique_name(const std::string& tag) {
  std::string e = unique_email(tag);
  return e.substr(0, e.find('@'));
}

std::string upper(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

std::string url_encode(const std::string& s) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

std::set<std::string> set_of(const json::value& v) {
  auto s = strings(v);
  return {s.begin(), s.end()};
}

std::map<std::string, std::set<std::string>> user_tenants(const json::object& user) {
  std::map<std::string, std::set<std::string>> out;
  for (const auto& t : user.at("userTenants").as_array()) {
    out[str(t.at("tenantId"))] = set_of(t.at("roleNames"));
  }
  return out;
}

std::map<std::string, std::set<std::string>> claim_tenants(const std::string& session_jwt) {
  std::map<std::string, std::set<std::string>> out;
  auto claims = jwt_payload(session_jwt);
  for (const auto& [id, t] : claims.at("tenants").as_object()) {
    out[std::string(id)] = set_of(t.at("roles"));
  }
  return out;
}

std::vector<std::string> ids_of(const json::value& users) {
  std::vector<std::string> out;
  for (const auto& u : users.as_array()) out.push_back(str(u.at("userId")));
  return out;
}

const json::object* find_by(const json::value& array, const char* key, const std::string& value) {
  for (const auto& v : array.as_array()) {
    if (v.is_object() && v.as_object().contains(key) && str(v.at(key)) == value)
      return &v.as_object();
  }
  return nullptr;
}

::testing::AssertionResult IsDescopeError(const HttpResponse& r, int status,
                                          const std::string& code) {
  auto fail = [&]() {
    return ::testing::AssertionFailure()
           << "HTTP " << r.status << " " << r.body << r.transport_error << "\n  ";
  };
  if (r.status != status) return fail() << "expected status " << status;
  if (r.header("content-type").rfind("application/json", 0) != 0) {
    return fail() << "content-type is '" << r.header("content-type") << "'";
  }
  if (!r.json || !r.json->is_object()) return fail() << "body is not a JSON object";
  const auto& o = r.obj();
  static const std::regex kCode("E[0-9]{6}");
  if (!o.contains("errorCode") || !o.at("errorCode").is_string() ||
      !std::regex_match(std::string(o.at("errorCode").as_string()), kCode)) {
    return fail() << "errorCode is missing or not E+6 digits";
  }
  if (!o.contains("errorDescription") || !o.at("errorDescription").is_string() ||
      o.at("errorDescription").as_string().empty()) {
    return fail() << "errorDescription is missing or empty";
  }
  if (o.contains("errorMessage") && !o.at("errorMessage").is_string())
    return fail() << "errorMessage is not a string";
  if (!code.empty() && str(o.at("errorCode")) != code)
    return fail() << "expected errorCode " << code;
  return ::testing::AssertionSuccess();
}

std::string message_of(const HttpResponse& r) {
  return r.json && r.obj().contains("errorMessage") ? str(r.obj().at("errorMessage")) : "";
}

int run_program(const std::vector<std::string>& argv) {
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  pid_t child = 0;
  if (::posix_spawn(&child, args[0], nullptr, nullptr, args.data(), environ) != 0) return -1;
  int status = 0;
  if (::waitpid(child, &status, 0) != child) return -1;
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

}  // namespace gatehouse::test
