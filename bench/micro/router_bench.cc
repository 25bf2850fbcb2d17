// Router: matching a request against the server's route table. The table is the one
// src/server/serve.cc and src/api register today plus the management routes the
// architecture plans, so a lookup walks a realistic number of patterns.
#include <benchmark/benchmark.h>

#include "http/router.h"

namespace {

using gatehouse::http::Request;
using gatehouse::http::Response;
using gatehouse::http::Router;

const Router& router() {
  static const Router r = [] {
    Router r;
    auto h = [](Request&) { return Response{}; };
    const char* routes[][2] = {
        {"GET", "/healthz"},
        {"GET", "/gatehouse/config.json"},
        {"GET", "/v2/keys/{projectId}"},
        {"GET", "/v1/keys/{projectId}"},
        {"POST", "/v1/auth/password/signup"},
        {"POST", "/v1/auth/password/signin"},
        {"POST", "/v1/auth/password/update"},
        {"POST", "/v1/auth/password/replace"},
        {"GET", "/v1/auth/password/policy"},
        {"POST", "/v1/auth/refresh"},
        {"POST", "/v1/auth/try-refresh"},
        {"GET", "/v1/auth/me"},
        {"GET", "/v1/auth/me/history"},
        {"POST", "/v1/auth/logout"},
        {"POST", "/v1/auth/logoutall"},
        {"POST", "/v1/mgmt/user/create"},
        {"GET", "/v1/mgmt/user"},
        {"POST", "/v1/mgmt/user/delete"},
        {"POST", "/v1/mgmt/user/update/role/set"},
        {"POST", "/v1/mgmt/role/create"},
        {"GET", "/v1/mgmt/role/all"},
        {"POST", "/v1/mgmt/permission/create"},
        {"GET", "/v1/mgmt/permission/all"},
        {"POST", "/v1/mgmt/tenant/create"},
        {"GET", "/v1/mgmt/tenant/all"},
        {"GET", "/get_roles"},
        {"GET", "/get_role_data"},
    };
    for (auto& [method, pattern] : routes) r.add(method, pattern, h);
    r.set_fallback(h);
    return r;
  }();
  return r;
}

void match(benchmark::State& state, const char* method, const char* path) {
  Request req;
  req.method = method;
  req.path = path;
  for (auto _ : state) {
    auto m = router().match(req);
    benchmark::DoNotOptimize(m);
  }
  state.SetItemsProcessed(state.iterations());
}

void BM_RouterGetRoles(benchmark::State& s) { match(s, "GET", "/get_roles"); }
void BM_RouterHealthz(benchmark::State& s) { match(s, "GET", "/healthz"); }
void BM_RouterKeysParam(benchmark::State& s) {
  match(s, "GET", "/v2/keys/P2bEnchmarkProjectIdxxxxxxxxx");
}
void BM_RouterSignin(benchmark::State& s) { match(s, "POST", "/v1/auth/password/signin"); }
void BM_RouterFallback(benchmark::State& s) { match(s, "GET", "/assets/index-3f2a1b.js"); }
BENCHMARK(BM_RouterGetRoles);
BENCHMARK(BM_RouterHealthz);
BENCHMARK(BM_RouterKeysParam);
BENCHMARK(BM_RouterSignin);
BENCHMARK(BM_RouterFallback);

}  // namespace
