// WebAuthn (W3C Web Authentication level 2) verification, pure: it parses what a browser's
// navigator.credentials.create() / .get() returned and checks it against what the server
// asked for. No I/O, no randomness; the time (for attestation certificates) is a parameter.
//
// Registration: verify_registration(attestationObject, clientDataJSON, expected, now)
// parses the CBOR attestation object (libcbor), the authenticator data and the COSE key
// (ES256: EC2 P-256, RS256: RSA), checks clientDataJSON (type webauthn.create, the issued
// challenge, an allowed origin), the RP ID hash, the UP/UV flags and the attestation
// statement ("none"; "packed": self attestation, or x5c whose leaf certificate's key signed
// it — no trust chain is checked, there is none to check offline). It returns the new
// credential: its id, its public key as SPKI DER and its COSE algorithm.
//
// Authentication: verify_assertion(authenticatorData, clientDataJSON, signature, expected,
// credential) checks the same client data (type webauthn.get), the RP ID hash and flags,
// the signature over authenticatorData || SHA-256(clientDataJSON) with the stored key, and
// the signature counter: when the stored or the new counter is non-zero, the new one must
// be greater (else a cloned authenticator: refused).
//
//   webauthn::Expected want{.challenge = issued, .origins = {"https://example.com"},
//                           .rp_id = "example.com", .require_uv = false};
//   auto reg = webauthn::verify_registration(att_obj, client_data, want, now);
//   if (!reg) log(webauthn::check_name(reg.failure().check));
//   auto counter = webauthn::verify_assertion(auth_data, client_data, sig, want, stored);
//
// Every failure is one Check value, so callers and tests can tell them apart.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace gatehouse::webauthn {

// COSE algorithm identifiers (RFC 9053) we accept.
inline constexpr int kEs256 = -7;
inline constexpr int kRs256 = -257;

// Credential ids: at least 16 bytes (W3C: "at least 16 bytes ... at most 1023 bytes").
inline constexpr size_t kMinCredentialIdBytes = 16;
inline constexpr size_t kMaxCredentialIdBytes = 1023;
// Larger CBOR or JSON is refused before parsing.
inline constexpr size_t kMaxInputBytes = 64 * 1024;

enum class Check {
  kOk,
  kMalformed,             // not base64url / JSON / CBOR of the expected shape
  kWrongType,             // clientDataJSON.type is not the ceremony's
  kChallengeMismatch,     // clientDataJSON.challenge is not the issued one
  kOriginMismatch,        // clientDataJSON.origin is not an allowed origin (or crossOrigin)
  kRpIdMismatch,          // authenticatorData.rpIdHash != SHA-256(rp id)
  kUserNotPresent,        // flag UP missing
  kUserNotVerified,       // flag UV missing while the ceremony required it
  kNoCredentialData,      // registration without attested credential data (flag AT)
  kCredentialIdLength,    // credential id shorter than 16 or longer than 1023 bytes
  kUnsupportedAlgorithm,  // a COSE key or attestation alg other than ES256 / RS256
  kBadKey,                // the COSE key does not make a valid public key
  kUnsupportedFormat,     // an attestation format other than none / packed
  kBadAttestation,        // the attestation statement does not verify
  kBadSignature,          // the assertion signature does not verify
  kCounterRegression,     // the signature counter did not increase
};

// "malformed", "wrong_type", … — for logs, audit and error messages.
const char* check_name(Check c);

struct Failure {
  Check check = Check::kMalformed;
  std::string detail;  // what exactly, for logs; never secret
};

// A value or the Failure that stopped it.
template <class T>
class [[nodiscard]] Checked {
 public:
  Checked(T value) : v_(std::move(value)) {}  // NOLINT(google-explicit-constructor)
  Checked(Failure f) : v_(std::move(f)) {}    // NOLINT(google-explicit-constructor)
  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }
  T& operator*() { return std::get<0>(v_); }
  const T& operator*() const { return std::get<0>(v_); }
  T* operator->() { return &std::get<0>(v_); }
  const T* operator->() const { return &std::get<0>(v_); }
  const Failure& failure() const { return std::get<1>(v_); }
  Check check() const { return ok() ? Check::kOk : failure().check; }

 private:
  std::variant<T, Failure> v_;
};

