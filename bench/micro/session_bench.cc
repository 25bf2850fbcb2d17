// Session SDK: validate_session as /get_roles calls it (static key source, the server's
// own JWKS). With the verified-token cache the repeat case skips the RSA verification;
// the "fresh token" case signs a new token per iteration outside the timing, so every
// validation is a cache miss (verification plus the insert).
#include <benchmark/benchmark.h>

#include <gatehouse/session.h>

#include "bench_tokens.h"
#include "gatehouse/crypto/base64url.h"

namespace {

using gatehouse::bench::fixture;

gatehouse::SessionClient make_client() {
  const auto& f = fixture();
  gatehouse::SessionClient::Options o;
  o.project_id = gatehouse::bench::kProjectId;
  o.keys = gatehouse::make_static_key_source(f.jwks_json);
  return gatehouse::SessionClient(std::move(o));
}

void BM_ValidateSessionSameToken(benchmark::State& state) {
  const auto& f = fixture();
  auto client = make_client();
  for (auto _ : state) {
    auto r = client.validate_session(f.token);
    if (!r) state.SkipWithError("validation failed");
    benchmark::DoNotOptimize(r);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_ValidateSessionSameToken);

void BM_ValidateSessionFreshToken(benchmark::State& state) {
  const auto& f = fixture();
  auto client = make_client();
  boost::json::object claims = f.claims;
  int64_t n = 0;
  for (auto _ : state) {
    state.PauseTiming();
    claims["n"] = ++n;  // a token never seen before: always a cache miss
    std::string token = gatehouse::jose::sign_jwt(f.key, claims);
    state.ResumeTiming();
    auto r = client.validate_session(token);
    if (!r) state.SkipWithError("validation failed");
    benchmark::DoNotOptimize(r);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_ValidateSessionFreshToken)->Unit(benchmark::kMicrosecond);

void BM_ValidateSessionForged(benchmark::State& state) {
  const auto& f = fixture();
  auto client = make_client();
  std::string forged = f.token;
  forged[forged.size() - 20] = forged[forged.size() - 20] == 'A' ? 'B' : 'A';
  for (auto _ : state) {
    auto r = client.validate_session(forged);
    if (r) state.SkipWithError("forged token accepted");
    benchmark::DoNotOptimize(r);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_ValidateSessionForged);

// Forgeries rejected before any public-key operation: a kid the key set does not have,
// and the right kid with a signature shorter than the key's modulus.
std::string with_kid(const std::string& token, const std::string& kid) {
  size_t dot = token.find('.');
  auto header = boost::json::parse(*gatehouse::crypto::base64url_decode(token.substr(0, dot)));
  header.as_object()["kid"] = kid;
  return gatehouse::crypto::base64url_encode(boost::json::serialize(header)) + token.substr(dot);
}

void validate_rejected(benchmark::State& state, const std::string& forged) {
  auto client = make_client();
  for (auto _ : state) {
    auto r = client.validate_session(forged);
    if (r) state.SkipWithError("forged token accepted");
    benchmark::DoNotOptimize(r);
  }
  state.SetItemsProcessed(state.iterations());
}

void BM_ValidateSessionForgedUnknownKid(benchmark::State& state) {
  validate_rejected(state, with_kid(fixture().token, "forged-kid"));
}
BENCHMARK(BM_ValidateSessionForgedUnknownKid);

void BM_ValidateSessionForgedShortSignature(benchmark::State& state) {
  std::string forged = fixture().token;
  forged.resize(forged.size() - 8);  // 6 bytes short of the modulus
  validate_rejected(state, forged);
}
BENCHMARK(BM_ValidateSessionForgedShortSignature);

}  // namespace
