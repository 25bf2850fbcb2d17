// FlowStore in SQL both engines run (see README.md): the flow_executions table. advance()
// is one UPDATE guarded by the expected step inside a write transaction (SQLite: the single
// writer; PostgreSQL: SERIALIZABLE), so two requests on the same step, on any nodes, cannot
// both move the execution.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>

#include "gatehouse/result.h"
#include "store/flow_store.h"
#include "store/sql/constraint.h"

namespace gatehouse::store::sql {

template <class Pool>
class SqlFlowStore final : public FlowStore {
 public:
  explicit SqlFlowStore(Pool pool) : pool_(std::move(pool)) {}

  Status create(const FlowExecution& e) override {
    if (e.id.empty() || e.flow_id.empty() || e.step_id.empty()) {
      return make_error(Errc::kInvalidArgument, "a flow execution needs id, flow id, step id");
    }
    return transaction(*pool_, [&](auto& c) -> Status {
      if (auto st = exec(c, kPurge, "purge flow executions", e.created_at); !st) return st;
      auto w = write(c, kInsert, "insert flow execution", e.id, e.flow_id, e.step_id,
                     e.state.empty() ? std::string("{}") : e.state, e.created_at, e.expires_at);
      if (!w) return w.error();
      if (broke(*w) == Broke::kPrimaryKey) {
        return make_error(Errc::kConflict, "flow execution already exists");
      }
      if (broke(*w) != Broke::kNone) return constraint_failure(c, *w, "insert flow execution");
      return ok_status();
    });
  }

  Result<FlowExecution> get(const std::string& id, int64_t now) override {
    return leased(*pool_, [&](auto& c) -> Result<FlowExecution> {
      auto row = one(c, kSelect, "read flow execution", read_execution, id, now);
      if (!row) return row.error();
      if (!*row) return make_error(Errc::kNotFound, "flow execution not found");
      return std::move(**row);
    });
  }

  Status advance(const std::string& id, const std::string& expected_step,
                 const std::string& new_step, const std::string& new_state, int64_t now) override {
    return transaction(*pool_, [&](auto& c) -> Status {
      auto w =
          write(c, kAdvance, "advance flow execution", new_step, new_state, id, expected_step, now);
      if (!w) return w.error();
      if (broke(*w) != Broke::kNone) return constraint_failure(c, *w, "advance flow execution");
      if (w->changes == 1) return ok_status();
      auto alive = exists(c, kAlive, "check flow execution", id, now);
      if (!alive) return alive.error();
      if (*alive) return make_error(Errc::kConflict, "flow step already used");
      return make_error(Errc::kNotFound, "flow execution not found");
    });
  }

  Status remove(const std::string& id) override {
    return transaction(*pool_, [&](auto& c) -> Status {
      auto w = write(c, kDelete, "delete flow execution", id);
      if (!w) return w.error();
      if (w->changes == 0) return make_error(Errc::kNotFound, "flow execution not found");
      return ok_status();
    });
  }

  Result<int64_t> purge(int64_t now) override {
    return transaction(*pool_, [&](auto& c) -> Result<int64_t> {
      auto w = write(c, kPurge, "purge flow executions", now);
      if (!w) return w.error();
      return w->changes;
    });
  }

 private:
  static constexpr std::string_view kInsert =
      "INSERT INTO flow_executions (id, flow_id, step_id, state, created_at, expires_at) "
      "VALUES (?, ?, ?, ?, ?, ?)";
  static constexpr std::string_view kPurge = "DELETE FROM flow_executions WHERE expires_at <= ?";
  static constexpr std::string_view kSelect =
      "SELECT id, flow_id, step_id, state, created_at, expires_at FROM flow_executions "
      "WHERE id = ? AND expires_at > ?";
  static constexpr std::string_view kAdvance =
      "UPDATE flow_executions SET step_id = ?, state = ? "
      "WHERE id = ? AND step_id = ? AND expires_at > ?";
  static constexpr std::string_view kAlive =
      "SELECT 1 FROM flow_executions WHERE id = ? AND expires_at > ?";
  static constexpr std::string_view kDelete = "DELETE FROM flow_executions WHERE id = ?";

  static constexpr auto read_execution = [](const auto& s) {
    FlowExecution e;
    e.id = s.column_text(0);
    e.flow_id = s.column_text(1);
    e.step_id = s.column_text(2);
    e.state = s.column_text(3);
    e.created_at = s.column_int64(4);
    e.expires_at = s.column_int64(5);
    return e;
  };

  Pool pool_;
};

}  // namespace gatehouse::store::sql
