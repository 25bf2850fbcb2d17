// SQLite-only behaviour: several Store instances (as the server and the CLI
// would be) on one file, migrations (including upgrading a database that holds
// data), busy mapping, and schema details the Store interface does not show
// (cascades, audit ids).
#include <atomic>
#include <chrono>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "store/sqlite/connection_pool.h"
#include "store/sqlite/migrations.h"
#include "store/sqlite/sqlite_store.h"
#include "store_harness.h"

namespace gatehouse::store::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::SizeIs;

// A plain connection for poking at the file behind the store's back.
class RawDb {
 public:
  explicit RawDb(const std::string& path) {
    EXPECT_EQ(sqlite3_open(path.c_str(), &db_), SQLITE_OK);
    sqlite3_busy_timeout(db_, 5000);
    exec("PRAGMA foreign_keys = ON");
  }
  ~RawDb() { sqlite3_close(db_); }
  RawDb(const RawDb&) = delete;
  RawDb& operator=(const RawDb&) = delete;

  void exec(const std::string& sql) {
    char* err = nullptr;
    const int rc = sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &err);
    EXPECT_EQ(rc, SQLITE_OK) << sql << ": " << (err ? err : "");
    sqlite3_free(err);
  }

  // The first column of the first row, as text ("" when there is none).
  std::string scalar(const std::string& sql) {
    sqlite3_stmt* stmt = nullptr;
    EXPECT_EQ(sqlite3_prepare_v2(db_, sql.c_str(), -1, &stmt, nullptr), SQLITE_OK) << sql;
    std::string out;
    if (sqlite3_step(stmt) == SQLITE_ROW && sqlite3_column_text(stmt, 0) != nullptr) {
      out = reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0));
    }
    sqlite3_finalize(stmt);
    return out;
  }

 private:
  sqlite3* db_ = nullptr;
};

class SqliteStoreTest : public ::testing::Test {
 protected:
  std::string db_path() const { return (dir_.path() / "gatehouse.db").string(); }

  std::unique_ptr<Stores> open() {
    auto stores = open_sqlite(db_path());
    EXPECT_THAT(stores, IsOk());
    return stores ? std::make_unique<Stores>(std::move(*stores)) : nullptr;
  }

  // A database written by a build that knew only the first `version` migrations, holding
  // `rows` (SQL run on it).
  void write_old_database(size_t version, const std::string& rows) {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(db_path().c_str(), &db), SQLITE_OK);
    EXPECT_THAT(sqlite::apply_migrations(db, sqlite::embedded_migrations().first(version)), IsOk());
    sqlite3_close(db);
    RawDb(db_path()).exec(rows);
  }

  static NewUser new_user(const std::string& id, const std::string& login_id) {
    NewUser u;
    u.id = id;
    u.login_id = login_id;
    u.created_at = 1000;
    return u;
  }

  TempDir dir_;
};

TEST_F(SqliteStoreTest, EmbeddedMigrationsAreNumberedFromOneWithoutGaps) {
  const auto migrations = sqlite::embedded_migrations();
  ASSERT_FALSE(migrations.empty());
  for (size_t i = 0; i < migrations.size(); ++i) {
    EXPECT_EQ(migrations[i].version, static_cast<int>(i + 1)) << migrations[i].name;
    EXPECT_FALSE(migrations[i].sql.empty());
  }
  EXPECT_EQ(migrations[0].name, "init");
}

TEST_F(SqliteStoreTest, RejectsInMemoryDatabase) {
  EXPECT_THAT(open_sqlite(":memory:"), ErrcIs(Errc::kInvalidArgument));
  EXPECT_THAT(open_sqlite(""), ErrcIs(Errc::kInvalidArgument));
}

TEST_F(SqliteStoreTest, OpenFailureIsAnError) {
  EXPECT_THAT(open_sqlite((dir_.path() / "missing-dir" / "x.db").string()),
              ErrcIs(Errc::kInternal));
}

