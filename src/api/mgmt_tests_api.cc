#include "api/mgmt_tests_api.h"

#include <boost/json.hpp>

#include "api/errors.h"
#include "api/json_body.h"
#include "api/wire.h"

namespace gatehouse::api {

namespace json = boost::json;
using http::Request;
using http::Response;

namespace {

// The request of a generator, once its caller is authorized: the body, and its loginId.
struct Generate {
  auth::Origin origin;
  json::object body;
  std::string login_id;
};

Result<Generate> generate_request(const Request& req, const MgmtTestsApiDeps& d) {
  auto b = project_bearer(req, d.project_id);
  if (!b) return b.error();
  auto origin =
      d.authorizer.management_caller(b->token, origin_of(req), req.method + " " + req.path);
  if (!origin) return origin.error();
  auto body = parse_object(req.body);
  if (!body) return body.error();
  auto login = required_string(*body, "loginId");
  if (!login) return login.error();
  // Email is the one delivery method Gatehouse has; absent means email.
  auto method = optional_string(*body, "deliveryMethod");
  if (!method) return method.error();
  if (!method->empty() && *method != "email") {
    return make_error(Errc::kInvalidArgument,
                      "Only the email delivery method is supported, not " + *method);
  }
  return Generate{std::move(*origin), std::move(*body), std::move(*login)};
}

}  // namespace

void register_mgmt_tests_routes(http::Router& router, MgmtTestsApiDeps d) {
  router.add("POST", "/v1/mgmt/tests/generate/otp", [d](Request& req) {
    auto g = generate_request(req, d);
    if (!g) return error_response(g.error());
    auto code = d.otp.generate_for_test(g->login_id, g->origin);
    if (!code) return error_response(code.error());
    return Response::json(200, json::object{{"loginId", g->login_id}, {"code", *code}});
  });

  router.add("POST", "/v1/mgmt/tests/generate/magiclink", [d](Request& req) {
    auto g = generate_request(req, d);
    if (!g) return error_response(g.error());
    auto uri = required_string(g->body, "URI");
    if (!uri) return error_response(uri.error());
    auto link = d.magic_links.generate_for_test(g->login_id, *uri, g->origin);
    if (!link) return error_response(link.error());
    return Response::json(200, json::object{{"loginId", g->login_id}, {"link", *link}});
  });
}

}  // namespace gatehouse::api
