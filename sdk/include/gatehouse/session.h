// Gatehouse session SDK: the C++ counterpart of Descope's Python SDK session functions,
// for any C++ backend that receives Gatehouse (or Descope-format) session JWTs.
//
//   gatehouse::SessionClient client({.project_id = "P2abc",
//                                    .base_url = "https://auth.example.com"});
//   gatehouse::Result<gatehouse::JwtResponse> s = client.validate_session(bearer_token);
//   if (!s) return reply(401, s.error().message);          // e.g. "session token expired"
//   if (!gatehouse::validate_roles(*s, {"teacher"})) return reply(403);
//   reply(200, s->user_id);
//
// Validation is local (signature, exp/iat/nbf with leeway, issuer = project); only key
// fetches and refresh_session talk to the server. A SessionClient is immutable after
// construction and safe to share between threads. Session tokens that verified are kept
// in a small bounded cache (at most 4096, each only until its exp, dropped when the key
// set changes), so a token presented again costs a hash lookup, not an RSA verification.
#pragma once

#include <boost/json/object.hpp>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "gatehouse/clock.h"
#include "gatehouse/http_client.h"
#include "gatehouse/key_source.h"
#include "gatehouse/result.h"

namespace gatehouse {

// A validated token and the fields Descope's SDKs derive from it.
struct JwtResponse {
  std::string jwt;                       // the token as given
  boost::json::object claims;            // every claim of the token
  std::vector<std::string> roles;        // "roles" claim (string items), default empty
  std::vector<std::string> permissions;  // "permissions" claim, default empty
  boost::json::object tenants;           // "tenants" claim, default {}
  std::string project_id;                // text after the last '/' of iss
  std::string user_id;                   // "dsub" if present and non-empty, else "sub"

  // Exactly the dict Descope's Python validate_session returns: all claims, "jwt",
  // "sessionToken" (claims + jwt), "roles"/"permissions" (default []), "tenants"
  // (default {}), "projectId", "userId".
  boost::json::object to_json() const;
};

struct RefreshResult {
  JwtResponse session;      // the (possibly new) validated session token
  std::string refresh_jwt;  // the refresh token to keep using: new if rotated, else the old
  bool refreshed = false;   // a new session token was obtained from the server
  bool rotated = false;     // the server returned a new refresh token
};

namespace detail {
class VerifiedTokenCache;
}

class SessionClient {
 public:
  struct Options {
    std::string project_id;            // required
    std::string base_url;              // e.g. "https://auth.example.com"; trailing '/' ok
    std::shared_ptr<KeySource> keys;   // default: make_remote_key_source(base_url, project_id)
    std::shared_ptr<HttpClient> http;  // for refresh; default: make_curl_http_client()
    Clock clock = system_clock();
    int64_t leeway = 5;  // seconds, on exp/iat/nbf (Descope's SDKs use 5)
    // Optional: true for a session the application knows was ended (a logout, a
    // deactivated user) although its JWT still verifies; validate_session then fails
    // with JwtStatus::kJwtRevoked. Called on every successful validation, cached or not:
    // keep it fast and thread-safe. The Gatehouse server uses it with its revocation log.
    std::function<bool(const JwtResponse&)> revoked;
  };

  // Throws std::invalid_argument if project_id is empty, or if keys is null and base_url
  // is empty (a configuration error).
  explicit SessionClient(Options options);

  // Failures below carry Errc::kInvalidToken and a message such as "session token
  // expired", or kUnavailable when keys cannot be fetched. When the token itself was
  // rejected, error().jwt names the exact check (JwtStatus::kJwtExpired, …); it is kOk for
  // failures that are not about the token (e.g. an unreachable server during refresh).

  // A session token: verified, and not a refresh token (drn "DSR" → kJwtWrongTokenKind).
  Result<JwtResponse> validate_session(std::string_view session_jwt) const;
  // The same, without copying: a token seen before answers with the validation the
  // client keeps for it (immutable, shared). For a server validating every request.
  Result<std::shared_ptr<const JwtResponse>> validate_session_shared(
      std::string_view session_jwt) const;

  // A refresh token verified locally; drn must be "DSR".
  Result<JwtResponse> validate_refresh(std::string_view refresh_jwt) const;

  // Validates refresh_jwt locally, POSTs {base_url}/v1/auth/refresh (body {}, bearer
  // "<projectId>:<refreshJwt>"), and validates the sessionJwt (and a rotated refreshJwt)
  // from the response body. A non-2xx answer fails with the server's errorMessage
  // (401 → kInvalidToken, 403 → kForbidden, 429 → kRateLimited, 5xx → kUnavailable).
  Result<RefreshResult> refresh_session(std::string_view refresh_jwt) const;

  // validate_session, and on any failure refresh_session (if refresh_jwt is non-empty).
  // On failure the error describes the last step tried.
  Result<RefreshResult> validate_and_refresh_session(std::string_view session_jwt,
                                                     std::string_view refresh_jwt) const;

 private:
  enum class Kind { kSession, kRefresh };
  Result<std::shared_ptr<const JwtResponse>> check(std::string_view token, Kind kind) const;
  Result<JwtResponse> validate(std::string_view token, Kind kind) const;
  Result<std::shared_ptr<const JwtResponse>> unless_revoked(
      const std::shared_ptr<const JwtResponse>& session) const;

  std::string project_id_;
  std::string base_url_;
  std::shared_ptr<KeySource> keys_;
  std::shared_ptr<HttpClient> http_;
  Clock clock_;
  int64_t leeway_;
  std::function<bool(const JwtResponse&)> revoked_;
  // Session tokens that verified, so a token presented again skips the RSA check (the
  // cost of every protected request). Shared by copies of this client.
  std::shared_ptr<detail::VerifiedTokenCache> cache_;
};

// Authorization checks over a validated response, as in Descope's SDKs. All pure CPU.
// validate_* are all-of (an empty list is true); the tenant variants are false when the
// tenant is not a key of "tenants". get_matched_* return the requested items held, in
// request order.
bool validate_roles(const JwtResponse& r, const std::vector<std::string>& roles);
bool validate_permissions(const JwtResponse& r, const std::vector<std::string>& permissions);
bool validate_tenant_roles(const JwtResponse& r, std::string_view tenant,
                           const std::vector<std::string>& roles);
bool validate_tenant_permissions(const JwtResponse& r, std::string_view tenant,
                                 const std::vector<std::string>& permissions);
std::vector<std::string> get_matched_roles(const JwtResponse& r,
                                           const std::vector<std::string>& roles);
std::vector<std::string> get_matched_permissions(const JwtResponse& r,
                                                 const std::vector<std::string>& permissions);
std::vector<std::string> get_matched_tenant_roles(const JwtResponse& r, std::string_view tenant,
                                                  const std::vector<std::string>& roles);
std::vector<std::string> get_matched_tenant_permissions(
    const JwtResponse& r, std::string_view tenant, const std::vector<std::string>& permissions);

}  // namespace gatehouse
