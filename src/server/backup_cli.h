// `gatehouse backup FILE` and `gatehouse restore FILE [--force]` (docs/operations.md), and
// the lock that tells a restore a server is running on the data directory.
#pragma once

#include <string>
#include <vector>

#include "gatehouse/result.h"

namespace gatehouse::server {

// In the data directory: `serve` holds a shared flock on it while it runs (several servers
// may share a directory); `restore` and `migrate` take it exclusively, so neither runs over
// the other.
inline constexpr const char* kServeLockFile = "serve.lock";

// Takes the shared lock for `serve`; the descriptor stays open (and locked) until exit.
// kUnavailable while a restore holds the directory.
Status hold_serve_lock(const std::string& data_dir);

// Takes the lock exclusively, for a command no server may run under (migrate, key rekey):
// the open descriptor, which holds it until closed. kUnavailable ("a server is running on
// DIR; stop it first") while a server or a restore holds the directory.
Result<int> lock_out_servers(const std::string& data_dir);

int backup_main(const std::vector<std::string>& args);
int restore_main(const std::vector<std::string>& args);

}  // namespace gatehouse::server
