// SessionStore: refresh tokens and their rotation families (one family per sign-in).
// Only a hash of each refresh JWT is kept. See stores.h for the conventions every store
// follows.
#pragma once

#include <cstdint>
#include <string>

#include "gatehouse/result.h"
#include "store/model.h"

namespace gatehouse::store {

class SessionStore {
 public:
  virtual ~SessionStore() = default;

  // kUserNotFound when token.user_id does not exist; kConflict for a taken id.
  virtual Status insert(const RefreshToken& token) = 0;
  virtual Result<RefreshToken> get(const std::string& id) = 0;
  // Atomically marks `old_id` as replaced by `replacement.id` at `at` and inserts
  // `replacement`. Only a live token rotates: kTokenRevoked if it was already rotated or
  // revoked, so of two concurrent rotations exactly one wins. `replacement` must keep the
  // old token's user and family (kInvalidArgument).
  virtual Status rotate(const std::string& old_id, const RefreshToken& replacement, int64_t at) = 0;
  // Revoking an already revoked token succeeds and keeps the first time (kNotFound for an
  // unknown id); the family / user variants touch only tokens not yet revoked and succeed
  // when there are none.
  virtual Status revoke(const std::string& id, int64_t at) = 0;
  virtual Status revoke_family(const std::string& family_id, int64_t at) = 0;
  virtual Status revoke_user(const std::string& user_id, int64_t at) = 0;
};

}  // namespace gatehouse::store
