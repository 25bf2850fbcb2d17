// token_required: the C++ counterpart of the tutorial's Flask decorator.
//
// Wraps a handler so it only runs for requests carrying
// `Authorization: Bearer <sessionJwt>` that the session SDK validates; the
// handler receives what validate_session returned. Anything else gets the
// tutorial's 401 {"error": "❌ invalid session token!"}. Built on the public
// session SDK only — an outside C++ backend would write the same code.
//
//   router.add("GET", "/get_roles", token_required(client, [](auto& req, auto& jwt) {
//     return http::Response::json(200, {{"roles", …}});
//   }), {.inline_on_io = true});
#pragma once

#include <functional>
#include <memory>

#include <gatehouse/session.h>

#include "http/router.h"

namespace gatehouse::api {

using ProtectedHandler =
    std::function<http::Response(http::Request&, const gatehouse::JwtResponse&)>;

http::Handler token_required(std::shared_ptr<const gatehouse::SessionClient> client,
                             ProtectedHandler handler);

}  // namespace gatehouse::api
