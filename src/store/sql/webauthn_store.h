// WebAuthnStore in SQL both engines run (see README.md): the webauthn_credentials and
// webauthn_challenges tables.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "gatehouse/result.h"
#include "store/sql/constraint.h"
#include "store/webauthn_store.h"

namespace gatehouse::store::sql {

template <class Pool>
class SqlWebAuthnStore final : public WebAuthnStore {
 public:
  explicit SqlWebAuthnStore(Pool pool) : pool_(std::move(pool)) {}

  Status put_challenge(const WebAuthnChallenge& c, int64_t now) override {
    if (c.transaction_hash.empty() || c.kind.empty() || c.challenge.empty()) {
      return make_error(Errc::kInvalidArgument, "a webauthn challenge needs hash, kind, challenge");
    }
    return transaction(*pool_, [&](auto& conn) -> Status {
      if (auto st = exec(conn, kPurgeChallenges, "purge webauthn challenges", now); !st) return st;
      auto w = write(conn, kInsertChallenge, "insert webauthn challenge", c.transaction_hash,
                     c.kind, c.challenge, c.user_id, c.login_id, c.name, c.require_uv, c.origin,
                     c.created_at, c.expires_at);
      if (!w) return w.error();
      if (w->constraint != 0) return make_error(Errc::kConflict, "webauthn transaction exists");
      return ok_status();
    });
  }

  Result<WebAuthnChallenge> take_challenge(const std::string& hash, int64_t now) override {
    // The row is deleted whether it is live or expired; the transaction commits in both
    // cases (an error would roll the delete back), so the answer is decided after it.
    auto taken = transaction(*pool_, [&](auto& conn) -> Result<std::optional<WebAuthnChallenge>> {
      auto row = one(conn, kSelectChallenge, "read webauthn challenge", read_challenge, hash);
      if (!row) return row.error();
      if (!*row) return std::optional<WebAuthnChallenge>();
      if (auto st = exec(conn, kDeleteChallenge, "delete webauthn challenge", hash); !st) {
        return st.error();
      }
      return std::move(*row);
    });
    if (!taken) return taken.error();
    if (!*taken || (*taken)->expires_at <= now) return no_challenge();
    return std::move(**taken);
  }

  Status add_credential(const WebAuthnCredential& c) override {
    if (c.credential_id.empty() || c.public_key.empty()) {
      return make_error(Errc::kInvalidArgument, "a webauthn credential needs an id and a key");
    }
    return transaction(*pool_, [&](auto& conn) -> Status {
      auto user = exists(conn, kUserExists, "check user", c.user_id);
      if (!user) return user.error();
      if (!*user) return make_error(Errc::kUserNotFound, "user not found");
      auto w = write(conn, kInsertCredential, "insert webauthn credential", c.credential_id,
                     c.user_id, c.public_key, c.alg, c.sign_count, c.name, c.created_at,
                     null_if_zero(c.last_used_at));
      if (!w) return w.error();
      if (w->constraint != 0) return make_error(Errc::kConflict, "credential already registered");
      return ok_status();
    });
  }

  Result<WebAuthnCredential> get_credential(const std::string& credential_id) override {
    return leased(*pool_, [&](auto& conn) -> Result<WebAuthnCredential> {
      auto row =
          one(conn, kSelectCredential, "read webauthn credential", read_credential, credential_id);
      if (!row) return row.error();
      if (!*row) return no_credential();
      return std::move(**row);
    });
  }

  Result<std::vector<WebAuthnCredential>> list_credentials(const std::string& user_id) override {
    return leased(*pool_, [&](auto& conn) {
      return all(conn, kListCredentials, "list webauthn credentials", read_credential, user_id);
    });
  }

