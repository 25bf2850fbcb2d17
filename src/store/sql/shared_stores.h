// The stores written once for both engines (see README.md), added to an engine's Stores.
// Call it where the engine's query.h is included: the templates find its functions there.
#pragma once

#include <memory>
#include <string_view>

#include "store/sql/access_store.h"
#include "store/sql/audit_store.h"
#include "store/sql/dialect.h"
#include "store/sql/flow_store.h"
#include "store/sql/meta_store.h"
#include "store/sql/mgmt_key_store.h"
#include "store/sql/one_time_store.h"
#include "store/sql/rate_limit_store.h"
#include "store/sql/session_store.h"
#include "store/sql/signing_key_store.h"
#include "store/sql/totp_store.h"
#include "store/sql/user_store.h"
#include "store/sql/webauthn_store.h"
#include "store/stores.h"

namespace gatehouse::store::sql {

// Fills every store of `stores` on `pool` but the engine's status.
template <class Pool>
void add_shared_stores(Stores& stores, const Pool& pool, const Dialect& dialect) {
  stores.meta = std::make_unique<SqlMetaStore<Pool>>(pool);
  stores.mgmt_keys = std::make_unique<SqlMgmtKeyStore<Pool>>(pool);
  stores.rate_limits = std::make_unique<SqlRateLimitStore<Pool>>(pool);
  stores.one_time = std::make_unique<SqlOneTimeStore<Pool>>(pool, dialect.one_time_select_by_hash);
  stores.totp = std::make_unique<SqlTotpStore<Pool>>(pool);
  stores.webauthn = std::make_unique<SqlWebAuthnStore<Pool>>(pool);
  stores.flows = std::make_unique<SqlFlowStore<Pool>>(pool);
  stores.audit = std::make_unique<SqlAuditStore<Pool>>(pool, dialect.json_list);
  stores.signing_keys = std::make_unique<SqlSigningKeyStore<Pool>>(pool);
  stores.access = std::make_unique<SqlAccessStore<Pool>>(pool, dialect.role_permissions);
  stores.users = std::make_unique<SqlUserStore<Pool>>(pool, dialect);
  stores.sessions = std::make_unique<SqlSessionStore<Pool>>(pool, dialect);
}

}  // namespace gatehouse::store::sql
