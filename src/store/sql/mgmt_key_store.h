// MgmtKeyStore in SQL both engines run (see README.md): the mgmt_keys table.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "gatehouse/result.h"
#include "store/mgmt_key_store.h"
#include "store/sql/constraint.h"

namespace gatehouse::store::sql {

template <class Pool>
class SqlMgmtKeyStore final : public MgmtKeyStore {
 public:
  explicit SqlMgmtKeyStore(Pool pool) : pool_(std::move(pool)) {}

  Status insert(const MgmtKey& key) override {
    if (key.id.empty() || key.key_hash.empty()) {
      return make_error(Errc::kInvalidArgument, "management key needs an id and a hash");
    }
    return leased(*pool_, [&](auto& c) -> Status {
      auto w = write(c, kInsert, "insert management key", key.id, key.name, key.key_hash,
                     key.created_at, null_if_zero(key.expires_at), null_if_zero(key.revoked_at),
                     null_if_zero(key.last_used_at));
      if (!w) return w.error();
      switch (broke(*w)) {
        case Broke::kNone:
          return ok_status();
        case Broke::kPrimaryKey:
          return make_error(Errc::kConflict, "management key id already exists");
        case Broke::kUnique:
          return make_error(Errc::kConflict, "management key hash already exists");
        default:
          return constraint_failure(c, *w, "insert management key");
      }
    });
  }

  Result<MgmtKey> get(const std::string& id) override {
    auto row = leased(
        *pool_, [&](auto& c) { return one(c, kSelect, "read management key", read_key, id); });
    if (!row) return row.error();
    if (!*row) return not_found();
    return std::move(**row);
  }

  Result<std::vector<MgmtKey>> list() override {
    return leased(*pool_, [&](auto& c) { return all(c, kList, "list management keys", read_key); });
  }

  Status revoke(const std::string& id, int64_t at) override {
    return leased(*pool_, [&](auto& c) {
      return exec_one(c, kRevoke, "revoke management key", not_found(), at, id);
    });
  }

  Status touch(const std::string& id, int64_t at) override {
    return leased(*pool_, [&](auto& c) {
      return exec_one(c, kTouch, "touch management key", not_found(), at, id);
    });
  }

 private:
  static constexpr std::string_view kInsert =
      "INSERT INTO mgmt_keys (id, name, key_hash, created_at, expires_at, revoked_at, "
      "last_used_at) VALUES (?, ?, ?, ?, ?, ?, ?)";
#define GH_MGMT_KEY_COLUMNS \
  "id, name, key_hash, created_at, expires_at, revoked_at, last_used_at FROM mgmt_keys"
  static constexpr std::string_view kSelect = "SELECT " GH_MGMT_KEY_COLUMNS " WHERE id = ?";
  static constexpr std::string_view kList =
      "SELECT " GH_MGMT_KEY_COLUMNS " ORDER BY created_at, rowid";
#undef GH_MGMT_KEY_COLUMNS
  // A second revocation keeps the first time.
  static constexpr std::string_view kRevoke =
      "UPDATE mgmt_keys SET revoked_at = coalesce(revoked_at, ?1) WHERE id = ?2";
  // Never moves backwards: concurrent requests may report their use out of order.
  static constexpr std::string_view kTouch =
      "UPDATE mgmt_keys SET last_used_at = CASE WHEN last_used_at IS NULL OR last_used_at < ?1 "
      "THEN ?1 ELSE last_used_at END WHERE id = ?2";

  static Error not_found() { return make_error(Errc::kNotFound, "management key not found"); }
  static constexpr auto read_key = [](const auto& s) {
    MgmtKey k;
    k.id = s.column_text(0);
    k.name = s.column_text(1);
    k.key_hash = s.column_text(2);
    k.created_at = s.column_int64(3);
    k.expires_at = s.column_int64(4);
    k.revoked_at = s.column_int64(5);
    k.last_used_at = s.column_int64(6);
    return k;
  };

  Pool pool_;
};

}  // namespace gatehouse::store::sql
