// SessionStore on PostgreSQL: the refresh_tokens table.
#include "store/postgres/engine.h"
#include "store/postgres/query.h"
#include "store/sql/one_time_store.h"
#include "store/sql/user_columns.h"

namespace gatehouse::store::postgres {
namespace {

constexpr std::string_view kInsertRefreshToken =
    "INSERT INTO refresh_tokens (id, user_id, family_id, token_hash, issued_at, expires_at, "
    "revoked_at, rotated_at, replaced_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)";
// A token of a revoked family reads as revoked (the earlier time wins).
constexpr std::string_view kSelectRefreshToken =
    "SELECT t.id, t.user_id, t.family_id, t.token_hash, t.issued_at, t.expires_at, "
    "CASE WHEN t.revoked_at IS NULL THEN f.revoked_at "
    "     WHEN f.revoked_at IS NULL THEN t.revoked_at "
    "     ELSE LEAST(t.revoked_at, f.revoked_at) END, "
    "t.rotated_at, t.replaced_by FROM refresh_tokens t "
    "LEFT JOIN refresh_families f ON f.id = t.family_id WHERE t.id = ?";
// The token as kSelectRefreshToken reads it (columns 0-8), then its user (user_select's
// columns from column 9; NULL when the user is gone): one statement, one snapshot.
const std::string& select_refresh_token_with_user() {
  static const std::string sql =
      "SELECT t.id, t.user_id, t.family_id, t.token_hash, t.issued_at, t.expires_at, "
      "CASE WHEN t.revoked_at IS NULL THEN f.revoked_at "
      "     WHEN f.revoked_at IS NULL THEN t.revoked_at "
      "     ELSE LEAST(t.revoked_at, f.revoked_at) END, "
      "t.rotated_at, t.replaced_by, u.* FROM refresh_tokens t "
      "LEFT JOIN refresh_families f ON f.id = t.family_id "
      "LEFT JOIN LATERAL (" +
      sql::user_select(sql::kPostgresDialect, "WHERE users.id = t.user_id") +
      ") u ON true WHERE t.id = ?";
  return sql;
}
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
// A rotation in one autocommit statement (READ COMMITTED): mark the old token rotated if
// it is live, of the replacement's user and family, and its family is not revoked; insert
// the replacement from what the mark returned, so no mark means no insert. Parameters:
// at, replacement id, old id, user id, family id, then the replacement's hash, issued_at,
// expires_at, revoked_at, rotated_at, replaced_by.
//
// Why this is safe without SERIALIZABLE:
// - Two rotations of one token: the UPDATE locks the old row; the second waits, and when
//   the first commits PostgreSQL re-checks the WHERE clause on the row's new version
//   (rotated_at is set), so it marks nothing and inserts nothing. If the first rolls back
//   (say, its replacement id was taken) the second goes ahead. Exactly one wins.
// - A family revoked concurrently (end_family: family row, then its tokens, then the log,
//   in one SERIALIZABLE transaction): if it committed before this statement's snapshot,
//   the old token reads as revoked; if it touched the old row first and commits while this
//   statement waits for the lock, the re-check sees revoked_at set. If this statement
//   commits first, end_family either sees the replacement (its snapshot is later) and
//   revokes it, or updates the old row that is live in its snapshot but changed since: a
//   40001, and transaction() runs it again on a snapshot that has the replacement. Either
//   way no live token of the family stays.
// - The statement is atomic: a replacement that breaks a constraint undoes the mark.
constexpr std::string_view kRotate =
    "WITH old AS ("
    " UPDATE refresh_tokens t SET rotated_at = ?1, replaced_by = ?2"
    " WHERE t.id = ?3 AND t.rotated_at IS NULL AND t.revoked_at IS NULL"
    " AND t.user_id = ?4 AND t.family_id = ?5"
    " AND NOT EXISTS (SELECT 1 FROM refresh_families f"
    "                 WHERE f.id = t.family_id AND f.revoked_at IS NOT NULL)"
    " RETURNING t.user_id, t.family_id) "
    "INSERT INTO refresh_tokens (id, user_id, family_id, token_hash, issued_at, expires_at, "
    "revoked_at, rotated_at, replaced_by) "
    "SELECT ?2, old.user_id, old.family_id, ?6, ?7, ?8, ?9, ?10, ?11 FROM old";
// A second revocation keeps the first time.
constexpr std::string_view kRevokeToken =
    "UPDATE refresh_tokens SET revoked_at = coalesce(revoked_at, ?) WHERE id = ?";
constexpr std::string_view kRevokeFamilyTokens =
    "UPDATE refresh_tokens SET revoked_at = ? WHERE family_id = ? AND revoked_at IS NULL";

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
  if (w->constraint) return constraint_error(w->constraint, "revoke refresh family");
  if (w->changes == 0) return ok_status();  // unknown or already ended
  if (auto st = exec(c, kRevokeFamilyTokens, "revoke refresh tokens", at, family_id); !st) {
    return st;
  }
  return exec(c, kLogRevocation, "log revocation", family_id, at);
}

// What a write of a token row (insert, or rotate's insert) broke, as the store's errors.
Status token_row_status(const Written& w, std::string_view what) {
  if (w.constraint == kConstraintPrimaryKey) {
    return make_error(Errc::kConflict, "refresh token id already exists");
  }
  if (w.constraint == kConstraintForeignKey) {
    return make_error(Errc::kUserNotFound, "user not found");
  }
  if (w.constraint) return constraint_error(w.constraint, what);
  return ok_status();
}

// The token row alone, for a family known to exist, be live and be the user's.
Status insert_token_row(Connection& c, const RefreshToken& t) {
  auto w = write(c, kInsertRefreshToken, "insert refresh token", t.id, t.user_id, t.family_id,
                 t.token_hash, t.issued_at, t.expires_at, or_null(t.revoked_at),
                 or_null(t.rotated_at), or_null(t.replaced_by));
  if (!w) return w.error();
  return token_row_status(*w, "insert refresh token");
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
  if (family->constraint == kConstraintForeignKey) {
    return make_error(Errc::kUserNotFound, "user not found");
  }
  if (family->constraint) {
    return constraint_error(family->constraint, "insert refresh family");
  }
  if (family->changes == 1) {  // a new sign-in
    if (auto st = exec(c, kSetLastLogin, "set last login", t.issued_at, t.user_id); !st) {
      return st;
    }
  }
  return insert_token_row(c, t);
}

// Why the old token cannot be rotated into `replacement` (the rare path after a rotation
// that changed nothing), in the order the checks have on every engine: unknown, revoked
// (its family included), already rotated, another user or family. OK when it could be.
Status why_not_rotated(Connection& c, const std::string& old_id, const RefreshToken& replacement) {
  auto old = one(c, kSelectRefreshToken, "read refresh token", read_token_row, old_id);
  if (!old) return old.error();
  return rotation_allowed(*old ? &**old : nullptr, replacement);
}

class PostgresSessionStore final : public SessionStore {
 public:
  explicit PostgresSessionStore(Pool pool) : pool_(std::move(pool)) {}

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
    auto row = leased(*pool_, [&](Connection& c) {
      return one(
          c, select_refresh_token_with_user(), "read refresh token and user",
          [](const Statement& s) {
            return TokenAndUser{read_token_row(s), sql::read_user_columns(s, 9)};
          },
          id);
    });
    if (!row) return row.error();
    if (!*row) return token_not_found();
    if ((*row)->user.id.empty()) return make_error(Errc::kUserNotFound, "user not found");
    return std::move(**row);
  }

