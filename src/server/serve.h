#pragma once
#include <string>
#include <vector>

namespace gatehouse::server {

// In the data directory: the first admin's one-time password, mode 0600, written when
// the admin is created (see README.md).
inline constexpr const char* kFirstAdminPasswordFile = "first-admin-password";

// `gatehouse serve`: returns the process exit code.
int serve_main(const std::vector<std::string>& args);
}  // namespace gatehouse::server
