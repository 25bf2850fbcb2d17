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

// The user `id` (row, roles and tenants) inside the caller's transaction or snapshot, for
// the stores that read a user together with something else (SessionStore::get_with_user);
// kUserNotFound when there is none. Defined with the user store.
Result<User> load_user_by_id(Connection& c, std::string_view id);

// The other stores are written once for both engines: store/sql/shared_stores.h.
std::unique_ptr<UserStore> make_user_store(Pool pool);
std::unique_ptr<SessionStore> make_session_store(Pool pool);

}  // namespace gatehouse::store::sqlite
