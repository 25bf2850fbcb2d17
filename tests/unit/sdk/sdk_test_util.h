// Shared fixtures for SDK tests: a signing key, token minting, a settable clock and an
// HttpClient that answers from a function and records what it was asked. Includes
// support/matchers.h (IsOk, ErrcIs, JwtIs, jwt_status_of, and printing of JwtStatus), whose
// helpers share this namespace.
#pragma once

#include <boost/json/serialize.hpp>

#include <atomic>
#include <functional>
#include <mutex>
#include <vector>

#include "gatehouse/crypto/base64url.h"
#include "gatehouse/http_client.h"
#include "gatehouse/jose/signing_key.h"
#include "gatehouse/result.h"
#include "support/matchers.h"

namespace gatehouse::testing {

inline constexpr int64_t kStart = 1'735'000'000;
inline constexpr char kProject[] = "P2abcdefghijklmnopqrstuvwxyz";

inline const gatehouse::jose::SigningKey& key_a() {
  static const gatehouse::jose::SigningKey k = *gatehouse::jose::SigningKey::generate_rsa(2048);
  return k;
}
inline const gatehouse::jose::SigningKey& key_b() {
  static const gatehouse::jose::SigningKey k = *gatehouse::jose::SigningKey::generate_rsa(2048);
  return k;
}

inline boost::json::value jwks_of(std::initializer_list<const gatehouse::jose::SigningKey*> keys) {
  boost::json::array arr;
  for (const auto* k : keys) arr.push_back(k->public_jwk());
  return boost::json::object{{"keys", std::move(arr)}};
}

struct FakeClock {
  std::shared_ptr<std::atomic<int64_t>> now = std::make_shared<std::atomic<int64_t>>(kStart);
  gatehouse::Clock clock() const {
    return [n = now] { return n->load(); };
  }
  void advance(int64_t s) { *now += s; }
};

inline std::string mint(const gatehouse::jose::SigningKey& key, boost::json::object claims) {
  return gatehouse::jose::sign_jwt(key, claims);
}

inline boost::json::object session_claims(int64_t now) {
  return {{"sub", "U2user"}, {"iss", kProject}, {"iat", now}, {"exp", now + 600}, {"drn", "DS"}};
}

inline boost::json::object refresh_claims(int64_t now) {
  return {{"sub", "U2user"},    {"iss", kProject}, {"iat", now},
          {"exp", now + 86400}, {"drn", "DSR"},    {"jti", "R1"}};
}

class FakeHttp final : public HttpClient {
 public:
  using Handler = std::function<gatehouse::Result<HttpResponse>(const HttpRequest&)>;
  explicit FakeHttp(Handler h) : handler_(std::move(h)) {}

  gatehouse::Result<HttpResponse> send(const HttpRequest& request) override {
    Handler h;
    {
      std::lock_guard lock(mu_);
      requests_.push_back(request);
      h = handler_;
    }
    return h(request);
  }
  void set_handler(Handler h) {
    std::lock_guard lock(mu_);
    handler_ = std::move(h);
  }
  std::vector<HttpRequest> requests() {
    std::lock_guard lock(mu_);
    return requests_;
  }
  size_t count() {
    std::lock_guard lock(mu_);
    return requests_.size();
  }

 private:
  std::mutex mu_;
  Handler handler_;
  std::vector<HttpRequest> requests_;
};

inline HttpResponse json_response(int status, const boost::json::value& body) {
  return HttpResponse{.status = status, .body = boost::json::serialize(body)};
}

inline std::string header(const HttpRequest& r, const std::string& name) {
  for (const auto& [n, v] : r.headers) {
    if (n == name) return v;
  }
  return {};
}

}  // namespace gatehouse::testing
