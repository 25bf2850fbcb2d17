// TotpStore: each user's TOTP secret (RFC 6238) and the last time step a code was accepted
// for, plus the short-lived tickets that carry a password sign-in to its second factor.
// See stores.h for the conventions every store follows.
//
// The secret is kept as it was given (base32 text), not hashed: the server must compute
// codes from it (docs/security.md, "TOTP"). The last accepted step only goes forward, in
// one compare-and-set, so a code is accepted once even when two nodes see it at once.
// A user has at most one secret; removing the user removes it and their tickets.
//
//   store.put(user_id, base32_secret, now);
//   Result<TotpCredential> c = store.get(user_id);          // kNotFound: not enrolled
//   Result<bool> fresh = store.accept_step(user_id, step);  // false: step already used
#pragma once

#include <cstdint>
#include <string>

#include "gatehouse/result.h"

namespace gatehouse::store {

struct TotpCredential {
  std::string user_id;
  std::string secret;      // base32 (RFC 4648), as shown to the user once at enrolment
  int64_t last_step = -1;  // the last time step accepted, -1 = none yet
  int64_t created_at = 0;
};

// A password sign-in waiting for its second factor.
struct MfaTicket {
  std::string ticket_hash;  // hex SHA-256 of the ticket; the ticket itself is never stored
  std::string user_id;
  int64_t expires_at = 0;
};

class TotpStore {
 public:
  virtual ~TotpStore() = default;

  // Creates or replaces the user's secret; a replaced secret's last step is forgotten.
  // kUserNotFound for an unknown user.
  virtual Status put(const std::string& user_id, const std::string& secret, int64_t at) = 0;
  // kNotFound when the user has no secret (or does not exist).
  virtual Result<TotpCredential> get(const std::string& user_id) = 0;
  // Records `step` as the last accepted one if it is later than the one recorded, in one
  // transaction: true when it was, false when a step this late was already accepted
  // (a replay). `secret` must still be the user's secret (a code checked against a secret
  // replaced meanwhile is refused: false). kNotFound when the user has no secret.
  virtual Result<bool> accept_step(const std::string& user_id, const std::string& secret,
                                   int64_t step) = 0;
  // kNotFound when the user has no secret.
  virtual Status remove(const std::string& user_id) = 0;

  // Tickets: put (kUserNotFound for an unknown user, kConflict for a hash already there),
  // and take — a live ticket is deleted as it is taken, so it works once; kNotFound when
  // it is absent or expired at `now`. Expired tickets are purged by put.
  virtual Status put_ticket(const MfaTicket& ticket, int64_t now) = 0;
  virtual Result<MfaTicket> take_ticket(const std::string& ticket_hash, int64_t now) = 0;
};

}  // namespace gatehouse::store
