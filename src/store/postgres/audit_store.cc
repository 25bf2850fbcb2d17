// AuditStore on PostgreSQL: the audit_events table.
#include "store/postgres/engine.h"
#include "store/postgres/query.h"

namespace gatehouse::store::postgres {
namespace {

constexpr std::string_view kInsertAuditEvent =
    "INSERT INTO audit_events (at, action, result, user_id, login_id, actor, ip, user_agent, "
    "detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)";
constexpr std::string_view kInsertAuditEventReturningId =
    "INSERT INTO audit_events (at, action, result, user_id, login_id, actor, ip, user_agent, "
    "detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id";
// search appends its WHERE clause and order to this.
constexpr std::string_view kSearchAuditEvents =
    "SELECT id, at, action, result, user_id, login_id, actor, ip, user_agent, detail "
    "FROM audit_events";
// The day is floored, not truncated, so times before 1970 land on the right day too.
// Uses audit_events_action_at.
constexpr std::string_view kCountAuditByDay =
    "SELECT at - ((at % 86400) + 86400) % 86400 AS day, count(*) FROM audit_events "
    "WHERE action = ? AND result = 'success' AND at >= ? AND at < ? GROUP BY day ORDER BY day";

constexpr int kMaxAuditLimit = 1000;

AuditEvent read_audit_row(const Statement& s) {
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
}

DayCount read_day_count_row(const Statement& s) {
  return DayCount{s.column_int64(0), s.column_int64(1)};
}

class PostgresAuditStore final : public AuditStore {
 public:
  explicit PostgresAuditStore(Pool pool) : pool_(std::move(pool)) {}

  Result<int64_t> insert(const AuditEvent& e) override {
    if (e.action.empty()) return make_error(Errc::kInvalidArgument, "audit action is required");
    return leased(*pool_, [&](Connection& c) -> Result<int64_t> {
      auto id = one(c, kInsertAuditEventReturningId, "insert audit event", int0, e.at, e.action,
                    e.result, e.user_id, e.login_id, e.actor, e.ip, e.user_agent, e.detail);
      if (!id) return id.error();
      if (!*id) return make_error(Errc::kInternal, "postgres: insert audit event: no id");
      return **id;
    });
  }

  Status insert_all(const std::vector<AuditEvent>& events) override {
    for (const auto& e : events) {
      if (e.action.empty()) return make_error(Errc::kInvalidArgument, "audit action is required");
    }
    if (events.empty()) return ok_status();
    return transaction(*pool_, [&](Connection& c) -> Status {
      for (const auto& e : events) {
        if (auto st = exec(c, kInsertAuditEvent, "insert audit event", e.at, e.action, e.result,
                           e.user_id, e.login_id, e.actor, e.ip, e.user_agent, e.detail);
            !st) {
          return st;
        }
      }
      return ok_status();
    });
  }

  Result<std::vector<AuditEvent>> search(const AuditQuery& q) override {
    if (q.limit < 1 || q.limit > kMaxAuditLimit) {
      return make_error(Errc::kInvalidArgument, "limit must be between 1 and 1000");
    }
    // Only the filters present appear (at most 64 shapes of text, see
    // json_string_array); the plan then walks audit_events_at, audit_events_action_at or
    // audit_events_user_at newest first.
    std::string where;
    Params params;
    auto add_list = [&](const std::vector<std::string>& values, std::string_view clause) {
      if (values.empty()) return;
      add_condition(where, clause);
      params.emplace_back(json_string_array(values));
    };
    add_list(q.actions, "action IN (SELECT json_array_elements_text(?::json))");
    add_list(q.user_ids, "user_id IN (SELECT json_array_elements_text(?::json))");
    add_list(q.login_ids, "login_id IN (SELECT json_array_elements_text(?::json))");
    add_list(q.results, "result IN (SELECT json_array_elements_text(?::json))");
    if (q.from != 0) {
      add_condition(where, "at >= ?");
      params.emplace_back(q.from);
    }
    if (q.to != 0) {
      add_condition(where, "at < ?");
      params.emplace_back(q.to);
    }
    params.emplace_back(int64_t{q.limit});
    const std::string sql =
        std::string(kSearchAuditEvents) + where + " ORDER BY at DESC, id DESC LIMIT ?";
    return leased(*pool_, [&](Connection& c) {
      return all(c, sql, "search audit events", read_audit_row, params);
    });
  }

  Result<std::vector<DayCount>> count_by_day(const std::string& action, int64_t from,
                                             int64_t to) override {
    return leased(*pool_, [&](Connection& c) {
      return all(c, kCountAuditByDay, "count audit events", read_day_count_row, action, from, to);
    });
  }

 private:
  Pool pool_;
};

}  // namespace

std::unique_ptr<AuditStore> make_audit_store(Pool pool) {
  return std::make_unique<PostgresAuditStore>(std::move(pool));
}

}  // namespace gatehouse::store::postgres
