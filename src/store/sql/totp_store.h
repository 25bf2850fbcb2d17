// TotpStore in SQL both engines run (see README.md): the totp_credentials and mfa_tickets
// tables.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>

#include "gatehouse/result.h"
#include "store/totp_store.h"

namespace gatehouse::store::sql {

template <class Pool>
class SqlTotpStore final : public TotpStore {
 public:
  explicit SqlTotpStore(Pool pool) : pool_(std::move(pool)) {}

  Status put(const std::string& user_id, const std::string& secret, int64_t at) override {
    return transaction(*pool_, [&](auto& c) -> Status {
      auto user = exists(c, kUserExists, "check user", user_id);
      if (!user) return user.error();
      if (!*user) return no_user();
      return exec(c, kUpsertSecret, "write totp secret", user_id, secret, at);
    });
  }

  Result<TotpCredential> get(const std::string& user_id) override {
    return leased(*pool_, [&](auto& c) -> Result<TotpCredential> {
      auto row = one(c, kSelectSecret, "read totp secret", read_credential, user_id);
      if (!row) return row.error();
      if (!*row) return no_secret();
      return std::move(**row);
    });
  }

  Result<bool> accept_step(const std::string& user_id, const std::string& secret,
                           int64_t step) override {
    return transaction(*pool_, [&](auto& c) -> Result<bool> {
      auto w = write(c, kAdvanceStep, "accept totp step", step, user_id, secret, step);
      if (!w) return w.error();
      if (w->constraint != 0) return make_error(Errc::kInternal, "accept totp step: constraint");
      if (w->changes == 1) return true;
      // Nothing changed: a replay, a replaced secret, or no secret at all.
      auto row = one(c, kSelectSecret, "read totp secret", read_credential, user_id);
      if (!row) return row.error();
      if (!*row) return no_secret();
      return false;
    });
  }

  Status remove(const std::string& user_id) override {
    return leased(*pool_, [&](auto& c) {
      return exec_one(c, kDeleteSecret, "delete totp secret", no_secret(), user_id);
    });
  }

  Status put_ticket(const MfaTicket& ticket, int64_t now) override {
    return transaction(*pool_, [&](auto& c) -> Status {
      if (auto st = exec(c, kPurgeTickets, "purge mfa tickets", now); !st) return st;
      auto user = exists(c, kUserExists, "check user", ticket.user_id);
      if (!user) return user.error();
      if (!*user) return no_user();
      auto w = write(c, kInsertTicket, "insert mfa ticket", ticket.ticket_hash, ticket.user_id,
                     ticket.expires_at);
      if (!w) return w.error();
      if (w->constraint != 0) return make_error(Errc::kConflict, "mfa ticket exists");
      return ok_status();
    });
  }

  Result<MfaTicket> take_ticket(const std::string& ticket_hash, int64_t now) override {
    return transaction(*pool_, [&](auto& c) -> Result<MfaTicket> {
      auto row = one(
          c, kSelectTicket, "read mfa ticket",
          [](const auto& s) {
            return MfaTicket{s.column_text(0), s.column_text(1), s.column_int64(2)};
          },
          ticket_hash);
      if (!row) return row.error();
      if (!*row || (*row)->expires_at <= now) {
        return make_error(Errc::kNotFound, "no such mfa ticket");
      }
      if (auto st = exec(c, kDeleteTicket, "delete mfa ticket", ticket_hash); !st) {
        return st.error();
      }
      return std::move(**row);
    });
  }

 private:
  static constexpr std::string_view kUserExists = "SELECT 1 FROM users WHERE id = ?";
  static constexpr std::string_view kUpsertSecret =
      "INSERT INTO totp_credentials (user_id, secret, last_step, created_at) VALUES (?, ?, -1, ?) "
      "ON CONFLICT (user_id) DO UPDATE SET secret = excluded.secret, last_step = -1, "
      "created_at = excluded.created_at";
  static constexpr std::string_view kSelectSecret =
      "SELECT user_id, secret, last_step, created_at FROM totp_credentials WHERE user_id = ?";
  // The compare-and-set: moves last_step forward only, and only for the secret the code
  // was checked against.
  static constexpr std::string_view kAdvanceStep =
      "UPDATE totp_credentials SET last_step = ? WHERE user_id = ? AND secret = ? AND last_step < "
      "?";
  static constexpr std::string_view kDeleteSecret =
      "DELETE FROM totp_credentials WHERE user_id = ?";

  static constexpr std::string_view kPurgeTickets = "DELETE FROM mfa_tickets WHERE expires_at <= ?";
  static constexpr std::string_view kInsertTicket =
      "INSERT INTO mfa_tickets (ticket_hash, user_id, expires_at) VALUES (?, ?, ?)";
  static constexpr std::string_view kSelectTicket =
      "SELECT ticket_hash, user_id, expires_at FROM mfa_tickets WHERE ticket_hash = ?";
  static constexpr std::string_view kDeleteTicket = "DELETE FROM mfa_tickets WHERE ticket_hash = ?";

  static Error no_secret() { return make_error(Errc::kNotFound, "no TOTP secret for this user"); }
  static Error no_user() { return make_error(Errc::kUserNotFound, "user not found"); }
  static constexpr auto read_credential = [](const auto& s) {
    return TotpCredential{s.column_text(0), s.column_text(1), s.column_int64(2), s.column_int64(3)};
  };

  Pool pool_;
};

}  // namespace gatehouse::store::sql
