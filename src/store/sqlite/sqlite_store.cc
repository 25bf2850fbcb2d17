#include "store/sqlite/sqlite_store.h"

#include "store/sqlite/connection.h"
#include "store/sqlite/connection_pool.h"
#include "store/sqlite/engine.h"
#include "store/sqlite/migrations.h"

namespace gatehouse::store {

Result<Stores> open_sqlite(const std::string& path) {
  if (path.empty() || path == ":memory:") {
    return make_error(Errc::kInvalidArgument,
                      "sqlite store needs a file path (in-memory databases are not shared "
                      "between connections)");
  }
  auto first = sqlite::Connection::open(path);
  if (!first) return first.error();
  if (auto st = sqlite::apply_migrations((*first)->db(), sqlite::embedded_migrations()); !st) {
    return st.error();
  }
  auto pool =
      std::make_shared<sqlite::ConnectionPool>(path, sqlite::kMaxConnections, std::move(*first));
  Stores stores;
  stores.meta = sqlite::make_meta_store(pool);
  stores.users = sqlite::make_user_store(pool);
  stores.sessions = sqlite::make_session_store(pool);
  stores.access = sqlite::make_access_store(pool);
  stores.mgmt_keys = sqlite::make_mgmt_key_store(pool);
  stores.audit = sqlite::make_audit_store(pool);
  stores.rate_limits = sqlite::make_rate_limit_store(pool);
  stores.signing_keys = sqlite::make_signing_key_store(pool);
  stores.one_time = sqlite::make_one_time_store(pool);
  stores.totp = sqlite::make_totp_store(pool);
  stores.webauthn = sqlite::make_webauthn_store(pool);
  stores.flows = sqlite::make_flow_store(pool);
  return stores;
}

}  // namespace gatehouse::store