// What the server asked for in the ceremony's options.
struct Expected {
  std::string challenge;             // raw bytes, as issued
  std::vector<std::string> origins;  // allowed clientDataJSON.origin values ("https://x.y[:port]")
  std::string rp_id;                 // "example.com"; SHA-256 of it must be the rpIdHash
  bool require_uv = false;           // userVerification: "required"
};

// --- the pieces, exposed for tests and for the strategy's own checks ---

struct ClientData {
  std::string type;       // "webauthn.create" | "webauthn.get"
  std::string challenge;  // decoded bytes
  std::string origin;
  bool cross_origin = false;
};
Checked<ClientData> parse_client_data(std::string_view json);

// Authenticator data flags (W3C §6.1).
inline constexpr uint8_t kFlagUp = 0x01;
inline constexpr uint8_t kFlagUv = 0x04;
inline constexpr uint8_t kFlagBe = 0x08;
inline constexpr uint8_t kFlagBs = 0x10;
inline constexpr uint8_t kFlagAt = 0x40;
inline constexpr uint8_t kFlagEd = 0x80;

struct AttestedCredential {
  std::string aaguid;         // 16 bytes
  std::string credential_id;  // raw bytes
  std::string cose_key;       // the credential public key, CBOR as the authenticator sent it
};

struct AuthenticatorData {
  std::string rp_id_hash;  // 32 bytes
  uint8_t flags = 0;
  uint32_t sign_count = 0;
  std::optional<AttestedCredential> attested;  // when flag AT is set
};
Checked<AuthenticatorData> parse_authenticator_data(std::string_view bytes);

// A public key from a COSE_Key: its algorithm and SubjectPublicKeyInfo DER.
struct PublicKey {
  int alg = 0;           // kEs256 | kRs256
  std::string spki_der;  // what the store keeps
};
Checked<PublicKey> parse_cose_key(std::string_view cbor);

// True when `signature` (ES256: ASN.1 DER; RS256: PKCS#1 v1.5) over `data` verifies with
// the key. kBadKey for a key that does not parse, kBadSignature for a wrong signature.
Checked<bool> verify_signature(const PublicKey& key, std::string_view data,
                               std::string_view signature);

// --- the ceremonies ---

struct Registration {
  std::string credential_id;  // raw bytes
  PublicKey key;
  uint32_t sign_count = 0;
  std::string format;  // "none" | "packed"
  std::string aaguid;  // 16 bytes
  bool user_verified = false;
  bool backup_eligible = false;
};

// `attestation_object` and `client_data_json` are raw bytes (already base64url-decoded).
// `now` (Unix seconds) is checked against an x5c leaf certificate's validity.
Checked<Registration> verify_registration(std::string_view attestation_object,
                                          std::string_view client_data_json,
                                          const Expected& expected, int64_t now);

struct StoredCredential {
  PublicKey key;
  uint32_t sign_count = 0;
};

struct Assertion {
  uint32_t sign_count = 0;  // store this as the credential's new counter
  bool user_verified = false;
};

Checked<Assertion> verify_assertion(std::string_view authenticator_data,
                                    std::string_view client_data_json, std::string_view signature,
                                    const Expected& expected, const StoredCredential& credential);

// --- the browser's JSON (web-js-sdk's `response` string; binaries base64url) ---

struct CreateResponse {
  std::string credential_id;  // rawId, decoded (must equal id)
  std::string attestation_object;
  std::string client_data_json;
};
Checked<CreateResponse> parse_create_response(std::string_view json);

struct GetResponse {
  std::string credential_id;
  std::string authenticator_data;
  std::string client_data_json;
  std::string signature;
  std::string user_handle;  // empty when absent
};
Checked<GetResponse> parse_get_response(std::string_view json);

}  // namespace gatehouse::webauthn
