// SessionService: issues, refreshes and revokes Descope-style sessions.
//
// A sign-in starts a refresh-token *family*. Every refresh rotates the refresh
// token; the replaced one keeps working for `refresh_grace` seconds (tabs that
// refresh at the same moment share one token) and is treated as stolen after
// that: its whole family is revoked. Logout revokes the family of the token
// presented; logout-all revokes every token of the user. Ended sign-ins go through
// Revocations, so their session JWTs (which name their family in `sid`) stop being
// accepted at once as well. Only a SHA-256 hash
// of each refresh JWT is stored.
//
// All methods block on the store: call them from a worker thread.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/object.hpp>

#include "auth/audit.h"
#include "auth/config.h"
#include "auth/key_ring.h"
#include "auth/revocations.h"
#include "gatehouse/clock.h"
#include "gatehouse/result.h"
#include "store/access_store.h"
#include "store/session_store.h"
#include "store/user_store.h"

namespace gatehouse::auth {

struct IssuedSession {
  std::string session_jwt;
  std::string refresh_jwt;
  int64_t session_exp = 0;
  int64_t refresh_exp = 0;
  std::string refresh_id;      // the refresh JWT's jti
  boost::json::object claims;  // of the session JWT
};

// What every successful sign-in, sign-up or refresh returns.
struct Authenticated {
  store::User user;
  IssuedSession session;
  bool first_seen = false;
};

class SessionService {
 public:
  // `access` gives the permissions of the roles a session holds.
  struct Stores {
    store::UserStore& users;
    store::SessionStore& sessions;
    store::AccessStore& access;
  };
  SessionService(const AuthConfig& config, Stores stores, std::shared_ptr<KeyRing> keys,
                 Revocations& revocations, Audit& audit, Clock clock);

  // A fresh session for `user`, authenticated by the methods in `amr`.
  Result<Authenticated> start(store::User user, std::vector<std::string> amr, bool first_seen);
  // start() for a sign-in proven by a one-time secret, spending it in the same store write
  // (SessionStore::insert_spending): kCodeInvalid when it went meanwhile.
  Result<Authenticated> start_spending(store::User user, std::vector<std::string> amr,
                                       const store::SecretSpend& spend);
  Result<Authenticated> refresh(std::string_view refresh_jwt);
  // The user a live refresh token belongs to (GET /v1/auth/me).
  Result<store::User> user_of(std::string_view refresh_jwt);
  // The same, with the sign-in (refresh family) the token belongs to.
  struct SignIn {
    store::User user;
    std::string family_id;
  };
  Result<SignIn> sign_in_of(std::string_view refresh_jwt);
  // The tenant selected in that session (`dct`), "" when none.
  Result<std::string> current_tenant(std::string_view refresh_jwt);
  // A session whose tokens carry `dct` = tenant_id (Descope's current tenant);
  // the user must be a member (kForbidden). Later refreshes keep it.
  Result<Authenticated> select_tenant(std::string_view refresh_jwt, const std::string& tenant_id);
  Status logout(std::string_view refresh_jwt, const Origin& origin);
  Status logout_all(std::string_view refresh_jwt, const Origin& origin);

 private:
  // What a session keeps across refreshes; carried in the refresh JWT.
  struct Facts {
    std::vector<std::string> amr;  // how the user signed in
    std::string dct;               // selected tenant, "" = none
  };
  struct Live {
    store::RefreshToken record;
    store::User user;
    Facts facts;
  };
  // Signature, expiry, issuer, `drn` and `jti` of a refresh JWT; no store access.
  Result<boost::json::object> verify_refresh(std::string_view refresh_jwt) const;
  Result<Live> live_token(std::string_view refresh_jwt);
  Result<IssuedSession> issue(const store::User& user, const std::string& family,
                              const Facts& facts);
  Result<boost::json::object> session_claims(const store::User& user, const std::string& family,
                                             const Facts& facts, int64_t now, int64_t refresh_exp);
  Result<Authenticated> begin(store::User user, std::vector<std::string> amr, bool first_seen,
                              const store::SecretSpend* spend);
  // Rotates (or, inside the grace window, adds a sibling to) the live token.
  Result<Authenticated> renew(Live live, const Facts& facts);

  const AuthConfig& config_;
  Stores stores_;
  std::shared_ptr<KeyRing> keys_;
  Revocations& revocations_;
  Audit& audit_;
  Clock clock_;
};

}  // namespace gatehouse::auth
