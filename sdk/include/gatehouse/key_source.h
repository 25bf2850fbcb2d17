// KeySource: where SessionClient gets the public keys that verify session and refresh
// JWTs. Three kinds:
//   - make_remote_key_source: GET {baseUrl}/v2/keys/{projectId} over HTTP, cached; what an
//     app backend uses.
//   - make_in_process_key_source: asks a function for the JWKS JSON; what the Gatehouse
//     server uses for its own keys (no HTTP round trip).
//   - make_static_key_source: a fixed JWKS (or a single JWK, like DESCOPE_PUBLIC_KEY).
//
//   auto keys = gatehouse::make_remote_key_source("https://auth.example.com", "P2abc");
//   gatehouse::SessionClient client({.project_id = "P2abc",
//                                    .base_url = "https://auth.example.com",
//                                    .keys = keys});
//
// All sources are thread-safe: readers take a shared_ptr snapshot of the parsed key set
// without locking; a mutex is held only while fetching.
#pragma once

#include <boost/json/value.hpp>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "gatehouse/clock.h"
#include "gatehouse/http_client.h"
#include "gatehouse/jose/jwk.h"
#include "gatehouse/result.h"

namespace gatehouse {

using KeySet = std::shared_ptr<const jose::Jwks>;

class KeySource {
 public:
  virtual ~KeySource() = default;
  // The current key set, fetched on first use. kUnavailable if none could be obtained.
  virtual Result<KeySet> keys() = 0;
  // Called when a token names a kid missing from the set keys() returned. May fetch again
  // (throttled) and returns the newest set, which may still lack the kid.
  virtual Result<KeySet> refetch(std::string_view unknown_kid) = 0;
};

struct RemoteKeySourceOptions {
  // Fetches caused by unknown kids happen at most this often (seconds), so a flood of
  // tokens with made-up kids cannot hammer the server. After a failed fetch the next
  // attempt is allowed one second later.
  int64_t min_refetch_interval = 30;
  // A fetched set is fetched again once it is this old (seconds; the server's JWKS
  // max-age): by the one validating thread that notices, while the others keep using it.
  // So a key the server publishes ahead of signing with it is known before its first
  // token arrives, and a key the server retired stops verifying here too. A failed fetch
  // keeps the set and is retried a second later. 0 = keep the set until a token names an
  // unknown kid.
  int64_t max_age = 300;
  Clock clock = system_clock();
  std::shared_ptr<HttpClient> http;  // default: make_curl_http_client()
};

// Fetches GET {base_url}/v2/keys/{project_id} with "Authorization: Bearer <project_id>".
// A failed or unusable fetch keeps the previously fetched keys.
std::shared_ptr<KeySource> make_remote_key_source(std::string base_url, std::string project_id,
                                                  RemoteKeySourceOptions options = {});

// provider returns the JWKS JSON ({"keys":[…]}); it is called on first use and again on
// every unknown kid (no throttling: it is a local call), and the set is re-parsed only
// when the JSON changed. provider must be thread-safe.
std::shared_ptr<KeySource> make_in_process_key_source(std::function<boost::json::value()> provider);

// A fixed key set: {"keys":[…]} or one JWK object. Invalid input makes every keys() call
// fail with kUnavailable.
std::shared_ptr<KeySource> make_static_key_source(boost::json::value jwks);

}  // namespace gatehouse
