// The tutorial's own API, same paths and JSON as its Flask backend:
//   GET /get_roles     → {"secretMessage": "You are now a trained Descope user!", "roles": [...]}
//   GET /get_role_data → {"valid_teacher": bool, "valid_student": bool}
// Both protected by token_required over the session SDK (the client the server
// wiring builds, with the server's own keys): the server is the SDK's first user.
#pragma once

#include <memory>

#include <gatehouse/session.h>

#include "http/router.h"

namespace gatehouse::api {

void register_app_routes(http::Router& router,
                         std::shared_ptr<const gatehouse::SessionClient> sessions);

}  // namespace gatehouse::api
