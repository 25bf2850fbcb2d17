#include "api/keys_api.h"

#include <boost/json.hpp>

#include "api/errors.h"

namespace gatehouse::api {

void register_keys_routes(http::Router& router, const std::string& project_id,
                          std::shared_ptr<const auth::KeyRing> keys) {
  // The body comes from the key ring's snapshot of the moment, so a rotation made by
  // another process shows here as soon as this process has read it.
  auto serve = [project_id, keys](bool bare_array) {
    return [project_id, keys, bare_array](http::Request& req) {
      if (req.params.at("projectId") != project_id) {
        return error_response(make_error(Errc::kNotFound, "Unknown project id"));
      }
      auto snap = keys->snapshot();
      auto res =
          http::Response::json_text(200, bare_array ? snap->jwk_array_body : snap->jwks_body);
      res.set_header("Cache-Control", "public, max-age=300");
      return res;
    };
  };
  router.add("GET", "/v2/keys/{projectId}", serve(false), {.inline_on_io = true});
  router.add("GET", "/v1/keys/{projectId}", serve(true), {.inline_on_io = true});
}

}  // namespace gatehouse::api
