// SoftAuthenticator: a WebAuthn authenticator in software (OpenSSL keys, libcbor), for
// tests: it makes the attestation objects and assertions a browser would return, and can
// be told to get things wrong (flags, counters, formats) one at a time.
//
//   SoftAuthenticator a(SoftAuthenticator::kEs256);
//   auto made = a.create({.rp_id = "localhost", .challenge = c, .origin = o});
//   verify_registration(made.attestation_object, made.client_data_json, want, now);
//   auto got = a.get({.rp_id = "localhost", .challenge = c2, .origin = o});
//   std::string wire = got.response_json;  // web-js-sdk's `response` string
#pragma once

#include <cstdint>
#include <memory>
#include <string>

namespace gatehouse::testing {

class SoftAuthenticator {
 public:
  enum Alg { kEs256, kRs256 };

  struct Ceremony {
    std::string rp_id;
    std::string challenge;  // raw bytes
    std::string origin;
    std::string type;             // empty: webauthn.create / webauthn.get
    std::string format = "none";  // create: "none" | "packed" (self) | "packed-x5c"
  };

  struct Made {
    std::string attestation_object;  // raw CBOR
    std::string client_data_json;
    std::string response_json;  // {id, rawId, type, response{attestationObject, clientDataJSON}}
  };

  struct Asserted {
    std::string authenticator_data;
    std::string client_data_json;
    std::string signature;
    std::string response_json;  // {id, rawId, type, response{authenticatorData, …}}
  };

  explicit SoftAuthenticator(Alg alg = kEs256);
  ~SoftAuthenticator();
  SoftAuthenticator(const SoftAuthenticator&) = delete;
  SoftAuthenticator& operator=(const SoftAuthenticator&) = delete;

  Made create(const Ceremony& c);
  // Moves the counter by counter_step first (0 keeps it, as authenticators without one).
  Asserted get(const Ceremony& c);

  // The COSE_Key of the credential (CBOR).
  std::string cose_key() const;
  // A signature by the credential's key (ES256: DER; RS256: PKCS#1 v1.5), over SHA-256.
  std::string sign(const std::string& data) const;

  static std::string client_data(const std::string& type, const std::string& challenge,
                                 const std::string& origin);

  std::string credential_id;  // raw bytes (32 random by default)
  std::string user_handle;    // sent back with assertions when not empty
  uint32_t counter = 0;
  uint32_t counter_step = 1;
  bool user_present = true;
  bool user_verified = true;
  std::string rp_id_override;  // hash this instead of the ceremony's rp id

 private:
  std::string auth_data(const std::string& rp_id, bool attested) const;

  struct Keys;
  Alg alg_;
  std::unique_ptr<Keys> keys_;
};

// Reads the server's `options` string: the base64url challenge → raw bytes, and rp id.
struct ParsedOptions {
  std::string challenge;  // raw bytes
  std::string rp_id;
  std::string user_verification;  // publicKey.authenticatorSelection.userVerification or
                                  // publicKey.userVerification
  std::string user_id;            // create: publicKey.user.id, decoded
  size_t allow_credentials = 0;   // get: how many
  size_t exclude_credentials = 0;
};
ParsedOptions parse_options(const std::string& options_json);

}  // namespace gatehouse::testing
