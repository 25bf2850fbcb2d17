// SigningKeyStore in SQL both engines run (see README.md): the signing_keys table. Each
// change is one write transaction that re-reads the states it depends on, so concurrent
// processes serialise.
#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "gatehouse/result.h"
#include "store/signing_key_store.h"
#include "store/sql/constraint.h"

namespace gatehouse::store::sql {

template <class Pool>
class SqlSigningKeyStore final : public SigningKeyStore {
 public:
  explicit SqlSigningKeyStore(Pool pool) : pool_(std::move(pool)) {}

  Result<std::vector<SigningKeyRecord>> list() override {
    return leased(*pool_, [&](auto& c) { return all(c, kList, "list signing keys", read_key); });
  }

  Result<bool> initialize(const SigningKeyRecord& current, const SigningKeyRecord& next) override {
    return transaction(*pool_, [&](auto& c) -> Result<bool> {
      auto any = exists(c, kAnyKey, "check signing keys");
      if (!any) return any.error();
      if (*any) return false;
      if (auto st = insert_key(c, current, KeyState::kCurrent); !st) return st.error();
      if (auto st = insert_key(c, next, KeyState::kNext); !st) return st.error();
      return true;
    });
  }

  Result<bool> add_next(const SigningKeyRecord& next, std::string_view current_sealed) override {
    return transaction(*pool_, [&](auto& c) -> Result<bool> {
      auto has_next = exists(c, kNextExists, "check next signing key");
      if (!has_next) return has_next.error();
      if (*has_next) return false;
      auto same = exists(c, kCurrentSealedIs, "check current signing key", current_sealed);
      if (!same) return same.error();
      if (!*same) return moved();
      if (auto st = insert_key(c, next, KeyState::kNext); !st) return st.error();
      return true;
    });
  }

  Status rotate(std::string_view from, std::string_view from_sealed, std::string_view to,
                const SigningKeyRecord& new_next, int64_t at) override {
    return transaction(*pool_, [&](auto& c) -> Status {
      if (auto st =
              exec_one(c, kDeactivate, "deactivate signing key", moved(), at, from, from_sealed);
          !st) {
        return st;
      }
      if (auto st = exec_one(c, kActivate, "activate signing key", moved(), at, to); !st) {
        return st;
      }
      return insert_key(c, new_next, KeyState::kNext);
    });
  }

  Status retire(std::string_view kid, KeyState expected, int64_t at) override {
    if (expected == KeyState::kCurrent) {
      return make_error(Errc::kInvalidArgument, "the current signing key cannot be retired");
    }
    return transaction(*pool_, [&](auto& c) -> Status {
      auto state = one(c, kStateOf, "read signing key state", first_text, kid);
      if (!state) return state.error();
      if (!*state) return not_found();
      if (**state != key_state_name(expected)) {
        return make_error(Errc::kConflict,
                          "the signing key is " + **state + ", not " + key_state_name(expected));
      }
      return exec(c, kRetire, "retire signing key", at, kid);
    });
  }

  Result<bool> set_private_key(std::string_view kid, std::string_view sealed) override {
    if (sealed.empty()) {
      return make_error(Errc::kInvalidArgument, "a signing key's sealed private half is empty");
    }
    return transaction(*pool_, [&](auto& c) -> Result<bool> {
      auto w = write(c, kSetPrivateKey, "store signing key private half", sealed, kid);
      if (!w) return w.error();
      if (broke(*w) != Broke::kNone) {
        return constraint_failure(c, *w, "store signing key private half");
      }
      if (w->changes == 1) return true;
      auto known = exists(c, kStateOf, "read signing key state", kid);
      if (!known) return known.error();
      if (!*known) return not_found();
      return false;  // it has one already, or it retired
    });
  }

  Status reseal_private_keys(const std::vector<ResealedKey>& keys) override {
    if (auto st = check_resealed(keys); !st) return st;
    return transaction(*pool_, [&](auto& c) -> Status {
      for (const auto& k : keys) {
        if (auto st = exec_one(c, kReseal, "re-seal signing key", moved(), k.to, k.kid, k.from);
            !st) {
          return st;
        }
      }
      // A key added meanwhile (sealed under the old KEK) would be left behind.
      auto sealed = one(c, kCountSealed, "count sealed signing keys", first_int);
      if (!sealed) return sealed.error();
      if (sealed->value_or(0) != static_cast<int64_t>(keys.size())) return moved();
      return ok_status();
    });
  }

  Status raise_token_ttl(std::string_view kid, int64_t ttl) override {
    return leased(*pool_, [&](auto& c) {
      return exec_one(c, kRaiseTtl, "raise signing key token lifetime", not_found(), ttl, kid);
    });
  }

