// SessionStore in SQL both engines run (see README.md): refresh_tokens, refresh_families
// and revocations. How a refresh token is rotated is the one part that differs by engine:
// Dialect::refresh_rotation names the PostgreSQL statement; SQLite, which has no UPDATE
// inside WITH, rotates in a write transaction of several statements.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "gatehouse/result.h"
#include "store/session_store.h"
#include "store/sql/constraint.h"
#include "store/sql/dialect.h"
#include "store/sql/one_time_store.h"
#include "store/sql/user_columns.h"

namespace gatehouse::store::sql {

template <class Pool>
class SqlSessionStore final : public SessionStore {
 public:
  SqlSessionStore(Pool pool, const Dialect& dialect)
      : pool_(std::move(pool)),
        rotation_(dialect.refresh_rotation),
        // The token as kSelectToken reads it (columns 0-8), then its user (user_select's
        // columns from column 9, NULL when the user is gone): one statement, one snapshot.
        select_token_with_user_(std::string(kTokenColumns) + ", " + user_columns(dialect) +
                                std::string(kTokenFrom) +
                                " LEFT JOIN users ON users.id = t.user_id WHERE t.id = ?") {}

  Status insert(const RefreshToken& token) override {
    return transaction(*pool_, [&](auto& c) { return insert_token(c, token); });
  }

  Status insert_spending(const RefreshToken& token, const SecretSpend& spend) override {
    return transaction(*pool_, [&](auto& c) -> Status {
      if (auto st = spend_secret(c, spend); !st) return st;
      return insert_token(c, token);
    });
  }

  Result<RefreshToken> get(const std::string& id) override {
    auto row = leased(*pool_, [&](auto& c) {
      return one(c, kSelectToken, "read refresh token", read_token, id);
    });
    if (!row) return row.error();
    if (!*row) return token_not_found();
    return std::move(**row);
  }

  Result<TokenAndUser> get_with_user(const std::string& id) override {
    auto row = leased(*pool_, [&](auto& c) {
      return one(
          c, select_token_with_user_, "read refresh token and user",
          [](const auto& s) {
            return TokenAndUser{read_token(s), read_user_columns(s, 9)};
          },
          id);
    });
    if (!row) return row.error();
    if (!*row) return token_not_found();
    if ((*row)->user.id.empty()) return make_error(Errc::kUserNotFound, "user not found");
    return std::move(**row);
  }

  Status rotate(const std::string& old_id, const RefreshToken& replacement, int64_t at) override {
    return rotation_.empty() ? rotate_in_transaction(old_id, replacement, at)
                             : rotate_in_one_statement(old_id, replacement, at);
  }

  Status revoke(const std::string& id, int64_t at) override {
    return leased(*pool_, [&](auto& c) {
      return exec_one(c, kRevokeToken, "revoke refresh token", token_not_found(), at, id);
    });
  }

  Status revoke_family(const std::string& family_id, int64_t at) override {
    return transaction(*pool_, [&](auto& c) { return end_family(c, family_id, at); });
  }

