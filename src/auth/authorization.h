// Authorization: who may do what, decided in one place.
//
//   - The management API (and the admin console that calls it) accepts two
//     credentials: a management key (`gh_<id>_<secret>`, see mgmt_keys.h) or the
//     session JWT of a signed-in user who holds the `admin` role *now* — roles are
//     re-read from the store, so a session minted before the role was removed is not
//     enough, nor is a disabled or deleted admin's.
//   - A signed-in user changes only their own account.
//
// Blocking (store reads): call from a worker thread.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include <gatehouse/session.h>

#include "auth/audit.h"
#include "auth/mgmt_keys.h"
#include "gatehouse/result.h"
#include "store/model.h"
#include "store/user_store.h"

namespace gatehouse::auth {

class Authorizer {
 public:
  Authorizer(MgmtKeys& keys, store::UserStore& users,
             std::shared_ptr<const gatehouse::SessionClient> sessions, Audit& audit);

  // The caller of a management request, from the token part of its bearer: `origin` with
  // the actor filled in ("mgmt-key:<id>" or the admin's user id). kInvalidToken for a
  // missing, malformed, unknown, revoked or expired credential; kForbidden for a valid
  // session without the admin role. Uses of a management key are audited with `what`
  // (e.g. "POST /v1/mgmt/user/create").
  Result<Origin> management_caller(std::string_view credential, Origin origin,
                                   std::string_view what);

 private:
  MgmtKeys& keys_;
  store::UserStore& users_;
  std::shared_ptr<const gatehouse::SessionClient> sessions_;
  Audit& audit_;
};

// kForbidden unless `login_id` (as a client sent it) names `self`.
Status require_own_account(const store::User& self, std::string_view login_id);

}  // namespace gatehouse::auth
