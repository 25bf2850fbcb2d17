// libFuzzer target: a key-set document through jose::parse_jwks (what the SDK does with
// /v2/keys answers). Seeds: tests/fuzz/jwks/corpus.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "gatehouse/jose/jwk.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace gatehouse;
  jose::Jwks jwks;
  JwtStatus s =
      jose::parse_jwks(std::string_view(reinterpret_cast<const char*>(data), size), &jwks);
  // kOk promises at least one usable key, each with a kid, an alg and an OpenSSL key.
  if (s == JwtStatus::kOk) {
    if (jwks.keys.empty()) std::abort();
    for (const auto& k : jwks.keys) {
      if (k.kid.empty() || !jose::is_supported_alg(k.alg) || !k.key) std::abort();
    }
  }
  return 0;
}
