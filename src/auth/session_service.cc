#include "auth/session_service.h"

#include <algorithm>

#include <boost/json.hpp>

#include "gatehouse/crypto/digest.h"
#include "gatehouse/crypto/random.h"
#include "gatehouse/jose/jwt.h"
#include "gatehouse/jose/verify.h"
#include "gatehouse/json.h"

namespace gatehouse::auth {

namespace json = boost::json;

SessionService::SessionService(const AuthConfig& config, Stores stores,
                               std::shared_ptr<KeyRing> keys, Revocations& revocations,
                               Audit& audit, Clock clock)
    : config_(config),
      stores_(stores),
      keys_(std::move(keys)),
      revocations_(revocations),
      audit_(audit),
      clock_(std::move(clock)) {}

Result<json::object> SessionService::session_claims(const store::User& user,
                                                    const std::string& family, const Facts& facts,
                                                    int64_t now, int64_t refresh_exp) {
  // Permissions (the union of those of the roles held, at project level and separately
  // inside each tenant) come with the user from the store.
  json::object tenants;
  for (const auto& t : user.tenants) {
    tenants[t.tenant_id] = json::object{{"roles", to_json_array(t.roles)},
                                        {"permissions", to_json_array(t.permissions)}};
  }
  json::object claims{{"sub", user.id},
                      {"iss", config_.project_id},
                      {"iat", now},
                      {"exp", now + config_.session_ttl},
                      {"drn", "DS"},
                      {"amr", to_json_array(facts.amr)},
                      {"roles", to_json_array(user.roles)},
                      {"permissions", to_json_array(user.permissions)},
                      {"tenants", std::move(tenants)},
                      {"rexp", format_utc(refresh_exp, "%Y-%m-%dT%H:%M:%SZ")},
                      // The sign-in, so that ending it refuses this token at once (OIDC's
                      // session id claim; Revocations).
                      {"sid", family}};
  if (!facts.dct.empty()) claims["dct"] = facts.dct;
  return claims;
}

Result<IssuedSession> SessionService::issue(const store::User& user, const std::string& family,
                                            const Facts& facts) {
  int64_t now = clock_();
  IssuedSession s;
  s.refresh_exp = now + config_.refresh_ttl;
  s.session_exp = now + config_.session_ttl;
  auto claims = session_claims(user, family, facts, now, s.refresh_exp);
  if (!claims) return claims.error();
  s.claims = std::move(*claims);
  s.refresh_id = crypto::random_token(16);
  json::object refresh{{"sub", user.id},
                       {"iss", config_.project_id},
                       {"iat", now},
                       {"exp", s.refresh_exp},
                       {"drn", "DSR"},
                       {"jti", s.refresh_id},
                       {"amr", to_json_array(facts.amr)}};
  if (!facts.dct.empty()) refresh["dct"] = facts.dct;
  // One key for both tokens, even if a rotation lands between the two signatures.
  const auto key = keys_->signing_key();
  s.session_jwt = jose::sign_jwt(*key, s.claims);
  s.refresh_jwt = jose::sign_jwt(*key, refresh);
  return s;
}

Result<Authenticated> SessionService::start(store::User user, std::vector<std::string> amr,
                                            bool first_seen) {
  return begin(std::move(user), std::move(amr), first_seen, nullptr);
}

Result<Authenticated> SessionService::start_spending(store::User user, std::vector<std::string> amr,
                                                     const store::SecretSpend& spend) {
  return begin(std::move(user), std::move(amr), false, &spend);
}

Result<Authenticated> SessionService::begin(store::User user, std::vector<std::string> amr,
                                            bool first_seen, const store::SecretSpend* spend) {
  std::string family = crypto::random_token(16);
  // Signed before the store write, so no lock is held while signing.
  auto s = issue(user, family, Facts{std::move(amr), ""});
  if (!s) return s.error();
  store::RefreshToken rec{s->refresh_id, user.id,       family, crypto::sha256_hex(s->refresh_jwt),
                          clock_(),      s->refresh_exp};
  // The store records the new sign-in as the user's last login in the same transaction.
  Status st = spend ? stores_.sessions.insert_spending(rec, *spend) : stores_.sessions.insert(rec);
  if (!st) return st.error();
  user.last_login_at = rec.issued_at;
  return Authenticated{std::move(user), std::move(*s), first_seen};
}

Result<json::object> SessionService::verify_refresh(std::string_view refresh_jwt) const {
  jose::Jwt jwt;
  jose::VerifyOptions opts;
  opts.now = clock_();
  opts.expected_issuer = config_.project_id;
  auto st = jose::verify_jwt(refresh_jwt, *keys_->jwks(), opts, &jwt);
  if (st != JwtStatus::kOk) {
    return make_error(Errc::kInvalidToken, st == JwtStatus::kJwtExpired ? "Refresh token expired"
                                                                        : "Invalid refresh token");
  }
  auto* drn = jwt.payload.if_contains("drn");
  auto* jti = jwt.payload.if_contains("jti");
  if (!drn || !drn->is_string() || drn->as_string() != "DSR" || !jti || !jti->is_string()) {
    return make_error(Errc::kInvalidToken, "Not a refresh token");
  }
  return std::move(jwt.payload);
}

Result<SessionService::Live> SessionService::live_token(std::string_view refresh_jwt) {
  auto claims = verify_refresh(refresh_jwt);
  if (!claims) return claims.error();
  // The token and its user in one read: the session JWT carries the roles as they are now.
  auto found = stores_.sessions.get_with_user(std::string(claims->at("jti").as_string()));
  if (!found) {
    if (found.code() == Errc::kNotFound)
      return make_error(Errc::kInvalidToken, "Unknown refresh token");
    if (found.code() == Errc::kUserNotFound) return make_error(Errc::kInvalidToken, "Unknown user");
    return found.error();
  }
  const store::RefreshToken& rec = found->token;
  if (!crypto::constant_time_equal(rec.token_hash, crypto::sha256_hex(refresh_jwt))) {
    return make_error(Errc::kInvalidToken, "Unknown refresh token");
  }
  int64_t now = clock_();
  if (rec.revoked_at != 0) return make_error(Errc::kTokenRevoked, "Refresh token was revoked");
  if (rec.rotated_at != 0 && now > rec.rotated_at + config_.refresh_grace) {
    // A replaced token used after the grace window: someone else holds the
    // family. End it for everyone.
    (void)revocations_.end_sign_in(rec.family_id);
    audit_.record({}, "session.revoked", false, rec.user_id, "",
                  "a replaced refresh token was used again; the sign-in was ended");
    return make_error(Errc::kTokenRevoked, "Refresh token was already used");
  }
  const store::User& user = found->user;
  if (user.status != "enabled") {
    (void)revocations_.end_user(user.id);
    return make_error(Errc::kUserDisabled, "User is disabled");
  }
  // amr travels in the refresh JWT so a refreshed session keeps its methods.
  Facts facts;
  if (auto* a = claims->if_contains("amr"); a && a->is_array()) {
    for (const auto& v : a->as_array()) {
      if (v.is_string()) facts.amr.emplace_back(v.as_string());
    }
  }
  // The selected tenant stays only while the user is still a member.
  if (auto* d = claims->if_contains("dct"); d && d->is_string()) {
    for (const auto& t : user.tenants) {
      if (t.tenant_id == d->as_string()) facts.dct = t.tenant_id;
    }
  }
  return Live{std::move(found->token), std::move(found->user), std::move(facts)};
}

Result<Authenticated> SessionService::refresh(std::string_view refresh_jwt) {
  auto live = live_token(refresh_jwt);
  if (!live) return live.error();
  Facts facts = live->facts;
  return renew(std::move(*live), facts);
}

Result<Authenticated> SessionService::select_tenant(std::string_view refresh_jwt,
                                                    const std::string& tenant_id) {
  auto live = live_token(refresh_jwt);
  if (!live) return live.error();
  bool member = false;
  for (const auto& t : live->user.tenants) member = member || t.tenant_id == tenant_id;
  if (!member) return make_error(Errc::kForbidden, "The user is not a member of this tenant");
  Facts facts{live->facts.amr, tenant_id};
  return renew(std::move(*live), facts);
}

Result<Authenticated> SessionService::renew(Live live, const Facts& facts) {
  auto s = issue(live.user, live.record.family_id, facts);
  if (!s) return s.error();
  int64_t now = clock_();
  store::RefreshToken next{
      s->refresh_id, live.user.id,  live.record.family_id, crypto::sha256_hex(s->refresh_jwt),
      now,           s->refresh_exp};
  // Within the grace window the first rotation stands and this one gets a
  // sibling token; the same holds when another tab's rotation won a race.
  Status st = live.record.rotated_at != 0 ? stores_.sessions.insert(next)
                                          : stores_.sessions.rotate(live.record.id, next, now);
  if (!st && st.code() == Errc::kTokenRevoked && live.record.rotated_at == 0) {
    auto again = stores_.sessions.get(live.record.id);
    if (again && again->revoked_at == 0 && again->rotated_at != 0 &&
        now <= again->rotated_at + config_.refresh_grace) {
      st = stores_.sessions.insert(next);
    }
  }
  if (!st) return st.error();
  return Authenticated{std::move(live.user), std::move(*s), false};
}

Result<store::User> SessionService::user_of(std::string_view refresh_jwt) {
  auto live = live_token(refresh_jwt);
  if (!live) return live.error();
  return std::move(live->user);
}

Result<SessionService::SignIn> SessionService::sign_in_of(std::string_view refresh_jwt) {
  auto live = live_token(refresh_jwt);
  if (!live) return live.error();
  return SignIn{std::move(live->user), std::move(live->record.family_id)};
}

Result<std::string> SessionService::current_tenant(std::string_view refresh_jwt) {
  auto live = live_token(refresh_jwt);
  if (!live) return live.error();
  return std::move(live->facts.dct);
}

Status SessionService::logout(std::string_view refresh_jwt, const Origin& origin) {
  auto live = live_token(refresh_jwt);
  if (!live) return live.error();
  auto st = revocations_.end_sign_in(live->record.family_id);
  if (st) audit_.record(origin, "user.logout", true, live->user.id, live->user.login_id);
  return st;
}

Status SessionService::logout_all(std::string_view refresh_jwt, const Origin& origin) {
  auto live = live_token(refresh_jwt);
  if (!live) return live.error();
  auto st = revocations_.end_user(live->user.id);
  if (st) audit_.record(origin, "user.logoutall", true, live->user.id, live->user.login_id);
  return st;
}

}  // namespace gatehouse::auth
