// MgmtKeyStore on PostgreSQL: the mgmt_keys table.
#include "store/postgres/engine.h"
#include "store/postgres/query.h"

namespace gatehouse::store::postgres {
namespace {

constexpr std::string_view kInsertMgmtKey =
    "INSERT INTO mgmt_keys (id, name, key_hash, created_at, expires_at, revoked_at, "
    "last_used_at) VALUES (?, ?, ?, ?, ?, ?, ?)";
#define GH_MGMT_KEY_COLUMNS \
  "id, name, key_hash, created_at, expires_at, revoked_at, last_used_at FROM mgmt_keys"
constexpr std::string_view kSelectMgmtKey = "SELECT " GH_MGMT_KEY_COLUMNS " WHERE id = ?";
constexpr std::string_view kListMgmtKeys =
    "SELECT " GH_MGMT_KEY_COLUMNS " ORDER BY created_at, rowid";
#undef GH_MGMT_KEY_COLUMNS
// A second revocation keeps the first time.
constexpr std::string_view kRevokeMgmtKey =
    "UPDATE mgmt_keys SET revoked_at = coalesce(revoked_at, ?1) WHERE id = ?2";
// Never moves backwards: concurrent requests may report their use out of order.
constexpr std::string_view kTouchMgmtKey =
    "UPDATE mgmt_keys SET last_used_at = GREATEST(coalesce(last_used_at, ?1), ?1) WHERE id = ?2";

Error key_not_found() { return make_error(Errc::kNotFound, "management key not found"); }

MgmtKey read_mgmt_key_row(const Statement& s) {
  MgmtKey k;
  k.id = s.column_text(0);
  k.name = s.column_text(1);
  k.key_hash = s.column_text(2);
  k.created_at = s.column_int64(3);
  k.expires_at = s.column_int64(4);
  k.revoked_at = s.column_int64(5);
  k.last_used_at = s.column_int64(6);
  return k;
}

class PostgresMgmtKeyStore final : public MgmtKeyStore {
 public:
  explicit PostgresMgmtKeyStore(Pool pool) : pool_(std::move(pool)) {}

  Status insert(const MgmtKey& key) override {
    if (key.id.empty() || key.key_hash.empty()) {
      return make_error(Errc::kInvalidArgument, "management key needs an id and a hash");
    }
    return leased(*pool_, [&](Connection& c) -> Status {
      auto w = write(c, kInsertMgmtKey, "insert management key", key.id, key.name, key.key_hash,
                     key.created_at, or_null(key.expires_at), or_null(key.revoked_at),
                     or_null(key.last_used_at));
      if (!w) return w.error();
      if (w->constraint == kConstraintPrimaryKey) {
        return make_error(Errc::kConflict, "management key id already exists");
      }
      if (w->constraint == kConstraintUnique) {
        return make_error(Errc::kConflict, "management key hash already exists");
      }
      if (w->constraint) return constraint_error(w->constraint, "insert management key");
      return ok_status();
    });
  }

  Result<MgmtKey> get(const std::string& id) override {
    auto row = leased(*pool_, [&](Connection& c) {
      return one(c, kSelectMgmtKey, "read management key", read_mgmt_key_row, id);
    });
    if (!row) return row.error();
    if (!*row) return key_not_found();
    return std::move(**row);
  }

  Result<std::vector<MgmtKey>> list() override {
    return leased(*pool_, [&](Connection& c) {
      return all(c, kListMgmtKeys, "list management keys", read_mgmt_key_row);
    });
  }

  Status revoke(const std::string& id, int64_t at) override {
    return leased(*pool_, [&](Connection& c) {
      return exec_one(c, kRevokeMgmtKey, "revoke management key", key_not_found(), at, id);
    });
  }

  Status touch(const std::string& id, int64_t at) override {
    return leased(*pool_, [&](Connection& c) {
      return exec_one(c, kTouchMgmtKey, "touch management key", key_not_found(), at, id);
    });
  }

 private:
  Pool pool_;
};

}  // namespace

std::unique_ptr<MgmtKeyStore> make_mgmt_key_store(Pool pool) {
  return std::make_unique<PostgresMgmtKeyStore>(std::move(pool));
}

}  // namespace gatehouse::store::postgres
