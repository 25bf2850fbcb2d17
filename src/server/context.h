// Context: the objects every subcommand shares — configuration, store, keys,
// project id and domain services — built once from a Config.
#pragma once

#include <memory>
#include <string>

#include "auth/audit.h"
#include "auth/config.h"
#include "auth/directory.h"
#include "auth/hash_processes.h"
#include "auth/key_ring.h"
#include "auth/management.h"
#include "auth/mgmt_keys.h"
#include "auth/password_hasher.h"
#include "auth/password_strategy.h"
#include "auth/session_service.h"
#include "gatehouse/clock.h"
#include "gatehouse/result.h"
#include "server/config.h"
#include "store/store.h"

namespace gatehouse::server {

struct Context {
  Config config;
  auth::AuthConfig auth;
  Clock clock = system_clock();
  std::unique_ptr<store::Store> store;
  std::shared_ptr<auth::KeyRing> keys;
  std::unique_ptr<auth::HashProcesses> hash_helpers;  // config.hash_in == "processes"
  std::unique_ptr<auth::PasswordHasher> hasher;
  std::unique_ptr<auth::Audit> audit;
  std::unique_ptr<auth::Directory> directory;
  std::unique_ptr<auth::SessionService> sessions;
  std::unique_ptr<auth::PasswordStrategy> passwords;
  std::unique_ptr<auth::Management> management;
  std::unique_ptr<auth::MgmtKeys> mgmt_keys;
};

// Creates the data directory (0700) if needed, opens the store, resolves the
// project id, loads or creates the signing key and seeds the default roles.
Result<std::unique_ptr<Context>> open_context(Config config);

}  // namespace gatehouse::server
