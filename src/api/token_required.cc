#include "api/token_required.h"

#include <boost/json.hpp>

namespace gatehouse::api {

namespace {

std::string_view bearer_token(std::string_view h) {
  // Flask's `request.headers['Authorization'].split(" ")[1]`, without the crash.
  auto space = h.find(' ');
  if (space == std::string_view::npos || h.substr(0, space) != "Bearer") return {};
  h.remove_prefix(space + 1);
  return h.substr(0, h.find(' '));
}

}  // namespace

http::Handler token_required(std::shared_ptr<const gatehouse::SessionClient> client,
                             ProtectedHandler handler) {
  return [client = std::move(client), handler = std::move(handler)](http::Request& req) {
    auto token = bearer_token(req.header("authorization"));
    auto session = token.empty() ? Result<std::shared_ptr<const gatehouse::JwtResponse>>(
                                       make_error(Errc::kInvalidToken, "no session token"))
                                 : client->validate_session_shared(token);
    if (!session) {
      static const std::string kBody =
          boost::json::serialize(boost::json::object{{"error", "❌ invalid session token!"}});
      return http::Response::json_text(401, kBody);
    }
    return handler(req, **session);
  };
}

}  // namespace gatehouse::api
