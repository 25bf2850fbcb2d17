#include "gatehouse/webauthn/webauthn.h"

#include <cbor.h>
#include <openssl/core_names.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <algorithm>
#include <climits>
#include <ctime>
#include <memory>

#include <boost/json.hpp>

#include "gatehouse/crypto/base64url.h"
#include "gatehouse/crypto/digest.h"
#include "jose/openssl_util.h"
#include "jose/strict_json.h"

namespace gatehouse::webauthn {

namespace {

namespace d = jose::detail;

Failure fail(Check c, std::string detail) { return Failure{c, std::move(detail)}; }

// --- CBOR (libcbor) ---

struct CborFree {
  void operator()(cbor_item_t* p) const { cbor_decref(&p); }
};
using CborPtr = std::unique_ptr<cbor_item_t, CborFree>;

// One CBOR item from the start of `bytes`; `consumed` says how many bytes it took.
CborPtr load_cbor(std::string_view bytes, size_t* consumed) {
  if (bytes.empty()) return nullptr;
  cbor_load_result r{};
  cbor_item_t* item = cbor_load(reinterpret_cast<cbor_data>(bytes.data()), bytes.size(), &r);
  if (item == nullptr) return nullptr;
  CborPtr owned(item);
  if (r.error.code != CBOR_ERR_NONE) return nullptr;
  *consumed = r.read;
  return owned;
}

std::optional<int64_t> cbor_int(const cbor_item_t* item) {
  if (cbor_isa_uint(item)) {
    uint64_t v = cbor_get_int(item);
    if (v > static_cast<uint64_t>(INT64_MAX)) return std::nullopt;
    return static_cast<int64_t>(v);
  }
  if (cbor_isa_negint(item)) {
    uint64_t v = cbor_get_int(item);
    if (v > static_cast<uint64_t>(INT64_MAX)) return std::nullopt;
    return -1 - static_cast<int64_t>(v);
  }
  return std::nullopt;
}

std::optional<std::string> cbor_bytes(const cbor_item_t* item) {
  if (!cbor_isa_bytestring(item) || !cbor_bytestring_is_definite(item)) return std::nullopt;
  return std::string(reinterpret_cast<const char*>(cbor_bytestring_handle(item)),
                     cbor_bytestring_length(item));
}

std::optional<std::string> cbor_text(const cbor_item_t* item) {
  if (!cbor_isa_string(item) || !cbor_string_is_definite(item)) return std::nullopt;
  return std::string(reinterpret_cast<const char*>(cbor_string_handle(item)),
                     cbor_string_length(item));
}

// The value under an integer key of a map; nullptr when absent (or not a map). A key
// that appears twice makes the map malformed (`*dup`).
const cbor_item_t* map_get_int(const cbor_item_t* map, int64_t key, bool* dup) {
  if (!cbor_isa_map(map)) return nullptr;
  const cbor_item_t* found = nullptr;
  cbor_pair* pairs = cbor_map_handle(map);
  for (size_t i = 0; i < cbor_map_size(map); ++i) {
    auto k = cbor_int(pairs[i].key);
    if (k && *k == key) {
      if (found != nullptr) *dup = true;
      found = pairs[i].value;
    }
  }
  return found;
}

const cbor_item_t* map_get_text(const cbor_item_t* map, std::string_view key, bool* dup) {
  if (!cbor_isa_map(map)) return nullptr;
  const cbor_item_t* found = nullptr;
  cbor_pair* pairs = cbor_map_handle(map);
  for (size_t i = 0; i < cbor_map_size(map); ++i) {
    auto k = cbor_text(pairs[i].key);
    if (k && *k == key) {
      if (found != nullptr) *dup = true;
      found = pairs[i].value;
    }
  }
  return found;
}

// --- keys ---

d::PkeyPtr pkey_from_params(const char* type, OSSL_PARAM_BLD* bld) {
  d::ParamPtr params(OSSL_PARAM_BLD_to_param(bld));
  d::PkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_name(nullptr, type, nullptr));
  EVP_PKEY* raw = nullptr;
  if (!params || !ctx || EVP_PKEY_fromdata_init(ctx.get()) <= 0 ||
      EVP_PKEY_fromdata(ctx.get(), &raw, EVP_PKEY_PUBLIC_KEY, params.get()) <= 0) {
    return nullptr;
  }
  return d::PkeyPtr(raw);
}

std::optional<std::string> spki_der(EVP_PKEY* key) {
  unsigned char* out = nullptr;
  int n = i2d_PUBKEY(key, &out);
  if (n <= 0 || out == nullptr) return std::nullopt;
  std::string der(reinterpret_cast<const char*>(out), static_cast<size_t>(n));
  OPENSSL_free(out);
  return der;
}

d::PkeyPtr pkey_from_spki(std::string_view der) {
  const auto* p = reinterpret_cast<const unsigned char*>(der.data());
  EVP_PKEY* raw = d2i_PUBKEY(nullptr, &p, static_cast<long>(der.size()));
  if (raw == nullptr) return nullptr;
  d::PkeyPtr key(raw);
  if (p != reinterpret_cast<const unsigned char*>(der.data()) + der.size()) return nullptr;
  return key;
}

// The key suits the COSE algorithm: P-256 for ES256, RSA of 2048 bits or more for RS256.
bool key_fits(EVP_PKEY* key, int alg) {
  if (alg == kEs256) {
    if (EVP_PKEY_get_base_id(key) != EVP_PKEY_EC) return false;
    char group[32] = {};
    size_t len = 0;
    if (EVP_PKEY_get_utf8_string_param(key, OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof group,
                                       &len) != 1) {
      return false;
    }
    return std::string_view(group, len) == "prime256v1" || std::string_view(group, len) == "P-256";
  }
  if (alg == kRs256) {
    return EVP_PKEY_get_base_id(key) == EVP_PKEY_RSA && EVP_PKEY_get_bits(key) >= 2048 &&
           EVP_PKEY_get_bits(key) <= 8192;
  }
  return false;
}

bool verify_with(EVP_PKEY* key, std::string_view data, std::string_view signature) {
  d::MdCtxPtr ctx(EVP_MD_CTX_new());
  if (!ctx || EVP_DigestVerifyInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key) != 1) {
    return false;
  }
  bool ok = EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char*>(signature.data()),
                             signature.size(), reinterpret_cast<const unsigned char*>(data.data()),
                             data.size()) == 1;
  ERR_clear_error();
  return ok;
}

