// Internal to jose/: RAII owners for OpenSSL objects and the table of supported JWS
// algorithms. Not part of the public interface; include only from jose/*.cc.
#pragma once

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

namespace gatehouse::jose::detail {

template <auto Free>
struct Deleter {
  template <class T>
  void operator()(T* p) const {
    Free(p);
  }
};
using PkeyPtr = std::unique_ptr<EVP_PKEY, Deleter<EVP_PKEY_free>>;
using PkeyCtxPtr = std::unique_ptr<EVP_PKEY_CTX, Deleter<EVP_PKEY_CTX_free>>;
using MdCtxPtr = std::unique_ptr<EVP_MD_CTX, Deleter<EVP_MD_CTX_free>>;
using BnPtr = std::unique_ptr<BIGNUM, Deleter<BN_free>>;
using BioPtr = std::unique_ptr<BIO, Deleter<BIO_free_all>>;
using ParamBldPtr = std::unique_ptr<OSSL_PARAM_BLD, Deleter<OSSL_PARAM_BLD_free>>;
using ParamPtr = std::unique_ptr<OSSL_PARAM, Deleter<OSSL_PARAM_free>>;
using EcdsaSigPtr = std::unique_ptr<ECDSA_SIG, Deleter<ECDSA_SIG_free>>;

inline std::shared_ptr<EVP_PKEY> share(PkeyPtr p) {
  return std::shared_ptr<EVP_PKEY>(p.release(), EVP_PKEY_free);
}

inline BnPtr bn_from_bytes(std::string_view b) {
  return BnPtr(BN_bin2bn(reinterpret_cast<const unsigned char*>(b.data()),
                         static_cast<int>(b.size()), nullptr));
}

// Big-endian bytes of bn, left-padded with zeros to `width` (0 = minimal length).
inline std::string bn_to_bytes(const BIGNUM* bn, int width = 0) {
  int n = width > 0 ? width : BN_num_bytes(bn);
  std::string out(static_cast<size_t>(n), '\0');
  if (BN_bn2binpad(bn, reinterpret_cast<unsigned char*>(out.data()), n) < 0) return {};
  return out;
}

enum class KeyType { kRsa, kEc };

struct Algorithm {
  std::string_view name;
  KeyType kty;
  const EVP_MD* (*digest)();
  bool pss;                // RSASSA-PSS instead of PKCS#1 v1.5
  std::string_view curve;  // JWK "crv" for EC, empty for RSA
  size_t coord_bytes;      // EC field size in bytes: r and s each take this many
};

// nullptr for anything not supported, which includes "none" and every HS* alg: keys are
// asymmetric, so no key can ever be used as an HMAC secret.
inline const Algorithm* find_algorithm(std::string_view name) {
  static const Algorithm kAlgorithms[] = {
      {"RS256", KeyType::kRsa, EVP_sha256, false, "", 0},
      {"RS384", KeyType::kRsa, EVP_sha384, false, "", 0},
      {"RS512", KeyType::kRsa, EVP_sha512, false, "", 0},
      {"PS256", KeyType::kRsa, EVP_sha256, true, "", 0},
      {"PS384", KeyType::kRsa, EVP_sha384, true, "", 0},
      {"PS512", KeyType::kRsa, EVP_sha512, true, "", 0},
      {"ES256", KeyType::kEc, EVP_sha256, false, "P-256", 32},
      {"ES384", KeyType::kEc, EVP_sha384, false, "P-384", 48},
      {"ES512", KeyType::kEc, EVP_sha512, false, "P-521", 66},
  };
  for (const Algorithm& a : kAlgorithms) {
    if (a.name == name) return &a;
  }
  return nullptr;
}

}  // namespace gatehouse::jose::detail
