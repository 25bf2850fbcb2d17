#include "api/webauthn_api.h"

#include <boost/json.hpp>

#include "api/errors.h"
#include "api/json_body.h"
#include "api/wire.h"

namespace gatehouse::api {

namespace json = boost::json;
using http::Request;
using http::Response;

namespace {

// passkeyOptions: { authenticatorSelection?: { authenticatorAttachment?, residentKey?,
// userVerification? }, attestation?, userVerification? } (extensionsJSON is ignored).
Result<auth::PasskeyOptions> passkey_options(const json::object& body) {
  auto o = optional_object(body, "passkeyOptions");
  if (!o) return o.error();
  auth::PasskeyOptions p;
  auto sel = optional_object(*o, "authenticatorSelection");
  if (!sel) return sel.error();
  auto attachment = optional_string(*sel, "authenticatorAttachment");
  auto resident = optional_string(*sel, "residentKey");
  auto sel_uv = optional_string(*sel, "userVerification");
  auto uv = optional_string(*o, "userVerification");
  auto attestation = optional_string(*o, "attestation");
  for (auto* f : {&attachment, &resident, &sel_uv, &uv, &attestation}) {
    if (!*f) return f->error();
  }
  p.authenticator_attachment = std::move(*attachment);
  p.resident_key = std::move(*resident);
  p.user_verification = uv->empty() ? std::move(*sel_uv) : std::move(*uv);
  p.attestation = std::move(*attestation);
  return p;
}

Response start_response(const Result<auth::WebAuthnStart>& s) {
  if (!s) return error_response(s.error());
  return Response::json(200, json::object{{"transactionId", s->transaction_id},
                                          {"options", s->options},
                                          {"create", s->create}});
}

// { transactionId, response } of every finish.
struct Finish {
  std::string transaction_id;
  std::string response;
};
Result<Finish> finish_body(const Request& req) {
  auto body = parse_object(req.body);
  if (!body) return body.error();
  auto tx = required_string(*body, "transactionId");
  if (!tx) return tx.error();
  auto response = required_string(*body, "response");
  if (!response) return response.error();
  return Finish{std::move(*tx), std::move(*response)};
}

}  // namespace

void register_webauthn_routes(http::Router& router, WebAuthnApiDeps d) {
  router.add("POST", "/v1/auth/webauthn/signup/start", [d](Request& req) {
    if (auto b = project_bearer(req, d.project_id); !b) return error_response(b.error());
    auto body = parse_object(req.body);
    if (!body) return error_response(body.error());
    auto user = optional_object(*body, "user");
    if (!user) return error_response(user.error());
    auto login = required_string(*user, "loginId");
    if (!login) return error_response(login.error());
    auto name = optional_string(*user, "name");
    auto origin = optional_string(*body, "origin");
    for (auto* f : {&name, &origin}) {
      if (!*f) return error_response(f->error());
    }
    auto opts = passkey_options(*body);
    if (!opts) return error_response(opts.error());
    return start_response(d.webauthn.sign_up_start(*login, *name, *origin, *opts, origin_of(req)));
  });

  // loginId may be "" (discoverable passkeys). A bearer token (step-up) is accepted and
  // not needed: the passkey proves the account.
  router.add("POST", "/v1/auth/webauthn/signin/start", [d](Request& req) {
    if (auto b = project_bearer(req, d.project_id); !b) return error_response(b.error());
    auto body = parse_object(req.body);
    if (!body) return error_response(body.error());
    auto login = optional_string(*body, "loginId");
    auto origin = optional_string(*body, "origin");
    for (auto* f : {&login, &origin}) {
      if (!*f) return error_response(f->error());
    }
    auto opts = passkey_options(*body);
    if (!opts) return error_response(opts.error());
    return start_response(d.webauthn.sign_in_start(*login, *origin, *opts, origin_of(req)));
  });

  router.add("POST", "/v1/auth/webauthn/signup-in/start", [d](Request& req) {
    if (auto b = project_bearer(req, d.project_id); !b) return error_response(b.error());
    auto body = parse_object(req.body);
    if (!body) return error_response(body.error());
    auto login = required_string(*body, "loginId");
    if (!login) return error_response(login.error());
    auto origin = optional_string(*body, "origin");
    if (!origin) return error_response(origin.error());
    auto opts = passkey_options(*body);
    if (!opts) return error_response(opts.error());
    return start_response(d.webauthn.sign_up_or_in_start(*login, *origin, *opts, origin_of(req)));
  });

  router.add("POST", "/v1/auth/webauthn/update/start", [d](Request& req) {
    auto token = refresh_token(req, d.project_id);
    if (!token) return error_response(token.error());
    auto body = parse_object(req.body);
    if (!body) return error_response(body.error());
    auto login = required_string(*body, "loginId");
    if (!login) return error_response(login.error());
    auto origin = optional_string(*body, "origin");
    if (!origin) return error_response(origin.error());
    auto opts = passkey_options(*body);
    if (!opts) return error_response(opts.error());
    auto self = d.sessions.sign_in_of(*token);
    if (!self) return error_response(self.error());
    return start_response(d.webauthn.update_start(*self, *login, *origin, *opts, origin_of(req)));
  });

  router.add("POST", "/v1/auth/webauthn/signup/finish", [d](Request& req) {
    if (auto b = project_bearer(req, d.project_id); !b) return error_response(b.error());
    auto f = finish_body(req);
    if (!f) return error_response(f.error());
    return authenticated_response(
        d.webauthn.sign_up_finish(f->transaction_id, f->response, origin_of(req)), d.clock,
        d.cookies);
  });

  router.add("POST", "/v1/auth/webauthn/signin/finish", [d](Request& req) {
    if (auto b = project_bearer(req, d.project_id); !b) return error_response(b.error());
    auto f = finish_body(req);
    if (!f) return error_response(f.error());
    return authenticated_response(
        d.webauthn.sign_in_finish(f->transaction_id, f->response, origin_of(req)), d.clock,
        d.cookies);
  });

  router.add("POST", "/v1/auth/webauthn/update/finish", [d](Request& req) {
    if (auto b = project_bearer(req, d.project_id); !b) return error_response(b.error());
    auto f = finish_body(req);
    if (!f) return error_response(f.error());
    if (auto st = d.webauthn.update_finish(f->transaction_id, f->response, origin_of(req)); !st) {
      return error_response(st.error());
    }
    return Response::json(200, json::object{});
  });

  // Gatehouse's own (the Account page): the signed-in user removes their passkeys.
  router.add("POST", "/v1/auth/me/passkeys/delete", [d](Request& req) {
    auto token = refresh_token(req, d.project_id);
    if (!token) return error_response(token.error());
    auto self = d.sessions.sign_in_of(*token);
    if (!self) return error_response(self.error());
    auto n = d.webauthn.remove_all(self->user, origin_of(req));
    if (!n) return error_response(n.error());
    return Response::json(200, json::object{{"removed", *n}});
  });

  router.add("POST", "/v1/mgmt/user/passkeys/delete", [d](Request& req) {
    auto call = management_call(req, d.project_id, d.authorizer);
    if (!call) return error_response(call.error());
    auto login = required_string(call->body, "loginId");
    if (!login) return error_response(login.error());
    auto user = d.users.by_login_id_or_id(*login);
    if (!user) return error_response(user.error());
    if (auto n = d.webauthn.remove_all(*user, call->origin); !n) return error_response(n.error());
    return Response::json(200, json::object{});
  });
}

}  // namespace gatehouse::api