// --- client data ---

Checked<ClientData> check_client_data(std::string_view json, std::string_view type,
                                      const Expected& expected) {
  auto cd = parse_client_data(json);
  if (!cd) return cd;
  if (cd->type != type) return fail(Check::kWrongType, "clientDataJSON.type is " + cd->type);
  if (expected.challenge.empty() ||
      !crypto::constant_time_equal(cd->challenge, expected.challenge)) {
    return fail(Check::kChallengeMismatch, "clientDataJSON.challenge is not the issued one");
  }
  if (cd->cross_origin) return fail(Check::kOriginMismatch, "clientDataJSON.crossOrigin is true");
  if (std::find(expected.origins.begin(), expected.origins.end(), cd->origin) ==
      expected.origins.end()) {
    return fail(Check::kOriginMismatch, "origin " + cd->origin + " is not allowed");
  }
  return cd;
}

std::optional<Failure> check_flags(const AuthenticatorData& ad, const Expected& expected) {
  if (!crypto::constant_time_equal(ad.rp_id_hash, crypto::sha256(expected.rp_id))) {
    return fail(Check::kRpIdMismatch, "rpIdHash is not SHA-256 of " + expected.rp_id);
  }
  if ((ad.flags & kFlagUp) == 0) return fail(Check::kUserNotPresent, "flag UP is not set");
  if (expected.require_uv && (ad.flags & kFlagUv) == 0) {
    return fail(Check::kUserNotVerified, "flag UV is not set");
  }
  return std::nullopt;
}

// --- attestation statements ---

// The AAGUID extension of a packed attestation certificate (id-fido-gen-ce-aaguid).
constexpr const char* kAaguidOid = "1.3.6.1.4.1.45724.1.1.4";

