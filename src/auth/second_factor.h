// SecondFactor: what a first-factor sign-in (a password) hands over to when the account
// has a second factor enrolled. PasswordStrategy asks it before starting a session; the
// TOTP strategy is the one implementation today.
#pragma once

#include <optional>

#include "auth/audit.h"
#include "gatehouse/result.h"
#include "store/model.h"

namespace gatehouse::auth {

class SecondFactor {
 public:
  virtual ~SecondFactor() = default;

  // nullopt when `user` signs in with the first factor alone; otherwise the error the
  // sign-in ends in: kMfaRequired carrying the ticket the second factor accepts (or
  // another error, e.g. the store's, when no ticket could be made).
  virtual std::optional<Error> require(const store::User& user, const Origin& origin) = 0;
};

}  // namespace gatehouse::auth
