// SessionStore on SQLite: the refresh_tokens table.
#include "store/sql/one_time_store.h"
#include "store/sql/user_store.h"
#include "store/sqlite/engine.h"
#include "store/sqlite/query.h"

namespace gatehouse::store::sqlite {
namespace {

constexpr std::string_view kInsertRefreshToken =
    "INSERT INTO refresh_tokens (id, user_id, family_id, token_hash, issued_at, expires_at, "
    "revoked_at, rotated_at, replaced_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)";
// A token of a revoked family reads as revoked (the earlier time wins).
constexpr std::string_view kSelectRefreshToken =
    "SELECT t.id, t.user_id, t.family_id, t.token_hash, t.issued_at, t.expires_at, "
    "CASE WHEN t.revoked_at IS NULL THEN f.revoked_at "
    "     WHEN f.revoked_at IS NULL THEN t.revoked_at "
    "     ELSE min(t.revoked_at, f.revoked_at) END, "
    "t.rotated_at, t.replaced_by FROM refresh_tokens t "
    "LEFT JOIN refresh_families f ON f.id = t.family_id WHERE t.id = ?";
constexpr std::string_view kSetLastLogin = "UPDATE users SET last_login_at = ? WHERE id = ?";
constexpr std::string_view kInsertFamily =
    "INSERT INTO refresh_families (id, user_id, created_at) VALUES (?, ?, ?) "
    "ON CONFLICT (id) DO NOTHING";
constexpr std::string_view kSelectFamily =
    "SELECT user_id, revoked_at FROM refresh_families WHERE id = ?";
constexpr std::string_view kRevokeFamilyRow =
    "UPDATE refresh_families SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL";
constexpr std::string_view kLiveFamiliesOfUser =
    "SELECT id FROM refresh_families WHERE user_id = ? AND revoked_at IS NULL ORDER BY id";
constexpr std::string_view kLogRevocation = "INSERT INTO revocations (family_id, at) VALUES (?, ?)";
constexpr std::string_view kSelectRevocations =
    "SELECT seq, family_id, at FROM revocations WHERE seq > ? AND at >= ? ORDER BY seq";
constexpr std::string_view kPruneRevocations = "DELETE FROM revocations WHERE at < ?";
// Only a live token can be rotated: of two concurrent rotations one wins.
constexpr std::string_view kMarkRotated =
    "UPDATE refresh_tokens SET rotated_at = ?, replaced_by = ? "
    "WHERE id = ? AND rotated_at IS NULL AND revoked_at IS NULL";
// A second revocation keeps the first time.
constexpr std::string_view kRevokeToken =
    "UPDATE refresh_tokens SET revoked_at = coalesce(revoked_at, ?) WHERE id = ?";
constexpr std::string_view kRevokeFamilyTokens =
    "UPDATE refresh_tokens SET revoked_at = ? WHERE family_id = ? AND revoked_at IS NULL";

// The whole user by id (store/sql/user_columns.h).
const std::string& select_user_by_id() {
  static const std::string sql = sql::user_select(sql::kSqliteDialect, "WHERE id = ?");
  return sql;
}

Error token_not_found() { return make_error(Errc::kNotFound, "refresh token not found"); }

RefreshToken read_token_row(const Statement& s) {
  RefreshToken t;
  t.id = s.column_text(0);
  t.user_id = s.column_text(1);
  t.family_id = s.column_text(2);
  t.token_hash = s.column_text(3);
  t.issued_at = s.column_int64(4);
  t.expires_at = s.column_int64(5);
  t.revoked_at = s.column_int64(6);
  t.rotated_at = s.column_int64(7);
  t.replaced_by = s.column_text(8);
  return t;
}

struct Family {
  std::string user_id;
  int64_t revoked_at = 0;
};

Family read_family_row(const Statement& s) { return Family{s.column_text(0), s.column_int64(1)}; }

Revocation read_revocation_row(const Statement& s) {
  return Revocation{s.column_int64(0), s.column_text(1), s.column_int64(2)};
}

// kTokenRevoked when the family was revoked, kInvalidArgument when it is another
// user's; a family that does not exist yet is fine (insert starts it).
Status check_family(Connection& c, const std::string& family_id, const std::string& user_id) {
  auto family = one(c, kSelectFamily, "read refresh family", read_family_row, family_id);
  if (!family) return family.error();
  if (!*family) return ok_status();
  if ((*family)->revoked_at != 0) return make_error(Errc::kTokenRevoked, "sign-in was ended");
  if ((*family)->user_id != user_id) {
    return make_error(Errc::kInvalidArgument, "refresh family belongs to another user");
  }
  return ok_status();
}

// Ends one live family inside the caller's transaction: the family row, its tokens and a
// log entry.
Status end_family(Connection& c, const std::string& family_id, int64_t at) {
  auto w = write(c, kRevokeFamilyRow, "revoke refresh family", at, family_id);
  if (!w) return w.error();
  if (w->constraint) return sqlite_error(c.db(), w->constraint, "revoke refresh family");
  if (w->changes == 0) return ok_status();  // unknown or already ended
  if (auto st = exec(c, kRevokeFamilyTokens, "revoke refresh tokens", at, family_id); !st) {
    return st;
  }
  return exec(c, kLogRevocation, "log revocation", family_id, at);
}

Status insert_token(Connection& c, const RefreshToken& t) {
  if (t.id.empty() || t.user_id.empty() || t.family_id.empty() || t.token_hash.empty()) {
    return make_error(Errc::kInvalidArgument,
                      "refresh token needs id, user id, family id and hash");
  }
  if (auto st = check_family(c, t.family_id, t.user_id); !st) return st;
  auto family =
      write(c, kInsertFamily, "insert refresh family", t.family_id, t.user_id, t.issued_at);
  if (!family) return family.error();
  if (family->constraint == SQLITE_CONSTRAINT_FOREIGNKEY) {
    return make_error(Errc::kUserNotFound, "user not found");
  }
  if (family->constraint) {
    return sqlite_error(c.db(), family->constraint, "insert refresh family");
  }
  if (family->changes == 1) {  // a new sign-in
    if (auto st = exec(c, kSetLastLogin, "set last login", t.issued_at, t.user_id); !st) {
      return st;
    }
  }
  auto w = write(c, kInsertRefreshToken, "insert refresh token", t.id, t.user_id, t.family_id,
                 t.token_hash, t.issued_at, t.expires_at, or_null(t.revoked_at),
                 or_null(t.rotated_at), or_null(t.replaced_by));
  if (!w) return w.error();
  if (w->constraint == SQLITE_CONSTRAINT_PRIMARYKEY) {
    return make_error(Errc::kConflict, "refresh token id already exists");
  }
  if (w->constraint == SQLITE_CONSTRAINT_FOREIGNKEY) {
    return make_error(Errc::kUserNotFound, "user not found");
  }
  if (w->constraint) return sqlite_error(c.db(), w->constraint, "insert refresh token");
  return ok_status();
}

class SqliteSessionStore final : public SessionStore {
 public:
  explicit SqliteSessionStore(Pool pool) : pool_(std::move(pool)) {}

