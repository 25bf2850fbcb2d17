// Beast's parsed request → http::Request: lower-cased header names, the target split into
// a percent-decoded path (empty when the target is not an origin-form path) and the raw
// query. Its own file so the HTTP fuzz target (tests/fuzz) reaches it without a socket.
#pragma once

#include <string>

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

#include "http/message.h"
#include "http/trusted_proxies.h"

namespace gatehouse::http {

// Moves the body out of `msg`. The request id is the middleware's, left empty here. The
// client address is the peer's, or with `proxies` and a trusted peer the one it forwarded.
Request to_request(boost::beast::http::request<boost::beast::http::string_body>& msg,
                   const std::string& remote, const TrustedProxies* proxies = nullptr);

}  // namespace gatehouse::http
