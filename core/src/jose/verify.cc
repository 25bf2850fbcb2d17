#include "gatehouse/jose/verify.h"

#include <openssl/rsa.h>

#include "jose/openssl_util.h"

namespace gatehouse::jose {
namespace {

using detail::Algorithm;

// JWS carries ECDSA signatures as fixed-width r || s (RFC 7518 §3.4); OpenSSL wants DER.
std::string ecdsa_raw_to_der(std::string_view raw, size_t coord_bytes) {
  if (raw.size() != 2 * coord_bytes) return {};
  detail::EcdsaSigPtr sig(ECDSA_SIG_new());
  detail::BnPtr r = detail::bn_from_bytes(raw.substr(0, coord_bytes));
  detail::BnPtr s = detail::bn_from_bytes(raw.substr(coord_bytes));
  if (!sig || !r || !s || ECDSA_SIG_set0(sig.get(), r.get(), s.get()) != 1) return {};
  r.release();  // now owned by sig
  s.release();
  int len = i2d_ECDSA_SIG(sig.get(), nullptr);
  if (len <= 0) return {};
  std::string der(static_cast<size_t>(len), '\0');
  auto* p = reinterpret_cast<unsigned char*>(der.data());
  if (i2d_ECDSA_SIG(sig.get(), &p) != len) return {};
  return der;
}

bool verify_with(const Algorithm& alg, EVP_PKEY* key, std::string_view data,
                 std::string_view signature) {
  std::string der;
  if (alg.kty == detail::KeyType::kEc) {
    der = ecdsa_raw_to_der(signature, alg.coord_bytes);
    if (der.empty()) return false;
    signature = der;
  } else if (signature.size() != static_cast<size_t>(EVP_PKEY_get_size(key))) {
    return false;  // RSA signatures are exactly the modulus length
  }
  detail::MdCtxPtr ctx(EVP_MD_CTX_new());
  EVP_PKEY_CTX* pctx = nullptr;  // owned by ctx
  if (!ctx || EVP_DigestVerifyInit(ctx.get(), &pctx, alg.digest(), nullptr, key) != 1) {
    return false;
  }
  if (alg.pss && (EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) != 1 ||
                  EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, RSA_PSS_SALTLEN_DIGEST) != 1)) {
    return false;
  }
  return EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char*>(signature.data()),
                          signature.size(), reinterpret_cast<const unsigned char*>(data.data()),
                          data.size()) == 1;
}

}  // namespace

bool issuer_names_project(std::string_view iss, std::string_view project_id) {
  if (project_id.empty()) return false;
  if (iss == project_id) return true;
  size_t last = iss.rfind('/');
  if (last == std::string_view::npos) return false;
  if (iss.substr(last + 1) == project_id) return true;
  if (last == 0) return false;
  size_t prev = iss.rfind('/', last - 1);
  size_t start = prev == std::string_view::npos ? 0 : prev + 1;
  return iss.substr(start, last - start) == project_id;
}

bool verify_signature(const Jwk& key, std::string_view alg, std::string_view data,
                      std::string_view signature) {
  const Algorithm* a = detail::find_algorithm(alg);
  if (!a || key.alg != alg || !key.key) return false;
  bool ok = verify_with(*a, key.key.get(), data, signature);
  ERR_clear_error();  // a failed verification leaves entries on this thread's error queue
  return ok;
}

JwtStatus verify_jwt(std::string_view token, const Jwks& jwks, const VerifyOptions& options,
                     Jwt* out) {
  Jwt local;
  Jwt& jwt = out ? *out : local;
  if (JwtStatus s = parse_jwt(token, &jwt); s != JwtStatus::kOk) return s;
  const Jwk* key = jwks.find(jwt.kid);
  if (!key) return JwtStatus::kJwksKidNotFound;
  if (key->alg != jwt.alg) return JwtStatus::kJwksAlgMismatch;
  if (!verify_signature(*key, jwt.alg, jwt.signing_input, jwt.signature)) {
    return JwtStatus::kJwtVerificationFail;
  }
  if (jwt.exp <= options.now - options.leeway) return JwtStatus::kJwtExpired;
  if (jwt.nbf > options.now + options.leeway || jwt.iat > options.now + options.leeway) {
    return JwtStatus::kJwtNotYetValid;
  }
  if (!options.expected_issuer.empty() && !issuer_names_project(jwt.iss, options.expected_issuer)) {
    return JwtStatus::kJwtWrongIssuer;
  }
  return JwtStatus::kOk;
}

}  // namespace gatehouse::jose