std::optional<Failure> check_x5c_leaf(X509* cert, const std::string& aaguid, int64_t now) {
  if (X509_get_version(cert) != 2) return fail(Check::kBadAttestation, "certificate is not v3");
  time_t t = static_cast<time_t>(now);
  if (X509_cmp_time(X509_get0_notBefore(cert), &t) > 0 ||
      X509_cmp_time(X509_get0_notAfter(cert), &t) < 0) {
    return fail(Check::kBadAttestation, "certificate is not valid now");
  }
  if ((X509_get_extension_flags(cert) & EXFLAG_CA) != 0) {
    return fail(Check::kBadAttestation, "certificate is a CA");
  }
  std::unique_ptr<ASN1_OBJECT, d::Deleter<ASN1_OBJECT_free>> oid(OBJ_txt2obj(kAaguidOid, 1));
  if (!oid) return fail(Check::kBadAttestation, "aaguid oid");
  int at = X509_get_ext_by_OBJ(cert, oid.get(), -1);
  if (at >= 0) {
    X509_EXTENSION* ext = X509_get_ext(cert, at);
    if (X509_EXTENSION_get_critical(ext) != 0) {
      return fail(Check::kBadAttestation, "aaguid extension is critical");
    }
    const ASN1_OCTET_STRING* data = X509_EXTENSION_get_data(ext);
    std::string_view content(reinterpret_cast<const char*>(ASN1_STRING_get0_data(data)),
                             static_cast<size_t>(ASN1_STRING_length(data)));
    if (content != std::string("\x04\x10", 2) + aaguid) {
      return fail(Check::kBadAttestation, "certificate aaguid differs from authenticator data");
    }
  }
  return std::nullopt;
}

std::optional<Failure> check_packed(const cbor_item_t* stmt, const std::string& signed_data,
                                    const PublicKey& credential_key, const std::string& aaguid,
                                    int64_t now) {
  bool dup = false;
  const cbor_item_t* alg_item = map_get_text(stmt, "alg", &dup);
  const cbor_item_t* sig_item = map_get_text(stmt, "sig", &dup);
  const cbor_item_t* x5c_item = map_get_text(stmt, "x5c", &dup);
  if (dup || alg_item == nullptr || sig_item == nullptr) {
    return fail(Check::kMalformed, "packed attStmt needs alg and sig");
  }
  auto alg = cbor_int(alg_item);
  auto sig = cbor_bytes(sig_item);
  if (!alg || !sig) return fail(Check::kMalformed, "packed attStmt alg / sig types");
  if (*alg != kEs256 && *alg != kRs256) {
    return fail(Check::kUnsupportedAlgorithm, "packed attStmt alg " + std::to_string(*alg));
  }
  if (x5c_item == nullptr) {
    // Self attestation: the credential's own key signed, with the credential's algorithm.
    if (*alg != credential_key.alg) {
      return fail(Check::kBadAttestation, "self attestation alg differs from the key's");
    }
    auto v = verify_signature(credential_key, signed_data, *sig);
    if (!v) return v.failure();
    if (!*v) return fail(Check::kBadAttestation, "self attestation signature does not verify");
    return std::nullopt;
  }
  if (!cbor_isa_array(x5c_item) || cbor_array_size(x5c_item) == 0) {
    return fail(Check::kMalformed, "x5c is not a non-empty array");
  }
  auto leaf = cbor_bytes(cbor_array_handle(x5c_item)[0]);
  if (!leaf) return fail(Check::kMalformed, "x5c[0] is not a byte string");
  const auto* p = reinterpret_cast<const unsigned char*>(leaf->data());
  std::unique_ptr<X509, d::Deleter<X509_free>> cert(
      d2i_X509(nullptr, &p, static_cast<long>(leaf->size())));
  if (!cert) {
    ERR_clear_error();
    return fail(Check::kMalformed, "x5c[0] is not a certificate");
  }
  if (auto f = check_x5c_leaf(cert.get(), aaguid, now)) return f;
  EVP_PKEY* cert_key = X509_get0_pubkey(cert.get());
  if (cert_key == nullptr || !key_fits(cert_key, static_cast<int>(*alg))) {
    return fail(Check::kBadAttestation, "certificate key does not fit alg");
  }
  if (!verify_with(cert_key, signed_data, *sig)) {
    return fail(Check::kBadAttestation, "x5c attestation signature does not verify");
  }
  return std::nullopt;
}

