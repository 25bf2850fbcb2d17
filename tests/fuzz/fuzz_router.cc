// libFuzzer target: http::Router::match on the server's route table shapes (literal
// segments, {param} segments, a fallback). Input: "METHOD path". Seeds:
// tests/fuzz/router/corpus.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <variant>

#include "http/router.h"

namespace {

using namespace gatehouse::http;

const Router& router() {
  static const Router r = [] {
    Router out;
    auto ok = [](Request&) { return Response{}; };
    for (const char* p :
         {"/healthz", "/gatehouse/config.json", "/v2/keys/{projectId}", "/v1/auth/password/signup",
          "/v1/auth/password/signin", "/v1/auth/refresh", "/v1/auth/me", "/v1/mgmt/user",
          "/v1/mgmt/user/create", "/v1/mgmt/tenant", "/get_roles", "/v1/{a}/{b}/x", "/{only}"}) {
      out.add("GET", p, ok);
      out.add("POST", p, ok);
    }
    out.add("PATCH", "/v1/mgmt/user/patch", ok);
    return out;
  }();
  return r;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string in(reinterpret_cast<const char*>(data), size);
  Request req;
  auto sp = in.find(' ');
  req.method = in.substr(0, sp);
  req.path = sp == std::string::npos ? std::string() : in.substr(sp + 1);
  auto m = router().match(req);
  if (auto* hit = std::get_if<Router::Match>(&m)) {
    if (hit->handler == nullptr) std::abort();
    // Every parameter the router fills is one whole, non-empty segment of the path.
    for (const auto& [name, value] : req.params) {
      if (value.empty() || value.find('/') != std::string::npos) std::abort();
      if (req.path.find(value) == std::string::npos) std::abort();
    }
  }
  return 0;
}
