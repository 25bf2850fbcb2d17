// MgmtKeys: management API keys — created by the CLI, checked on every
// /v1/mgmt call (`Authorization: Bearer <projectId>:<managementKey>`).
//
// A key reads `gh_<id>_<secret>`: the id finds the record, the whole key is
// compared by SHA-256 hash in constant time. The key is shown once, at
// creation; only its hash is stored.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "auth/audit.h"
#include "gatehouse/clock.h"
#include "gatehouse/result.h"
#include "store/mgmt_key_store.h"

namespace gatehouse::auth {

struct CreatedKey {
  store::MgmtKey record;
  std::string key;  // the only time the clear key exists
};

class MgmtKeys {
 public:
  MgmtKeys(store::MgmtKeyStore& store, Audit& audit, Clock clock);

  // expires_in_days 0 = never.
  Result<CreatedKey> create(const std::string& name, int expires_in_days);
  Result<std::vector<store::MgmtKey>> list();
  Status revoke(const std::string& id);
  // The key's record if `key` is live; kInvalidToken for anything else
  // (malformed, unknown, wrong secret, expired, revoked).
  Result<store::MgmtKey> authenticate(std::string_view key);

 private:
  store::MgmtKeyStore& store_;
  Audit& audit_;
  Clock clock_;
};

}  // namespace gatehouse::auth
