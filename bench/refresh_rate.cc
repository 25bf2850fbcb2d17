// gh_refresh_rate: the raw refresh rate the refresh benchmark compares against — what a
// refresh cannot avoid, and nothing else.
//
//   gh_refresh_rate --threads 2 --seconds 3 --alg RS256
//   {"threads":2,"alg":"RS256","seconds":3.00,"refreshes":3120,"rate":1040.0}
//
// Each thread holds one sign-in (a refresh token of its own family) and loops: verify the
// refresh JWT (one public-key operation), read its row (SessionStore::get), sign a session
// and a refresh JWT (the two signatures), and rotate the row to the new token
// (SessionStore::rotate) in a SQLite store in a fresh temporary data directory — the same
// engine and schema the server uses. No HTTP, no request or answer JSON, no user read.
// bench/harness.py runs it just before and after each refresh run, with as many threads
// as the server has workers.
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "gatehouse/clock.h"
#include "gatehouse/crypto/digest.h"
#include "gatehouse/crypto/random.h"
#include "gatehouse/jose/jwk.h"
#include "gatehouse/jose/jwt.h"
#include "gatehouse/jose/signing_key.h"
#include "gatehouse/jose/verify.h"
#include "store/sqlite/sqlite_store.h"

namespace {

constexpr const char* kProject = "P2rEfreshRateBenchxxxxxxxxxxx";

int usage(const char* why) {
  std::fprintf(stderr,
               "gh_refresh_rate: %s\nusage: gh_refresh_rate [--threads N] [--seconds S] "
               "[--alg RS256|ES256]\n",
               why);
  return 2;
}

// A token shaped like the server's (docs/descope-wire.md §2.2-2.3).
std::string mint(const gatehouse::jose::SigningKey& key, const std::string& user,
                 const std::string& family, const std::string& jti, const char* drn, int64_t now) {
  boost::json::object claims{{"sub", user},
                             {"iss", kProject},
                             {"iat", now},
                             {"exp", now + 3600},
                             {"drn", drn},
                             {"sid", family},
                             {"amr", boost::json::array{"pwd"}},
                             {"roles", boost::json::array{}},
                             {"permissions", boost::json::array{}},
                             {"tenants", boost::json::object{}}};
  if (!jti.empty()) claims["jti"] = jti;
  return gatehouse::jose::sign_jwt(key, claims);
}

}  // namespace

int main(int argc, char** argv) {
  int threads = 2;
  double seconds = 3;
  std::string alg = "RS256";
  for (int i = 1; i < argc; ++i) {
    std::string_view flag = argv[i];
    if (i + 1 >= argc) return usage("every flag takes a value");
    std::string value = argv[++i];
    if (flag == "--threads") {
      threads = std::atoi(value.c_str());
    } else if (flag == "--seconds") {
      seconds = std::atof(value.c_str());
    } else if (flag == "--alg") {
      alg = value;
    } else {
      return usage("unknown flag");
    }
  }
  if (threads < 1 || threads > 256) return usage("--threads is 1..256");
  if (seconds <= 0) return usage("--seconds is positive");
  auto key = gatehouse::jose::SigningKey::generate(alg);
  if (!key) return usage(key.error().message.c_str());
  gatehouse::jose::Jwks jwks;
  if (gatehouse::jose::parse_jwks(
          boost::json::object{{"keys", boost::json::array{key->public_jwk()}}}, &jwks) !=
      gatehouse::JwtStatus::kOk) {
    return usage("cannot read the key set");
  }

  char dir_template[] = "/tmp/gh-refresh-rate-XXXXXX";
  if (!::mkdtemp(dir_template)) return usage("cannot make a temporary directory");
  const std::string dir = dir_template;
  int status = 0;
  {
    auto stores = gatehouse::store::open_sqlite(dir + "/gatehouse.db");
    if (!stores) return usage(stores.error().message.c_str());
    const int64_t start_time = gatehouse::system_now();
    // One user and one sign-in per thread, made before the clock starts.
    std::vector<std::string> refresh(threads);
    std::vector<std::string> users(threads), families(threads);
    for (int t = 0; t < threads; ++t) {
      gatehouse::store::NewUser u;
      u.id = gatehouse::crypto::random_id('U');
      u.login_id = "refresh" + std::to_string(t) + "@bench.local";
      u.email = u.login_id;
      u.created_at = start_time;
      if (auto made = stores->users->create(u); !made) return usage(made.error().message.c_str());
      users[t] = u.id;
      families[t] = gatehouse::crypto::random_token(16);
      const std::string jti = gatehouse::crypto::random_token(16);
      refresh[t] = mint(*key, users[t], families[t], jti, "DSR", start_time);
      gatehouse::store::RefreshToken rec{jti,         users[t],
                                         families[t], gatehouse::crypto::sha256_hex(refresh[t]),
                                         start_time,  start_time + 3600};
      if (auto st = stores->sessions->insert(rec); !st) return usage(st.error().message.c_str());
    }

    std::atomic<bool> failed{false};
    std::vector<long> counts(threads, 0);
    const auto end = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
    std::vector<std::thread> pool;
    for (int t = 0; t < threads; ++t) {
      pool.emplace_back([&, t] {
        while (!failed && std::chrono::steady_clock::now() < end) {
          const int64_t now = gatehouse::system_now();
          gatehouse::jose::Jwt jwt;
          if (gatehouse::jose::verify_jwt(refresh[t], jwks,
                                          {.now = now, .expected_issuer = kProject},
                                          &jwt) != gatehouse::JwtStatus::kOk) {
            failed = true;
            break;
          }
          const std::string old_id(jwt.payload.at("jti").as_string());
          auto row = stores->sessions->get(old_id);
          if (!row) {
            failed = true;
            break;
          }
          const std::string jti = gatehouse::crypto::random_token(16);
          std::string session = mint(*key, users[t], families[t], "", "DS", now);
          std::string next = mint(*key, users[t], families[t], jti, "DSR", now);
          gatehouse::store::RefreshToken rec{
              jti, users[t], families[t], gatehouse::crypto::sha256_hex(next), now, now + 3600};
          if (session.empty() || !stores->sessions->rotate(old_id, rec, now)) {
            failed = true;
            break;
          }
          refresh[t] = std::move(next);
          ++counts[t];
        }
      });
    }
    for (auto& th : pool) th.join();
    long total = 0;
    for (long c : counts) total += c;
    if (failed) {
      std::fprintf(stderr, "gh_refresh_rate: a verification, read or rotation failed\n");
      status = 1;
    } else {
      std::printf(
          "{\"threads\":%d,\"alg\":\"%s\",\"seconds\":%.2f,\"refreshes\":%ld,\"rate\":%.1f}\n",
          threads, alg.c_str(), seconds, total, static_cast<double>(total) / seconds);
    }
  }
  std::error_code ec;
  std::filesystem::remove_all(dir, ec);
  return status;
}
