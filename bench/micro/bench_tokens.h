// Shared fixtures for the micro-benchmarks: one RSA-2048 key, its JWKS, and a session
// token shaped like the ones the server issues (same claims, same sizes).
#pragma once

#include <boost/json.hpp>

#include <string>

#include "gatehouse/clock.h"
#include "gatehouse/jose/jwk.h"
#include "gatehouse/jose/signing_key.h"

namespace gatehouse::bench {

inline constexpr const char* kProjectId = "P2bEnchmarkProjectIdxxxxxxxxx";

struct Fixture {
  jose::SigningKey key;
  boost::json::value jwks_json;
  jose::Jwks jwks;
  boost::json::object claims;
  std::string token;
  int64_t now = 0;
};

inline const Fixture& fixture() {
  static const Fixture f = [] {
    auto key = jose::SigningKey::generate_rsa(2048);
    if (!key) throw std::runtime_error("cannot generate an RSA key");
    Fixture f{std::move(*key), {}, {}, {}, {}, system_now()};
    f.jwks_json = boost::json::object{{"keys", boost::json::array{f.key.public_jwk()}}};
    if (jose::parse_jwks(f.jwks_json, &f.jwks) != JwtStatus::kOk) {
      throw std::runtime_error("cannot parse the JWKS");
    }
    f.claims = {{"sub", "U2bEnchmarkUserIdxxxxxxxxxxx"},
                {"iss", kProjectId},
                {"iat", f.now},
                {"exp", f.now + 3600},
                {"drn", "DS"},
                {"amr", boost::json::array{"pwd"}},
                {"roles", boost::json::array{"teacher"}},
                {"permissions", boost::json::array{}},
                {"tenants", boost::json::object{}},
                {"rexp", "2030-01-01T00:00:00Z"}};
    f.token = jose::sign_jwt(f.key, f.claims);
    return f;
  }();
  return f;
}

}  // namespace gatehouse::bench