TEST_F(SqliteStoreTest, FileIsInWalModeWithEveryMigrationRecorded) {
  auto store = open();
  ASSERT_NE(store, nullptr);
  RawDb raw(db_path());
  EXPECT_EQ(raw.scalar("PRAGMA journal_mode"), "wal");
  EXPECT_EQ(raw.scalar("SELECT count(*) FROM schema_migrations"),
            std::to_string(sqlite::embedded_migrations().size()));
  EXPECT_EQ(raw.scalar("SELECT max(version) FROM schema_migrations"),
            std::to_string(sqlite::embedded_migrations().back().version));
}

// Commits go to the write-ahead log; the pool's checkpoint thread copies them into
// the database file once the log passes kCheckpointPages, with nobody else
// checkpointing (the writes stay below the size at which a committer would). The
// database file is copied alone, without its log, and the copy must hold the rows.
TEST_F(SqliteStoreTest, TheCheckpointThreadCopiesCommitsIntoTheDatabaseFile) {
  auto store = open();
  ASSERT_NE(store, nullptr);
  const auto wal = std::filesystem::path(db_path() + "-wal");
  int written = 0;
  while (std::filesystem::file_size(wal) < 2 * sqlite::kCheckpointPages * 4096 && written < 20000) {
    ASSERT_THAT(store->users->create(new_user("U" + std::to_string(written),
                                              "u" + std::to_string(written) + "@x.io")),
                IsOk());
    ++written;
  }
  ASSERT_LT(std::filesystem::file_size(wal), sqlite::kSelfCheckpointPages * 4096ULL);

  // Rows in the database file alone (0 while not even the tables are there).
  const auto copy = (dir_.path() / "file-only.db").string();
  auto rows_in_file = [&] {
    std::filesystem::copy_file(db_path(), copy, std::filesystem::copy_options::overwrite_existing);
    std::filesystem::remove(copy + "-wal");
    sqlite3* db = nullptr;
    int64_t rows = 0;
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_open(copy.c_str(), &db) == SQLITE_OK &&
        sqlite3_prepare_v2(db, "SELECT count(*) FROM users", -1, &stmt, nullptr) == SQLITE_OK &&
        sqlite3_step(stmt) == SQLITE_ROW) {
      rows = sqlite3_column_int64(stmt, 0);
    }
    sqlite3_finalize(stmt);
    sqlite3_close(db);
    return rows;
  };
  int64_t rows = rows_in_file();
  for (int i = 0; i < 200 && rows < written / 2; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    rows = rows_in_file();
  }
  EXPECT_GE(rows, written / 2) << written << " users written";
}

TEST_F(SqliteStoreTest, ReopeningAppliesNothingTwiceAndKeepsData) {
  {
    auto store = open();
    ASSERT_NE(store, nullptr);
    ASSERT_THAT(store->users->create(new_user("U1", "a@x.io")), IsOk());
  }
  {
    auto store = open();
    ASSERT_NE(store, nullptr);
    EXPECT_THAT(store->users->get_by_id("U1"), IsOk());
  }
  // Running the migrations again directly is a no-op as well.
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(db_path().c_str(), &db), SQLITE_OK);
  EXPECT_THAT(sqlite::apply_migrations(db, sqlite::embedded_migrations()), IsOk());
  sqlite3_close(db);

  RawDb raw(db_path());
  EXPECT_EQ(raw.scalar("SELECT count(*) FROM schema_migrations"),
            std::to_string(sqlite::embedded_migrations().size()));
  EXPECT_EQ(raw.scalar("SELECT count(*) FROM users"), "1");
}

