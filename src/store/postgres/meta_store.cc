// MetaStore on PostgreSQL: the `meta` key/value table.
#include "store/postgres/engine.h"
#include "store/postgres/query.h"

namespace gatehouse::store::postgres {
namespace {

constexpr std::string_view kGetMeta = "SELECT value FROM meta WHERE key = ?";
constexpr std::string_view kInsertMetaIfAbsent =
    "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO NOTHING";

class PostgresMetaStore final : public MetaStore {
 public:
  explicit PostgresMetaStore(Pool pool) : pool_(std::move(pool)) {}

  Result<std::optional<std::string>> get(const std::string& key) override {
    return leased(*pool_, [&](Connection& c) { return one(c, kGetMeta, "read meta", text0, key); });
  }

  Result<std::string> put_if_absent(const std::string& key, const std::string& value) override {
    return transaction(*pool_, [&](Connection& c) -> Result<std::string> {
      if (auto st = exec(c, kInsertMetaIfAbsent, "insert meta", key, value); !st) {
        return st.error();
      }
      auto stored = one(c, kGetMeta, "read meta", text0, key);
      if (!stored) return stored.error();
      if (!*stored) return make_error(Errc::kInternal, "postgres: meta value vanished: " + key);
      return std::move(**stored);
    });
  }

 private:
  Pool pool_;
};

}  // namespace

std::unique_ptr<MetaStore> make_meta_store(Pool pool) {
  return std::make_unique<PostgresMetaStore>(std::move(pool));
}

}  // namespace gatehouse::store::postgres
