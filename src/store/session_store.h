// SessionStore: sign-ins (refresh-token families), their refresh tokens, and the log of
// ended sign-ins that validators apply to session JWTs. Only a hash of each refresh JWT
// is kept. See stores.h for the conventions every store follows.
//
// Revocation wins every interleaving: a family, once revoked, accepts no new token —
// neither a rotation nor a grace-window sibling written after the revocation — and every
// token read from a revoked family reads as revoked.
//
// A token belongs to its family and the family to its user: deleting the user deletes its
// families and their tokens (foreign keys ON DELETE CASCADE, token -> family -> user; the
// tokens carry no index by user, so each insert writes one index page fewer).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "gatehouse/result.h"
#include "store/model.h"

namespace gatehouse::store {

// Whether `old` (a token as get() reads it, its family's revocation included) may be
// rotated into `replacement`: the checks and their order every engine's rotate() answers
// with — kNotFound (no such token), kTokenRevoked (revoked, or already rotated),
// kInvalidArgument (another user or family).
inline Status rotation_allowed(const RefreshToken* old, const RefreshToken& replacement) {
  if (old == nullptr) return make_error(Errc::kNotFound, "refresh token not found");
  if (old->revoked_at != 0) return make_error(Errc::kTokenRevoked, "refresh token revoked");
  if (old->rotated_at != 0) return make_error(Errc::kTokenRevoked, "refresh token already rotated");
  if (replacement.user_id != old->user_id || replacement.family_id != old->family_id) {
    return make_error(Errc::kInvalidArgument,
                      "replacement token must keep the user and family of the old one");
  }
  return ok_status();
}

class SessionStore {
 public:
  virtual ~SessionStore() = default;

  // Adds a token to its family, starting the family when it is new; a new family is a
  // sign-in, so it also sets the user's last_login_at to token.issued_at (one transaction:
  // a sign-in costs one write). kUserNotFound when
  // token.user_id does not exist; kConflict for a taken id; kTokenRevoked when the family
  // was revoked; kInvalidArgument when the family belongs to another user.
  virtual Status insert(const RefreshToken& token) = 0;
  // insert() of a sign-in's first token that also spends the one-time secret proving it,
  // in one transaction: an email code or link signs in with one write. kCodeInvalid, and
  // nothing written, when the secret is no longer there with that hash and alive at
  // spend.now (used, replaced, killed by wrong guesses or expired meanwhile): of two
  // sign-ins spending one secret, exactly one starts.
  virtual Status insert_spending(const RefreshToken& token, const SecretSpend& spend) = 0;
  // revoked_at is the token's own revocation or, if earlier or alone, its family's.
  virtual Result<RefreshToken> get(const std::string& id) = 0;
  // get() and the token's user (roles and tenants included) in one read, as a refresh
  // needs both: kNotFound for an unknown token, kUserNotFound when its user is gone.
  virtual Result<TokenAndUser> get_with_user(const std::string& id) = 0;
  // Atomically marks `old_id` as replaced by `replacement.id` at `at` and inserts
  // `replacement`. Only a live token of a live family rotates: kTokenRevoked if it was
  // already rotated or revoked, so of two concurrent rotations exactly one wins.
  // `replacement` must keep the old token's user and family (kInvalidArgument).
  virtual Status rotate(const std::string& old_id, const RefreshToken& replacement, int64_t at) = 0;
  // Revoking an already revoked token succeeds and keeps the first time (kNotFound for an
  // unknown id). It ends that token only; the family variants end the sign-in.
  virtual Status revoke(const std::string& id, int64_t at) = 0;
  // Ends one sign-in (succeeds for an unknown or already revoked family, writing
  // nothing), or every sign-in of a user but `keep_family` (empty = all). Each family
  // ended here is appended to the revocation log.
  virtual Status revoke_family(const std::string& family_id, int64_t at) = 0;
  virtual Status revoke_user(const std::string& user_id, int64_t at,
                             const std::string& keep_family = "") = 0;

  // The revocation log after `after_seq` (0 = from the start), oldest first, leaving out
  // entries before `not_before`: what a validator that saw `after_seq` has missed.
  virtual Result<std::vector<Revocation>> revocations(int64_t after_seq, int64_t not_before) = 0;
  // Deletes log entries before `before` (older than any session they could still end).
  virtual Status prune_revocations(int64_t before) = 0;
};

}  // namespace gatehouse::store
