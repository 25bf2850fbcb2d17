#include "gatehouse/jose/jwt.h"

#include <cmath>
#include <optional>

#include "gatehouse/crypto/base64url.h"
#include "gatehouse/jose/jwk.h"
#include "jose/strict_json.h"

namespace gatehouse::jose {
namespace {

// NumericDate (RFC 7519 §2): JSON number of seconds; fractions are truncated.
std::optional<int64_t> numeric_date(const boost::json::value& v) {
  if (v.is_int64()) return v.get_int64();
  if (v.is_uint64()) {
    if (v.get_uint64() > static_cast<uint64_t>(INT64_MAX)) return std::nullopt;
    return static_cast<int64_t>(v.get_uint64());
  }
  if (v.is_double()) {
    double d = v.get_double();
    if (!std::isfinite(d) || std::fabs(d) > 9.0e18) return std::nullopt;
    return static_cast<int64_t>(d);
  }
  return std::nullopt;
}

}  // namespace

JwtStatus parse_jwt(std::string_view token, Jwt* out) {
  if (token.size() > kMaxJwtSize) return JwtStatus::kJwtMalformed;
  size_t dot1 = token.find('.');
  size_t dot2 = dot1 == std::string_view::npos ? dot1 : token.find('.', dot1 + 1);
  if (dot2 == std::string_view::npos || token.find('.', dot2 + 1) != std::string_view::npos) {
    return JwtStatus::kJwtMalformed;
  }
  std::string_view header_b64 = token.substr(0, dot1);
  std::string_view payload_b64 = token.substr(dot1 + 1, dot2 - dot1 - 1);
  std::string_view signature_b64 = token.substr(dot2 + 1);
  std::optional<std::string> header_text = crypto::base64url_decode(header_b64);
  std::optional<std::string> payload_text = crypto::base64url_decode(payload_b64);
  if (!header_text || !payload_text) return JwtStatus::kJwtMalformed;

  Jwt jwt;
  std::optional<boost::json::object> header = detail::parse_object_no_duplicates(*header_text);
  if (!header || header->contains("crit")) return JwtStatus::kJwtHeaderParseError;
  jwt.header = std::move(*header);
  const boost::json::value* alg = jwt.header.if_contains("alg");
  if (!alg || !alg->is_string() || !is_supported_alg(alg->get_string())) {
    return JwtStatus::kJwtHeaderBadAlg;
  }
  jwt.alg = alg->get_string();
  const boost::json::value* kid = jwt.header.if_contains("kid");
  if (kid && !kid->is_string()) return JwtStatus::kJwtHeaderParseError;
  if (!kid || kid->get_string().empty()) return JwtStatus::kJwtHeaderNoKid;
  jwt.kid = kid->get_string();

  std::optional<boost::json::object> payload = detail::parse_object_no_duplicates(*payload_text);
  if (!payload) return JwtStatus::kJwtPayloadParseError;
  jwt.payload = std::move(*payload);
  const boost::json::object& p = jwt.payload;
  const boost::json::value* iss = p.if_contains("iss");
  const boost::json::value* sub = p.if_contains("sub");
  const boost::json::value* iat = p.if_contains("iat");
  const boost::json::value* exp = p.if_contains("exp");
  if (!iss || !iss->is_string() || !sub || !sub->is_string() || !iat || !exp) {
    return JwtStatus::kJwtMissingClaim;
  }
  std::optional<int64_t> iat_v = numeric_date(*iat);
  std::optional<int64_t> exp_v = numeric_date(*exp);
  if (!iat_v || !exp_v) return JwtStatus::kJwtMissingClaim;
  if (const boost::json::value* nbf = p.if_contains("nbf")) {
    std::optional<int64_t> nbf_v = numeric_date(*nbf);
    if (!nbf_v) return JwtStatus::kJwtMissingClaim;
    jwt.nbf = *nbf_v;
  }
  jwt.iss = iss->get_string();
  jwt.sub = sub->get_string();
  jwt.iat = *iat_v;
  jwt.exp = *exp_v;

  std::optional<std::string> signature = crypto::base64url_decode(signature_b64);
  if (!signature || signature->empty()) return JwtStatus::kJwtSignatureParseError;
  jwt.signature = std::move(*signature);
  jwt.raw = token;
  jwt.signing_input = token.substr(0, dot2);
  *out = std::move(jwt);
  return JwtStatus::kOk;
}

}  // namespace gatehouse::jose
