// HttpClient over libcurl.
#include <curl/curl.h>

#include <memory>
#include <stdexcept>

#include "gatehouse/http_client.h"

namespace gatehouse {
namespace {

struct Body {
  std::string data;
  size_t limit;
  bool too_large = false;
};

size_t on_data(char* ptr, size_t size, size_t nmemb, void* user) {
  auto* body = static_cast<Body*>(user);
  size_t n = size * nmemb;
  if (body->data.size() + n > body->limit) {
    body->too_large = true;
    return 0;  // makes curl abort the transfer
  }
  body->data.append(ptr, n);
  return n;
}

class CurlHttpClient final : public HttpClient {
 public:
  explicit CurlHttpClient(CurlOptions options) : options_(options) {}

  Result<HttpResponse> send(const HttpRequest& request) override {
    std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> curl(curl_easy_init(), curl_easy_cleanup);
    if (!curl) return make_error(Errc::kInternal, "curl_easy_init failed");
    std::unique_ptr<curl_slist, decltype(&curl_slist_free_all)> headers(nullptr,
                                                                        curl_slist_free_all);
    for (const auto& [name, value] : request.headers) {
      std::string line = name + ": " + value;
      curl_slist* next = curl_slist_append(headers.get(), line.c_str());
      if (!next) return make_error(Errc::kInternal, "curl_slist_append failed");
      headers.release();
      headers.reset(next);
    }
    Body body{.data = {}, .limit = options_.max_response_bytes};
    CURL* h = curl.get();
    curl_easy_setopt(h, CURLOPT_URL, request.url.c_str());
    curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);  // signals and threads do not mix
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, options_.connect_timeout_ms);
    curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, options_.timeout_ms);
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers.get());
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, &on_data);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, &body);
    if (request.method == "POST") {
      curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE,
                       static_cast<curl_off_t>(request.body.size()));
      curl_easy_setopt(h, CURLOPT_POSTFIELDS, request.body.c_str());
    } else if (request.method != "GET") {
      curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, request.method.c_str());
      if (!request.body.empty()) {
        curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE,
                         static_cast<curl_off_t>(request.body.size()));
        curl_easy_setopt(h, CURLOPT_POSTFIELDS, request.body.c_str());
      }
    }
    CURLcode rc = curl_easy_perform(h);
    if (body.too_large) {
      return make_error(Errc::kUnavailable, request.url + ": response too large");
    }
    if (rc != CURLE_OK) {
      return make_error(Errc::kUnavailable, request.url + ": " + curl_easy_strerror(rc));
    }
    long status = 0;
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
    return HttpResponse{.status = static_cast<int>(status), .body = std::move(body.data)};
  }

 private:
  CurlOptions options_;
};

}  // namespace

std::shared_ptr<HttpClient> make_curl_http_client(CurlOptions options) {
  // curl_global_init is not thread-safe in older libcurl; do it once, before any handle.
  static const bool initialised = curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK;
  if (!initialised) throw std::runtime_error("curl_global_init failed");
  return std::make_shared<CurlHttpClient>(options);
}

}  // namespace gatehouse
