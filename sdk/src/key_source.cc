#include "gatehouse/key_source.h"

#include <boost/json/parse.hpp>

#include <algorithm>
#include <atomic>
#include <mutex>

#include "gatehouse/snapshot.h"
#include "url.h"

namespace gatehouse {
namespace {

using jose::Jwks;

Error unavailable(std::string message) {
  return make_error(Errc::kUnavailable, std::move(message));
}

Result<KeySet> parse_key_set(const boost::json::value& json) {
  auto jwks = std::make_shared<Jwks>();
  JwtStatus s = jose::parse_jwks(json, jwks.get());
  if (s != JwtStatus::kOk) {
    return unavailable(std::string("key set unusable: ") + jwt_status_name(s));
  }
  return KeySet(std::move(jwks));
}

// Snapshot + throttled fetch, shared by the remote and in-process sources. Readers load
// the snapshot atomically; mu_ serialises fetches and the bookkeeping below.
class CachingKeySource final : public KeySource {
 public:
  using Fetch = std::function<Result<boost::json::value>()>;

  CachingKeySource(Fetch fetch, int64_t min_interval, int64_t max_age, Clock clock)
      : fetch_(std::move(fetch)),
        min_interval_(min_interval),
        max_age_(max_age),
        clock_(std::move(clock)) {}

  Result<KeySet> keys() override {
    if (KeySet snap = current_.load()) {
      if (max_age_ > 0 && clock_() >= refresh_due_.load(std::memory_order_relaxed)) {
        return refresh_stale(std::move(snap));
      }
      return snap;
    }
    std::lock_guard lock(mu_);
    if (KeySet snap = current_.load()) return snap;
    return fetch_locked();
  }

  Result<KeySet> refetch(std::string_view unknown_kid) override {
    // A flood of tokens naming unknown keys must not queue on mu_: while a fetch would be
    // throttled anyway, answer from the snapshot without locking.
    if (KeySet snap = current_.load()) {
      if (clock_() < refetch_allowed_.load(std::memory_order_relaxed)) return snap;
    }
    std::lock_guard lock(mu_);
    KeySet snap = current_.load();
    if (snap && snap->find(unknown_kid)) return snap;  // another thread just fetched it
    return fetch_locked();
  }

 private:
  // The set is older than max_age: one thread fetches (blocking its own validation for
  // the round trip); the others do not wait for it and use the set they have.
  Result<KeySet> refresh_stale(KeySet snap) {
    std::unique_lock lock(mu_, std::try_to_lock);
    if (!lock) return snap;
    if (clock_() < refresh_due_.load(std::memory_order_relaxed)) return current_.load();
    Result<KeySet> fresh = fetch_locked();
    return fresh ? *fresh : snap;
  }

  // Fetches unless throttled. Returns the newest snapshot; a failed fetch keeps the old one
  // and only reports its error when there is none.
  Result<KeySet> fetch_locked() {
    KeySet snap = current_.load();
    int64_t now = clock_();
    if (attempted_) {
      int64_t wait = throttle_locked();
      if (now - last_attempt_ < wait) {
        // A refresh by age that is throttled waits for the throttle, not spinning on mu_.
        if (max_age_ > 0 && refresh_due_.load(std::memory_order_relaxed) < last_attempt_ + wait) {
          refresh_due_.store(last_attempt_ + wait, std::memory_order_relaxed);
        }
        if (snap) return snap;
        return last_error_;
      }
    }
    attempted_ = true;
    last_attempt_ = now;
    Result<KeySet> fresh = load(snap);
    last_ok_ = fresh.ok();
    refetch_allowed_.store(now + throttle_locked(), std::memory_order_relaxed);
    if (max_age_ > 0) {
      refresh_due_.store(now + (last_ok_ ? max_age_ : 1), std::memory_order_relaxed);
    }
    if (!fresh) {
      last_error_ = fresh.error();
      if (snap) return snap;
      return fresh;
    }
    current_.store(*fresh);
    return fresh;
  }

  // Seconds between fetch attempts: min_interval after a success, at most 1 s after a failure.
  int64_t throttle_locked() const {
    return last_ok_ ? min_interval_ : std::min<int64_t>(1, min_interval_);
  }

  Result<KeySet> load(const KeySet& snap) {
    Result<boost::json::value> json = fetch_();
    if (!json) return json.error();
    if (snap && *json == last_json_) return snap;  // unchanged: skip re-importing keys
    Result<KeySet> parsed = parse_key_set(*json);
    if (parsed) last_json_ = std::move(*json);
    return parsed;
  }

  const Fetch fetch_;
  const int64_t min_interval_;
  const int64_t max_age_;  // 0: never refreshed for age
  const Clock clock_;
  SharedSnapshot<jose::Jwks> current_;
  // When the set is due to be fetched again for its age; written under mu_, read without.
  std::atomic<int64_t> refresh_due_{0};
  // Before this time a refetch is throttled; written under mu_, read without.
  std::atomic<int64_t> refetch_allowed_{0};
  std::mutex mu_;
  // Guarded by mu_:
  bool attempted_ = false;
  bool last_ok_ = false;
  int64_t last_attempt_ = 0;
  Error last_error_{Errc::kUnavailable, "keys not fetched yet"};
  boost::json::value last_json_;
};

class StaticKeySource final : public KeySource {
 public:
  explicit StaticKeySource(Result<KeySet> keys) : keys_(std::move(keys)) {}
  Result<KeySet> keys() override { return keys_; }
  Result<KeySet> refetch(std::string_view) override { return keys_; }

 private:
  const Result<KeySet> keys_;
};

}  // namespace

std::shared_ptr<KeySource> make_remote_key_source(std::string base_url, std::string project_id,
                                                  RemoteKeySourceOptions options) {
  std::shared_ptr<HttpClient> http = options.http ? options.http : make_curl_http_client();
  std::string url =
      detail::trim_base_url(base_url) + "/v2/keys/" + detail::encode_path_segment(project_id);
  auto fetch = [http, url, project_id]() -> Result<boost::json::value> {
    Result<HttpResponse> r = http->send(
        {.method = "GET", .url = url, .headers = {{"Authorization", "Bearer " + project_id}}});
    if (!r) return unavailable("key fetch failed: " + r.error().message);
    if (r->status != 200) {
      return unavailable("key fetch failed: GET " + url + " answered " + std::to_string(r->status));
    }
    boost::system::error_code ec;
    boost::json::value v = boost::json::parse(r->body, ec);
    if (ec) return unavailable("key fetch failed: GET " + url + " did not answer JSON");
    return v;
  };
  return std::make_shared<CachingKeySource>(std::move(fetch), options.min_refetch_interval,
                                            options.max_age, std::move(options.clock));
}

std::shared_ptr<KeySource> make_in_process_key_source(
    std::function<boost::json::value()> provider) {
  auto fetch = [provider = std::move(provider)]() -> Result<boost::json::value> {
    return provider();
  };
  return std::make_shared<CachingKeySource>(std::move(fetch), 0, 0, system_clock());
}

std::shared_ptr<KeySource> make_static_key_source(boost::json::value jwks) {
  // A bare JWK (Descope's DESCOPE_PUBLIC_KEY form) counts as a set of one.
  if (const boost::json::object* o = jwks.if_object();
      o && !o->contains("keys") && o->contains("kty")) {
    jwks = boost::json::object{{"keys", boost::json::array{jwks}}};
  }
  return std::make_shared<StaticKeySource>(parse_key_set(jwks));
}

}  // namespace gatehouse
