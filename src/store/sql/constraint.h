// Which constraint a write broke, by kind, under names both engines share, so store/sql/
// code can tell a taken key from a taken unique value without the engine's own codes:
//
//   auto w = write(c, kInsert, "insert key", ...);
//   if (!w) return w.error();
//   if (broke(*w) == Broke::kPrimaryKey) return make_error(Errc::kConflict, "id taken");
//   if (broke(*w) != Broke::kNone) return constraint_failure(c, *w, "insert key");
//
// Each engine defines broke(const Written&) and constraint_failure(Connection&, const
// Written&, what) in its query.h, found by argument-dependent lookup.
#pragma once

namespace gatehouse::store::sql {

enum class Broke { kNone, kPrimaryKey, kUnique, kForeignKey, kCheck, kOther };

}  // namespace gatehouse::store::sql
