// Beast's parsed request → http::Request: lower-cased header names, the target split into
// a percent-decoded path (empty when the target is not an origin-form path) and the raw
// query. Its own file so the HTTP fuzz target (tests/fuzz) reaches it without a socket.
#pragma once

#include <string>

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

#include "http/message.h"

namespace gatehouse::http {

// Moves the body out of `msg`. The request id is the middleware's, left empty here.
Request to_request(boost::beast::http::request<boost::beast::http::string_body>& msg,
                   const std::string& remote);

}  // namespace gatehouse::http
