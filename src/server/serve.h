#pragma once
#include <string>
#include <vector>

namespace gatehouse::server {
// `gatehouse serve`: returns the process exit code.
int serve_main(const std::vector<std::string>& args);
}  // namespace gatehouse::server
