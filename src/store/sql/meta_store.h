// MetaStore in SQL both engines run (see README.md): the `meta` key/value table.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "gatehouse/result.h"
#include "store/meta_store.h"
#include "store/sql/constraint.h"

namespace gatehouse::store::sql {

template <class Pool>
class SqlMetaStore final : public MetaStore {
 public:
  explicit SqlMetaStore(Pool pool) : pool_(std::move(pool)) {}

  Result<std::optional<std::string>> get(const std::string& key) override {
    return leased(*pool_, [&](auto& c) { return one(c, kGet, "read meta", first_text, key); });
  }

  Result<std::string> put_if_absent(const std::string& key, const std::string& value) override {
    return transaction(*pool_, [&](auto& c) -> Result<std::string> {
      if (auto st = exec(c, kInsertIfAbsent, "insert meta", key, value); !st) return st.error();
      auto stored = one(c, kGet, "read meta", first_text, key);
      if (!stored) return stored.error();
      if (!*stored) return make_error(Errc::kInternal, "meta value vanished: " + key);
      return std::move(**stored);
    });
  }

 private:
  static constexpr std::string_view kGet = "SELECT value FROM meta WHERE key = ?";
  static constexpr std::string_view kInsertIfAbsent =
      "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO NOTHING";

  Pool pool_;
};

}  // namespace gatehouse::store::sql
