// WebAuthnStore: passkeys (WebAuthn credentials) and the challenges of ceremonies in
// progress. See stores.h for the conventions every store follows.
//
// A credential is a public key: nothing secret is kept. Its id is the authenticator's
// credential id, base64url; it is unique across users. The signature counter moves by
// compare-and-set, so two nodes verifying assertions of one credential cannot both move it
// from the same value.
//
// A challenge lives in the store (so a ceremony started on one node finishes on any
// other) under the SHA-256 of its transaction id — the transaction id itself is never
// stored — and is taken at most once: take_challenge deletes the row in the transaction
// that reads it. Expired challenges are purged by put_challenge.
//
//   store.put_challenge({.transaction_hash = sha256_hex(tx), …, .expires_at = now + 300}, now);
//   Result<WebAuthnChallenge> c = store.take_challenge(sha256_hex(tx), now);  // once
//   store.add_credential({.credential_id = id_b64, .user_id = "U…", …});
//   Result<bool> moved = store.update_counter(id_b64, stored_count, new_count, now);
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "gatehouse/result.h"

namespace gatehouse::store {

struct WebAuthnCredential {
  std::string credential_id;  // base64url of the raw credential id
  std::string user_id;
  std::string public_key;  // base64url of the SubjectPublicKeyInfo DER
  int alg = 0;             // COSE algorithm: -7 (ES256) | -257 (RS256)
  int64_t sign_count = 0;
  std::string name;  // a label for people ("Passkey", the authenticator's name)
  int64_t created_at = 0;
  int64_t last_used_at = 0;  // 0 = never
};

struct WebAuthnChallenge {
  std::string transaction_hash;  // hex SHA-256 of the transaction id
  std::string kind;              // "signup" | "signin" | "update"
  std::string challenge;         // base64url of the challenge bytes
  std::string user_id;           // signin (known account) and update; else empty
  std::string login_id;          // as the client sent it (normalised)
  std::string name;              // signup: the new user's display name
  bool require_uv = false;       // the ceremony asked for userVerification "required"
  std::string origin;            // the page origin the start request named
  int64_t created_at = 0;
  int64_t expires_at = 0;
};

class WebAuthnStore {
 public:
  virtual ~WebAuthnStore() = default;

  // Challenges. put: kConflict for a hash already there, kInvalidArgument without a hash
  // or kind; purges the challenges expired at `now` first. take: the live challenge,
  // deleted as it is read (single use); kNotFound when absent, taken or expired at `now`.
  virtual Status put_challenge(const WebAuthnChallenge& challenge, int64_t now) = 0;
  virtual Result<WebAuthnChallenge> take_challenge(const std::string& transaction_hash,
                                                   int64_t now) = 0;

  // Credentials. add: kUserNotFound for an unknown user, kConflict for a credential id
  // already registered (to anyone). get: kNotFound. list: the user's, oldest first (empty
  // for an unknown user).
  virtual Status add_credential(const WebAuthnCredential& credential) = 0;
  virtual Result<WebAuthnCredential> get_credential(const std::string& credential_id) = 0;
  virtual Result<std::vector<WebAuthnCredential>> list_credentials(const std::string& user_id) = 0;
  // Sets the counter to `new_count` and last_used_at to `at` if the stored counter is
  // still `expected`: true when it was, false when another assertion moved it first.
  // kNotFound for an unknown credential.
  virtual Result<bool> update_counter(const std::string& credential_id, int64_t expected,
                                      int64_t new_count, int64_t at) = 0;
  // Removes all of the user's credentials; how many there were.
  virtual Result<int64_t> remove_user_credentials(const std::string& user_id) = 0;
};

}  // namespace gatehouse::store
