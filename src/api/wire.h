// Translation between domain values and Descope's wire format: the
// Authorization header, the UserResponse object and the JWTResponse object
// (docs/descope-wire.md §1.2, §2.4, §2.5).
#pragma once

#include <string>
#include <string_view>

#include <boost/json/object.hpp>

#include "auth/authorization.h"
#include "auth/session_service.h"
#include "gatehouse/result.h"
#include "http/message.h"
#include "store/model.h"

namespace gatehouse::api {

// `Authorization: Bearer <projectId>[:<token>[:<authManagementKey>]]`.
struct Bearer {
  std::string project_id;
  std::string token;  // "" when only the project id was sent
};
Bearer parse_bearer(std::string_view authorization);

// Checks the project id of the bearer; kInvalidToken (401) when it is missing or
// names another project.
Result<Bearer> project_bearer(const http::Request& req, std::string_view project_id);

// The refresh token of a session call: the bearer's token part, else the cookie
// named by x-descope-refresh-cookie-name, else the DSR cookie.
Result<std::string> refresh_token(const http::Request& req, std::string_view project_id);

// Client address and user agent of a request, for the audit log.
auth::Origin origin_of(const http::Request& req);

// A management call, once its management key or admin session is authorized: who made it
// (for the audit log) and its JSON object body.
struct MgmtCall {
  auth::Origin origin;
  boost::json::object body;
};
Result<MgmtCall> management_call(const http::Request& req, std::string_view project_id,
                                 auth::Authorizer& authorizer);

boost::json::object user_json(const store::User& user);
boost::json::object jwt_response_json(const auth::Authenticated& a, int64_t now);

}  // namespace gatehouse::api