TEST_F(SqliteStoreTest, UpgradingAnOlderDatabaseKeepsItsRows) {
  // A database written by a build that knew only 0001_init.
  write_old_database(1,
                     "INSERT INTO users (id, login_id, created_at) VALUES ('U1', 'a@x.io', 1000);"
                     "INSERT INTO password_credentials (user_id, hash, updated_at)"
                     " VALUES ('U1', '$argon2id$old', 1000);"
                     "INSERT INTO tenants (id, name, created_at) VALUES ('T1', 'First', 5);"
                     "INSERT INTO user_tenants (user_id, tenant_id) VALUES ('U1', 'T1');");
  auto store = open();
  ASSERT_NE(store, nullptr);
  auto cred = store->users->get_password("U1");
  ASSERT_THAT(cred, IsOk());
  EXPECT_EQ(cred->hash, "$argon2id$old");
  EXPECT_FALSE(cred->expired);
  auto tenant = store->access->get_tenant("T1");
  ASSERT_THAT(tenant, IsOk());
  EXPECT_EQ(tenant->name, "First");
  EXPECT_EQ(tenant->custom_attributes_json, "{}");
  EXPECT_TRUE(tenant->self_provisioning_domains.empty());
  auto user = store->users->get_by_id("U1");
  ASSERT_THAT(user, IsOk());
  ASSERT_THAT(user->tenants, SizeIs(1));

  RawDb raw(db_path());
  EXPECT_EQ(raw.scalar("SELECT count(*) FROM schema_migrations"),
            std::to_string(sqlite::embedded_migrations().size()));
}

TEST_F(SqliteStoreTest, RebuildingTheSignInTablesKeepsLiveSignInsAndCodes) {
  // A database at 0008, before one_time_secrets and refresh_families lost their rowids.
  write_old_database(
      8,
      "INSERT INTO users (id, login_id, created_at) VALUES ('U1', 'a@x.io', 1000);"
      "INSERT INTO refresh_families (id, user_id, created_at) VALUES ('F1', 'U1', 1000);"
      "INSERT INTO refresh_tokens (id, user_id, family_id, token_hash, issued_at, expires_at)"
      " VALUES ('R1', 'U1', 'F1', 'aa', 1000, 999999);"
      "INSERT INTO one_time_secrets (purpose, login_id, user_id, secret_hash, data,"
      " created_at, expires_at) VALUES ('otp', 'a@x.io', 'U1', 'bb', '{}', 1000, 999999);");
  auto store = open();
  ASSERT_NE(store, nullptr);
  auto token = store->sessions->get("R1");
  ASSERT_THAT(token, IsOk());
  EXPECT_EQ(token->family_id, "F1");
  // The family is still live: rotating its token works.
  store::RefreshToken next{"R2", "U1", "F1", "cc", 2000, 999999};
  EXPECT_THAT(store->sessions->rotate("R1", next, 2000), IsOk());
  auto spent = store->one_time->consume("otp", "A@x.io", "bb", 2000, 5);
  ASSERT_THAT(spent, IsOk());
  EXPECT_EQ(spent->outcome, store::ConsumeOutcome::kConsumed);
  EXPECT_EQ(spent->secret.user_id, "U1");
  // Deleting the user still reaches the rebuilt tables (their foreign keys survived).
  EXPECT_THAT(store->users->remove("U1"), IsOk());
  RawDb raw(db_path());
  EXPECT_EQ(raw.scalar("SELECT count(*) FROM refresh_families"), "0");
  EXPECT_EQ(raw.scalar("PRAGMA foreign_key_check"), "");
}
TEST_F(SqliteStoreTest, AuditIdsAreNeverReused) {
  // Pruning the newest events must not hand their ids out again.
  auto store = open();
  ASSERT_NE(store, nullptr);
  AuditEvent e;
  e.at = 100;
  e.action = "x";
  auto first = store->audit->insert(e);
  auto second = store->audit->insert(e);
  ASSERT_THAT(first, IsOk());
  ASSERT_THAT(second, IsOk());
  {
    RawDb raw(db_path());
    raw.exec("DELETE FROM audit_events");
  }
  auto third = store->audit->insert(e);
  ASSERT_THAT(third, IsOk());
  EXPECT_GT(*third, *second);
}

TEST_F(SqliteStoreTest, DeleteUserCascadesToTenantRows) {
  auto store = open();
  ASSERT_NE(store, nullptr);
  ASSERT_THAT(store->access->create_role(Role{"teacher", "", {}, 0}), IsOk());
  Tenant t;
  t.id = "T1";
  t.name = "First";
  ASSERT_THAT(store->access->create_tenant(t), IsOk());
  ASSERT_THAT(store->users->create(new_user("U1", "a@x.io")), IsOk());
  UserUpdate up;
  up.tenants = std::vector<UserTenant>{UserTenant{"T1", "", {"teacher"}}};
  ASSERT_THAT(store->users->update("U1", up), IsOk());

  ASSERT_THAT(store->users->remove("U1"), IsOk());
  RawDb raw(db_path());
  EXPECT_EQ(raw.scalar("SELECT count(*) FROM user_tenants"), "0");
  EXPECT_EQ(raw.scalar("SELECT count(*) FROM user_tenant_roles"), "0");
  EXPECT_EQ(raw.scalar("SELECT count(*) FROM tenants"), "1");
}

