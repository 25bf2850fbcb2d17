#include "api/wire.h"

#include <boost/json.hpp>

#include "api/json_body.h"
#include "gatehouse/crypto/digest.h"
#include "gatehouse/json.h"

namespace gatehouse::api {

namespace json = boost::json;

Bearer parse_bearer(std::string_view h) {
  constexpr std::string_view kPrefix = "Bearer ";
  if (h.size() < kPrefix.size()) return {};
  for (size_t i = 0; i < kPrefix.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(h[i])) !=
        std::tolower(static_cast<unsigned char>(kPrefix[i]))) {
      return {};
    }
  }
  h.remove_prefix(kPrefix.size());
  while (!h.empty() && h.front() == ' ') h.remove_prefix(1);
  Bearer b;
  auto colon = h.find(':');
  b.project_id = std::string(h.substr(0, colon));
  if (colon != std::string_view::npos) {
    std::string_view rest = h.substr(colon + 1);
    // JWTs never contain ':'; what follows a second ':' is an auth management key.
    b.token = std::string(rest.substr(0, rest.find(':')));
  }
  return b;
}

Result<Bearer> project_bearer(const http::Request& req, std::string_view project_id) {
  Bearer b = parse_bearer(req.header("authorization"));
  if (b.project_id.empty()) {
    return make_error(Errc::kInvalidToken,
                      "Missing Authorization header: Bearer <projectId>[:<refreshJwt>]");
  }
  if (!crypto::constant_time_equal(b.project_id, project_id)) {
    return make_error(Errc::kInvalidToken, "Unknown project id");
  }
  return b;
}

Result<std::string> refresh_token(const http::Request& req, std::string_view project_id) {
  auto b = project_bearer(req, project_id);
  if (!b) return b.error();
  if (!b->token.empty()) return std::move(b->token);
  auto custom = req.header("x-descope-refresh-cookie-name");
  if (!custom.empty()) {
    if (auto c = req.cookie(custom); !c.empty()) return c;
  }
  if (auto c = req.cookie("DSR"); !c.empty()) return c;
  return make_error(Errc::kInvalidToken, "Refresh token is missing");
}

auth::Origin origin_of(const http::Request& req) {
  return auth::Origin{req.client_ip, std::string(req.header("user-agent")), ""};
}

Result<MgmtCall> management_call(const http::Request& req, std::string_view project_id,
                                 auth::Authorizer& authorizer) {
  auto b = project_bearer(req, project_id);
  if (!b) return b.error();
  auto origin = authorizer.management_caller(b->token, origin_of(req), req.method + " " + req.path);
  if (!origin) return origin.error();
  auto body = parse_object(req.body);
  if (!body) return body.error();
  return MgmtCall{std::move(*origin), std::move(*body)};
}

json::object user_json(const store::User& u) {
  json::array login_ids{json::value(u.login_id)};
  json::array tenants;
  for (const auto& t : u.tenants) {
    tenants.emplace_back(json::object{{"tenantId", t.tenant_id},
                                      {"tenantName", t.tenant_name},
                                      {"roleNames", to_json_array(t.roles)},
                                      {"permissions", json::array{}}});
  }
  return json::object{{"userId", u.id},
                      {"loginIds", std::move(login_ids)},
                      {"name", u.name},
                      {"email", u.email},
                      {"phone", u.phone},
                      {"verifiedEmail", u.verified_email},
                      {"verifiedPhone", u.verified_phone},
                      {"roleNames", to_json_array(u.roles)},
                      {"userTenants", std::move(tenants)},
                      {"status", u.status},
                      {"createdTime", u.created_at},
                      {"lastLogin", u.last_login_at},
                      {"picture", u.picture},
                      {"customAttributes", json::object{}},
                      {"test", u.test},
                      {"externalIds", json::array{json::value(u.login_id)}},
                      {"password", u.has_password},
                      {"webauthn", u.has_webauthn},
                      {"TOTP", u.has_totp},
                      {"SAML", false},
                      {"SCIM", false},
                      {"OIDC", false},
                      {"push", false},
                      {"OAuth", json::object{}},
                      {"ssoAppIds", json::array{}}};
}

json::object jwt_response_json(const auth::Authenticated& a, int64_t now) {
  const auto& s = a.session;
  return json::object{{"sessionJwt", s.session_jwt},
                      {"refreshJwt", s.refresh_jwt},
                      {"sessionExpiration", s.session_exp},
                      {"cookieDomain", ""},
                      {"cookiePath", "/"},
                      {"cookieMaxAge", s.refresh_exp - now},
                      {"cookieExpiration", s.refresh_exp},
                      {"user", user_json(a.user)},
                      {"firstSeen", a.first_seen},
                      {"claims", s.claims}};
}

}  // namespace gatehouse::api
