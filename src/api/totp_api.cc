#include "api/totp_api.h"

#include <boost/json.hpp>

#include "api/errors.h"
#include "api/json_body.h"
#include "api/qr_png.h"
#include "api/wire.h"

namespace gatehouse::api {

namespace json = boost::json;
using http::Request;
using http::Response;

namespace {

// {provisioningURL, image, key}: `image` is the QR code of the URI, a base64 PNG without
// a data: prefix, as Descope returns it.
Response enrolment_response(const Result<auth::TotpEnrolment>& e) {
  if (!e) return error_response(e.error());
  auto png = qr_png(e->provisioning_url);
  if (!png) return error_response(png.error());
  return Response::json(200, json::object{{"provisioningURL", e->provisioning_url},
                                          {"image", base64_standard(*png)},
                                          {"key", e->key}});
}

}  // namespace

void register_totp_routes(http::Router& router, TotpApiDeps d) {
  router.add("POST", "/v1/auth/totp/signup", [d](Request& req) {
    if (auto b = project_bearer(req, d.project_id); !b) return error_response(b.error());
    auto body = parse_object(req.body);
    if (!body) return error_response(body.error());
    auto login = required_string(*body, "loginId");
    if (!login) return error_response(login.error());
    auto user = optional_object(*body, "user");
    if (!user) return error_response(user.error());
    auto name = optional_string(*user, "name");
    auto email = optional_string(*user, "email");
    auto phone = optional_string(*user, "phone");
    for (auto* f : {&name, &email, &phone}) {
      if (!*f) return error_response(f->error());
    }
    auth::TotpSignUpInput in{std::move(*login), std::move(*name), std::move(*email),
                             std::move(*phone)};
    if (in.name.empty()) {
      auto given = optional_string(*user, "givenName");
      auto family = optional_string(*user, "familyName");
      if (given && family) {
        in.name = *given + (!given->empty() && !family->empty() ? " " : "") + *family;
      }
    }
    return enrolment_response(d.totp.sign_up(in, origin_of(req)));
  });

  router.add("POST", "/v1/auth/totp/update", [d](Request& req) {
    auto token = refresh_token(req, d.project_id);
    if (!token) return error_response(token.error());
    auto body = parse_object(req.body);
    if (!body) return error_response(body.error());
    auto login = required_string(*body, "loginId");
    if (!login) return error_response(login.error());
    auto self = d.sessions.sign_in_of(*token);
    if (!self) return error_response(self.error());
    return enrolment_response(d.totp.update(*self, *login, origin_of(req)));
  });

  // The bearer's token part (else the refresh cookie), when present, proves the password
  // step: the MFA ticket of a password sign-in (core-js: sdk.totp.verify(loginId, code,
  // loginOptions, ticket)) or the refresh token of the user's own sign-in.
  router.add("POST", "/v1/auth/totp/verify", [d](Request& req) {
    auto b = project_bearer(req, d.project_id);
    if (!b) return error_response(b.error());
    auto body = parse_object(req.body);
    if (!body) return error_response(body.error());
    auto login = required_string(*body, "loginId");
    if (!login) return error_response(login.error());
    auto code = required_string(*body, "code");
    if (!code) return error_response(code.error());
    auto proof = refresh_token(req, d.project_id);
    return authenticated_response(
        d.totp.verify(*login, *code, proof ? *proof : std::string(), origin_of(req)), d.clock,
        d.cookies);
  });

  // Gatehouse's own (the Account page): the signed-in user turns TOTP off with a code of it.
  router.add("POST", "/v1/auth/me/totp/delete", [d](Request& req) {
    auto token = refresh_token(req, d.project_id);
    if (!token) return error_response(token.error());
    auto body = parse_object(req.body);
    if (!body) return error_response(body.error());
    auto code = required_string(*body, "code");
    if (!code) return error_response(code.error());
    auto self = d.sessions.sign_in_of(*token);
    if (!self) return error_response(self.error());
    if (auto st = d.totp.disable(*self, *code, *token, origin_of(req)); !st) {
      return error_response(st.error());
    }
    return Response::json(200, json::object{});
  });

  router.add("POST", "/v1/mgmt/user/totp/delete", [d](Request& req) {
    auto call = management_call(req, d.project_id, d.authorizer);
    if (!call) return error_response(call.error());
    auto login = required_string(call->body, "loginId");
    if (!login) return error_response(login.error());
    auto user = d.users.by_login_id_or_id(*login);
    if (!user) return error_response(user.error());
    if (auto st = d.totp.remove(*user, call->origin); !st) return error_response(st.error());
    return Response::json(200, json::object{});
  });
}

}  // namespace gatehouse::api