TEST_F(SqliteStoreTest, ConcurrentOpensOfAFreshFileMigrateOnce) {
  constexpr int kOpeners = 4;
  std::vector<std::unique_ptr<Stores>> stores(kOpeners);
  std::vector<std::thread> threads;
  for (int i = 0; i < kOpeners; ++i) {
    threads.emplace_back([&, i] {
      auto store = open_sqlite(db_path());
      EXPECT_THAT(store, IsOk());
      if (store) stores[i] = std::make_unique<Stores>(std::move(*store));
    });
  }
  for (auto& t : threads) t.join();
  for (const auto& store : stores) ASSERT_NE(store, nullptr);

  RawDb raw(db_path());
  EXPECT_EQ(raw.scalar("SELECT count(*) FROM schema_migrations"),
            std::to_string(sqlite::embedded_migrations().size()));
}

TEST_F(SqliteStoreTest, RefusesADatabaseMigratedByANewerBuild) {
  { ASSERT_NE(open(), nullptr); }
  {
    RawDb raw(db_path());
    raw.exec(
        "INSERT INTO schema_migrations (version, name, applied_at) VALUES (9999, 'future', 0)");
  }
  auto store = open_sqlite(db_path());
  ASSERT_THAT(store, ErrcIs(Errc::kInternal));
  EXPECT_THAT(store.error().message, ::testing::HasSubstr("9999"));
}

TEST_F(SqliteStoreTest, TwoStoresOnOneFileSeeEachOthersWrites) {
  auto server = open();
  auto cli = open();
  ASSERT_NE(server, nullptr);
  ASSERT_NE(cli, nullptr);

  ASSERT_THAT(cli->access->create_role(Role{"teacher", "", {}, 0}), IsOk());
  NewUser nu = new_user("U1", "a@x.io");
  nu.roles = {"teacher"};
  ASSERT_THAT(server->users->create(nu), IsOk());
  auto seen = cli->users->get_by_login_id("A@X.IO");
  ASSERT_THAT(seen, IsOk());
  EXPECT_THAT(seen->roles, ElementsAre("teacher"));
  EXPECT_THAT(cli->users->create(new_user("U2", "a@x.io")), ErrcIs(Errc::kUserExists));

  // Both write at once.
  std::atomic<int> failures = 0;
  auto writer = [&](Stores* store, const std::string& prefix) {
    for (int i = 0; i < 25; ++i) {
      const std::string n = prefix + std::to_string(i);
      if (!store->users->create(new_user("U" + n, n + "@x.io"))) ++failures;
    }
  };
  std::thread a(writer, server.get(), "s");
  std::thread b(writer, cli.get(), "c");
  a.join();
  b.join();
  EXPECT_EQ(failures.load(), 0);
  auto all = server->users->list(1000, 0);
  ASSERT_THAT(all, IsOk());
  EXPECT_THAT(*all, SizeIs(51));
}

TEST_F(SqliteStoreTest, TwoProcessesOnAFreshFileBothMigrateAndWrite) {
  // Fork before anything is open, as the server and the CLI would start.
  auto write_users = [&](const std::string& prefix) {
    auto store = open_sqlite(db_path());
    if (!store) return false;
    for (int i = 0; i < 25; ++i) {
      const std::string n = prefix + std::to_string(i);
      if (!store->users->create(new_user("U" + n, n + "@x.io"))) return false;
    }
    return true;
  };
  const pid_t child = fork();
  ASSERT_NE(child, -1);
  if (child == 0) _exit(write_users("child") ? 0 : 1);
  const bool parent_ok = write_users("parent");
  int status = 0;
  ASSERT_EQ(waitpid(child, &status, 0), child);
  EXPECT_TRUE(parent_ok);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0);

  RawDb raw(db_path());
  EXPECT_EQ(raw.scalar("SELECT count(*) FROM users"), "50");
  EXPECT_EQ(raw.scalar("SELECT count(*) FROM schema_migrations"),
            std::to_string(sqlite::embedded_migrations().size()));
}