// --- JSON helpers ---

std::optional<std::string> json_string(const boost::json::object& o, std::string_view key) {
  const boost::json::value* v = o.if_contains(key);
  if (v == nullptr || !v->is_string()) return std::nullopt;
  return std::string(v->get_string());
}

std::optional<std::string> json_b64(const boost::json::object& o, std::string_view key) {
  auto s = json_string(o, key);
  if (!s) return std::nullopt;
  return crypto::base64url_decode(*s);
}

// The credential JSON's common part: rawId decoded (id must be the same text), type, and
// the `response` object.
Checked<std::pair<std::string, boost::json::object>> parse_credential(std::string_view json) {
  if (json.size() > kMaxInputBytes) return fail(Check::kMalformed, "response is too large");
  auto o = jose::detail::parse_object_no_duplicates(json);
  if (!o) return fail(Check::kMalformed, "response is not a JSON object");
  auto id = json_string(*o, "id");
  auto raw = json_string(*o, "rawId");
  auto type = json_string(*o, "type");
  if (!id || !raw || !type) return fail(Check::kMalformed, "response needs id, rawId, type");
  if (*type != "public-key") return fail(Check::kMalformed, "response type is not public-key");
  if (*id != *raw) return fail(Check::kMalformed, "response id and rawId differ");
  auto raw_bytes = crypto::base64url_decode(*raw);
  if (!raw_bytes) return fail(Check::kMalformed, "rawId is not base64url");
  if (raw_bytes->size() < kMinCredentialIdBytes || raw_bytes->size() > kMaxCredentialIdBytes) {
    return fail(Check::kCredentialIdLength, "credential id length");
  }
  const boost::json::value* r = o->if_contains("response");
  if (r == nullptr || !r->is_object()) return fail(Check::kMalformed, "response.response missing");
  return std::pair{std::move(*raw_bytes), r->get_object()};
}

}  // namespace

const char* check_name(Check c) {
  switch (c) {
    case Check::kOk:
      return "ok";
    case Check::kMalformed:
      return "malformed";
    case Check::kWrongType:
      return "wrong_type";
    case Check::kChallengeMismatch:
      return "challenge_mismatch";
    case Check::kOriginMismatch:
      return "origin_mismatch";
    case Check::kRpIdMismatch:
      return "rp_id_mismatch";
    case Check::kUserNotPresent:
      return "user_not_present";
    case Check::kUserNotVerified:
      return "user_not_verified";
    case Check::kNoCredentialData:
      return "no_credential_data";
    case Check::kCredentialIdLength:
      return "credential_id_length";
    case Check::kUnsupportedAlgorithm:
      return "unsupported_algorithm";
    case Check::kBadKey:
      return "bad_key";
    case Check::kUnsupportedFormat:
      return "unsupported_format";
    case Check::kBadAttestation:
      return "bad_attestation";
    case Check::kBadSignature:
      return "bad_signature";
    case Check::kCounterRegression:
      return "counter_regression";
  }
  return "unknown";
}

Checked<ClientData> parse_client_data(std::string_view json) {
  if (json.size() > kMaxInputBytes) return fail(Check::kMalformed, "clientDataJSON is too large");
  auto o = jose::detail::parse_object_no_duplicates(json);
  if (!o) return fail(Check::kMalformed, "clientDataJSON is not a JSON object");
  ClientData cd;
  auto type = json_string(*o, "type");
  auto challenge = json_b64(*o, "challenge");
  auto origin = json_string(*o, "origin");
  if (!type || !challenge || !origin) {
    return fail(Check::kMalformed, "clientDataJSON needs type, challenge (base64url), origin");
  }
  cd.type = std::move(*type);
  cd.challenge = std::move(*challenge);
  cd.origin = std::move(*origin);
  if (const boost::json::value* co = o->if_contains("crossOrigin")) {
    if (!co->is_bool()) return fail(Check::kMalformed, "clientDataJSON.crossOrigin");
    cd.cross_origin = co->get_bool();
  }
  return cd;
}

