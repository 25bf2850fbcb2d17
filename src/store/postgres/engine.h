// Internal to the PostgreSQL engine: one factory per store interface, all on one shared
// connection pool. open_postgres (postgres_store.h) is the way in from outside.
#pragma once

#include <memory>

#include "store/postgres/connection_pool.h"
#include "store/stores.h"

namespace gatehouse::store::postgres {

using Pool = std::shared_ptr<ConnectionPool>;

// The other stores are written once for both engines: store/sql/shared_stores.h.
std::unique_ptr<SessionStore> make_session_store(Pool pool);

}  // namespace gatehouse::store::postgres
