// Server configuration: flags override environment (GATEHOUSE_*), which
// overrides built-in defaults. One table lists every option; `--help` prints it.
#pragma once

#include <algorithm>
#include <cstdint>
#include <string>
#include <thread>
#include <vector>

#include "auth/rate_limiter.h"
#include "auth/smtp_mailer.h"
#include "gatehouse/result.h"

namespace gatehouse::server {

// The machine's cores (at least 1, at most 64).
inline int default_io_threads() {
  return static_cast<int>(std::clamp(std::thread::hardware_concurrency(), 1u, 64u));
}

struct Config {
  std::string address = "0.0.0.0";
  int port = 8080;
  std::string data_dir = "./data";
  // Empty: SQLite in data_dir. postgres://... (or postgresql://): the PostgreSQL engine
  // (docs/postgres.md).
  std::string database_url;
  int database_pool = 8;   // PostgreSQL connections per process
  std::string project_id;  // empty: generated once and kept in the data dir
  std::string base_url;    // empty: http://localhost:<port>
  std::vector<std::string> default_roles;
  std::string web_dir = "web/dist";
  std::string flows_dir;  // operator flows (docs/flows.md); empty: <data_dir>/flows
  // The UI library the flow component loads (installed by npm in web/).
  std::string ui_components_dir = "web/node_modules/@descope/web-components-ui/dist/umd";
  int64_t session_ttl = 600;
  int64_t refresh_ttl = 28 * 24 * 3600;
  int64_t refresh_grace = 10;
  // RS256 | ES256 for the keys made from now on; empty: as the current key (RS256 at first).
  std::string signing_alg;
  // The key-encryption key that seals the signing keys in the store
  // (server/key_encryption.h): a file, or the key as text; both empty: <data>/keys/kek.
  std::string key_encryption_key_file;
  std::string key_encryption_key;  // secret: never logged
  int password_min_length = 8;
  int64_t argon2_memory_kib = 19 * 1024;
  int64_t argon2_iterations = 2;
  // One event loop per core, as nginx runs one worker per core (http/server.h).
  int io_threads = default_io_threads();
  int workers = 2;
  int network_threads = 8;
  int hash_concurrency = 2;
  std::string hash_in = "processes";  // processes | threads
  int worker_nice = 10;
  int64_t body_limit = 1024 * 1024;
  std::vector<std::string> cors_origins;  // normalized (http::Cors::normalize_origin)
  int64_t max_connections = 4096;
  int64_t max_connections_per_ip = 256;
  int64_t read_timeout = 30;
  std::vector<std::string> trusted_proxies;     // checked (http::TrustedProxies::parse)
  std::string token_cookies = "none";           // none | refresh | both
  std::string email_verification = "optional";  // optional | required
  std::string admin_email = "admin@localhost";
  auth::RateLimits rate_limits;
  // Mail: SMTP when smtp.host is set, else the development engine (log + dev mailbox).
  auth::SmtpConfig smtp;
  std::string product_name = "Gatehouse";
  std::vector<std::string> redirect_origins;  // normalized; empty: the base URL's origin
  bool demo = false;
  std::string metrics = "loopback";  // loopback | open | off (GET /metrics)
  // Validator node (docs/operations.md): no store, sessions checked against issuer_url's
  // published keys; project_id then names the issuer's project (else read from
  // issuer_url's /gatehouse/config.json).
  bool validator = false;
  std::string issuer_url;
  int64_t jwks_refetch_interval = 30;
  std::string demo_password;
};

// Parses `args` (the words after the subcommand) over the environment over the
// defaults. Unknown flags and bad values are kInvalidArgument with a message
// naming the flag. Remaining positional words are returned in `positional`.
Result<Config> load_config(const std::vector<std::string>& args,
                           std::vector<std::string>* positional = nullptr);

// The option table as help text (flag, environment variable, default, meaning).
std::string config_help();

std::vector<std::string> split_list(const std::string& s);

}  // namespace gatehouse::server