 private:
#define GH_SIGNING_KEY_COLUMNS                                                          \
  "kid, alg, public_jwk, state, created_at, activated_at, deactivated_at, retired_at, " \
  "token_ttl, private_key"
  static constexpr std::string_view kList =
      "SELECT " GH_SIGNING_KEY_COLUMNS " FROM signing_keys ORDER BY created_at, rowid";
  static constexpr std::string_view kInsert =
      "INSERT INTO signing_keys (" GH_SIGNING_KEY_COLUMNS ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
#undef GH_SIGNING_KEY_COLUMNS
  static constexpr std::string_view kAnyKey = "SELECT 1 FROM signing_keys LIMIT 1";
  static constexpr std::string_view kNextExists = "SELECT 1 FROM signing_keys WHERE state = 'next'";
  static constexpr std::string_view kCurrentSealedIs =
      "SELECT 1 FROM signing_keys WHERE state = 'current' AND private_key = ?";
  static constexpr std::string_view kStateOf = "SELECT state FROM signing_keys WHERE kid = ?";
  static constexpr std::string_view kSetPrivateKey =
      "UPDATE signing_keys SET private_key = ?1 "
      "WHERE kid = ?2 AND private_key = '' AND state <> 'retired'";
  static constexpr std::string_view kDeactivate =
      "UPDATE signing_keys SET state = 'previous', deactivated_at = ?1 "
      "WHERE kid = ?2 AND state = 'current' AND private_key = ?3";
  static constexpr std::string_view kActivate =
      "UPDATE signing_keys SET state = 'current', activated_at = ?1 "
      "WHERE kid = ?2 AND state = 'next'";
  static constexpr std::string_view kRetire =
      "UPDATE signing_keys SET state = 'retired', retired_at = ?1, private_key = '' "
      "WHERE kid = ?2";
  static constexpr std::string_view kReseal =
      "UPDATE signing_keys SET private_key = ?1 WHERE kid = ?2 AND private_key = ?3";
  static constexpr std::string_view kCountSealed =
      "SELECT count(*) FROM signing_keys WHERE private_key <> ''";
  // CASE, not SQLite's max(a, b) or PostgreSQL's GREATEST: both engines run it.
  static constexpr std::string_view kRaiseTtl =
      "UPDATE signing_keys SET token_ttl = CASE WHEN token_ttl < ?1 THEN ?1 ELSE token_ttl END "
      "WHERE kid = ?2";

  static Error not_found() { return make_error(Errc::kNotFound, "signing key not found"); }
  static Error moved() { return make_error(Errc::kConflict, "the signing keys changed meanwhile"); }

  static std::optional<KeyState> parse_state(std::string_view s) {
    for (KeyState k :
         {KeyState::kNext, KeyState::kCurrent, KeyState::kPrevious, KeyState::kRetired}) {
      if (s == key_state_name(k)) return k;
    }
    return std::nullopt;
  }

  static constexpr auto read_key = [](const auto& s) {
    SigningKeyRecord r;
    r.kid = s.column_text(0);
    r.alg = s.column_text(1);
    r.public_jwk = s.column_text(2);
    // The CHECK constraint admits only the four names.
    r.state = parse_state(s.column_text(3)).value_or(KeyState::kRetired);
    r.created_at = s.column_int64(4);
    r.activated_at = s.column_int64(5);
    r.deactivated_at = s.column_int64(6);
    r.retired_at = s.column_int64(7);
    r.token_ttl = s.column_int64(8);
    r.private_key = s.column_text(9);
    return r;
  };

  static Status check_record(const SigningKeyRecord& r) {
    if (r.kid.empty() || r.alg.empty() || r.public_jwk.empty() || r.private_key.empty()) {
      return make_error(
          Errc::kInvalidArgument,
          "signing key needs a kid, an alg, a public JWK and its sealed private half");
    }
    return ok_status();
  }

  static Status check_resealed(const std::vector<ResealedKey>& keys) {
    std::set<std::string_view> kids;
    for (const auto& k : keys) {
      if (k.from.empty() || k.to.empty()) {
        return make_error(Errc::kInvalidArgument, "a signing key's sealed private half is empty");
      }
      if (!kids.insert(k.kid).second) {
        return make_error(Errc::kInvalidArgument, "a signing key is re-sealed twice");
      }
    }
    return ok_status();
  }

  // Inserts r in `state`; kConflict on a taken kid or a second current / next key.
  template <class Connection>
  static Status insert_key(Connection& c, const SigningKeyRecord& r, KeyState state) {
    if (auto st = check_record(r); !st) return st;
    auto w =
        write(c, kInsert, "insert signing key", r.kid, r.alg, r.public_jwk, key_state_name(state),
              r.created_at, null_if_zero(r.activated_at), null_if_zero(r.deactivated_at),
              null_if_zero(r.retired_at), r.token_ttl, r.private_key);
    if (!w) return w.error();
    switch (broke(*w)) {
      case Broke::kNone:
        return ok_status();
      case Broke::kPrimaryKey:
        return make_error(Errc::kConflict, "signing key id already exists");
      case Broke::kUnique:
        return make_error(Errc::kConflict, std::string("there is already a ") +
                                               key_state_name(state) + " signing key");
      case Broke::kCheck:
        return make_error(Errc::kInvalidArgument, "signing key's public JWK is not a JSON object");
      default:
        return constraint_failure(c, *w, "insert signing key");
    }
  }

  Pool pool_;
};

}  // namespace gatehouse::store::sql
