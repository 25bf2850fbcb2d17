// Internal to the SQLite engine: one factory per store interface, all on one shared
// connection pool. open_sqlite (sqlite_store.h) is the way in from outside.
#pragma once

#include <memory>
#include <string_view>

#include "store/sqlite/connection_pool.h"
#include "store/stores.h"

namespace gatehouse::store::sqlite {

using Pool = std::shared_ptr<ConnectionPool>;

class Connection;

// The other stores are written once for both engines: store/sql/shared_stores.h.
std::unique_ptr<SessionStore> make_session_store(Pool pool);

}  // namespace gatehouse::store::sqlite
