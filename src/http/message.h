// gatehouse::http::Request / Response — the HTTP layer's own plain message types.
//
// Handlers in api/ see only these, never Beast: that keeps Beast and Asio
// headers (and their compile time) inside http/ and the server wiring.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <boost/json/fwd.hpp>

namespace gatehouse::http {

struct Request {
  std::string method;  // "GET", "POST", …
  std::string target;  // as received: path + query
  std::string path;    // percent-decoded path without the query
  std::string query;   // raw query string without '?'
  std::vector<std::pair<std::string, std::string>> headers;  // names lower-cased
  std::string body;
  std::string remote_ip;  // the TCP peer
  // The client: the peer, or when the peer is a trusted proxy, the address it forwarded
  // (http/trusted_proxies.h). What logs, audit and rate limits should key on.
  std::string client_ip;
  std::string request_id;
  std::map<std::string, std::string> params;  // path parameters filled by the router
  int route = -1;                             // the route that matched (Router::match); -1 = none

  // Value of the first header named `name` (lower-case), or "" when absent.
  std::string_view header(std::string_view name) const;
  // Value of the first cookie named `name`, or "" when absent.
  std::string cookie(std::string_view name) const;
  // Percent-decoded value of query parameter `name`, or "" when absent.
  std::string query_param(std::string_view name) const;
};

struct Response {
  int status = 200;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;

  void set_header(std::string name, std::string value);
  static Response json(int status, const boost::json::value& body);
  static Response json_text(int status, std::string body);
};

}  // namespace gatehouse::http