  Result<bool> update_counter(const std::string& credential_id, int64_t expected, int64_t new_count,
                              int64_t at) override {
    return transaction(*pool_, [&](auto& conn) -> Result<bool> {
      auto w = write(conn, kUpdateCounter, "update webauthn counter", new_count, at, credential_id,
                     expected);
      if (!w) return w.error();
      if (w->changes == 1) return true;
      auto found = exists(conn, kCredentialExists, "check webauthn credential", credential_id);
      if (!found) return found.error();
      if (!*found) return no_credential();
      return false;
    });
  }

  Result<int64_t> remove_user_credentials(const std::string& user_id) override {
    return leased(*pool_, [&](auto& conn) -> Result<int64_t> {
      auto w = write(conn, kDeleteUserCredentials, "delete webauthn credentials", user_id);
      if (!w) return w.error();
      return w->changes;
    });
  }

 private:
  static constexpr std::string_view kPurgeChallenges =
      "DELETE FROM webauthn_challenges WHERE expires_at <= ?";
  static constexpr std::string_view kInsertChallenge =
      "INSERT INTO webauthn_challenges (transaction_hash, kind, challenge, user_id, login_id, "
      "name, require_uv, origin, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
  static constexpr std::string_view kSelectChallenge =
      "SELECT transaction_hash, kind, challenge, user_id, login_id, name, require_uv, origin, "
      "created_at, expires_at FROM webauthn_challenges WHERE transaction_hash = ?";
  static constexpr std::string_view kDeleteChallenge =
      "DELETE FROM webauthn_challenges WHERE transaction_hash = ?";

  static constexpr std::string_view kUserExists = "SELECT 1 FROM users WHERE id = ?";
  static constexpr std::string_view kInsertCredential =
      "INSERT INTO webauthn_credentials (credential_id, user_id, public_key, alg, sign_count, "
      "name, created_at, last_used_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)";
#define GH_CREDENTIAL_COLUMNS                                                            \
  "credential_id, user_id, public_key, alg, sign_count, name, created_at, last_used_at " \
  "FROM webauthn_credentials"
  static constexpr std::string_view kSelectCredential =
      "SELECT " GH_CREDENTIAL_COLUMNS " WHERE credential_id = ?";
  static constexpr std::string_view kListCredentials =
      "SELECT " GH_CREDENTIAL_COLUMNS " WHERE user_id = ? ORDER BY created_at, rowid";
#undef GH_CREDENTIAL_COLUMNS
  // The compare-and-set of the signature counter.
  static constexpr std::string_view kUpdateCounter =
      "UPDATE webauthn_credentials SET sign_count = ?, last_used_at = ? "
      "WHERE credential_id = ? AND sign_count = ?";
  static constexpr std::string_view kCredentialExists =
      "SELECT 1 FROM webauthn_credentials WHERE credential_id = ?";
  static constexpr std::string_view kDeleteUserCredentials =
      "DELETE FROM webauthn_credentials WHERE user_id = ?";

  static constexpr auto read_challenge = [](const auto& s) {
    WebAuthnChallenge c;
    c.transaction_hash = s.column_text(0);
    c.kind = s.column_text(1);
    c.challenge = s.column_text(2);
    c.user_id = s.column_text(3);
    c.login_id = s.column_text(4);
    c.name = s.column_text(5);
    c.require_uv = s.column_bool(6);
    c.origin = s.column_text(7);
    c.created_at = s.column_int64(8);
    c.expires_at = s.column_int64(9);
    return c;
  };

  static constexpr auto read_credential = [](const auto& s) {
    WebAuthnCredential c;
    c.credential_id = s.column_text(0);
    c.user_id = s.column_text(1);
    c.public_key = s.column_text(2);
    c.alg = static_cast<int>(s.column_int64(3));
    c.sign_count = s.column_int64(4);
    c.name = s.column_text(5);
    c.created_at = s.column_int64(6);
    c.last_used_at = s.column_int64(7);
    return c;
  };

  static Error no_challenge() {
    return make_error(Errc::kNotFound, "no such webauthn transaction");
  }
  static Error no_credential() {
    return make_error(Errc::kNotFound, "no such webauthn credential");
  }

  Pool pool_;
};

}  // namespace gatehouse::store::sql
