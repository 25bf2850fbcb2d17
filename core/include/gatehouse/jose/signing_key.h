// SigningKey: the server's RSA private key for issuing RS256 JWTs, plus its public JWK.
//
// kid is the RFC 7638 JWK thumbprint (base64url SHA-256 of {"e","kty","n"}), so it is
// derived from the key alone: reloading the same PEM always yields the same kid, and two
// nodes sharing a key agree on it without coordination.
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
  // Unencrypted PEM (PKCS#8 or PKCS#1) RSA private key of at least 2048 bits.
  // kInvalidArgument otherwise; an encrypted PEM is refused, never prompted for.
  static Result<SigningKey> from_pem(std::string_view private_pem);

  // PKCS#8 PEM of the private key. Secret: write it only to a 0600 file.
  std::string to_pem() const;
  const std::string& kid() const { return kid_; }
  const std::string& alg() const { return alg_; }
  // {"kty":"RSA","alg":"RS256","use":"sig","kid":…,"n":…,"e":…}
  boost::json::object public_jwk() const;
  // Raw RS256 signature (RSASSA-PKCS1-v1_5 over SHA-256) of data.
  // Throws std::runtime_error only if OpenSSL fails (out of memory).
  std::string sign(std::string_view data) const;

 private:
  explicit SigningKey(std::shared_ptr<EVP_PKEY> key);

  std::shared_ptr<EVP_PKEY> key_;
  std::string alg_ = "RS256";
  std::string n_;  // base64url modulus
  std::string e_;  // base64url exponent
  std::string kid_;
};

// RFC 7638 thumbprint of an RSA JWK: base64url(SHA-256({"e":e,"kty":"RSA","n":n})), with
// n and e in their base64url JWK form. SigningKey::kid() is this value.
std::string rsa_jwk_thumbprint(std::string_view n, std::string_view e);

// Compact JWS with header {"alg":"RS256","kid":<kid>,"typ":"JWT"} over payload.
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
