#include "store/postgres/query.h"

#include <algorithm>
#include <chrono>
#include <random>
#include <thread>

namespace gatehouse::store::postgres {

void backoff(int attempt) {
  thread_local std::minstd_rand rng(std::random_device{}());
  // Exponential, capped at 20 ms: on a busy machine a loser that retried at once kept
  // meeting the same winners (a contract test saw 20 attempts fail under load).
  const unsigned limit = 200u << std::min(attempt, 7);  // 400 µs .. 25.6 ms
  std::this_thread::sleep_for(std::chrono::microseconds(rng() % std::min(limit, 20000u)));
}

}  // namespace gatehouse::store::postgres

namespace gatehouse::store::postgres::detail {

int constraint_kind(const Failure& f) {
  if (!f.sqlstate.starts_with("23")) return 0;
  if (f.sqlstate == "23505") {
    return f.constraint.ends_with("_pkey") ? kConstraintPrimaryKey : kConstraintUnique;
  }
  if (f.sqlstate == "23503") return kConstraintForeignKey;
  if (f.sqlstate == "23502") return kConstraintNotNull;
  if (f.sqlstate == "23514") return kConstraintCheck;
  return kConstraintOther;
}

}  // namespace gatehouse::store::postgres::detail
