#include "support/soft_authenticator.h"

#include <cbor.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <stdexcept>

#include <boost/json.hpp>

#include "gatehouse/crypto/base64url.h"
#include "gatehouse/crypto/digest.h"
#include "gatehouse/crypto/random.h"

namespace gatehouse::testing {

namespace {

struct CborFree {
  void operator()(cbor_item_t* p) const { cbor_decref(&p); }
};
using Cbor = std::unique_ptr<cbor_item_t, CborFree>;

std::string serialize(const cbor_item_t* item) {
  unsigned char* buf = nullptr;
  size_t cap = 0;
  size_t n = cbor_serialize_alloc(item, &buf, &cap);
  std::string out(reinterpret_cast<const char*>(buf), n);
  free(buf);  // NOLINT(cppcoreguidelines-no-malloc): libcbor's allocation
  return out;
}

cbor_item_t* bytes(const std::string& b) {
  return cbor_build_bytestring(reinterpret_cast<cbor_data>(b.data()), b.size());
}

cbor_item_t* integer(int64_t v) {
  if (v >= 0) return cbor_build_uint64(static_cast<uint64_t>(v));
  return cbor_build_negint64(static_cast<uint64_t>(-1 - v));
}

void put(cbor_item_t* map, cbor_item_t* key, cbor_item_t* value) {
  if (!cbor_map_add(map, cbor_pair{cbor_move(key), cbor_move(value)})) {
    throw std::runtime_error("cbor_map_add");
  }
}

void must(bool ok, const char* what) {
  if (!ok) throw std::runtime_error(std::string("soft authenticator: ") + what);
}

std::string sign_with(EVP_PKEY* key, const std::string& data) {
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  size_t len = 0;
  must(EVP_DigestSignInit(ctx, nullptr, EVP_sha256(), nullptr, key) == 1, "sign init");
  must(EVP_DigestSign(ctx, nullptr, &len, reinterpret_cast<const unsigned char*>(data.data()),
                      data.size()) == 1,
       "sign size");
  std::string sig(len, '\0');
  must(EVP_DigestSign(ctx, reinterpret_cast<unsigned char*>(sig.data()), &len,
                      reinterpret_cast<const unsigned char*>(data.data()), data.size()) == 1,
       "sign");
  EVP_MD_CTX_free(ctx);
  sig.resize(len);
  return sig;
}

const std::string kAaguid = std::string(16, '\x42');

// A v3 certificate, self-signed, CA:FALSE, with the AAGUID extension: what a packed
// full attestation's x5c[0] looks like (the trust chain is not checked).
std::string attestation_cert(EVP_PKEY* key) {
  X509* x = X509_new();
  must(x != nullptr, "X509_new");
  X509_set_version(x, 2);
  ASN1_INTEGER_set(X509_get_serialNumber(x), 1);
  X509_gmtime_adj(X509_getm_notBefore(x), -3600);
  X509_gmtime_adj(X509_getm_notAfter(x), 3600L * 24 * 365);
  X509_NAME* name = X509_get_subject_name(x);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>("Soft Authenticator"), -1, -1,
                             0);
  X509_NAME_add_entry_by_txt(name, "OU", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>("Authenticator Attestation"),
                             -1, -1, 0);
  X509_set_issuer_name(x, name);
  X509_set_pubkey(x, key);
  X509_EXTENSION* bc = X509V3_EXT_conf_nid(nullptr, nullptr, NID_basic_constraints, "CA:FALSE");
  X509_add_ext(x, bc, -1);
  X509_EXTENSION_free(bc);
  ASN1_OBJECT* oid = OBJ_txt2obj("1.3.6.1.4.1.45724.1.1.4", 1);
  ASN1_OCTET_STRING* value = ASN1_OCTET_STRING_new();
  std::string content = std::string("\x04\x10", 2) + kAaguid;
  ASN1_OCTET_STRING_set(value, reinterpret_cast<const unsigned char*>(content.data()),
                        static_cast<int>(content.size()));
  X509_EXTENSION* ext = X509_EXTENSION_create_by_OBJ(nullptr, oid, 0, value);
  X509_add_ext(x, ext, -1);
  X509_EXTENSION_free(ext);
  ASN1_OCTET_STRING_free(value);
  ASN1_OBJECT_free(oid);
  must(X509_sign(x, key, EVP_sha256()) > 0, "X509_sign");
  unsigned char* der = nullptr;
  int n = i2d_X509(x, &der);
  std::string out(reinterpret_cast<const char*>(der), static_cast<size_t>(n));
  OPENSSL_free(der);
  X509_free(x);
  return out;
}

}  // namespace