Checked<AuthenticatorData> parse_authenticator_data(std::string_view b) {
  constexpr size_t kHeader = 37;  // rpIdHash 32, flags 1, signCount 4
  if (b.size() < kHeader || b.size() > kMaxInputBytes) {
    return fail(Check::kMalformed, "authenticator data length");
  }
  auto byte = [&](size_t i) { return static_cast<uint8_t>(b[i]); };
  AuthenticatorData ad;
  ad.rp_id_hash = std::string(b.substr(0, 32));
  ad.flags = byte(32);
  ad.sign_count = (uint32_t{byte(33)} << 24) | (uint32_t{byte(34)} << 16) |
                  (uint32_t{byte(35)} << 8) | uint32_t{byte(36)};
  size_t pos = kHeader;
  if ((ad.flags & kFlagAt) != 0) {
    if (b.size() < pos + 18) return fail(Check::kMalformed, "attested credential data length");
    AttestedCredential ac;
    ac.aaguid = std::string(b.substr(pos, 16));
    size_t id_len = (size_t{byte(pos + 16)} << 8) | size_t{byte(pos + 17)};
    pos += 18;
    if (id_len < kMinCredentialIdBytes || id_len > kMaxCredentialIdBytes) {
      return fail(Check::kCredentialIdLength,
                  "credential id of " + std::to_string(id_len) + " bytes");
    }
    if (b.size() < pos + id_len) return fail(Check::kMalformed, "credential id past the end");
    ac.credential_id = std::string(b.substr(pos, id_len));
    pos += id_len;
    size_t used = 0;
    CborPtr key = load_cbor(b.substr(pos), &used);
    if (!key || !cbor_isa_map(key.get())) return fail(Check::kMalformed, "credential public key");
    ac.cose_key = std::string(b.substr(pos, used));
    pos += used;
    ad.attested = std::move(ac);
  }
  if ((ad.flags & kFlagEd) != 0) {
    size_t used = 0;
    CborPtr ext = load_cbor(b.substr(pos), &used);
    if (!ext || !cbor_isa_map(ext.get())) return fail(Check::kMalformed, "extensions");
    pos += used;
  }
  if (pos != b.size()) return fail(Check::kMalformed, "trailing bytes in authenticator data");
  return ad;
}