TEST_F(SqliteStoreTest, LoginIdCaseFoldingIsAsciiOnly) {
  // COLLATE NOCASE folds A-Z only; callers lower-case email login ids.
  auto store = open();
  ASSERT_NE(store, nullptr);
  ASSERT_THAT(store->users->create(new_user("U1", "\xC3\x84nn")), IsOk());  // "Änn"
  EXPECT_THAT(store->users->get_by_login_id("\xC3\x84NN"), IsOk());
  EXPECT_THAT(store->users->get_by_login_id("\xC3\xA4nn"), ErrcIs(Errc::kUserNotFound));  // "änn"
}

TEST_F(SqliteStoreTest, LinksAreLookedUpThroughTheHashIndex) {
  // Without statistics SQLite's planner picks the primary key's `purpose` prefix over the
  // (purpose, secret_hash) index and reads every live link of the purpose per lookup, so
  // the query names the index: with the index gone the lookup fails rather than scans.
  auto store = open();
  ASSERT_NE(store, nullptr);
  store::OneTimeSecret s;
  s.purpose = "magiclink";
  s.login_id = "a@x.io";
  s.secret_hash = "aa";
  s.created_at = 1000;
  s.expires_at = 2000;
  ASSERT_THAT(store->one_time->put(s), IsOk());
  s.login_id = "b@x.io";
  s.secret_hash = "bb";
  ASSERT_THAT(store->one_time->put(s), IsOk());
  auto found = store->one_time->consume_by_hash("magiclink", "aa", 1500);
  ASSERT_THAT(found, IsOk());
  EXPECT_EQ(found->outcome, store::ConsumeOutcome::kConsumed);
  EXPECT_EQ(found->secret.login_id, "a@x.io");
  RawDb raw(db_path());
  raw.exec("DROP INDEX one_time_secrets_hash");
  EXPECT_THAT(store->one_time->consume_by_hash("magiclink", "bb", 1500), ::testing::Not(IsOk()));
}

TEST_F(SqliteStoreTest, WriteLockHeldPastTheBusyTimeoutIsUnavailable) {
  auto store = open();
  ASSERT_NE(store, nullptr);
  RawDb raw(db_path());
  raw.exec("BEGIN IMMEDIATE");
  const auto start = std::chrono::steady_clock::now();
  EXPECT_THAT(store->users->create(new_user("U1", "a@x.io")), ErrcIs(Errc::kUnavailable));
  EXPECT_GE(std::chrono::steady_clock::now() - start, std::chrono::seconds(4));
  // Readers are not blocked by a writer (WAL).
  EXPECT_THAT(store->users->list(10, 0), IsOk());
  raw.exec("ROLLBACK");
  EXPECT_THAT(store->users->create(new_user("U1", "a@x.io")), IsOk());
}

TEST_F(SqliteStoreTest, UsersCarryTheirTenantsAndTenantRoles) {
  auto store = open();
  ASSERT_NE(store, nullptr);
  ASSERT_THAT(store->access->create_role(Role{"teacher", "", {}, 0}), IsOk());
  ASSERT_THAT(store->access->create_role(Role{"admin", "", {}, 0}), IsOk());
  ASSERT_THAT(store->users->create(new_user("U1", "a@x.io")), IsOk());
  {
    // Filled directly, so the read path is checked apart from update_user.
    RawDb raw(db_path());
    raw.exec(
        "INSERT INTO tenants (id, name) VALUES ('T2', 'Second'), ('T1', 'First');"
        "INSERT INTO user_tenants (user_id, tenant_id) VALUES ('U1', 'T2'), ('U1', 'T1');"
        "INSERT INTO user_tenant_roles (user_id, tenant_id, role_name) VALUES"
        " ('U1', 'T1', 'teacher'), ('U1', 'T1', 'admin');");
  }
  auto user = store->users->get_by_id("U1");
  ASSERT_THAT(user, IsOk());
  ASSERT_THAT(user->tenants, SizeIs(2));
  EXPECT_EQ(user->tenants[0].tenant_id, "T1");
  EXPECT_EQ(user->tenants[0].tenant_name, "First");
  EXPECT_THAT(user->tenants[0].roles, ElementsAre("admin", "teacher"));
  EXPECT_EQ(user->tenants[1].tenant_id, "T2");
  EXPECT_TRUE(user->tenants[1].roles.empty());
}