struct SoftAuthenticator::Keys {
  EVP_PKEY* credential = nullptr;
  EVP_PKEY* attestation = nullptr;  // made on first use
  ~Keys() {
    EVP_PKEY_free(credential);
    EVP_PKEY_free(attestation);
  }
};

SoftAuthenticator::SoftAuthenticator(Alg alg) : alg_(alg), keys_(std::make_unique<Keys>()) {
  keys_->credential = alg == kEs256 ? EVP_EC_gen("P-256") : EVP_RSA_gen(2048);
  must(keys_->credential != nullptr, "keygen");
  credential_id = crypto::random_bytes(32);
}

SoftAuthenticator::~SoftAuthenticator() = default;

std::string SoftAuthenticator::cose_key() const {
  Cbor map;
  if (alg_ == kEs256) {
    unsigned char point[65];
    size_t len = 0;
    must(EVP_PKEY_get_octet_string_param(keys_->credential, OSSL_PKEY_PARAM_PUB_KEY, point,
                                         sizeof point, &len) == 1 &&
             len == 65,
         "EC point");
    map.reset(cbor_new_definite_map(5));
    put(map.get(), integer(1), integer(2));
    put(map.get(), integer(3), integer(-7));
    put(map.get(), integer(-1), integer(1));
    put(map.get(), integer(-2), bytes(std::string(reinterpret_cast<char*>(point) + 1, 32)));
    put(map.get(), integer(-3), bytes(std::string(reinterpret_cast<char*>(point) + 33, 32)));
  } else {
    BIGNUM* n = nullptr;
    BIGNUM* e = nullptr;
    must(EVP_PKEY_get_bn_param(keys_->credential, OSSL_PKEY_PARAM_RSA_N, &n) == 1 &&
             EVP_PKEY_get_bn_param(keys_->credential, OSSL_PKEY_PARAM_RSA_E, &e) == 1,
         "RSA params");
    auto to_bytes = [](const BIGNUM* bn) {
      std::string b(static_cast<size_t>(BN_num_bytes(bn)), '\0');
      BN_bn2bin(bn, reinterpret_cast<unsigned char*>(b.data()));
      return b;
    };
    map.reset(cbor_new_definite_map(4));
    put(map.get(), integer(1), integer(3));
    put(map.get(), integer(3), integer(-257));
    put(map.get(), integer(-1), bytes(to_bytes(n)));
    put(map.get(), integer(-2), bytes(to_bytes(e)));
    BN_free(n);
    BN_free(e);
  }
  return serialize(map.get());
}

std::string SoftAuthenticator::sign(const std::string& data) const {
  return sign_with(keys_->credential, data);
}

std::string SoftAuthenticator::client_data(const std::string& type, const std::string& challenge,
                                           const std::string& origin) {
  // Key order as browsers write it.
  return "{\"type\":\"" + type + "\",\"challenge\":\"" + crypto::base64url_encode(challenge) +
         "\",\"origin\":\"" + origin + "\",\"crossOrigin\":false}";
}

std::string SoftAuthenticator::auth_data(const std::string& rp_id, bool attested) const {
  std::string out = crypto::sha256(rp_id_override.empty() ? rp_id : rp_id_override);
  uint8_t flags = 0;
  if (user_present) flags |= 0x01;
  if (user_verified) flags |= 0x04;
  if (attested) flags |= 0x40;
  out += static_cast<char>(flags);
  for (int shift = 24; shift >= 0; shift -= 8) out += static_cast<char>((counter >> shift) & 0xff);
  if (attested) {
    out += kAaguid;
    out += static_cast<char>((credential_id.size() >> 8) & 0xff);
    out += static_cast<char>(credential_id.size() & 0xff);
    out += credential_id;
    out += cose_key();
  }
  return out;
}

