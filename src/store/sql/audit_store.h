// AuditStore in SQL both engines run (see README.md): the audit_events table.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "gatehouse/result.h"
#include "store/audit_store.h"
#include "store/model.h"
#include "store/sql/constraint.h"
#include "store/sql/text.h"

namespace gatehouse::store::sql {

template <class Pool>
class SqlAuditStore final : public AuditStore {
 public:
  // `json_list`: the engine's subquery that yields the strings of a JSON array bound to one
  // placeholder (Dialect::json_list, shared_stores.h).
  SqlAuditStore(Pool pool, std::string_view json_list)
      : pool_(std::move(pool)), json_list_(json_list) {}

  Result<int64_t> insert(const AuditEvent& e) override {
    if (e.action.empty()) return make_error(Errc::kInvalidArgument, "audit action is required");
    auto id = leased(*pool_, [&](auto& c) {
      return one(c, kInsertReturningId, "insert audit event", first_int, e.at, e.action, e.result,
                 e.user_id, e.login_id, e.actor, e.ip, e.user_agent, e.detail);
    });
    if (!id) return id.error();
    if (!*id) return make_error(Errc::kInternal, "insert audit event: no id");
    return **id;
  }

  Status insert_all(const std::vector<AuditEvent>& events) override {
    for (const auto& e : events) {
      if (e.action.empty()) return make_error(Errc::kInvalidArgument, "audit action is required");
    }
    if (events.empty()) return ok_status();
    return transaction(*pool_, [&](auto& c) -> Status {
      for (const auto& e : events) {
        if (auto st = exec(c, kInsert, "insert audit event", e.at, e.action, e.result, e.user_id,
                           e.login_id, e.actor, e.ip, e.user_agent, e.detail);
            !st) {
          return st;
        }
      }
      return ok_status();
    });
  }

  Result<std::vector<AuditEvent>> search(const AuditQuery& q) override {
    if (q.limit < 1 || q.limit > kMaxLimit) {
      return make_error(Errc::kInvalidArgument, "limit must be between 1 and 1000");
    }
    // Only the filters present appear (at most 64 shapes of text, see
    // json_string_array); the plan then walks audit_events_at, audit_events_action_at or
    // audit_events_user_at newest first.
    std::string where;
    Params params;
    auto add_list = [&](const std::vector<std::string>& values, std::string_view column) {
      if (values.empty()) return;
      add_condition(where, std::string(column) + " IN " + std::string(json_list_));
      params.emplace_back(json_string_array(values));
    };
    add_list(q.actions, "action");
    add_list(q.user_ids, "user_id");
    add_list(q.login_ids, "login_id");
    add_list(q.results, "result");
    if (q.from != 0) {
      add_condition(where, "at >= ?");
      params.emplace_back(q.from);
    }
    if (q.to != 0) {
      add_condition(where, "at < ?");
      params.emplace_back(q.to);
    }
    params.emplace_back(int64_t{q.limit});
    const std::string sql = std::string(kSearch) + where + " ORDER BY at DESC, id DESC LIMIT ?";
    return leased(*pool_,
                  [&](auto& c) { return all(c, sql, "search audit events", read_event, params); });
  }

  Result<std::vector<DayCount>> count_by_day(const std::string& action, int64_t from,
                                             int64_t to) override {
    return leased(*pool_, [&](auto& c) {
      return all(c, kCountByDay, "count audit events", read_day_count, action, from, to);
    });
  }

 private:
  static constexpr std::string_view kInsert =
      "INSERT INTO audit_events (at, action, result, user_id, login_id, actor, ip, user_agent, "
      "detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)";
  // RETURNING: PostgreSQL, and SQLite from 3.35 (Debian 12 has 3.40).
  static constexpr std::string_view kInsertReturningId =
      "INSERT INTO audit_events (at, action, result, user_id, login_id, actor, ip, user_agent, "
      "detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id";
  // search appends its WHERE clause and order to this.
  static constexpr std::string_view kSearch =
      "SELECT id, at, action, result, user_id, login_id, actor, ip, user_agent, detail "
      "FROM audit_events";
  // The day is floored, not truncated, so times before 1970 land on the right day too.
  // Uses audit_events_action_at.
  static constexpr std::string_view kCountByDay =
      "SELECT at - ((at % 86400) + 86400) % 86400 AS day, count(*) FROM audit_events "
      "WHERE action = ? AND result = 'success' AND at >= ? AND at < ? GROUP BY day ORDER BY day";
  static constexpr int kMaxLimit = 1000;

  static constexpr auto read_event = [](const auto& s) {
    AuditEvent e;
    e.id = s.column_int64(0);
    e.at = s.column_int64(1);
    e.action = s.column_text(2);
    e.result = s.column_text(3);
    e.user_id = s.column_text(4);
    e.login_id = s.column_text(5);
    e.actor = s.column_text(6);
    e.ip = s.column_text(7);
    e.user_agent = s.column_text(8);
    e.detail = s.column_text(9);
    return e;
  };
  static constexpr auto read_day_count = [](const auto& s) {
    return DayCount{s.column_int64(0), s.column_int64(1)};
  };

  Pool pool_;
  std::string_view json_list_;
};

}  // namespace gatehouse::store::sql
