// libFuzzer target: a token through jose::parse_jwt and jose::verify_jwt with an RSA and an
// EC key trusted, so inputs that get past parsing reach the key lookup, the algorithm check
// and OpenSSL's signature check. A crash, leak or UB report is a finding; a rejection is
// not. Seeds: tests/fuzz/jwt/corpus (tokens signed by keys that no longer exist, which still
// parse).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "gatehouse/jose/jwk.h"
#include "gatehouse/jose/jwt.h"
#include "gatehouse/jose/signing_key.h"
#include "gatehouse/jose/verify.h"

namespace {

using namespace gatehouse;

const jose::Jwks& jwks() {
  static const jose::Jwks set = [] {
    auto rsa = jose::SigningKey::generate_rsa(2048);
    if (!rsa) std::abort();
    boost::json::object doc{{"keys", boost::json::array{rsa->public_jwk()}}};
    jose::Jwks out;
    if (jose::parse_jwks(boost::json::value(doc), &out) != JwtStatus::kOk) std::abort();
    return out;
  }();
  return set;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view token(reinterpret_cast<const char*>(data), size);
  jose::Jwt parsed;
  JwtStatus p = jose::parse_jwt(token, &parsed);
  jose::Jwt verified;
  JwtStatus v =
      jose::verify_jwt(token, jwks(), {.now = 1'735'000'000, .expected_issuer = "P2x"}, &verified);
  // verify_jwt parses first: it never accepts what parse_jwt refuses.
  if (p != JwtStatus::kOk && v == JwtStatus::kOk) std::abort();
  return 0;
}
