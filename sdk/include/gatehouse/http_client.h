// HttpClient: the SDK's only door to the network (key fetch, refresh). An interface so
// tests can answer requests in-process and applications can plug in their own HTTP stack;
// make_curl_http_client is the default.
//
//   std::shared_ptr<gatehouse::HttpClient> http = gatehouse::make_curl_http_client();
//   Result<gatehouse::HttpResponse> r =
//       http->send({.method = "GET", .url = "https://auth.example.com/v2/keys/P2abc"});
//   if (r && r->status == 200) use(r->body);
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "gatehouse/result.h"

namespace gatehouse {

struct HttpRequest {
  std::string method = "GET";
  std::string url;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
};

struct HttpResponse {
  int status = 0;
  std::string body;
};

class HttpClient {
 public:
  virtual ~HttpClient() = default;
  // Any HTTP status is a success here; an error (kUnavailable) means no response arrived.
  // Must be safe to call from many threads at once.
  virtual Result<HttpResponse> send(const HttpRequest& request) = 0;
};

struct CurlOptions {
  long connect_timeout_ms = 3000;
  long timeout_ms = 10000;                  // whole request
  size_t max_response_bytes = 1024 * 1024;  // larger bodies fail the request
};

// libcurl, one easy handle per request, http/https only, redirects not followed.
std::shared_ptr<HttpClient> make_curl_http_client(CurlOptions options = {});

}  // namespace gatehouse