Checked<PublicKey> parse_cose_key(std::string_view cbor) {
  size_t used = 0;
  CborPtr map = load_cbor(cbor, &used);
  if (!map || used != cbor.size() || !cbor_isa_map(map.get())) {
    return fail(Check::kMalformed, "COSE key is not a CBOR map");
  }
  bool dup = false;
  const cbor_item_t* kty_item = map_get_int(map.get(), 1, &dup);
  const cbor_item_t* alg_item = map_get_int(map.get(), 3, &dup);
  if (kty_item == nullptr || alg_item == nullptr) {
    return fail(Check::kMalformed, "COSE key needs kty and alg");
  }
  auto kty = cbor_int(kty_item);
  auto alg = cbor_int(alg_item);
  if (!kty || !alg) return fail(Check::kMalformed, "COSE key kty / alg types");
  PublicKey out;
  d::PkeyPtr key;
  if (*alg == kEs256) {
    if (*kty != 2) return fail(Check::kBadKey, "ES256 needs an EC2 key");
    const cbor_item_t* crv_item = map_get_int(map.get(), -1, &dup);
    const cbor_item_t* x_item = map_get_int(map.get(), -2, &dup);
    const cbor_item_t* y_item = map_get_int(map.get(), -3, &dup);
    if (crv_item == nullptr || x_item == nullptr || y_item == nullptr || dup) {
      return fail(Check::kMalformed, "EC2 key needs crv, x, y once");
    }
    auto crv = cbor_int(crv_item);
    auto x = cbor_bytes(x_item);
    auto y = cbor_bytes(y_item);
    if (!crv || !x || !y) return fail(Check::kMalformed, "EC2 key member types");
    if (*crv != 1) return fail(Check::kUnsupportedAlgorithm, "EC2 curve is not P-256");
    if (x->size() != 32 || y->size() != 32) return fail(Check::kBadKey, "EC2 coordinate length");
    std::string point = "\x04" + *x + *y;
    d::ParamBldPtr bld(OSSL_PARAM_BLD_new());
    if (!bld ||
        !OSSL_PARAM_BLD_push_utf8_string(bld.get(), OSSL_PKEY_PARAM_GROUP_NAME, "P-256", 0) ||
        !OSSL_PARAM_BLD_push_octet_string(bld.get(), OSSL_PKEY_PARAM_PUB_KEY, point.data(),
                                          point.size())) {
      return fail(Check::kBadKey, "EC2 key parameters");
    }
    key = pkey_from_params("EC", bld.get());
    if (key) {
      // Points off the curve and the point at infinity are refused.
      d::PkeyCtxPtr check(EVP_PKEY_CTX_new_from_pkey(nullptr, key.get(), nullptr));
      if (!check || EVP_PKEY_public_check(check.get()) != 1) key.reset();
    }
  } else if (*alg == kRs256) {
    if (*kty != 3) return fail(Check::kBadKey, "RS256 needs an RSA key");
    const cbor_item_t* n_item = map_get_int(map.get(), -1, &dup);
    const cbor_item_t* e_item = map_get_int(map.get(), -2, &dup);
    if (n_item == nullptr || e_item == nullptr || dup) {
      return fail(Check::kMalformed, "RSA key needs n, e once");
    }
    auto n = cbor_bytes(n_item);
    auto e = cbor_bytes(e_item);
    if (!n || !e || n->empty() || e->empty() || e->size() > 8) {
      return fail(Check::kMalformed, "RSA key member types");
    }
    d::BnPtr bn_n = d::bn_from_bytes(*n);
    d::BnPtr bn_e = d::bn_from_bytes(*e);
    d::ParamBldPtr bld(OSSL_PARAM_BLD_new());
    if (!bn_n || !bn_e || !BN_is_odd(bn_e.get()) || BN_is_one(bn_e.get()) || !bld ||
        !OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_N, bn_n.get()) ||
        !OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_E, bn_e.get())) {
      return fail(Check::kBadKey, "RSA key parameters");
    }
    key = pkey_from_params("RSA", bld.get());
  } else {
    return fail(Check::kUnsupportedAlgorithm, "COSE alg " + std::to_string(*alg));
  }
  ERR_clear_error();
  if (!key || !key_fits(key.get(), static_cast<int>(*alg))) {
    return fail(Check::kBadKey, "the COSE key is not a valid key for its alg");
  }
  auto der = spki_der(key.get());
  if (!der) return fail(Check::kBadKey, "cannot encode the key");
  out.alg = static_cast<int>(*alg);
  out.spki_der = std::move(*der);
  return out;
}

Checked<bool> verify_signature(const PublicKey& key, std::string_view data,
                               std::string_view signature) {
  d::PkeyPtr pkey = pkey_from_spki(key.spki_der);
  if (!pkey || !key_fits(pkey.get(), key.alg)) {
    ERR_clear_error();
    return fail(Check::kBadKey, "stored key does not parse or fit its alg");
  }
  return verify_with(pkey.get(), data, signature);
}

