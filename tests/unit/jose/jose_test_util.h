// Test helpers for building JWTs the library itself would never produce: arbitrary
// headers, other algorithms, foreign keys, HMAC forgeries. Includes support/matchers.h,
// so gtest prints a JwtStatus by name.
#pragma once

#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include <memory>
#include <stdexcept>
#include <string>

#include "gatehouse/crypto/base64url.h"
#include "gatehouse/jwt_status.h"
#include "support/matchers.h"

namespace gatehouse::jose::testing {

using PkeyPtr = std::shared_ptr<EVP_PKEY>;

inline PkeyPtr make_ec_key(const char* curve) { return PkeyPtr(EVP_EC_gen(curve), EVP_PKEY_free); }
inline PkeyPtr make_rsa_key(unsigned bits) { return PkeyPtr(EVP_RSA_gen(bits), EVP_PKEY_free); }

inline std::string b64(std::string_view s) { return crypto::base64url_encode(s); }

inline std::string bn_param(EVP_PKEY* key, const char* name, int width = 0) {
  BIGNUM* bn = nullptr;
  if (EVP_PKEY_get_bn_param(key, name, &bn) != 1) throw std::runtime_error("bn param");
  int n = width > 0 ? width : BN_num_bytes(bn);
  std::string out(static_cast<size_t>(n), '\0');
  BN_bn2binpad(bn, reinterpret_cast<unsigned char*>(out.data()), n);
  BN_free(bn);
  return out;
}

inline boost::json::object rsa_jwk(EVP_PKEY* key, const std::string& kid, const std::string& alg) {
  return {{"kty", "RSA"},
          {"kid", kid},
          {"alg", alg},
          {"use", "sig"},
          {"n", b64(bn_param(key, OSSL_PKEY_PARAM_RSA_N))},
          {"e", b64(bn_param(key, OSSL_PKEY_PARAM_RSA_E))}};
}

inline boost::json::object ec_jwk(EVP_PKEY* key, const std::string& kid, const std::string& alg,
                                  const std::string& crv, int coord) {
  return {{"kty", "EC"},
          {"kid", kid},
          {"alg", alg},
          {"crv", crv},
          {"x", b64(bn_param(key, OSSL_PKEY_PARAM_EC_PUB_X, coord))},
          {"y", b64(bn_param(key, OSSL_PKEY_PARAM_EC_PUB_Y, coord))}};
}

// Signs data with key: PKCS#1 v1.5 or PSS for RSA, raw r||s for EC.
inline std::string sign_raw(EVP_PKEY* key, const EVP_MD* md, std::string_view data,
                            bool pss = false, int ec_coord = 0) {
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  EVP_PKEY_CTX* pctx = nullptr;
  EVP_DigestSignInit(ctx, &pctx, md, nullptr, key);
  if (pss) {
    EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING);
    EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, RSA_PSS_SALTLEN_DIGEST);
  }
  size_t len = 0;
  auto in = reinterpret_cast<const unsigned char*>(data.data());
  EVP_DigestSign(ctx, nullptr, &len, in, data.size());
  std::string sig(len, '\0');
  EVP_DigestSign(ctx, reinterpret_cast<unsigned char*>(sig.data()), &len, in, data.size());
  sig.resize(len);
  EVP_MD_CTX_free(ctx);
  if (ec_coord == 0) return sig;
  auto p = reinterpret_cast<const unsigned char*>(sig.data());
  ECDSA_SIG* es = d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(sig.size()));
  std::string raw(2 * static_cast<size_t>(ec_coord), '\0');
  BN_bn2binpad(ECDSA_SIG_get0_r(es), reinterpret_cast<unsigned char*>(raw.data()), ec_coord);
  BN_bn2binpad(ECDSA_SIG_get0_s(es), reinterpret_cast<unsigned char*>(raw.data()) + ec_coord,
               ec_coord);
  ECDSA_SIG_free(es);
  return raw;
}

inline std::string hmac_sha256(std::string_view secret, std::string_view data) {
  unsigned char out[EVP_MAX_MD_SIZE];
  size_t len = 0;
  EVP_Q_mac(nullptr, "HMAC", nullptr, "SHA256", nullptr, secret.data(), secret.size(),
            reinterpret_cast<const unsigned char*>(data.data()), data.size(), out, sizeof out,
            &len);
  return std::string(reinterpret_cast<char*>(out), len);
}

inline std::string public_pem(EVP_PKEY* key) {
  BIO* bio = BIO_new(BIO_s_mem());
  PEM_write_bio_PUBKEY(bio, key);
  char* data = nullptr;
  long len = BIO_get_mem_data(bio, &data);
  std::string pem(data, static_cast<size_t>(len));
  BIO_free(bio);
  return pem;
}

inline PkeyPtr pkey_from_pem(const std::string& private_pem) {
  BIO* bio = BIO_new_mem_buf(private_pem.data(), static_cast<int>(private_pem.size()));
  EVP_PKEY* key = PEM_read_bio_PrivateKey(bio, nullptr, nullptr, nullptr);
  BIO_free(bio);
  return PkeyPtr(key, EVP_PKEY_free);
}

// "<b64 header>.<b64 payload>"; sign it and append "." + b64(signature).
inline std::string signing_input(const boost::json::object& header,
                                 const boost::json::object& payload) {
  return b64(boost::json::serialize(header)) + "." + b64(boost::json::serialize(payload));
}

}  // namespace gatehouse::jose::testing
