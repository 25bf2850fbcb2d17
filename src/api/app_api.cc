#include "api/app_api.h"

#include <boost/json.hpp>

#include "api/token_required.h"
#include "gatehouse/json.h"

namespace gatehouse::api {

namespace json = boost::json;

void register_app_routes(http::Router& router,
                         std::shared_ptr<const gatehouse::SessionClient> client) {
  router.add("GET", "/get_roles",
             token_required(client,
                            [](http::Request&, const gatehouse::JwtResponse& jwt) {
                              return http::Response::json(
                                  200, json::object{
                                           {"secretMessage", "You are now a trained Descope user!"},
                                           {"roles", to_json_array(jwt.roles)}});
                            }),
             {.inline_on_io = true});

  router.add(
      "GET", "/get_role_data",
      token_required(
          client,
          [](http::Request&, const gatehouse::JwtResponse& jwt) {
            return http::Response::json(
                200, json::object{{"valid_teacher", gatehouse::validate_roles(jwt, {"teacher"})},
                                  {"valid_student", gatehouse::validate_roles(jwt, {"student"})}});
          }),
      {.inline_on_io = true});
}

}  // namespace gatehouse::api
