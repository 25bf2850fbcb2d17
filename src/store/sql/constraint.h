// What store/sql/ code needs beside the engines' query.h: which constraint a write broke,
// by kind, under names both engines share, so it can tell a taken key from a taken unique
// value without the engine's own codes, NULL parameters for "not happened yet", and
// readers of a one-column result:
//
//   auto w = write(c, kInsert, "insert key", ...);
//   if (!w) return w.error();
//   if (broke(*w) == Broke::kPrimaryKey) return make_error(Errc::kConflict, "id taken");
//   if (broke(*w) != Broke::kNone) return constraint_failure(c, *w, "insert key");
//
// Each engine defines broke(const Written&) and constraint_failure(Connection&, const
// Written&, what) in its query.h, found by argument-dependent lookup.
#pragma once

#include <cstdint>
#include <optional>

namespace gatehouse::store::sql {

enum class Broke { kNone, kPrimaryKey, kUnique, kForeignKey, kCheck, kOther };

// NULL for 0 ("not happened yet" columns), as a parameter both engines bind.
inline std::optional<int64_t> null_if_zero(int64_t v) {
  return v == 0 ? std::nullopt : std::optional<int64_t>(v);
}

// Row readers for a single-column result, over either engine's Statement.
inline constexpr auto first_int = [](const auto& s) { return s.column_int64(0); };
inline constexpr auto first_text = [](const auto& s) { return s.column_text(0); };

}  // namespace gatehouse::store::sql
