#include "server/migrate_cli.h"

#include <fcntl.h>
#include <sqlite3.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <iostream>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "auth/key_ring.h"
#include "server/backup_cli.h"
#include "server/config.h"
#include "server/key_encryption.h"
#include "server/lazy_libs.h"
#include "store/postgres/connection.h"
#include "store/postgres/migrations.h"
#include "store/postgres/query.h"
#include "store/sqlite/connection.h"
#include "store/sqlite/migrations.h"
#include "store/sqlite/sqlite_store.h"

namespace gatehouse::server {

namespace {

namespace pg = store::postgres;
namespace lite = store::sqlite;

constexpr const char* kUsage =
    "usage: gatehouse migrate sqlite-to-postgres --data DIR --database-url postgres://…";

int fail(const std::string& message, int code = 1) {
  std::cerr << "gatehouse migrate: " << message << "\n";
  return code;
}

// Both engines keep their own migration history; it is not data.
bool is_copied_table(const std::string& name) {
  return name != "schema_migrations" && !name.starts_with("sqlite_");
}

std::string quoted(const std::string& name) { return "\"" + name + "\""; }

// A prepared SQLite statement, finalized on scope exit.
struct LiteStatement {
  sqlite3_stmt* stmt = nullptr;
  ~LiteStatement() { sqlite3_finalize(stmt); }
};

Result<std::unique_ptr<LiteStatement>> lite_prepare(sqlite3* db, const std::string& sql) {
  auto s = std::make_unique<LiteStatement>();
  int rc = sqlite3_prepare_v2(db, sql.c_str(), -1, &s->stmt, nullptr);
  if (rc != SQLITE_OK) return lite::sqlite_error(db, rc, "SQLite: " + sql);
  return s;
}

Result<std::vector<std::string>> lite_strings(sqlite3* db, const std::string& sql, int col) {
  auto s = lite_prepare(db, sql);
  if (!s) return s.error();
  std::vector<std::string> out;
  int rc;
  while ((rc = sqlite3_step((*s)->stmt)) == SQLITE_ROW) {
    const unsigned char* t = sqlite3_column_text((*s)->stmt, col);
    out.emplace_back(t ? reinterpret_cast<const char*>(t) : "");
  }
  if (rc != SQLITE_DONE) return lite::sqlite_error(db, rc, "SQLite: " + sql);
  return out;
}

struct PgColumn {
  std::string name;
  std::string type;  // information_schema data_type: bigint, text, bytea, boolean, …
  bool serial = false;
};

struct Table {
  std::string name;
  std::vector<PgColumn> columns;     // PostgreSQL's, in its order
  std::vector<std::string> sources;  // the SQLite expression each column is read from
};

// Tables in an order where every foreign key points to a table copied before it.
Result<std::vector<std::string>> copy_order(pg::Connection& c, std::set<std::string> tables) {
  auto edges =
      pg::all(c,
              "SELECT t.relname, f.relname FROM pg_constraint k "
              "JOIN pg_class t ON t.oid = k.conrelid JOIN pg_class f ON f.oid = k.confrelid "
              "JOIN pg_namespace n ON n.oid = t.relnamespace "
              "WHERE k.contype = 'f' AND n.nspname = current_schema()",
              "read foreign keys",
              [](const pg::Statement& s) { return std::pair(s.column_text(0), s.column_text(1)); });
  if (!edges) return edges.error();
  std::vector<std::string> order;
  while (!tables.empty()) {
    bool progressed = false;
    for (auto it = tables.begin(); it != tables.end();) {
      const bool ready = std::none_of(edges->begin(), edges->end(), [&](const auto& e) {
        return e.first == *it && e.second != *it && tables.count(e.second) > 0;
      });
      if (ready) {
        order.push_back(*it);
        it = tables.erase(it);
        progressed = true;
      } else {
        ++it;
      }
    }
    if (!progressed) {
      return make_error(Errc::kInternal, "the PostgreSQL schema's foreign keys form a cycle");
    }
  }
  return order;
}

// Matches the two schemas table by table, column by column (by name). A table or column
// on one side only stops the migration: it would otherwise be lost or left empty.
Result<std::vector<Table>> match_schemas(sqlite3* db, pg::Connection& c) {
  auto lite_tables = lite_strings(db, "SELECT name FROM sqlite_master WHERE type = 'table'", 0);
  if (!lite_tables) return lite_tables.error();
  auto pg_tables = pg::all(c,
                           "SELECT table_name FROM information_schema.tables "
                           "WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'",
                           "list tables", pg::first_text);
  if (!pg_tables) return pg_tables.error();
  std::set<std::string> lite_set, pg_set;
  for (auto& t : *lite_tables) {
    if (is_copied_table(t)) lite_set.insert(t);
  }
  for (auto& t : *pg_tables) {
    if (is_copied_table(t)) pg_set.insert(t);
  }
  for (const auto& t : lite_set) {
    if (!pg_set.count(t)) {
      return make_error(Errc::kInternal, "table " + t +
                                             " exists in SQLite but not in PostgreSQL (is this "
                                             "gatehouse older than the one that wrote the data?)");
    }
  }
  for (const auto& t : pg_set) {
    if (!lite_set.count(t)) {
      return make_error(Errc::kInternal, "table " + t + " exists in PostgreSQL but not in SQLite");
    }
  }
  auto order = copy_order(c, pg_set);
  if (!order) return order.error();

  std::vector<Table> out;
  for (const auto& name : *order) {
    Table t{name, {}, {}};
    auto cols = pg::all(
        c,
        "SELECT column_name, data_type, coalesce(column_default, '') LIKE 'nextval(%' "
        "FROM information_schema.columns WHERE table_schema = current_schema() "
        "AND table_name = ? ORDER BY ordinal_position",
        "list columns",
        [](const pg::Statement& s) {
          return PgColumn{s.column_text(0), s.column_text(1), s.column_bool(2)};
        },
        name);
    if (!cols) return cols.error();
    t.columns = std::move(*cols);
    auto lite_cols = lite_strings(db, "PRAGMA table_info(" + quoted(name) + ")", 1);
    if (!lite_cols) return lite_cols.error();
    std::set<std::string> lite_names(lite_cols->begin(), lite_cols->end());
    std::set<std::string> pg_names;
    for (const auto& col : t.columns) {
      pg_names.insert(col.name);
      if (lite_names.count(col.name)) {
        t.sources.push_back(quoted(col.name));
      } else if (col.name == "rowid" && col.serial) {
        // The explicit rowid PostgreSQL keeps where SQLite orders by its implicit one.
        if (!lite_prepare(db, "SELECT rowid FROM " + quoted(name))) {
          return make_error(Errc::kInternal, "column " + name +
                                                 ".rowid exists in PostgreSQL but SQLite's table "
                                                 "has no rowid");
        }
        t.sources.push_back("rowid");
      } else {
        return make_error(Errc::kInternal,
                          "column " + name + "." + col.name + " exists in PostgreSQL only");
      }
    }
    for (const auto& col : lite_names) {
      if (!pg_names.count(col)) {
        return make_error(Errc::kInternal, "column " + name + "." + col + " exists in SQLite only");
      }
    }
    out.push_back(std::move(t));
  }
  return out;
}

// Table names (PostgreSQL's) that already hold rows.
Result<std::vector<std::string>> non_empty(pg::Connection& c, const std::vector<Table>& tables) {
  std::vector<std::string> out;
  for (const auto& t : tables) {
    auto any = pg::exists(c, "SELECT 1 FROM " + quoted(t.name) + " LIMIT 1", "check empty");
    if (!any) return any.error();
    if (*any) out.push_back(t.name);
  }
  return out;
}

std::string hex_bytea(const void* data, int size) {
  static const char* kHex = "0123456789abcdef";
  std::string out = "\\x";
  const auto* p = static_cast<const unsigned char*>(data);
  for (int i = 0; i < size; ++i) {
    out += kHex[p[i] >> 4];
    out += kHex[p[i] & 15];
  }
  return out;
}

// Copies one table's rows; returns how many.
Result<int64_t> copy_table(sqlite3* db, pg::Connection& c, const Table& t) {
  std::string select = "SELECT ";
  std::string insert = "INSERT INTO " + quoted(t.name) + " (";
  std::string values;
  for (size_t i = 0; i < t.columns.size(); ++i) {
    select += (i ? ", " : "") + t.sources[i];
    insert += (i ? ", " : "") + quoted(t.columns[i].name);
    values += (i ? ", ?" : "?");
  }
  select += " FROM " + quoted(t.name);
  insert += ") VALUES (" + values + ")";
  auto s = lite_prepare(db, select);
  if (!s) return s.error();
  sqlite3_stmt* stmt = (*s)->stmt;
  int64_t rows = 0;
  int rc;
  while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
    std::vector<pg::Param> params;
    params.reserve(t.columns.size());
    for (size_t i = 0; i < t.columns.size(); ++i) {
      const int col = static_cast<int>(i);
      const PgColumn& pc = t.columns[i];
      switch (sqlite3_column_type(stmt, col)) {
        case SQLITE_NULL:
          params.push_back({std::nullopt, 0});
          break;
        case SQLITE_BLOB: {
          const void* b = sqlite3_column_blob(stmt, col);
          const int n = sqlite3_column_bytes(stmt, col);
          if (pc.type == "bytea") {
            params.push_back({hex_bytea(b, n), 0});
          } else if (pc.type == "text" && std::memchr(b, 0, static_cast<size_t>(n)) == nullptr) {
            params.push_back({std::string(static_cast<const char*>(b), static_cast<size_t>(n)), 0});
          } else {
            return make_error(
                Errc::kInternal,
                t.name + "." + pc.name + " holds binary data PostgreSQL stores as " + pc.type);
          }
          break;
        }
        default: {  // INTEGER, FLOAT, TEXT: their text, which PostgreSQL reads as the column's type
          const unsigned char* v = sqlite3_column_text(stmt, col);
          const int n = sqlite3_column_bytes(stmt, col);
          params.push_back(
              {std::string(reinterpret_cast<const char*>(v), static_cast<size_t>(n)), 0});
          break;
        }
      }
    }
    auto done = c.run(insert, params, "copy into " + t.name);
    if (!done) return done.error();
    ++rows;
  }
  if (rc != SQLITE_DONE) return lite::sqlite_error(db, rc, "read " + t.name);
  return rows;
}

// Serial columns continue after the copied values (and after SQLite's AUTOINCREMENT
// high-water mark, so an id SQLite handed out once is not handed out again).
Status advance_sequences(sqlite3* db, pg::Connection& c, const std::vector<Table>& tables) {
  std::map<std::string, int64_t> high;
  if (auto s = lite_prepare(db, "SELECT name, seq FROM sqlite_sequence")) {
    while (sqlite3_step((*s)->stmt) == SQLITE_ROW) {
      high[reinterpret_cast<const char*>(sqlite3_column_text((*s)->stmt, 0))] =
          sqlite3_column_int64((*s)->stmt, 1);
    }
  }  // no sqlite_sequence: no AUTOINCREMENT table was ever written
  for (const auto& t : tables) {
    for (const auto& col : t.columns) {
      if (!col.serial) continue;
      const int64_t floor = col.name == "rowid" ? 0 : high[t.name];
      auto st =
          pg::exec(c,
                   "SELECT setval(pg_get_serial_sequence(?, ?), m) FROM (SELECT "
                   "greatest(max(" +
                       quoted(col.name) + "), ?) AS m FROM " + quoted(t.name) + ") x WHERE m > 0",
                   "advance the sequence of " + t.name, quoted(t.name), col.name, floor);
      if (!st) return st;
    }
  }
  return ok_status();
}

}  // namespace

