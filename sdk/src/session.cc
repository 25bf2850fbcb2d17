#include "gatehouse/session.h"

#include <boost/json/parse.hpp>

#include <array>
#include <functional>
#include <mutex>
#include <stdexcept>
#include <unordered_map>

#include "gatehouse/jose/verify.h"
#include "gatehouse/json.h"
#include "url.h"

namespace gatehouse {
namespace detail {

// Session tokens that passed verify_jwt, with what validate_session returned for them.
// A hit must give exactly the answer a full verification would give now, so:
//   - the key is std::hash of the token, but a hit also compares the whole token, so a
//     collision can never hand out another token's claims (and only tokens that verified
//     with our keys get in, so nobody can flood one bucket);
//   - exp/nbf/iat are checked against the clock on every hit with the same leeway rule as
//     verify_jwt; an entry that fails them is dropped and the token goes through the full
//     verification, which names the failure;
//   - each shard remembers the key set its entries were verified under and empties itself
//     when KeySource returns a different one (rotation, refetch);
//   - only successes are cached: a forged token costs a verification every time.
// Bounded: kShards × kPerShard entries (~2-3 KB each). A full shard first drops expired
// entries, then an arbitrary one.
class VerifiedTokenCache {
 public:
  static constexpr size_t kShards = 8;
  static constexpr size_t kPerShard = 512;

  struct Entry {
    std::shared_ptr<const JwtResponse> response;  // response->jwt is the token
    int64_t exp = 0, nbf = 0, iat = 0;
  };

  // The answer shared with the cache when `token` verified before under `keys` and is
  // still in time, else null.
  std::shared_ptr<const JwtResponse> find(std::string_view token, const KeySet& keys, int64_t now,
                                          int64_t leeway) {
    size_t h = std::hash<std::string_view>{}(token);
    Shard& s = shards_[h % kShards];
    std::lock_guard lock(s.mu);
    if (s.keys != keys) {
      s.map.clear();
      s.keys = keys;
      return nullptr;
    }
    auto it = s.map.find(h);
    if (it == s.map.end() || it->second.response->jwt != token) return nullptr;
    const Entry& e = it->second;
    if (!in_time(e, now, leeway)) {
      s.map.erase(it);
      return nullptr;
    }
    return e.response;
  }

  void insert(const KeySet& keys, int64_t now, int64_t leeway, Entry entry) {
    size_t h = std::hash<std::string_view>{}(entry.response->jwt);
    Shard& s = shards_[h % kShards];
    std::lock_guard lock(s.mu);
    if (s.keys != keys) {
      s.map.clear();
      s.keys = keys;
    }
    if (s.map.size() >= kPerShard && !s.map.contains(h)) {
      std::erase_if(s.map, [&](const auto& kv) { return !in_time(kv.second, now, leeway); });
      if (s.map.size() >= kPerShard) s.map.erase(s.map.begin());
    }
    s.map.insert_or_assign(h, std::move(entry));
  }

 private:
  // The time rules of verify_jwt: expired when exp <= now - leeway; not yet valid when
  // nbf or iat > now + leeway.
  static bool in_time(const Entry& e, int64_t now, int64_t leeway) {
    return e.exp > now - leeway && e.nbf <= now + leeway && e.iat <= now + leeway;
  }

