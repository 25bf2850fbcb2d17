// JOSE core: what one protected request (parse + verify) and one issued session (sign)
// cost, without any HTTP around them.
#include <benchmark/benchmark.h>

#include "bench_tokens.h"
#include "gatehouse/crypto/base64url.h"
#include "gatehouse/jose/jwt.h"
#include "gatehouse/jose/verify.h"

namespace {

using gatehouse::bench::fixture;

void BM_JwtParse(benchmark::State& state) {
  const auto& f = fixture();
  for (auto _ : state) {
    gatehouse::jose::Jwt jwt;
    benchmark::DoNotOptimize(gatehouse::jose::parse_jwt(f.token, &jwt));
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_JwtParse);

void BM_JwtVerifyRS256(benchmark::State& state) {
  const auto& f = fixture();
  gatehouse::jose::VerifyOptions opts{.now = f.now,
                                      .expected_issuer = gatehouse::bench::kProjectId};
  for (auto _ : state) {
    gatehouse::jose::Jwt jwt;
    auto s = gatehouse::jose::verify_jwt(f.token, f.jwks, opts, &jwt);
    if (s != gatehouse::JwtStatus::kOk) state.SkipWithError("token did not verify");
    benchmark::DoNotOptimize(s);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_JwtVerifyRS256);

void BM_JwtVerifyForged(benchmark::State& state) {
  const auto& f = fixture();
  std::string forged = f.token;
  forged[forged.size() - 20] = forged[forged.size() - 20] == 'A' ? 'B' : 'A';
  gatehouse::jose::VerifyOptions opts{.now = f.now,
                                      .expected_issuer = gatehouse::bench::kProjectId};
  for (auto _ : state) {
    gatehouse::jose::Jwt jwt;
    auto s = gatehouse::jose::verify_jwt(forged, f.jwks, opts, &jwt);
    if (s == gatehouse::JwtStatus::kOk) state.SkipWithError("forged token verified");
    benchmark::DoNotOptimize(s);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_JwtVerifyForged);

void BM_JwtSignRS256(benchmark::State& state) {
  const auto& f = fixture();
  for (auto _ : state) benchmark::DoNotOptimize(gatehouse::jose::sign_jwt(f.key, f.claims));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_JwtSignRS256)->Unit(benchmark::kMicrosecond);

// The same claims with a P-256 key (--signing-alg ES256).
struct Es256 {
  gatehouse::jose::SigningKey key = *gatehouse::jose::SigningKey::generate("ES256");
  gatehouse::jose::Jwks jwks;
  std::string token;
  Es256() {
    boost::json::value set = boost::json::object{{"keys", boost::json::array{key.public_jwk()}}};
    if (gatehouse::jose::parse_jwks(set, &jwks) != gatehouse::JwtStatus::kOk) {
      throw std::runtime_error("cannot parse the ES256 key set");
    }
    token = gatehouse::jose::sign_jwt(key, fixture().claims);
  }
};
const Es256& es256() {
  static const Es256 e;
  return e;
}

void BM_JwtSignES256(benchmark::State& state) {
  const auto& e = es256();
  for (auto _ : state) benchmark::DoNotOptimize(gatehouse::jose::sign_jwt(e.key, fixture().claims));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_JwtSignES256)->Unit(benchmark::kMicrosecond);

void BM_JwtVerifyES256(benchmark::State& state) {
  const auto& e = es256();
  gatehouse::jose::VerifyOptions opts{.now = fixture().now,
                                      .expected_issuer = gatehouse::bench::kProjectId};
  for (auto _ : state) {
    gatehouse::jose::Jwt jwt;
    auto s = gatehouse::jose::verify_jwt(e.token, e.jwks, opts, &jwt);
    if (s != gatehouse::JwtStatus::kOk) state.SkipWithError("token did not verify");
    benchmark::DoNotOptimize(s);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_JwtVerifyES256)->Unit(benchmark::kMicrosecond);

void BM_JwksParse(benchmark::State& state) {
  const auto& f = fixture();
  std::string text = boost::json::serialize(f.jwks_json);
  for (auto _ : state) {
    gatehouse::jose::Jwks jwks;
    benchmark::DoNotOptimize(gatehouse::jose::parse_jwks(text, &jwks));
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_JwksParse)->Unit(benchmark::kMicrosecond);

void BM_Base64urlDecodeSignature(benchmark::State& state) {
  const auto& f = fixture();
  std::string_view sig = std::string_view(f.token).substr(f.token.rfind('.') + 1);
  for (auto _ : state) benchmark::DoNotOptimize(gatehouse::crypto::base64url_decode(sig));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_Base64urlDecodeSignature);

}  // namespace
