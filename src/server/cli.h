#pragma once
#include <string>
#include <vector>

namespace gatehouse::server {
// `gatehouse user …`, `role …`, `mgmt-key …` and `key …`: returns the process exit code
// (0 ok, 1 rejected input or failure, 2 usage error).
int cli_main(const std::string& noun, const std::vector<std::string>& args);
}  // namespace gatehouse::server
