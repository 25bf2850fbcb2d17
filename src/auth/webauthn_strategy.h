// WebAuthnStrategy: passkeys (Descope's /v1/auth/webauthn/*).
//
// Every ceremony has two steps. start draws a 32-byte challenge, keeps it in the
// WebAuthnStore under the SHA-256 of a random transaction id (5 minutes, single use, so
// any node can finish it) with what the ceremony is for — sign-up, sign-in or adding a
// passkey — and returns the browser's options ({"publicKey": …}, as a JSON string).
// finish takes the challenge back (once), has core's webauthn library verify the browser's
// answer against it (client data type, challenge and origin, RP ID hash, UP/UV flags,
// attestation or signature, counter), then: sign-up creates the account through
// Users::create and stores the passkey; sign-in moves the counter (compare-and-set) and
// starts a session with amr ["webauthn"]; update adds the passkey to the signed-in user.
//
// RP ID: the host of the base URL. Allowed origins: the base URL's origin, the redirect
// origins and the CORS origins (docs/security.md, "WebAuthn"); a start names one of them
// and the finish's clientDataJSON.origin must be that one.
//
// An unknown login id on signin/start is not revealed: its options list one credential id
// made from a keyed hash of the login id (the key, `decoy_key`, is kept in the store so
// every node and every restart answers the same), exactly as a known account without a
// passkey does; such a ceremony can only fail at finish, as a wrong passkey does.
// Blocking (store): call from a worker thread.
//
//   auto s = webauthn.sign_in_start("ann@example.com", "https://app.example", {}, origin);
//   … browser: navigator.credentials.get(s->options) …
//   auto session = webauthn.sign_in_finish(s->transaction_id, response_json, origin);
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "auth/audit.h"
#include "auth/config.h"
#include "auth/rate_limiter.h"
#include "auth/session_service.h"
#include "auth/users.h"
#include "gatehouse/clock.h"
#include "gatehouse/result.h"
#include "store/user_store.h"
#include "store/webauthn_store.h"

namespace gatehouse::auth {

struct WebAuthnOptions {
  std::string rp_id = "localhost";    // the host of the base URL
  std::string rp_name = "Gatehouse";  // shown by some authenticators
  std::vector<std::string> origins;   // allowed page origins, normalised
  std::string decoy_key;              // secret: makes unknown accounts' credential ids
  int64_t challenge_ttl = 300;        // seconds between start and finish
  int64_t timeout_ms = 60000;         // the browser's timeout, in the options
};

// passkeyOptions of a start request; empty = the default.
struct PasskeyOptions {
  std::string user_verification;         // "required" | "preferred" | "discouraged"
  std::string authenticator_attachment;  // "platform" | "cross-platform"
  std::string resident_key;              // "required" | "preferred" | "discouraged"
  std::string attestation;               // "none" | "indirect" | "direct" | "enterprise"
};

struct WebAuthnStart {
  std::string transaction_id;
  std::string options;  // JSON text {"publicKey": {…}}
  bool create = false;  // true: call signup/finish (navigator.credentials.create)
};

class WebAuthnStrategy {
 public:
  WebAuthnStrategy(const AuthConfig& config, WebAuthnOptions options, Users& users,
                   store::UserStore& user_store, store::WebAuthnStore& store,
                   SessionService& sessions, RateLimiter& limiter, Audit& audit, Clock clock);

  // kUserExists when the login id is taken; kInvalidArgument for an origin not allowed.
  Result<WebAuthnStart> sign_up_start(std::string_view login_id, std::string_view name,
                                      std::string_view page_origin, const PasskeyOptions& opts,
                                      const Origin& origin);
  // `login_id` may be empty: any discoverable passkey of this RP may answer.
  Result<WebAuthnStart> sign_in_start(std::string_view login_id, std::string_view page_origin,
                                      const PasskeyOptions& opts, const Origin& origin);
  // Sign-in options when the account exists, else sign-up options (create = true).
  Result<WebAuthnStart> sign_up_or_in_start(std::string_view login_id, std::string_view page_origin,
                                            const PasskeyOptions& opts, const Origin& origin);
  // A new passkey for the signed-in user; `login_id` must name them (kForbidden).
  Result<WebAuthnStart> update_start(const SessionService::SignIn& self, std::string_view login_id,
                                     std::string_view page_origin, const PasskeyOptions& opts,
                                     const Origin& origin);

  // kInvalidCredentials for an unknown, used or expired transaction and for an answer
  // that does not verify; kBadRequest for one that does not parse.
  Result<Authenticated> sign_up_finish(std::string_view transaction_id, std::string_view response,
                                       const Origin& origin);
  Result<Authenticated> sign_in_finish(std::string_view transaction_id, std::string_view response,
                                       const Origin& origin);
  Status update_finish(std::string_view transaction_id, std::string_view response,
                       const Origin& origin);

  // Removes every passkey of the user (management); how many there were.
  Result<int64_t> remove_all(const store::User& user, const Origin& origin);

  const WebAuthnOptions& options() const { return options_; }
  // One more allowed origin: the server's own when it learns its port only once bound
  // (--port 0). Not thread-safe: call before requests are served.
  void add_origin(const std::string& origin);

 private:
  Result<std::string> page_origin_of(std::string_view page_origin) const;
  Result<WebAuthnStart> begin(store::WebAuthnChallenge c, std::string options_json);
  Result<WebAuthnStart> create_options(store::WebAuthnChallenge c, const std::string& user_handle,
                                       const std::string& display_name,
                                       const std::vector<std::string>& exclude,
                                       const PasskeyOptions& opts);
  Result<WebAuthnStart> get_options(store::WebAuthnChallenge c,
                                    const std::vector<std::string>& allow,
                                    const PasskeyOptions& opts);
  // The challenge of `transaction_id` if it is live and of `kind`; kInvalidCredentials.
  Result<store::WebAuthnChallenge> take(std::string_view transaction_id, std::string_view kind);
  // Verifies a registration answer; the credential to store for `user_id`.
  Result<store::WebAuthnCredential> registered(const store::WebAuthnChallenge& c,
                                               std::string_view response,
                                               const std::string& user_id);

  const AuthConfig& config_;
  WebAuthnOptions options_;
  Users& users_;
  store::UserStore& user_store_;
  store::WebAuthnStore& store_;
  SessionService& sessions_;
  RateLimiter& limiter_;
  Audit& audit_;
  Clock clock_;
};

}  // namespace gatehouse::auth
