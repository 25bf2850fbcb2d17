#include "api/keys_api.h"

#include <boost/json.hpp>

#include "api/errors.h"

namespace gatehouse::api {

void register_keys_routes(http::Router& router, const std::string& project_id,
                          std::shared_ptr<const auth::KeyRing> keys) {
  auto v2 = boost::json::serialize(keys->jwks_json());
  auto v1 = boost::json::serialize(keys->jwks_json().at("keys"));
  auto serve = [project_id](std::string body) {
    return [project_id, body = std::move(body)](http::Request& req) {
      if (req.params.at("projectId") != project_id) {
        return error_response(make_error(Errc::kNotFound, "Unknown project id"));
      }
      auto res = http::Response::json_text(200, body);
      res.set_header("Cache-Control", "public, max-age=300");
      return res;
    };
  };
  router.add("GET", "/v2/keys/{projectId}", serve(std::move(v2)), {.inline_on_io = true});
  router.add("GET", "/v1/keys/{projectId}", serve(std::move(v1)), {.inline_on_io = true});
}

}  // namespace gatehouse::api