  Status rotate(const std::string& old_id, const RefreshToken& replacement, int64_t at) override {
    return leased(*pool_, [&](Connection& c) -> Status {
      if (replacement.id.empty() || replacement.token_hash.empty()) {
        if (auto st = why_not_rotated(c, old_id, replacement); !st) return st;
        return make_error(Errc::kInvalidArgument, "refresh token needs id and hash");
      }
      for (int attempt = 1; attempt <= 2; ++attempt) {
        auto w =
            write(c, kRotate, "rotate refresh token", at, replacement.id, old_id,
                  replacement.user_id, replacement.family_id, replacement.token_hash,
                  replacement.issued_at, replacement.expires_at, or_null(replacement.revoked_at),
                  or_null(replacement.rotated_at), or_null(replacement.replaced_by));
        if (!w) return w.error();
        if (auto st = token_row_status(*w, "rotate refresh token"); !st) return st;
        if (w->changes == 1) return ok_status();
        if (auto st = why_not_rotated(c, old_id, replacement); !st) return st;
        // Rotatable now, yet the statement changed nothing: the state moved in between
        // (the statement's snapshot is older than the read's); try once more.
      }
      return make_error(Errc::kTokenRevoked, "refresh token could not be rotated");
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
  return std::make_unique<PostgresSessionStore>(std::move(pool));
}

}  // namespace gatehouse::store::postgres
