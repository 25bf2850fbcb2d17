// Argon2id at the server's default cost (m = 19 MiB, t = 2): one sign-in's hash. The
// harness measures the same rate from N threads in the run itself; this is the
// single-thread figure next to the JOSE costs.
#include <benchmark/benchmark.h>

#include "gatehouse/crypto/password.h"

namespace {

void BM_Argon2idVerifyDefault(benchmark::State& state) {
  gatehouse::crypto::Argon2Params params;
  static const std::string hash = *gatehouse::crypto::hash_password("Bench-password-1", params);
  for (auto _ : state) {
    if (!gatehouse::crypto::verify_password(hash, "Bench-password-1")) {
      state.SkipWithError("verify failed");
    }
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_Argon2idVerifyDefault)->Unit(benchmark::kMillisecond);

}  // namespace
