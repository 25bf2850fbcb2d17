#include "api/auth_api.h"

#include <algorithm>

#include <boost/json.hpp>

#include "api/errors.h"
#include "api/json_body.h"
#include "api/wire.h"

namespace gatehouse::api {

namespace json = boost::json;
using http::Request;
using http::Response;

namespace {

Response ok_json(const json::value& v) { return Response::json(200, v); }

std::string cookie(const char* name, const std::string& value, int64_t max_age, bool http_only,
                   bool secure) {
  return std::string(name) + "=" + value + "; Path=/; Max-Age=" + std::to_string(max_age) +
         (http_only ? "; HttpOnly" : "") + "; SameSite=Strict" + (secure ? "; Secure" : "");
}

Response authenticated(const Result<auth::Authenticated>& r, const AuthApiDeps& d) {
  return authenticated_response(r, d.clock, d.cookies);
}

// After logout the browser's cookies go too.
Response signed_out(const AuthApiDeps& d) {
  Response res = ok_json(json::object{});
  if (d.cookies.refresh) {
    res.headers.emplace_back("Set-Cookie", cookie("DSR", "", 0, true, d.cookies.secure));
  }
  if (d.cookies.session) {
    res.headers.emplace_back("Set-Cookie", cookie("DS", "", 0, false, d.cookies.secure));
  }
  return res;
}

}  // namespace

// In cookie mode the refresh JWT travels only in its HttpOnly cookie: in the body, any
// script on the page (an XSS, a compromised dependency) could read and keep it, which is
// what HttpOnly is there to prevent. The SDKs take it from the cookie (docs/descope-wire.md
// §2.6).
Response authenticated_response(const Result<auth::Authenticated>& r, Clock clock,
                                const CookieOptions& cookies) {
  if (!r) return error_response(r.error());
  int64_t now = clock();
  auto body = jwt_response_json(*r, now);
  if (cookies.refresh) body.erase("refreshJwt");
  Response res = ok_json(body);
  const auto& s = r->session;
  if (cookies.refresh) {
    res.headers.emplace_back(
        "Set-Cookie", cookie("DSR", s.refresh_jwt, s.refresh_exp - now, true, cookies.secure));
  }
  if (cookies.session) {
    res.headers.emplace_back(
        "Set-Cookie", cookie("DS", s.session_jwt, s.session_exp - now, false, cookies.secure));
  }
  return res;
}

Response authenticated_response(const Result<auth::Authenticated>& r, const AuthApiDeps& d) {
  return authenticated_response(r, d.clock, d.cookies);
}

void register_auth_routes(http::Router& router, AuthApiDeps d) {
  const std::string& pid = d.config.project_id;

  router.add("POST", "/v1/auth/password/signup",
             [d, &pid](Request& req) {
               if (auto b = project_bearer(req, pid); !b) return error_response(b.error());
               auto body = parse_object(req.body);
               if (!body) return error_response(body.error());
               auth::SignUpInput in;
               auto login = required_string(*body, "loginId");
               if (!login) return error_response(login.error());
               auto password = required_string(*body, "password");
               if (!password) return error_response(password.error());
               auto user = optional_object(*body, "user");
               if (!user) return error_response(user.error());
               auto name = optional_string(*user, "name");
               auto email = optional_string(*user, "email");
               auto phone = optional_string(*user, "phone");
               for (auto* f : {&name, &email, &phone}) {
                 if (!*f) return error_response(f->error());
               }
               in.login_id = std::move(*login);
               in.password = std::move(*password);
               in.name = std::move(*name);
               in.email = std::move(*email);
               in.phone = std::move(*phone);
               if (in.name.empty()) {
                 // Descope composes the display name from the given/family names.
                 auto given = optional_string(*user, "givenName");
                 auto family = optional_string(*user, "familyName");
                 if (given && family) {
                   in.name = *given + (!given->empty() && !family->empty() ? " " : "") + *family;
                 }
               }
               return authenticated(d.passwords.sign_up(in, origin_of(req)), d);
             },
             // With --email-verification required a sign-up mails its code: it waits on
             // the SMTP relay as the passwordless sends do (api/passwordless_api.cc).
             {.waits_on_network = d.config.email_verification_required});

  router.add("POST", "/v1/auth/password/signin", [d, &pid](Request& req) {
    if (auto b = project_bearer(req, pid); !b) return error_response(b.error());
    auto body = parse_object(req.body);
    if (!body) return error_response(body.error());
    auto login = required_string(*body, "loginId");
    if (!login) return error_response(login.error());
    auto password = required_string(*body, "password");
    if (!password) return error_response(password.error());
    return authenticated(d.passwords.sign_in(*login, *password, origin_of(req)), d);
  });

  router.add("GET", "/v1/auth/password/policy",
             [d, &pid](Request& req) {
               if (auto b = project_bearer(req, pid); !b) return error_response(b.error());
               return ok_json(d.config.password_policy.to_json());
             },
             {.inline_on_io = true});

  router.add("POST", "/v1/auth/refresh", [d, &pid](Request& req) {
    if (auto body = parse_object(req.body); !body) return error_response(body.error());
    auto token = refresh_token(req, pid);
    if (!token) return error_response(token.error());
    return authenticated(d.sessions.refresh(*token), d);
  });

  // Like refresh, but "no session" is an answer, not an error: 200 {} when the
  // token is missing, malformed or expired. A token that was revoked (logout,
  // reuse, disabled user) still gets 401 so the browser SDK wipes its copy.
  router.add("POST", "/v1/auth/try-refresh", [d, &pid](Request& req) {
    if (auto b = project_bearer(req, pid); !b) return error_response(b.error());
    auto token = refresh_token(req, pid);
    if (!token) return ok_json(json::object{});
    auto r = d.sessions.refresh(*token);
    if (!r && r.code() == Errc::kInvalidToken) return ok_json(json::object{});
    return authenticated(r, d);
  });

  router.add("GET", "/v1/auth/me", [d, &pid](Request& req) {
    auto token = refresh_token(req, pid);
    if (!token) return error_response(token.error());
    auto user = d.sessions.user_of(*token);
    if (!user) return error_response(user.error());
    return ok_json(user_json(*user));
  });

  router.add("GET", "/v1/auth/me/history", [d, &pid](Request& req) {
    auto token = refresh_token(req, pid);
    if (!token) return error_response(token.error());
    auto user = d.sessions.user_of(*token);
    if (!user) return error_response(user.error());
    auto events = d.audit.sign_in_history(user->id);
    if (!events) return error_response(events.error());
    json::array out;
    for (const auto& e : *events) {
      out.emplace_back(json::object{
          {"userId", e.user_id}, {"loginTime", e.at}, {"city", ""}, {"country", ""}, {"ip", e.ip}});
    }
    return ok_json(out);
  });

  router.add("POST", "/v1/auth/password/replace", [d, &pid](Request& req) {
    if (auto b = project_bearer(req, pid); !b) return error_response(b.error());
    auto body = parse_object(req.body);
    if (!body) return error_response(body.error());
    auto login = required_string(*body, "loginId");
    if (!login) return error_response(login.error());
    auto old_pw = required_string(*body, "oldPassword");
    if (!old_pw) return error_response(old_pw.error());
    auto new_pw = required_string(*body, "newPassword");
    if (!new_pw) return error_response(new_pw.error());
    return authenticated(d.passwords.replace(*login, *old_pw, *new_pw, origin_of(req)), d);
  });

  router.add("POST", "/v1/auth/password/update", [d, &pid](Request& req) {
    auto token = refresh_token(req, pid);
    if (!token) return error_response(token.error());
    auto body = parse_object(req.body);
    if (!body) return error_response(body.error());
    auto login = required_string(*body, "loginId");
    if (!login) return error_response(login.error());
    auto new_pw = required_string(*body, "newPassword");
    if (!new_pw) return error_response(new_pw.error());
    auto self = d.sessions.sign_in_of(*token);
    if (!self) return error_response(self.error());
    if (auto st = d.passwords.update(*self, *login, *new_pw, origin_of(req)); !st) {
      return error_response(st.error());
    }
    return ok_json(json::object{});
  });

  router.add("POST", "/v1/auth/tenant/select", [d, &pid](Request& req) {
    auto token = refresh_token(req, pid);
    if (!token) return error_response(token.error());
    auto body = parse_object(req.body);
    if (!body) return error_response(body.error());
    auto tenant = required_string(*body, "tenant");
    if (!tenant) return error_response(tenant.error());
    return authenticated(d.sessions.select_tenant(*token, *tenant), d);
  });

  router.add("POST", "/v1/auth/me/tenants", [d, &pid](Request& req) {
    auto token = refresh_token(req, pid);
    if (!token) return error_response(token.error());
    auto body = parse_object(req.body);
    if (!body) return error_response(body.error());
    auto dct = optional_bool(*body, "dct");
    if (!dct) return error_response(dct.error());
    auto ids = optional_string_array(*body, "ids");
    if (!ids) return error_response(ids.error());
    auto user = d.sessions.user_of(*token);
    if (!user) return error_response(user.error());
    std::vector<std::string> wanted;
    if (dct->value_or(false)) {
      auto current = d.sessions.current_tenant(*token);
      if (!current) return error_response(current.error());
      if (!current->empty()) wanted.push_back(*current);
    } else {
      wanted = ids->value_or(std::vector<std::string>{});
    }
    json::array out;
    for (const auto& t : user->tenants) {
      if (std::find(wanted.begin(), wanted.end(), t.tenant_id) == wanted.end()) continue;
      auto tenant = d.tenants.get(t.tenant_id);
      if (!tenant) continue;  // deleted since
      json::value attrs = json::parse(tenant->custom_attributes_json, {});
      out.emplace_back(
          json::object{{"id", tenant->id},
                       {"name", tenant->name},
                       {"customAttributes", attrs.is_object() ? attrs : json::object{}}});
    }
    return ok_json(json::object{{"tenants", std::move(out)}});
  });

  router.add("POST", "/v1/auth/logout", [d, &pid](Request& req) {
    auto token = refresh_token(req, pid);
    if (!token) return error_response(token.error());
    if (auto st = d.sessions.logout(*token, origin_of(req)); !st) return error_response(st.error());
    return signed_out(d);
  });

  router.add("POST", "/v1/auth/logoutall", [d, &pid](Request& req) {
    auto token = refresh_token(req, pid);
    if (!token) return error_response(token.error());
    if (auto st = d.sessions.logout_all(*token, origin_of(req)); !st) {
      return error_response(st.error());
    }
    return signed_out(d);
  });

  register_passwordless_routes(router, d);
}

}  // namespace gatehouse::api
