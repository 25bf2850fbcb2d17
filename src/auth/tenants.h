// Tenants: what tenants exist — create (minting an id when none is given), update,
// delete, read. Memberships are Users'. Every change is audited with the caller as
// actor. Blocking: call from a worker thread.
#pragma once

#include <string>
#include <vector>

#include "auth/audit.h"
#include "gatehouse/clock.h"
#include "gatehouse/result.h"
#include "store/access_store.h"

namespace gatehouse::auth {

class Tenants {
 public:
  Tenants(store::AccessStore& access, Audit& audit, Clock clock);

  Result<std::string> create(store::Tenant t, const Origin& origin);  // returns the id
  Status update(const store::Tenant& t, const Origin& origin);
  Status remove(const std::string& id, const Origin& origin);
  Result<store::Tenant> get(const std::string& id);
  Result<std::vector<store::Tenant>> list();

 private:
  store::AccessStore& access_;
  Audit& audit_;
  Clock clock_;
};

}  // namespace gatehouse::auth