Checked<Registration> verify_registration(std::string_view attestation_object,
                                          std::string_view client_data_json,
                                          const Expected& expected, int64_t now) {
  if (attestation_object.size() > kMaxInputBytes) {
    return fail(Check::kMalformed, "attestationObject is too large");
  }
  auto cd = check_client_data(client_data_json, "webauthn.create", expected);
  if (!cd) return cd.failure();

  size_t used = 0;
  CborPtr obj = load_cbor(attestation_object, &used);
  if (!obj || used != attestation_object.size() || !cbor_isa_map(obj.get())) {
    return fail(Check::kMalformed, "attestationObject is not a CBOR map");
  }
  bool dup = false;
  const cbor_item_t* fmt_item = map_get_text(obj.get(), "fmt", &dup);
  const cbor_item_t* stmt = map_get_text(obj.get(), "attStmt", &dup);
  const cbor_item_t* auth_item = map_get_text(obj.get(), "authData", &dup);
  if (dup || fmt_item == nullptr || stmt == nullptr || auth_item == nullptr ||
      !cbor_isa_map(stmt)) {
    return fail(Check::kMalformed, "attestationObject needs fmt, attStmt, authData once");
  }
  auto fmt = cbor_text(fmt_item);
  auto auth_bytes = cbor_bytes(auth_item);
  if (!fmt || !auth_bytes) return fail(Check::kMalformed, "attestationObject member types");

  auto ad = parse_authenticator_data(*auth_bytes);
  if (!ad) return ad.failure();
  if (auto f = check_flags(*ad, expected)) return *f;
  if (!ad->attested) return fail(Check::kNoCredentialData, "flag AT is not set");
  auto key = parse_cose_key(ad->attested->cose_key);
  if (!key) return key.failure();

  std::string signed_data = *auth_bytes + crypto::sha256(client_data_json);
  if (*fmt == "none") {
    if (cbor_map_size(stmt) != 0) return fail(Check::kMalformed, "none attStmt is not empty");
  } else if (*fmt == "packed") {
    if (auto f = check_packed(stmt, signed_data, *key, ad->attested->aaguid, now)) return *f;
  } else {
    return fail(Check::kUnsupportedFormat, "attestation format " + *fmt);
  }

  Registration r;
  r.credential_id = std::move(ad->attested->credential_id);
  r.key = std::move(*key);
  r.sign_count = ad->sign_count;
  r.format = std::move(*fmt);
  r.aaguid = std::move(ad->attested->aaguid);
  r.user_verified = (ad->flags & kFlagUv) != 0;
  r.backup_eligible = (ad->flags & kFlagBe) != 0;
  return r;
}

Checked<Assertion> verify_assertion(std::string_view authenticator_data,
                                    std::string_view client_data_json, std::string_view signature,
                                    const Expected& expected, const StoredCredential& credential) {
  auto cd = check_client_data(client_data_json, "webauthn.get", expected);
  if (!cd) return cd.failure();
  auto ad = parse_authenticator_data(authenticator_data);
  if (!ad) return ad.failure();
  if (auto f = check_flags(*ad, expected)) return *f;
  std::string signed_data = std::string(authenticator_data) + crypto::sha256(client_data_json);
  auto v = verify_signature(credential.key, signed_data, signature);
  if (!v) return v.failure();
  if (!*v) return fail(Check::kBadSignature, "assertion signature does not verify");
  // Both zero: the authenticator keeps no counter. Otherwise it must go up.
  if ((credential.sign_count != 0 || ad->sign_count != 0) &&
      ad->sign_count <= credential.sign_count) {
    return fail(Check::kCounterRegression, "signature counter " + std::to_string(ad->sign_count) +
                                               " is not above " +
                                               std::to_string(credential.sign_count));
  }
  return Assertion{ad->sign_count, (ad->flags & kFlagUv) != 0};
}

Checked<CreateResponse> parse_create_response(std::string_view json) {
  auto cred = parse_credential(json);
  if (!cred) return cred.failure();
  auto att = json_b64(cred->second, "attestationObject");
  auto cdj = json_b64(cred->second, "clientDataJSON");
  if (!att || !cdj) {
    return fail(Check::kMalformed, "response needs attestationObject and clientDataJSON");
  }
  return CreateResponse{std::move(cred->first), std::move(*att), std::move(*cdj)};
}

Checked<GetResponse> parse_get_response(std::string_view json) {
  auto cred = parse_credential(json);
  if (!cred) return cred.failure();
  auto ad = json_b64(cred->second, "authenticatorData");
  auto cdj = json_b64(cred->second, "clientDataJSON");
  auto sig = json_b64(cred->second, "signature");
  if (!ad || !cdj || !sig) {
    return fail(Check::kMalformed,
                "response needs authenticatorData, clientDataJSON and signature");
  }
  GetResponse g{std::move(cred->first), std::move(*ad), std::move(*cdj), std::move(*sig), {}};
  if (const boost::json::value* uh = cred->second.if_contains("userHandle");
      uh != nullptr && !uh->is_null()) {
    auto h = json_b64(cred->second, "userHandle");
    if (!h) return fail(Check::kMalformed, "userHandle is not base64url");
    g.user_handle = std::move(*h);
  }
  return g;
}

}  // namespace gatehouse::webauthn