TEST_F(SqliteStoreTest, MovingTheTokensForeignKeyToTheFamilyKeepsEveryToken) {
  // A database at 0012, with one token whose family row is missing (nothing writes such a
  // token since 0003, but a copy of an old database may hold one).
  write_old_database(
      12,
      "INSERT INTO users (id, login_id, created_at) VALUES ('U1', 'a@x.io', 1000);"
      "INSERT INTO users (id, login_id, created_at) VALUES ('U2', 'b@x.io', 1000);"
      "INSERT INTO refresh_families (id, user_id, created_at) VALUES ('F1', 'U1', 1000);"
      "INSERT INTO refresh_tokens (id, user_id, family_id, token_hash, issued_at, expires_at)"
      " VALUES ('R1', 'U1', 'F1', 'aa', 1000, 999999);"
      "INSERT INTO refresh_tokens (id, user_id, family_id, token_hash, issued_at, expires_at)"
      " VALUES ('R2', 'U2', 'F2', 'bb', 1500, 999999);");
  auto store = open();
  ASSERT_NE(store, nullptr);
  RawDb raw(db_path());
  EXPECT_EQ(raw.scalar("SELECT count(*) FROM refresh_tokens"), "2");
  EXPECT_EQ(raw.scalar("SELECT user_id || ' ' || created_at FROM refresh_families"
                       " WHERE id = 'F2'"),
            "U2 1500");
  EXPECT_EQ(raw.scalar("SELECT count(*) FROM sqlite_master WHERE name = 'refresh_tokens_user'"),
            "0");
  // Both sign-ins still refresh.
  EXPECT_THAT(store->sessions->rotate("R1", {"R3", "U1", "F1", "cc", 2000, 999999}, 2000), IsOk());
  EXPECT_THAT(store->sessions->rotate("R2", {"R4", "U2", "F2", "dd", 2000, 999999}, 2000), IsOk());
  // Deleting a user reaches its tokens through its families.
  EXPECT_THAT(store->users->remove("U2"), IsOk());
  EXPECT_EQ(raw.scalar("SELECT group_concat(id) FROM (SELECT id FROM refresh_tokens ORDER BY id)"),
            "R1,R3");
  EXPECT_EQ(raw.scalar("PRAGMA foreign_key_check"), "");
}

TEST_F(SqliteStoreTest, DeletingAUserCascadesToItsRows) {
  auto store = open();
  ASSERT_NE(store, nullptr);
  ASSERT_THAT(store->access->create_role(Role{"teacher", "", {}, 0}), IsOk());
  NewUser nu = new_user("U1", "a@x.io");
  nu.roles = {"teacher"};
  nu.password_hash = "$argon2id$x";
  ASSERT_THAT(store->users->create(nu), IsOk());
  RefreshToken t;
  t.id = "R1";
  t.user_id = "U1";
  t.family_id = "F1";
  t.token_hash = "h";
  ASSERT_THAT(store->sessions->insert(t), IsOk());

  RawDb raw(db_path());
  raw.exec("DELETE FROM users WHERE id = 'U1'");
  EXPECT_EQ(raw.scalar("SELECT count(*) FROM password_credentials"), "0");
  EXPECT_EQ(raw.scalar("SELECT count(*) FROM user_roles"), "0");
  EXPECT_EQ(raw.scalar("SELECT count(*) FROM refresh_tokens"), "0");
  EXPECT_EQ(raw.scalar("SELECT count(*) FROM roles"), "1");
}

}  // namespace
}  // namespace gatehouse::store::testing