  Status revoke_user(const std::string& user_id, int64_t at,
                     const std::string& keep_family) override {
    return transaction(*pool_, [&](auto& c) -> Status {
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
    return leased(*pool_, [&](auto& c) {
      return all(c, kSelectRevocations, "read revocations", read_revocation, after_seq, not_before);
    });
  }

  Status prune_revocations(int64_t before) override {
    return leased(*pool_,
                  [&](auto& c) { return exec(c, kPruneRevocations, "prune revocations", before); });
  }

 private:
  // --- SQL ---

  static constexpr std::string_view kInsertToken =
      "INSERT INTO refresh_tokens (id, user_id, family_id, token_hash, issued_at, expires_at, "
      "revoked_at, rotated_at, replaced_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)";
  // A token of a revoked family reads as revoked (the earlier time wins).
#define GH_TOKEN_COLUMNS                                                              \
  "SELECT t.id, t.user_id, t.family_id, t.token_hash, t.issued_at, t.expires_at, "    \
  "CASE WHEN t.revoked_at IS NULL THEN f.revoked_at "                                 \
  "     WHEN f.revoked_at IS NULL OR t.revoked_at <= f.revoked_at THEN t.revoked_at " \
  "     ELSE f.revoked_at END, "                                                      \
  "t.rotated_at, t.replaced_by"
#define GH_TOKEN_FROM " FROM refresh_tokens t LEFT JOIN refresh_families f ON f.id = t.family_id"
  static constexpr std::string_view kTokenColumns = GH_TOKEN_COLUMNS;
  static constexpr std::string_view kTokenFrom = GH_TOKEN_FROM;
  static constexpr std::string_view kSelectToken = GH_TOKEN_COLUMNS GH_TOKEN_FROM " WHERE t.id = ?";
#undef GH_TOKEN_COLUMNS
#undef GH_TOKEN_FROM
  static constexpr std::string_view kSetLastLogin =
      "UPDATE users SET last_login_at = ? WHERE id = ?";
  static constexpr std::string_view kInsertFamily =
      "INSERT INTO refresh_families (id, user_id, created_at) VALUES (?, ?, ?) "
      "ON CONFLICT (id) DO NOTHING";
  static constexpr std::string_view kSelectFamily =
      "SELECT user_id, revoked_at FROM refresh_families WHERE id = ?";
  static constexpr std::string_view kRevokeFamilyRow =
      "UPDATE refresh_families SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL";
  static constexpr std::string_view kLiveFamiliesOfUser =
      "SELECT id FROM refresh_families WHERE user_id = ? AND revoked_at IS NULL ORDER BY id";
  static constexpr std::string_view kLogRevocation =
      "INSERT INTO revocations (family_id, at) VALUES (?, ?)";
  static constexpr std::string_view kSelectRevocations =
      "SELECT seq, family_id, at FROM revocations WHERE seq > ? AND at >= ? ORDER BY seq";
  static constexpr std::string_view kPruneRevocations = "DELETE FROM revocations WHERE at < ?";
  // Only a live token can be marked: of two rotations of one token, one wins.
  static constexpr std::string_view kMarkRotated =
      "UPDATE refresh_tokens SET rotated_at = ?, replaced_by = ? "
      "WHERE id = ? AND rotated_at IS NULL AND revoked_at IS NULL";
  // A second revocation keeps the first time.
  static constexpr std::string_view kRevokeToken =
      "UPDATE refresh_tokens SET revoked_at = coalesce(revoked_at, ?) WHERE id = ?";
  static constexpr std::string_view kRevokeFamilyTokens =
      "UPDATE refresh_tokens SET revoked_at = ? WHERE family_id = ? AND revoked_at IS NULL";

  // --- rows ---

  struct Family {
    std::string user_id;
    int64_t revoked_at = 0;
  };

  static constexpr auto read_token = [](const auto& s) {
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
  };
  static constexpr auto read_family = [](const auto& s) {
    return Family{s.column_text(0), s.column_int64(1)};
  };
  static constexpr auto read_revocation = [](const auto& s) {
    return Revocation{s.column_int64(0), s.column_text(1), s.column_int64(2)};
  };

  static Error token_not_found() { return make_error(Errc::kNotFound, "refresh token not found"); }

  // NULL for "" (a token not yet replaced).
  static std::optional<std::string> null_if_empty(const std::string& s) {
    return s.empty() ? std::nullopt : std::optional<std::string>(s);
  }

  // --- rotation ---

  // SQLite: read the old token, check it, mark it and insert the replacement inside one
  // write transaction; the engine's writer lock keeps the read valid until the commit.
  Status rotate_in_transaction(const std::string& old_id, const RefreshToken& replacement,
                               int64_t at) {
    return transaction(*pool_, [&](auto& c) -> Status {
      if (auto st = why_not_rotated(c, old_id, replacement); !st) return st;
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

  // PostgreSQL: one autocommit statement (Dialect::refresh_rotation, where dialect.h says why
  // it is safe under READ COMMITTED); only when it changed nothing is the old token read, to
  // say why.
  Status rotate_in_one_statement(const std::string& old_id, const RefreshToken& replacement,
                                 int64_t at) {
    return leased(*pool_, [&](auto& c) -> Status {
      if (replacement.id.empty() || replacement.token_hash.empty()) {
        if (auto st = why_not_rotated(c, old_id, replacement); !st) return st;
        return make_error(Errc::kInvalidArgument, "refresh token needs id and hash");
      }
      for (int attempt = 1; attempt <= 2; ++attempt) {
        auto w = write(c, rotation_, "rotate refresh token", at, replacement.id, old_id,
                       replacement.user_id, replacement.family_id, replacement.token_hash,
                       replacement.issued_at, replacement.expires_at,
                       null_if_zero(replacement.revoked_at), null_if_zero(replacement.rotated_at),
                       null_if_empty(replacement.replaced_by));
        if (!w) return w.error();
        if (auto st = token_row_status(c, *w, "rotate refresh token"); !st) return st;
        if (w->changes == 1) return ok_status();
        if (auto st = why_not_rotated(c, old_id, replacement); !st) return st;
        // Rotatable now, yet the statement changed nothing: the state moved in between
        // (the statement's snapshot is older than the read's); try once more.
      }
      return make_error(Errc::kTokenRevoked, "refresh token could not be rotated");
    });
  }

  // Why the old token cannot be rotated into `replacement`, in the order every engine
  // answers (rotation_allowed): unknown, revoked (its family included), already rotated,
  // another user or family. OK when it could be.
  template <class Connection>
  static Status why_not_rotated(Connection& c, const std::string& old_id,
                                const RefreshToken& replacement) {
    auto old = one(c, kSelectToken, "read refresh token", read_token, old_id);
    if (!old) return old.error();
    return rotation_allowed(*old ? &**old : nullptr, replacement);
  }

  // --- helpers, inside the caller's transaction ---

  // kTokenRevoked when the family was revoked, kInvalidArgument when it is another
  // user's; a family that does not exist yet is fine (insert starts it).
  template <class Connection>
  static Status check_family(Connection& c, const std::string& family_id,
                             const std::string& user_id) {
    auto family = one(c, kSelectFamily, "read refresh family", read_family, family_id);
    if (!family) return family.error();
    if (!*family) return ok_status();
    if ((*family)->revoked_at != 0) return make_error(Errc::kTokenRevoked, "sign-in was ended");
    if ((*family)->user_id != user_id) {
      return make_error(Errc::kInvalidArgument, "refresh family belongs to another user");
    }
    return ok_status();
  }

  // Ends one live family: the family row, its tokens and a log entry.
  template <class Connection>
  static Status end_family(Connection& c, const std::string& family_id, int64_t at) {
    auto w = write(c, kRevokeFamilyRow, "revoke refresh family", at, family_id);
    if (!w) return w.error();
    if (broke(*w) != Broke::kNone) return constraint_failure(c, *w, "revoke refresh family");
    if (w->changes == 0) return ok_status();  // unknown or already ended
    if (auto st = exec(c, kRevokeFamilyTokens, "revoke refresh tokens", at, family_id); !st) {
      return st;
    }
    return exec(c, kLogRevocation, "log revocation", family_id, at);
  }

  // What a write of a token row (insert, or a rotation's insert) broke, as the store's
  // errors.
  template <class Connection, class Written>
  static Status token_row_status(Connection& c, const Written& w, std::string_view what) {
    switch (broke(w)) {
      case Broke::kNone:
        return ok_status();
      case Broke::kPrimaryKey:
        return make_error(Errc::kConflict, "refresh token id already exists");
      case Broke::kForeignKey:
        return make_error(Errc::kUserNotFound, "user not found");
      default:
        return constraint_failure(c, w, what);
    }
  }

  // Adds the token, starting its family (a sign-in, which sets last_login_at) when new.
  template <class Connection>
  static Status insert_token(Connection& c, const RefreshToken& t) {
    if (t.id.empty() || t.user_id.empty() || t.family_id.empty() || t.token_hash.empty()) {
      return make_error(Errc::kInvalidArgument,
                        "refresh token needs id, user id, family id and hash");
    }
    if (auto st = check_family(c, t.family_id, t.user_id); !st) return st;
    auto family =
        write(c, kInsertFamily, "insert refresh family", t.family_id, t.user_id, t.issued_at);
    if (!family) return family.error();
    if (broke(*family) == Broke::kForeignKey) {
      return make_error(Errc::kUserNotFound, "user not found");
    }
    if (broke(*family) != Broke::kNone) {
      return constraint_failure(c, *family, "insert refresh family");
    }
    if (family->changes == 1) {  // a new sign-in
      if (auto st = exec(c, kSetLastLogin, "set last login", t.issued_at, t.user_id); !st) {
        return st;
      }
    }
    auto w = write(c, kInsertToken, "insert refresh token", t.id, t.user_id, t.family_id,
                   t.token_hash, t.issued_at, t.expires_at, null_if_zero(t.revoked_at),
                   null_if_zero(t.rotated_at), null_if_empty(t.replaced_by));
    if (!w) return w.error();
    return token_row_status(c, *w, "insert refresh token");
  }

  Pool pool_;
  const std::string_view rotation_;
  const std::string select_token_with_user_;
};

}  // namespace gatehouse::store::sql
