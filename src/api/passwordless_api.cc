// Email one-time codes, magic links and password-reset links on the wire
// (docs/descope-wire.md §4.1–§4.3).
// Every route is offloaded: each reads and writes the store, and sending a mail blocks on
// the mail server, so none of it may run on an I/O thread.
#include <boost/json.hpp>

#include "api/auth_api.h"
#include "api/errors.h"
#include "api/json_body.h"
#include "api/wire.h"

namespace gatehouse::api {

namespace json = boost::json;
using http::Request;
using http::Response;

namespace {

struct Flow {
  const char* path;
  auth::OneTimeFlow flow;
};
constexpr Flow kFlows[] = {{"signup", auth::OneTimeFlow::kSignUp},
                           {"signin", auth::OneTimeFlow::kSignIn},
                           {"signup-in", auth::OneTimeFlow::kSignUpOrIn}};

// The `user` object of a sign-up (Python also sends a top-level `email`).
Result<auth::OneTimeUser> one_time_user(const json::object& body) {
  auto user = optional_object(body, "user");
  if (!user) return user.error();
  auto name = optional_string(*user, "name");
  auto email = optional_string(*user, "email");
  auto phone = optional_string(*user, "phone");
  for (auto* f : {&name, &email, &phone}) {
    if (!*f) return f->error();
  }
  auth::OneTimeUser u{std::move(*name), std::move(*email), std::move(*phone)};
  if (u.name.empty()) {
    auto given = optional_string(*user, "givenName");
    auto family = optional_string(*user, "familyName");
    if (given && family) {
      u.name = *given + (!given->empty() && !family->empty() ? " " : "") + *family;
    }
  }
  if (u.email.empty()) {
    auto top = optional_string(body, "email");
    if (!top) return top.error();
    u.email = std::move(*top);
  }
  return u;
}

Response masked(const Result<std::string>& r) {
  if (!r) return error_response(r.error());
  return Response::json(200, json::object{{"maskedEmail", *r}});
}

}  // namespace

// The routes that mail wait on the SMTP relay: on the network pool (http/router.h).
constexpr http::RouteOptions kMails{.waits_on_network = true};

void register_passwordless_routes(http::Router& router, const AuthApiDeps& d) {
  const std::string& pid = d.config.project_id;

  if (d.otp) {
    for (const Flow& f : kFlows) {
      router.add(
          "POST", std::string("/v1/auth/otp/") + f.path + "/email",
          [d, &pid, flow = f.flow](Request& req) {
            if (auto b = project_bearer(req, pid); !b) return error_response(b.error());
            auto body = parse_object(req.body);
            if (!body) return error_response(body.error());
            auto login = required_string(*body, "loginId");
            if (!login) return error_response(login.error());
            auto user = one_time_user(*body);
            if (!user) return error_response(user.error());
            return masked(d.otp->start(flow, *login, *user, origin_of(req)));
          },
          kMails);
    }

    router.add("POST", "/v1/auth/otp/verify/email", [d, &pid](Request& req) {
      if (auto b = project_bearer(req, pid); !b) return error_response(b.error());
      auto body = parse_object(req.body);
      if (!body) return error_response(body.error());
      auto login = required_string(*body, "loginId");
      if (!login) return error_response(login.error());
      auto code = required_string(*body, "code");
      if (!code) return error_response(code.error());
      return authenticated_response(d.otp->verify(*login, *code, origin_of(req)), d);
    });

    router.add(
        "POST", "/v1/auth/otp/update/email",
        [d, &pid](Request& req) {
          auto token = refresh_token(req, pid);
          if (!token) return error_response(token.error());
          auto body = parse_object(req.body);
          if (!body) return error_response(body.error());
          auto login = required_string(*body, "loginId");
          if (!login) return error_response(login.error());
          auto email = required_string(*body, "email");
          if (!email) return error_response(email.error());
          auto self = d.sessions.sign_in_of(*token);
          if (!self) return error_response(self.error());
          return masked(d.otp->update_email(*self, *login, *email, origin_of(req)));
        },
        kMails);
  }

  if (d.magic_links) {
    for (const Flow& f : kFlows) {
      router.add(
          "POST", std::string("/v1/auth/magiclink/") + f.path + "/email",
          [d, &pid, flow = f.flow](Request& req) {
            if (auto b = project_bearer(req, pid); !b) return error_response(b.error());
            auto body = parse_object(req.body);
            if (!body) return error_response(body.error());
            auto login = required_string(*body, "loginId");
            if (!login) return error_response(login.error());
            // Descope's SDKs send `URI`; `redirectUrl` is accepted as well.
            auto uri = optional_string(*body, "URI");
            if (!uri) return error_response(uri.error());
            if (uri->empty()) {
              uri = optional_string(*body, "redirectUrl");
              if (!uri) return error_response(uri.error());
            }
            auto user = one_time_user(*body);
            if (!user) return error_response(user.error());
            return masked(d.magic_links->start(flow, *login, *uri, *user, origin_of(req)));
          },
          kMails);
    }

    // Password reset: a link mailed like a magic link, spent by /magiclink/verify; the
    // client then calls /v1/auth/password/update with that session (core-js sendReset).
    router.add(
        "POST", "/v1/auth/password/reset",
        [d, &pid](Request& req) {
          if (auto b = project_bearer(req, pid); !b) return error_response(b.error());
          auto body = parse_object(req.body);
          if (!body) return error_response(body.error());
          auto login = required_string(*body, "loginId");
          if (!login) return error_response(login.error());
          auto uri = optional_string(*body, "redirectUrl");
          if (!uri) return error_response(uri.error());
          auto options = optional_object(*body, "templateOptions");  // accepted, not used
          if (!options) return error_response(options.error());
          auto r = d.magic_links->send_password_reset(*login, *uri, origin_of(req));
          if (!r) return error_response(r.error());
          return Response::json(200,
                                json::object{{"resetMethod", "magiclink"}, {"maskedEmail", *r}});
        },
        kMails);

    router.add("POST", "/v1/auth/magiclink/verify", [d, &pid](Request& req) {
      if (auto b = project_bearer(req, pid); !b) return error_response(b.error());
      auto body = parse_object(req.body);
      if (!body) return error_response(body.error());
      auto token = required_string(*body, "token");
      if (!token) return error_response(token.error());
      return authenticated_response(d.magic_links->verify(*token, origin_of(req)), d);
    });
  }
}

}  // namespace gatehouse::api