int migrate_main(const std::vector<std::string>& args) {
  if (args.empty() || args[0] != "sqlite-to-postgres") return fail(kUsage, 2);
  std::vector<std::string> rest(args.begin() + 1, args.end()), positional;
  auto cfg = load_config(rest, &positional);
  if (!cfg) return fail(cfg.error().message, 2);
  if (!positional.empty() || cfg->database_url.empty()) return fail(kUsage, 2);
  if (auto st = require_libpq(); !st) return fail("postgres: " + st.error().message);
  const std::string& data = cfg->data_dir;
  const std::string db_path = data + "/gatehouse.db";

  struct stat sb {};
  if (::stat(db_path.c_str(), &sb) != 0) {
    return fail("no SQLite database at " + db_path + " (is --data the right directory?)");
  }
  // No server may write the SQLite database while it is copied (serve holds the lock
  // shared; restore and migrate take it exclusively).
  auto lock = lock_out_servers(data);
  if (!lock) return fail(lock.error().message);
  struct Unlock {
    int fd;
    ~Unlock() { ::close(fd); }
  } unlock{*lock};

  // The signing keys' private halves must be in the database before it is copied (nodes on
  // PostgreSQL read them nowhere else): opening the keys as `serve` would seals any
  // keys/<kid>.pem an older gatehouse left, and checks that they open with this KEK.
  auto kek = load_key_encryption_key(*cfg);
  if (!kek) return fail(kek.error().message);
  {
    auto stores = store::open_sqlite(db_path);
    if (!stores) return fail(stores.error().message);
    auto ring = auth::KeyRing::open(data, *stores->signing_keys,
                                    {.kek = kek->key,
                                     .kek_hint = kek->hint,
                                     .token_ttl = std::max(cfg->session_ttl, cfg->refresh_ttl),
                                     .alg = cfg->signing_alg});
    if (!ring) return fail("signing keys: " + ring.error().message);
  }

  auto lite_conn = lite::Connection::open(db_path);
  if (!lite_conn) return fail(lite_conn.error().message);
  sqlite3* db = (*lite_conn)->db();
  // An installation from an older gatehouse is brought up to this binary's schema first,
  // exactly as `serve` would at its next start.
  if (auto st = lite::apply_migrations(db, lite::embedded_migrations()); !st) {
    return fail(st.error().message);
  }
  auto pg_conn = pg::Connection::open(cfg->database_url);
  if (!pg_conn) return fail("postgres: " + pg_conn.error().message);
  pg::Connection& c = **pg_conn;
  if (auto st = pg::apply_migrations(c, pg::embedded_migrations()); !st) {
    return fail("postgres: " + st.error().message);
  }

  if (auto st = (*lite_conn)->exec("BEGIN"); !st) return fail(st.error().message);
  if (auto st = c.exec("BEGIN ISOLATION LEVEL SERIALIZABLE", "begin"); !st) {
    return fail("postgres: " + st.error().message);
  }
  auto tables = match_schemas(db, c);
  if (!tables) return fail(tables.error().message);
  auto full = non_empty(c, *tables);
  if (!full) return fail("postgres: " + full.error().message);
  if (!full->empty()) {
    std::string names;
    for (const auto& n : *full) names += (names.empty() ? "" : ", ") + n;
    return fail(
        "the PostgreSQL database is not empty (" + names +
        " hold rows); migrate only into a new database: create one (createdb) or empty this "
        "one (DROP SCHEMA public CASCADE; CREATE SCHEMA public;) and run the migration again");
  }
  std::vector<std::pair<std::string, int64_t>> counts;
  for (const auto& t : *tables) {
    auto n = copy_table(db, c, t);
    if (!n) {
      c.reset_state();
      return fail("copying " + t.name + ": " + n.error().message + " (nothing was written)");
    }
    counts.emplace_back(t.name, *n);
  }
  if (auto st = advance_sequences(db, c, *tables); !st) {
    c.reset_state();
    return fail("postgres: " + st.error().message + " (nothing was written)");
  }
  if (auto st = c.exec("COMMIT", "commit"); !st) {
    c.reset_state();
    return fail("postgres: " + st.error().message + " (nothing was written)");
  }
  (void)(*lite_conn)->exec("COMMIT");  // read only: nothing to lose

  int64_t total = 0;
  for (const auto& [name, n] : counts) {
    std::cout << "  " << name << ": " << n << "\n";
    total += n;
  }
  std::cout << "copied " << total << " rows in " << counts.size() << " tables from " << db_path
            << " to PostgreSQL.\n"
            << "The signing keys moved with the data, sealed with the key-encryption key "
            << kek->source << ": give every node that key (--key-encryption-key-file, "
            << "docs/postgres.md).\n"
            << "Start the server with: gatehouse serve --data " << data
            << " --database-url <the same URL>\n"
            << db_path << " is left as it was (keep it until the PostgreSQL setup is proven).\n";
  return 0;
}

}  // namespace gatehouse::server