  struct Shard {
    std::mutex mu;
    KeySet keys;
    std::unordered_map<size_t, Entry> map;
  };
  std::array<Shard, kShards> shards_;
};

}  // namespace detail

namespace {

JwtResponse make_response(std::string_view token, jose::Jwt& jwt) {
  JwtResponse r;
  r.jwt = token;
  r.claims = std::move(jwt.payload);
  r.roles = string_items(r.claims, "roles");
  r.permissions = string_items(r.claims, "permissions");
  if (const boost::json::value* t = r.claims.if_contains("tenants"); t && t->is_object()) {
    r.tenants = t->get_object();
  }
  size_t slash = jwt.iss.rfind('/');
  r.project_id = slash == std::string::npos ? jwt.iss : jwt.iss.substr(slash + 1);
  const boost::json::value* dsub = r.claims.if_contains("dsub");
  bool has_dsub = dsub && dsub->is_string() && !dsub->get_string().empty();
  r.user_id = has_dsub ? std::string(dsub->get_string()) : jwt.sub;
  return r;
}

Errc errc_for_http(int status) {
  switch (status) {
    case 400:
      return Errc::kBadRequest;
    case 401:
      return Errc::kInvalidToken;
    case 403:
      return Errc::kForbidden;
    case 404:
      return Errc::kNotFound;
    case 429:
      return Errc::kRateLimited;
    default:
      return status >= 400 && status < 500 ? Errc::kInvalidToken : Errc::kUnavailable;
  }
}

// Descope's error body: errorMessage, else errorDescription, else the status line.
std::string server_message(const HttpResponse& resp) {
  boost::system::error_code ec;
  boost::json::value v = boost::json::parse(resp.body, ec);
  if (const boost::json::object* o = ec ? nullptr : v.if_object()) {
    for (const char* field : {"errorMessage", "errorDescription"}) {
      const boost::json::value* m = o->if_contains(field);
      if (m && m->is_string() && !m->get_string().empty()) return std::string(m->get_string());
    }
  }
  return "refresh failed with HTTP " + std::to_string(resp.status);
}

// A failure about the token itself: kInvalidToken (or kUnavailable without keys) with
// the exact check that failed in Error::jwt.
Error token_error(Errc code, std::string message, JwtStatus why) {
  Error e = make_error(code, std::move(message));
  e.jwt = why;
  return e;
}

}  // namespace

boost::json::object JwtResponse::to_json() const {
  boost::json::object out = claims;
  out["jwt"] = jwt;
  boost::json::object session_token = out;
  out["sessionToken"] = std::move(session_token);
  // Python copies these claims as they are and only fills in missing ones.
  if (!out.contains("permissions")) out["permissions"] = boost::json::array{};
  if (!out.contains("roles")) out["roles"] = boost::json::array{};
  if (!out.contains("tenants")) out["tenants"] = boost::json::object{};
  out["projectId"] = project_id;
  out["userId"] = user_id;
  return out;
}

SessionClient::SessionClient(Options options)
    : project_id_(std::move(options.project_id)),
      base_url_(detail::trim_base_url(options.base_url)),
      keys_(std::move(options.keys)),
      http_(std::move(options.http)),
      clock_(options.clock ? std::move(options.clock) : system_clock()),
      leeway_(options.leeway),
      revoked_(std::move(options.revoked)),
      cache_(std::make_shared<detail::VerifiedTokenCache>()) {
  if (project_id_.empty()) throw std::invalid_argument("SessionClient: project_id is required");
  if (!keys_ && base_url_.empty()) {
    throw std::invalid_argument("SessionClient: base_url or a key source is required");
  }
  if (!http_ && !base_url_.empty()) http_ = make_curl_http_client();
  if (!keys_) keys_ = make_remote_key_source(base_url_, project_id_, {.http = http_});
}

Result<std::shared_ptr<const JwtResponse>> SessionClient::check(std::string_view token,
                                                                Kind kind) const {
  const char* kind_name = kind == Kind::kSession ? "session" : "refresh";
  Result<KeySet> keys = keys_->keys();
  if (!keys) {
    return token_error(Errc::kUnavailable,
                       std::string(kind_name) + " token cannot be checked: " + keys.error().message,
                       JwtStatus::kJwksFetchFail);
  }
  int64_t now = clock_();
  if (kind == Kind::kSession) {
    if (auto cached = cache_->find(token, *keys, now, leeway_)) return unless_revoked(cached);
  }
  jose::VerifyOptions options{.now = now, .leeway = leeway_, .expected_issuer = project_id_};
  jose::Jwt jwt;
  KeySet verified_with = *keys;
  JwtStatus s = jose::verify_jwt(token, **keys, options, &jwt);
  if (s == JwtStatus::kJwksKidNotFound) {
    // Maybe the server rotated keys since we last fetched them.
    Result<KeySet> again = keys_->refetch(jwt.kid);
    if (again && *again != *keys) {
      s = jose::verify_jwt(token, **again, options, &jwt);
      verified_with = *again;
    }
  }
  if (s == JwtStatus::kOk) {
    const boost::json::value* drn = jwt.payload.if_contains("drn");
    bool is_refresh = drn && drn->is_string() && drn->get_string() == "DSR";
    if (kind == Kind::kSession && is_refresh) {
      return token_error(Errc::kInvalidToken, "a refresh token is not a session token",
                         JwtStatus::kJwtWrongTokenKind);
    }
    if (kind == Kind::kRefresh && !is_refresh) {
      return token_error(Errc::kInvalidToken, "refresh token expected (drn \"DSR\")",
                         JwtStatus::kJwtWrongTokenKind);
    }
  }
  if (s != JwtStatus::kOk) {
    return token_error(Errc::kInvalidToken,
                       std::string(kind_name) + " token " + jwt_status_message(s), s);
  }
  int64_t exp = jwt.exp, nbf = jwt.nbf, iat = jwt.iat;
  auto response = std::make_shared<const JwtResponse>(make_response(token, jwt));
  if (kind == Kind::kSession) {
    cache_->insert(verified_with, now, leeway_, {response, exp, nbf, iat});
    return unless_revoked(response);
  }
  return response;
}

Result<std::shared_ptr<const JwtResponse>> SessionClient::unless_revoked(
    const std::shared_ptr<const JwtResponse>& session) const {
  if (revoked_ && revoked_(*session)) {
    return token_error(Errc::kInvalidToken, "session token revoked", JwtStatus::kJwtRevoked);
  }
  return session;
}

Result<JwtResponse> SessionClient::validate(std::string_view token, Kind kind) const {
  auto checked = check(token, kind);
  if (!checked) return checked.error();
  return **checked;
}

Result<JwtResponse> SessionClient::validate_session(std::string_view session_jwt) const {
  return validate(session_jwt, Kind::kSession);
}

Result<std::shared_ptr<const JwtResponse>> SessionClient::validate_session_shared(
    std::string_view session_jwt) const {
  return check(session_jwt, Kind::kSession);
}

Result<JwtResponse> SessionClient::validate_refresh(std::string_view refresh_jwt) const {
  return validate(refresh_jwt, Kind::kRefresh);
}

Result<RefreshResult> SessionClient::refresh_session(std::string_view refresh_jwt) const {
  Result<JwtResponse> refresh = validate_refresh(refresh_jwt);
  if (!refresh) return refresh.error();
  if (!http_) return make_error(Errc::kInternal, "refresh needs base_url");

  HttpRequest request{
      .method = "POST",
      .url = base_url_ + "/v1/auth/refresh",
      .headers = {{"Authorization", "Bearer " + project_id_ + ":" + std::string(refresh_jwt)},
                  {"Content-Type", "application/json"}},
      .body = "{}"};
  Result<HttpResponse> resp = http_->send(request);
  if (!resp) return resp.error();
  if (resp->status < 200 || resp->status >= 300) {
    return make_error(errc_for_http(resp->status), server_message(*resp));
  }
  boost::system::error_code ec;
  boost::json::value body = boost::json::parse(resp->body, ec);
  const boost::json::object* obj = ec ? nullptr : body.if_object();
  const boost::json::value* session_jwt = obj ? obj->if_contains("sessionJwt") : nullptr;
  if (!session_jwt || !session_jwt->is_string()) {
    return make_error(Errc::kInternal, "refresh response has no sessionJwt");
  }
  Result<JwtResponse> session = validate_session(session_jwt->get_string());
  if (!session) return session.error();

  RefreshResult result{
      .session = std::move(*session), .refresh_jwt = std::string(refresh_jwt), .refreshed = true};
  const boost::json::value* rotated = obj->if_contains("refreshJwt");
  if (rotated && rotated->is_string() && !rotated->get_string().empty() &&
      rotated->get_string() != refresh_jwt) {
    Result<JwtResponse> fresh = validate_refresh(rotated->get_string());
    if (!fresh) return fresh.error();
    result.refresh_jwt = fresh->jwt;
    result.rotated = true;
  }
  return result;
}

Result<RefreshResult> SessionClient::validate_and_refresh_session(
    std::string_view session_jwt, std::string_view refresh_jwt) const {
  Result<JwtResponse> session = validate_session(session_jwt);
  if (session)
    return RefreshResult{.session = std::move(*session), .refresh_jwt = std::string(refresh_jwt)};
  if (refresh_jwt.empty()) return session.error();
  return refresh_session(refresh_jwt);
}

}  // namespace gatehouse