SoftAuthenticator::Made SoftAuthenticator::create(const Ceremony& c) {
  Made m;
  m.client_data_json =
      client_data(c.type.empty() ? "webauthn.create" : c.type, c.challenge, c.origin);
  std::string ad = auth_data(c.rp_id, true);
  std::string signed_data = ad + crypto::sha256(m.client_data_json);
  Cbor stmt;
  if (c.format == "none") {
    stmt.reset(cbor_new_definite_map(0));
  } else if (c.format == "packed") {
    stmt.reset(cbor_new_definite_map(2));
    put(stmt.get(), cbor_build_string("alg"), integer(alg_ == kEs256 ? -7 : -257));
    put(stmt.get(), cbor_build_string("sig"), bytes(sign(signed_data)));
  } else if (c.format == "packed-x5c") {
    if (keys_->attestation == nullptr) keys_->attestation = EVP_EC_gen("P-256");
    stmt.reset(cbor_new_definite_map(3));
    put(stmt.get(), cbor_build_string("alg"), integer(-7));
    put(stmt.get(), cbor_build_string("sig"), bytes(sign_with(keys_->attestation, signed_data)));
    cbor_item_t* x5c = cbor_new_definite_array(1);
    must(cbor_array_push(x5c, cbor_move(bytes(attestation_cert(keys_->attestation)))), "x5c");
    put(stmt.get(), cbor_build_string("x5c"), x5c);
  } else {
    stmt.reset(cbor_new_definite_map(0));  // an unknown format name, for tests
  }
  Cbor obj(cbor_new_definite_map(3));
  std::string fmt = c.format == "packed-x5c" ? "packed" : c.format;
  put(obj.get(), cbor_build_string("fmt"), cbor_build_string(fmt.c_str()));
  put(obj.get(), cbor_build_string("attStmt"), cbor_incref(stmt.get()));
  put(obj.get(), cbor_build_string("authData"), bytes(ad));
  m.attestation_object = serialize(obj.get());
  std::string id = crypto::base64url_encode(credential_id);
  m.response_json = boost::json::serialize(
      boost::json::object{{"id", id},
                          {"rawId", id},
                          {"type", "public-key"},
                          {"response",
                           {{"attestationObject", crypto::base64url_encode(m.attestation_object)},
                            {"clientDataJSON", crypto::base64url_encode(m.client_data_json)}}}});
  return m;
}

SoftAuthenticator::Asserted SoftAuthenticator::get(const Ceremony& c) {
  counter += counter_step;
  Asserted a;
  a.client_data_json = client_data(c.type.empty() ? "webauthn.get" : c.type, c.challenge, c.origin);
  a.authenticator_data = auth_data(c.rp_id, false);
  a.signature = sign(a.authenticator_data + crypto::sha256(a.client_data_json));
  std::string id = crypto::base64url_encode(credential_id);
  boost::json::object response{
      {"authenticatorData", crypto::base64url_encode(a.authenticator_data)},
      {"clientDataJSON", crypto::base64url_encode(a.client_data_json)},
      {"signature", crypto::base64url_encode(a.signature)}};
  if (!user_handle.empty()) response["userHandle"] = crypto::base64url_encode(user_handle);
  a.response_json = boost::json::serialize(boost::json::object{
      {"id", id}, {"rawId", id}, {"type", "public-key"}, {"response", std::move(response)}});
  return a;
}

ParsedOptions parse_options(const std::string& options_json) {
  ParsedOptions p;
  boost::json::object o = boost::json::parse(options_json).as_object();
  const boost::json::object& pk = o.at("publicKey").as_object();
  p.challenge = crypto::base64url_decode(pk.at("challenge").as_string()).value();
  if (const auto* rp = pk.if_contains("rp")) {
    p.rp_id = rp->as_object().at("id").as_string();
  } else if (const auto* id = pk.if_contains("rpId")) {
    p.rp_id = id->as_string();
  }
  if (const auto* user = pk.if_contains("user")) {
    p.user_id = crypto::base64url_decode(user->as_object().at("id").as_string()).value();
  }
  if (const auto* uv = pk.if_contains("userVerification")) p.user_verification = uv->as_string();
  if (const auto* sel = pk.if_contains("authenticatorSelection")) {
    if (const auto* uv = sel->as_object().if_contains("userVerification")) {
      p.user_verification = uv->as_string();
    }
  }
  if (const auto* a = pk.if_contains("allowCredentials"))
    p.allow_credentials = a->as_array().size();
  if (const auto* e = pk.if_contains("excludeCredentials")) {
    p.exclude_credentials = e->as_array().size();
  }
  return p;
}

}  // namespace gatehouse::testing
