#include "gatehouse/jose/jwk.h"

#include <openssl/core_names.h>

#include <boost/json/parse.hpp>

#include <optional>

#include "gatehouse/crypto/base64url.h"
#include "jose/openssl_util.h"

namespace gatehouse::jose {
namespace {

using detail::Algorithm;
using detail::KeyType;

// 2048 is today's floor for RSA signatures; 8192 bounds the cost of one verification.
constexpr int kMinRsaBits = 2048;
constexpr int kMaxRsaBits = 8192;
// A larger public exponent only makes verification slower; real keys use 65537.
constexpr size_t kMaxRsaExponentBytes = 8;

std::optional<std::string> get_string(const boost::json::object& o, std::string_view name) {
  const boost::json::value* v = o.if_contains(name);
  if (!v || !v->is_string()) return std::nullopt;
  return std::string(v->get_string());
}

std::optional<std::string> get_b64(const boost::json::object& o, std::string_view name) {
  std::optional<std::string> text = get_string(o, name);
  if (!text) return std::nullopt;
  return crypto::base64url_decode(*text);
}

detail::PkeyPtr pkey_from_params(const char* type, OSSL_PARAM_BLD* bld) {
  detail::ParamPtr params(OSSL_PARAM_BLD_to_param(bld));
  detail::PkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_name(nullptr, type, nullptr));
  EVP_PKEY* raw = nullptr;
  if (!params || !ctx || EVP_PKEY_fromdata_init(ctx.get()) <= 0 ||
      EVP_PKEY_fromdata(ctx.get(), &raw, EVP_PKEY_PUBLIC_KEY, params.get()) <= 0) {
    return nullptr;
  }
  return detail::PkeyPtr(raw);
}

detail::PkeyPtr rsa_key(const boost::json::object& o) {
  std::optional<std::string> n = get_b64(o, "n");
  std::optional<std::string> e = get_b64(o, "e");
  if (!n || !e || n->empty() || e->empty() || e->size() > kMaxRsaExponentBytes) return nullptr;
  detail::BnPtr bn_n = detail::bn_from_bytes(*n);
  detail::BnPtr bn_e = detail::bn_from_bytes(*e);
  if (!bn_n || !bn_e || !BN_is_odd(bn_e.get()) || BN_is_one(bn_e.get())) return nullptr;
  int bits = BN_num_bits(bn_n.get());
  if (bits < kMinRsaBits || bits > kMaxRsaBits) return nullptr;
  detail::ParamBldPtr bld(OSSL_PARAM_BLD_new());
  if (!bld || !OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_N, bn_n.get()) ||
      !OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_E, bn_e.get())) {
    return nullptr;
  }
  return pkey_from_params("RSA", bld.get());
}

detail::PkeyPtr ec_key(const boost::json::object& o, const Algorithm& alg) {
  if (get_string(o, "crv") != std::string(alg.curve)) return nullptr;
  std::optional<std::string> x = get_b64(o, "x");
  std::optional<std::string> y = get_b64(o, "y");
  if (!x || !y || x->size() != alg.coord_bytes || y->size() != alg.coord_bytes) return nullptr;
  std::string point = "\x04" + *x + *y;  // SEC1 uncompressed point
  std::string group(alg.curve);
  detail::ParamBldPtr bld(OSSL_PARAM_BLD_new());
  if (!bld ||
      !OSSL_PARAM_BLD_push_utf8_string(bld.get(), OSSL_PKEY_PARAM_GROUP_NAME, group.c_str(), 0) ||
      !OSSL_PARAM_BLD_push_octet_string(bld.get(), OSSL_PKEY_PARAM_PUB_KEY, point.data(),
                                        point.size())) {
    return nullptr;
  }
  detail::PkeyPtr key = pkey_from_params("EC", bld.get());
  if (!key) return nullptr;
  // Rejects points off the curve (invalid-curve attacks) and the point at infinity.
  detail::PkeyCtxPtr check(EVP_PKEY_CTX_new_from_pkey(nullptr, key.get(), nullptr));
  if (!check || EVP_PKEY_public_check(check.get()) != 1) return nullptr;
  return key;
}

std::optional<Jwk> parse_key(const boost::json::value& v) {
  if (!v.is_object()) return std::nullopt;
  const boost::json::object& o = v.get_object();
  std::optional<std::string> kid = get_string(o, "kid");
  std::optional<std::string> alg_name = get_string(o, "alg");
  std::optional<std::string> kty = get_string(o, "kty");
  if (!kid || kid->empty() || !alg_name || !kty) return std::nullopt;
  if (const boost::json::value* use = o.if_contains("use");
      use && !(use->is_string() && use->get_string() == "sig")) {
    return std::nullopt;
  }
  const Algorithm* alg = detail::find_algorithm(*alg_name);
  if (!alg) return std::nullopt;
  detail::PkeyPtr key;
  if (alg->kty == KeyType::kRsa && *kty == "RSA") {
    key = rsa_key(o);
  } else if (alg->kty == KeyType::kEc && *kty == "EC") {
    key = ec_key(o, *alg);
  }
  if (!key) return std::nullopt;
  return Jwk{std::move(*kid), std::move(*alg_name), std::move(*kty), detail::share(std::move(key))};
}

}  // namespace

bool is_supported_alg(std::string_view alg) { return detail::find_algorithm(alg) != nullptr; }

const Jwk* Jwks::find(std::string_view kid) const {
  for (const Jwk& k : keys) {
    if (k.kid == kid) return &k;
  }
  return nullptr;
}

JwtStatus parse_jwks(const boost::json::value& json, Jwks* out) {
  const boost::json::object* root = json.if_object();
  const boost::json::value* keys = root ? root->if_contains("keys") : nullptr;
  if (!keys || !keys->is_array()) return JwtStatus::kJwksParseError;
  Jwks result;
  for (const boost::json::value& v : keys->get_array()) {
    std::optional<Jwk> key = parse_key(v);
    if (key && !result.find(key->kid)) result.keys.push_back(std::move(*key));
  }
  ERR_clear_error();  // skipped keys may have left entries on this thread's error queue
  if (result.keys.empty()) return JwtStatus::kJwksNoKeys;
  *out = std::move(result);
  return JwtStatus::kOk;
}

JwtStatus parse_jwks(std::string_view json_text, Jwks* out) {
  boost::system::error_code ec;
  boost::json::value v = boost::json::parse(json_text, ec);
  if (ec) return JwtStatus::kJwksParseError;
  return parse_jwks(v, out);
}

}  // namespace gatehouse::jose
