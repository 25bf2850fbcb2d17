// SigningKey: the server's private key for issuing JWTs, plus its public JWK: RSA for
// RS256 (what Descope issues) or P-256 for ES256.
//
// kid is the RFC 7638 JWK thumbprint (base64url SHA-256 of {"e","kty","n"} or
// {"crv","kty","x","y"}), so it is derived from the key alone: reloading the same PEM
// always yields the same kid, and two nodes sharing a key agree on it without
// coordination.
//
// A SigningKey is immutable and cheap to copy (the EVP_PKEY is shared and refcounted);
// sign() creates a fresh EVP_MD_CTX per call, so one key may sign from many threads.
//
//   gatehouse::Result<jose::SigningKey> key = jose::load_or_create_signing_key(dir +
//   "/signing.pem"); if (!key) return key.error(); std::string token = jose::sign_jwt(*key,
//   {{"sub", uid}, {"iss", pid}, {"iat", now},
//                                             {"exp", now + 600}, {"drn", "DS"}});
//   boost::json::object jwk = key->public_jwk();   // goes into GET /v2/keys/{projectId}
#pragma once

#include <openssl/types.h>
#include <boost/json/object.hpp>

#include <memory>
#include <string>
#include <string_view>

#include "gatehouse/result.h"

namespace gatehouse::jose {

class SigningKey {
 public:
  // kInvalidArgument for bits outside [2048, 8192].
  static Result<SigningKey> generate_rsa(int bits = 2048);
  // A new P-256 key for ES256.
  static Result<SigningKey> generate_ec_p256();
  // A new key for `alg`: "RS256" (2048 bits) or "ES256"; kInvalidArgument otherwise.
  static Result<SigningKey> generate(std::string_view alg);
  // Unencrypted PEM (PKCS#8, PKCS#1 or SEC1) private key: RSA of at least 2048 bits, or
  // EC on P-256. kInvalidArgument otherwise; an encrypted PEM is refused, never prompted
  // for.
  static Result<SigningKey> from_pem(std::string_view private_pem);

  // PKCS#8 PEM of the private key. Secret: write it only to a 0600 file.
  std::string to_pem() const;
  const std::string& kid() const { return kid_; }
  const std::string& alg() const { return alg_; }
  // {"kty":"RSA","alg":"RS256","use":"sig","kid":…,"n":…,"e":…} or
  // {"kty":"EC","alg":"ES256","use":"sig","kid":…,"crv":"P-256","x":…,"y":…}
  boost::json::object public_jwk() const;
  // Raw JWS signature of data: RS256 (RSASSA-PKCS1-v1_5 over SHA-256) or ES256 (ECDSA
  // over SHA-256 as the 64-byte r || s of RFC 7518 §3.4).
  // Throws std::runtime_error only if OpenSSL fails (out of memory).
  std::string sign(std::string_view data) const;

 private:
  explicit SigningKey(std::shared_ptr<EVP_PKEY> key);

  std::shared_ptr<EVP_PKEY> key_;
  std::string alg_;
  std::string a_;  // RSA: base64url modulus n; EC: base64url x
  std::string b_;  // RSA: base64url exponent e; EC: base64url y
  std::string kid_;
};

// RFC 7638 thumbprint of an RSA JWK: base64url(SHA-256({"e":e,"kty":"RSA","n":n})), with
// n and e in their base64url JWK form. SigningKey::kid() is this value.
std::string rsa_jwk_thumbprint(std::string_view n, std::string_view e);
// The same for a P-256 JWK: base64url(SHA-256({"crv":"P-256","kty":"EC","x":x,"y":y})).
std::string ec_jwk_thumbprint(std::string_view x, std::string_view y);

// Compact JWS with header {"alg":<the key's alg>,"kid":<kid>,"typ":"JWT"} over payload.
std::string sign_jwt(const SigningKey& key, const boost::json::object& payload);

// Loads the unencrypted PEM private key at path. kNotFound when there is no file; a file
// readable or writable by group or others is refused (kInvalidArgument), like ssh does;
// other I/O errors → kInternal.
Result<SigningKey> load_signing_key(const std::string& path);

// Writes key as PKCS#8 PEM to path (mode 0600): a temp file written with O_EXCL and fsynced,
// then hard-linked into place, so a reader never sees half a key. Never replaces a file:
// kConflict when path exists (whoever links first wins); other I/O errors → kInternal.
Status save_signing_key(const SigningKey& key, const std::string& path);

// Loads the PEM at path, or, if there is no file, generates a 2048-bit key and stores it.
// Creation writes a 0600 temp file (O_CREAT|O_EXCL), fsyncs it and hard-links it into
// place, so a crash never leaves half a key and two processes starting together end up
// sharing one key (the loser loads the winner's). An existing file readable or writable
// by group or others is refused (kInvalidArgument), like ssh does; I/O errors → kInternal.
Result<SigningKey> load_or_create_signing_key(const std::string& path);

}  // namespace gatehouse::jose
