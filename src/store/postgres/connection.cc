#include "store/postgres/connection.h"

#include <cstdlib>
#include <utility>

namespace gatehouse::store::postgres {

Error constraint_error(int constraint, std::string_view what) {
  return make_error(Errc::kInternal, "postgres: " + std::string(what) + ": constraint " +
                                         std::to_string(constraint) + " violated");
}

std::string to_dollar_placeholders(std::string_view sql) {
  std::string out;
  out.reserve(sql.size() + 16);
  int next = 1;
  char quote = 0;
  for (size_t i = 0; i < sql.size(); ++i) {
    const char ch = sql[i];
    if (quote != 0) {
      if (ch == quote) quote = 0;
      out += ch;
      continue;
    }
    if (ch == '\'' || ch == '"') {
      quote = ch;
      out += ch;
      continue;
    }
    if (ch != '?') {
      out += ch;
      continue;
    }
    out += '$';
    if (i + 1 < sql.size() && sql[i + 1] >= '0' && sql[i + 1] <= '9') continue;  // ?N -> $N
    out += std::to_string(next++);
  }
  return out;
}

// --- Statement ---

Statement::Statement(Statement&& other) noexcept
    : res_(std::exchange(other.res_, nullptr)), rows_(other.rows_), row_(other.row_) {}

Statement::~Statement() {
  if (res_ != nullptr) PQclear(res_);
}

int64_t Statement::affected() const {
  const char* n = PQcmdTuples(res_);
  return (n == nullptr || *n == 0) ? 0 : std::strtoll(n, nullptr, 10);
}

std::string Statement::column_text(int col) const {
  if (row_ < 0 || row_ >= rows_ || PQgetisnull(res_, row_, col)) return {};
  return std::string(PQgetvalue(res_, row_, col),
                     static_cast<size_t>(PQgetlength(res_, row_, col)));
}

int64_t Statement::column_int64(int col) const {
  if (row_ < 0 || row_ >= rows_ || PQgetisnull(res_, row_, col)) return 0;
  const char* v = PQgetvalue(res_, row_, col);
  if (v[0] == 't' && v[1] == 0) return 1;
  if (v[0] == 'f' && v[1] == 0) return 0;
  return std::strtoll(v, nullptr, 10);
}

// --- Connection ---

namespace {

bool is_unavailable(std::string_view state) {
  // 08 connection exception, 53 insufficient resources, 57 operator intervention,
  // 40001 serialization failure / 40P01 deadlock (after the retries), 55P03 lock timeout.
  return state.starts_with("08") || state.starts_with("53") || state.starts_with("57") ||
         state == "40001" || state == "40P01" || state == "55P03";
}

}  // namespace

Result<std::unique_ptr<Connection>> Connection::open(const std::string& url) {
  PGconn* pg = PQconnectdb(url.c_str());
  std::unique_ptr<Connection> conn(new Connection(pg));
  if (pg == nullptr || PQstatus(pg) != CONNECTION_OK) {
    std::string message = "postgres: connect: ";
    // libpq's message names host and port, never the password.
    message += pg != nullptr ? PQerrorMessage(pg) : "out of memory";
    while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) {
      message.pop_back();
    }
    return make_error(Errc::kUnavailable, std::move(message));
  }
  // Notices (e.g. "relation already exists, skipping") are not errors; keep them out of stderr.
  PQsetNoticeProcessor(
      pg, [](void*, const char*) {}, nullptr);
  if (auto st = conn->exec("SET client_min_messages = warning", "configure session"); !st) {
    return st.error();
  }
  return conn;
}

Connection::~Connection() {
  if (conn_ != nullptr) PQfinish(conn_);
}

Error Connection::result_error(PGresult* res, std::string_view what) {
  failure_ = {};
  std::string message = "postgres: ";
  message += what;
  if (res != nullptr) {
    const char* state = PQresultErrorField(res, PG_DIAG_SQLSTATE);
    const char* constraint = PQresultErrorField(res, PG_DIAG_CONSTRAINT_NAME);
    const char* primary = PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY);
    failure_.sqlstate = state != nullptr ? state : "";
    failure_.constraint = constraint != nullptr ? constraint : "";
    message += ": [" + failure_.sqlstate + "] ";
    // Data exceptions (class 22) quote the offending value: leave it out.
    if (primary != nullptr && !failure_.sqlstate.starts_with("22")) message += primary;
  } else {
    const char* text = PQerrorMessage(conn_);
    message += ": ";
    message += text != nullptr ? text : "no result";
    failure_.sqlstate = "08000";
  }
  while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) message.pop_back();
  if (PQstatus(conn_) != CONNECTION_OK || is_unavailable(failure_.sqlstate)) {
    return make_error(Errc::kUnavailable, std::move(message));
  }
  return make_error(Errc::kInternal, std::move(message));
}

Result<Statement> Connection::run(std::string_view sql, const std::vector<Param>& params,
                                  std::string_view what) {
  auto it = names_.find(sql);
  if (it == names_.end()) {
    std::string name = "s" + std::to_string(names_.size() + 1);
    std::vector<Oid> types;
    types.reserve(params.size());
    for (const auto& p : params) types.push_back(p.oid);
    const std::string text = to_dollar_placeholders(sql);
    PGresult* res =
        PQprepare(conn_, name.c_str(), text.c_str(), static_cast<int>(types.size()), types.data());
    if (res == nullptr || PQresultStatus(res) != PGRES_COMMAND_OK) {
      Error e = result_error(res, std::string(what) + " (prepare)");
      if (res != nullptr) PQclear(res);
      return e;
    }
    PQclear(res);
    it = names_.emplace(std::string(sql), std::move(name)).first;
  }
  std::vector<const char*> values;
  values.reserve(params.size());
  for (const auto& p : params) values.push_back(p.text ? p.text->c_str() : nullptr);
  PGresult* res = PQexecPrepared(conn_, it->second.c_str(), static_cast<int>(values.size()),
                                 values.data(), nullptr, nullptr, 0);
  const auto status = res != nullptr ? PQresultStatus(res) : PGRES_FATAL_ERROR;
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
    Error e = result_error(res, what);
    if (res != nullptr) PQclear(res);
    return e;
  }
  failure_ = {};
  return Statement(res);
}

Status Connection::exec(const std::string& sql, std::string_view what) {
  PGresult* res = PQexec(conn_, sql.c_str());
  const auto status = res != nullptr ? PQresultStatus(res) : PGRES_FATAL_ERROR;
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
    Error e = result_error(res, what);
    if (res != nullptr) PQclear(res);
    return e;
  }
  PQclear(res);
  failure_ = {};
  return ok_status();
}

bool Connection::reconnect() {
  names_.clear();
  PQreset(conn_);
  if (PQstatus(conn_) != CONNECTION_OK) return false;
  PQsetNoticeProcessor(
      conn_, [](void*, const char*) {}, nullptr);
  return static_cast<bool>(exec("SET client_min_messages = warning", "configure session"));
}

bool Connection::in_transaction() const { return PQtransactionStatus(conn_) != PQTRANS_IDLE; }

bool Connection::reset_state() {
  if (PQstatus(conn_) != CONNECTION_OK) return false;
  if (PQtransactionStatus(conn_) == PQTRANS_INERROR ||
      PQtransactionStatus(conn_) == PQTRANS_INTRANS) {
    PGresult* res = PQexec(conn_, "ROLLBACK");
    if (res != nullptr) PQclear(res);
  }
  return PQstatus(conn_) == CONNECTION_OK && PQtransactionStatus(conn_) == PQTRANS_IDLE;
}

}  // namespace gatehouse::store::postgres
