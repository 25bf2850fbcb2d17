// The tutorial's own API, same paths and JSON as its Flask backend:
//   GET /get_roles     → {"secretMessage": "You are now a trained Descope user!", "roles": [...]}
//   GET /get_role_data → {"valid_teacher": bool, "valid_student": bool}
// Both protected by token_required over the session SDK with an in-process
// key source: the server is the SDK's first user.
#pragma once

#include <memory>
#include <string>

#include <gatehouse/session.h>

#include "auth/key_ring.h"
#include "http/router.h"

namespace gatehouse::api {

std::shared_ptr<const gatehouse::SessionClient> register_app_routes(
    http::Router& router, const std::string& project_id, std::shared_ptr<const auth::KeyRing> keys);

}  // namespace gatehouse::api