  Status insert(const RefreshToken& token) override {
    return transaction(*pool_, [&](Connection& c) { return insert_token(c, token); });
  }

  Status insert_spending(const RefreshToken& token, const SecretSpend& spend) override {
    return transaction(*pool_, [&](Connection& c) -> Status {
      if (auto st = sql::spend_secret(c, spend); !st) return st;
      return insert_token(c, token);
    });
  }

  Result<RefreshToken> get(const std::string& id) override {
    auto row = leased(*pool_, [&](Connection& c) {
      return one(c, kSelectRefreshToken, "read refresh token", read_token_row, id);
    });
    if (!row) return row.error();
    if (!*row) return token_not_found();
    return std::move(**row);
  }

  Result<TokenAndUser> get_with_user(const std::string& id) override {
    return snapshot(*pool_, [&](Connection& c) -> Result<TokenAndUser> {
      auto row = one(c, kSelectRefreshToken, "read refresh token", read_token_row, id);
      if (!row) return row.error();
      if (!*row) return token_not_found();
      auto user = sql::load_user(c, select_user_by_id(), (*row)->user_id);
      if (!user) return user.error();
      return TokenAndUser{std::move(**row), std::move(*user)};
    });
  }

  Status rotate(const std::string& old_id, const RefreshToken& replacement, int64_t at) override {
    return transaction(*pool_, [&](Connection& c) -> Status {
      auto old = one(c, kSelectRefreshToken, "read refresh token", read_token_row, old_id);
      if (!old) return old.error();
      if (auto st = rotation_allowed(*old ? &**old : nullptr, replacement); !st) return st;
      // Checked under the write lock above, so this cannot race; kept as a guard.
      if (auto st = exec_one(c, kMarkRotated, "mark refresh token rotated",
                             make_error(Errc::kTokenRevoked, "refresh token already rotated"), at,
                             replacement.id, old_id);
          !st) {
        return st;
      }
      return insert_token(c, replacement);
    });
  }

  Status revoke(const std::string& id, int64_t at) override {
    return leased(*pool_, [&](Connection& c) {
      return exec_one(c, kRevokeToken, "revoke refresh token", token_not_found(), at, id);
    });
  }

  Status revoke_family(const std::string& family_id, int64_t at) override {
    return transaction(*pool_, [&](Connection& c) { return end_family(c, family_id, at); });
  }

  Status revoke_user(const std::string& user_id, int64_t at,
                     const std::string& keep_family) override {
    return transaction(*pool_, [&](Connection& c) -> Status {
      auto families = all(c, kLiveFamiliesOfUser, "read refresh families", first_text, user_id);
      if (!families) return families.error();
      for (const auto& family : *families) {
        if (family == keep_family) continue;
        if (auto st = end_family(c, family, at); !st) return st;
      }
      return ok_status();
    });
  }

  Result<std::vector<Revocation>> revocations(int64_t after_seq, int64_t not_before) override {
    return leased(*pool_, [&](Connection& c) {
      return all(c, kSelectRevocations, "read revocations", read_revocation_row, after_seq,
                 not_before);
    });
  }

  Status prune_revocations(int64_t before) override {
    return leased(*pool_, [&](Connection& c) {
      return exec(c, kPruneRevocations, "prune revocations", before);
    });
  }

 private:
  Pool pool_;
};

}  // namespace

std::unique_ptr<SessionStore> make_session_store(Pool pool) {
  return std::make_unique<SqliteSessionStore>(std::move(pool));
}

}  // namespace gatehouse::store::sqlite
