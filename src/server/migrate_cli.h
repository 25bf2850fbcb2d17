// `gatehouse migrate sqlite-to-postgres --data DIR --database-url postgres://…`
// (docs/postgres.md, "Moving from SQLite"): copies every table of the data directory's
// SQLite database into an empty PostgreSQL database, in one PostgreSQL transaction.
#pragma once

#include <string>
#include <vector>

namespace gatehouse::server {

int migrate_main(const std::vector<std::string>& args);

}  // namespace gatehouse::server
