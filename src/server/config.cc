#include "server/config.h"

#include <algorithm>
#include <charconv>
#include <cstdlib>
#include <functional>
#include <sstream>

#include "http/cors.h"
#include "http/trusted_proxies.h"

namespace gatehouse::server {

namespace {

struct Option {
  const char* flag;  // without "--"
  const char* env;
  const char* help;
  bool is_bool;
  std::function<std::string(const Config&)> show;  // default, for --help
  std::function<Status(Config&, const std::string&)> set;
};

Status bad(const std::string& why) { return make_error(Errc::kInvalidArgument, why); }

template <class T>
std::function<Status(Config&, const std::string&)> set_int(T Config::*field, T min, T max) {
  return [=](Config& c, const std::string& v) -> Status {
    T n{};
    auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
    if (ec != std::errc() || p != v.data() + v.size()) return bad("'" + v + "' is not a number");
    if (n < min || n > max) {
      return bad("must be between " + std::to_string(min) + " and " + std::to_string(max));
    }
    c.*field = n;
    return ok_status();
  };
}

// "must be a, b or c" unless `v` is one of `choices`.
Status check_one_of(const std::string& v, const std::vector<std::string>& choices) {
  if (std::find(choices.begin(), choices.end(), v) != choices.end()) return ok_status();
  std::string list;
  for (size_t i = 0; i < choices.size(); ++i) {
    list += (i == 0 ? "" : i + 1 == choices.size() ? " or " : ", ") + choices[i];
  }
  return bad("must be " + list);
}

std::function<Status(Config&, const std::string&)> set_one_of(std::string Config::*field,
                                                              std::vector<std::string> choices) {
  return [=](Config& c, const std::string& v) -> Status {
    if (auto st = check_one_of(v, choices); !st) return st;
    c.*field = v;
    return ok_status();
  };
}

std::function<Status(Config&, const std::string&)> set_str(std::string Config::*field) {
  return [=](Config& c, const std::string& v) -> Status {
    c.*field = v;
    return ok_status();
  };
}

std::function<Status(Config&, const std::string&)> set_list(
    std::vector<std::string> Config::*field) {
  return [=](Config& c, const std::string& v) -> Status {
    c.*field = split_list(v);
    return ok_status();
  };
}

template <class T>
std::function<std::string(const Config&)> show_num(T Config::*field) {
  return [=](const Config& c) { return std::to_string(c.*field); };
}

// "FREE/LOCK_AFTER/SECONDS": attempts that run free, attempts that lock the key, and the
// window and lockout length in seconds.
std::function<Status(Config&, const std::string&)> set_policy(
    auth::RatePolicy auth::RateLimits::*field) {
  return [=](Config& c, const std::string& v) -> Status {
    int64_t n[3] = {0, 0, 0};
    const char* p = v.data();
    const char* end = v.data() + v.size();
    for (int i = 0; i < 3; ++i) {
      auto [next, ec] = std::from_chars(p, end, n[i]);
      if (ec != std::errc() || next == p || (i < 2 ? next == end || *next != '/' : next != end)) {
        return bad("'" + v + "' is not FREE/LOCK_AFTER/SECONDS, e.g. 5/10/900");
      }
      p = next + 1;
    }
    auth::RatePolicy policy = c.rate_limits.*field;
    if (n[0] > 1000000 || n[1] > 1000000 || n[2] > 30LL * 24 * 3600) return bad("too large");
    policy.free = static_cast<int>(n[0]);
    policy.lock_after = static_cast<int>(n[1]);
    policy.period = n[2];
    if (auto st = auth::validate(policy); !st) return st;
    c.rate_limits.*field = policy;
    return ok_status();
  };
}

std::function<std::string(const Config&)> show_policy(auth::RatePolicy auth::RateLimits::*field) {
  return [=](const Config& c) {
    const auth::RatePolicy& p = c.rate_limits.*field;
    return std::to_string(p.free) + "/" + std::to_string(p.lock_after) + "/" +
           std::to_string(p.period);
  };
}

std::function<std::string(const Config&)> show_str(const char* text) {
  return [=](const Config&) { return std::string(text); };
}

const std::vector<Option>& options() {
  static const std::vector<Option> kOptions = {
      {"port", "GATEHOUSE_PORT", "TCP port to listen on (0 picks a free one)", false,
       show_num(&Config::port), set_int(&Config::port, 0, 65535)},
      {"address", "GATEHOUSE_ADDRESS", "address to listen on", false, show_str("0.0.0.0"),
       set_str(&Config::address)},
      {"data", "GATEHOUSE_DATA",
       "data directory: the SQLite database (with the signing keys) and keys/kek", false,
       show_str("./data"), set_str(&Config::data_dir)},
      {"database-url", "GATEHOUSE_DATABASE_URL",
       "PostgreSQL to store everything in, postgres://user:password@host:port/db (see "
       "docs/postgres.md); empty: SQLite in the data directory",
       false, show_str("(SQLite in the data directory)"),
       [](Config& c, const std::string& v) -> Status {
         if (!v.empty() && !v.starts_with("postgres://") && !v.starts_with("postgresql://")) {
           return bad("must start with postgres:// or postgresql://");
         }
         c.database_url = v;
         return ok_status();
       }},
      {"database-pool", "GATEHOUSE_DATABASE_POOL",
       "PostgreSQL connections this process opens at most (about --workers plus a few)", false,
       show_num(&Config::database_pool), set_int(&Config::database_pool, 1, 1000)},
      {"project-id", "GATEHOUSE_PROJECT_ID",
       "project id (default: generated once as P + 27 letters/digits, kept in the data dir)", false,
       show_str("(generated)"), set_str(&Config::project_id)},
      {"base-url", "GATEHOUSE_BASE_URL", "public URL of this server", false,
       show_str("http://localhost:<port>"), set_str(&Config::base_url)},
      {"default-roles", "GATEHOUSE_DEFAULT_ROLES", "comma-separated roles given on sign-up", false,
       show_str("(none)"), set_list(&Config::default_roles)},
      {"web-dir", "GATEHOUSE_WEB_DIR", "built web app to serve at /", false, show_str("web/dist"),
       set_str(&Config::web_dir)},
      {"flows-dir", "GATEHOUSE_FLOWS_DIR",
       "extra flow definitions (*.json, screens/*.html) beside the built-in ones", false,
       show_str("<data>/flows"), set_str(&Config::flows_dir)},
      {"ui-components-dir", "GATEHOUSE_UI_COMPONENTS_DIR",
       "dist/umd of @descope/web-components-ui, served at /npm/ for flow screens", false,
       show_str("web/node_modules/@descope/web-components-ui/dist/umd"),
       set_str(&Config::ui_components_dir)},
      {"session-ttl", "GATEHOUSE_SESSION_TTL", "session JWT lifetime, seconds", false,
       show_num(&Config::session_ttl), set_int<int64_t>(&Config::session_ttl, 30, 24 * 3600)},
      {"refresh-ttl", "GATEHOUSE_REFRESH_TTL", "refresh JWT lifetime, seconds", false,
       show_num(&Config::refresh_ttl),
       set_int<int64_t>(&Config::refresh_ttl, 60, 400LL * 24 * 3600)},
      {"refresh-grace", "GATEHOUSE_REFRESH_GRACE", "seconds a rotated refresh token keeps working",
       false, show_num(&Config::refresh_grace), set_int<int64_t>(&Config::refresh_grace, 0, 300)},
      {"signing-alg", "GATEHOUSE_SIGNING_ALG",
       "algorithm of the session and refresh JWTs: RS256 (Descope's) or ES256 (P-256). A "
       "change is a key rotation: the next key is replaced by one of this algorithm and signs "
       "from the next `gatehouse key rotate`; tokens of the old key stay valid until they expire",
       false, show_str("as the current key; RS256 for a new data directory"),
       set_one_of(&Config::signing_alg, {"RS256", "ES256"})},
      {"key-encryption-key-file", "GATEHOUSE_KEY_ENCRYPTION_KEY_FILE",
       "file holding the key that seals the signing keys' private halves in the store: 32 "
       "bytes, raw, as 64 hex digits or as base64 (openssl rand -hex 32 > FILE; mode 0600). "
       "Every node on one database needs the same key (docs/security.md, \"Key encryption\")",
       false, show_str("<data>/keys/kek, made at the first start"),
       set_str(&Config::key_encryption_key_file)},
      {"key-encryption-key", "GATEHOUSE_KEY_ENCRYPTION_KEY",
       "that key itself, as 64 hex digits or base64, instead of a file (prefer the "
       "environment variable: flags show in ps)",
       false, show_str("(none)"), set_str(&Config::key_encryption_key)},
      {"password-min-length", "GATEHOUSE_PASSWORD_MIN_LENGTH", "minimum password length", false,
       show_num(&Config::password_min_length), set_int(&Config::password_min_length, 8, 128)},
      {"argon2-memory-kib", "GATEHOUSE_ARGON2_MEMORY_KIB",
       "Argon2id memory per hash, KiB (OWASP minimum 19456)", false,
       show_num(&Config::argon2_memory_kib),
       set_int<int64_t>(&Config::argon2_memory_kib, 19 * 1024, 4 * 1024 * 1024)},
      {"argon2-iterations", "GATEHOUSE_ARGON2_ITERATIONS", "Argon2id passes (minimum 2)", false,
       show_num(&Config::argon2_iterations), set_int<int64_t>(&Config::argon2_iterations, 2, 100)},
      {"io-threads", "GATEHOUSE_IO_THREADS",
       "event-loop threads, each serving its own share of the connections (default: one per core)",
       false, show_num(&Config::io_threads), set_int(&Config::io_threads, 1, 64)},
      {"workers", "GATEHOUSE_WORKERS",
       "worker threads for token signing, database calls and password hashing (run by the "
       "helpers with --hash-in processes)",
       false, show_num(&Config::workers), set_int(&Config::workers, 1, 256)},
      {"network-threads", "GATEHOUSE_NETWORK_THREADS",
       "threads for requests that wait on another server (mail sends through SMTP), apart "
       "from the workers: as many sends at once, so a slow relay delays no sign-in or refresh",
       false, show_num(&Config::network_threads), set_int(&Config::network_threads, 1, 256)},
      {"hash-concurrency", "GATEHOUSE_HASH_CONCURRENCY",
       "Argon2id hashes computed at once, each holding --argon2-memory-kib (about the number "
       "of cores)",
       false, show_num(&Config::hash_concurrency), set_int(&Config::hash_concurrency, 1, 256)},
      {"hash-in", "GATEHOUSE_HASH_IN",
       "where Argon2id runs: processes (one helper process per --hash-concurrency, each with "
       "its own memory map) or threads (the worker threads)",
       false, show_str("processes"), set_one_of(&Config::hash_in, {"processes", "threads"})},
      {"worker-nice", "GATEHOUSE_WORKER_NICE",
       "nice value of the worker threads and hashing helpers, so hashing never starves the "
       "network threads (0 = same priority)",
       false, show_num(&Config::worker_nice), set_int(&Config::worker_nice, 0, 19)},
      {"body-limit", "GATEHOUSE_BODY_LIMIT", "largest accepted request body, bytes", false,
       show_num(&Config::body_limit),
       set_int<int64_t>(&Config::body_limit, 1024, 64 * 1024 * 1024)},
      {"cors-origins", "GATEHOUSE_CORS_ORIGINS",
       "comma-separated origins (scheme://host[:port]) that may call from a browser with "
       "credentials, besides this server's own; never null or *",
       false, show_str("(none: same origin only)"),
       [](Config& c, const std::string& v) -> Status {
         std::vector<std::string> origins;
         for (const auto& item : split_list(v)) {
           auto o = http::Cors::normalize_origin(item);
           if (!o) return o.error();
           origins.push_back(std::move(*o));
         }
         c.cors_origins = std::move(origins);
         return ok_status();
       }},
      {"max-connections", "GATEHOUSE_MAX_CONNECTIONS",
       "open connections at most; more are closed at once (the descriptor limit is raised to "
       "fit, as far as the hard limit allows)",
       false, show_num(&Config::max_connections),
       set_int<int64_t>(&Config::max_connections, 16, 1000000)},
      {"max-connections-per-ip", "GATEHOUSE_MAX_CONNECTIONS_PER_IP",
       "open connections at most from one client address (trusted proxies are not capped)", false,
       show_num(&Config::max_connections_per_ip),
       set_int<int64_t>(&Config::max_connections_per_ip, 1, 1000000)},
      {"read-timeout", "GATEHOUSE_READ_TIMEOUT",
       "seconds a request may take to arrive whole, from its first byte", false,
       show_num(&Config::read_timeout), set_int<int64_t>(&Config::read_timeout, 1, 300)},
      {"trusted-proxies", "GATEHOUSE_TRUSTED_PROXIES",
       "comma-separated IPs and CIDR blocks of reverse proxies whose X-Forwarded-For names the "
       "client",
       false, show_str("(none)"),
       [](Config& c, const std::string& v) -> Status {
         auto list = split_list(v);
         if (auto parsed = http::TrustedProxies::parse(list); !parsed) return parsed.error();
         c.trusted_proxies = std::move(list);
         return ok_status();
       }},
      {"token-cookies", "GATEHOUSE_TOKEN_COOKIES",
       "also deliver tokens as cookies: none, refresh (HttpOnly DSR) or both (DSR and DS)", false,
       show_str("none"), set_one_of(&Config::token_cookies, {"none", "refresh", "both"})},
      {"email-verification", "GATEHOUSE_EMAIL_VERIFICATION",
       "required: a password sign-up is mailed a code and signs in only once its email is "
       "verified (by an email code or link); optional: no check",
       false, show_str("optional"),
       set_one_of(&Config::email_verification, {"optional", "required"})},
      {"rate-limits", "GATEHOUSE_RATE_LIMITS",
       "limit guessing: on, or off (only for load tests behind another limiter)", false,
       show_str("on"),
       [](Config& c, const std::string& v) -> Status {
         if (auto st = check_one_of(v, {"on", "off"}); !st) return st;
         c.rate_limits.enabled = v == "on";
         return ok_status();
       }},
      {"limit-login", "GATEHOUSE_LIMIT_LOGIN",
       "sign-in attempts per login id: FREE/LOCK_AFTER/SECONDS — attempts that run free, "
       "then waits doubling from 2 s to 60 s, locked for SECONDS after LOCK_AFTER (a success "
       "starts over)",
       false, show_policy(&auth::RateLimits::login), set_policy(&auth::RateLimits::login)},
      {"limit-address", "GATEHOUSE_LIMIT_ADDRESS",
       "failed sign-ins per client address, across accounts: FREE/LOCK_AFTER/SECONDS", false,
       show_policy(&auth::RateLimits::address), set_policy(&auth::RateLimits::address)},
      {"limit-signup", "GATEHOUSE_LIMIT_SIGNUP",
       "sign-ups per client address: FREE/LOCK_AFTER/SECONDS", false,
       show_policy(&auth::RateLimits::signup), set_policy(&auth::RateLimits::signup)},
      {"smtp-host", "GATEHOUSE_SMTP_HOST",
       "SMTP server that delivers sign-in codes and links; unset: the development mail engine "
       "(messages in the server log and the console's dev mailbox, never for real users)",
       false, show_str("(none: dev mail)"),
       [](Config& c, const std::string& v) -> Status {
         for (char ch : v) {
           if (static_cast<unsigned char>(ch) <= 0x20 || ch == '/' || ch == '@') {
             return bad("must be a host name or address");
           }
         }
         c.smtp.host = v;
         return ok_status();
       }},
      {"smtp-port", "GATEHOUSE_SMTP_PORT", "SMTP port (587 for STARTTLS, 465 for TLS)", false,
       [](const Config& c) { return std::to_string(c.smtp.port); },
       [](Config& c, const std::string& v) -> Status {
         int n = 0;
         auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
         if (ec != std::errc() || p != v.data() + v.size() || n < 1 || n > 65535) {
           return bad("must be a port number, 1 to 65535");
         }
         c.smtp.port = n;
         return ok_status();
       }},
      {"smtp-tls", "GATEHOUSE_SMTP_TLS",
       "starttls (upgrade required), tls (implicit TLS, smtps) or none (plain; local relays "
       "only)",
       false, show_str("starttls"),
       [](Config& c, const std::string& v) -> Status {
         if (auto st = check_one_of(v, {"starttls", "tls", "none"}); !st) return st;
         c.smtp.tls = v;
         return ok_status();
       }},
      {"smtp-user", "GATEHOUSE_SMTP_USER", "SMTP AUTH user (unset: no AUTH)", false,
       show_str("(none)"),
       [](Config& c, const std::string& v) -> Status {
         c.smtp.user = v;
         return ok_status();
       }},
      {"smtp-password", "GATEHOUSE_SMTP_PASSWORD",
       "SMTP AUTH password (prefer the environment variable: flags show in ps)", false,
       show_str("(none)"),
       [](Config& c, const std::string& v) -> Status {
         c.smtp.password = v;
         return ok_status();
       }},
      {"smtp-from", "GATEHOUSE_SMTP_FROM", "From address of the mails", false,
       show_str("gatehouse@localhost"),
       [](Config& c, const std::string& v) -> Status {
         if (v.find('@') == std::string::npos) return bad("must be an email address");
         for (char ch : v) {
           if (static_cast<unsigned char>(ch) < 0x20 || ch == '<' || ch == '>') {
             return bad("must be a bare email address");
           }
         }
         c.smtp.from = v;
         return ok_status();
       }},
      {"product-name", "GATEHOUSE_PRODUCT_NAME", "product name in the mails' subject and text",
       false, show_str("Gatehouse"), set_str(&Config::product_name)},
      {"redirect-origins", "GATEHOUSE_REDIRECT_ORIGINS",
       "comma-separated origins (scheme://host[:port]) a magic link may point into", false,
       show_str("(the origin of --base-url)"),
       [](Config& c, const std::string& v) -> Status {
         std::vector<std::string> origins;
         for (const auto& item : split_list(v)) {
           auto o = http::Cors::normalize_origin(item);
           if (!o) return o.error();
           origins.push_back(std::move(*o));
         }
         c.redirect_origins = std::move(origins);
         return ok_status();
       }},
      {"admin-email", "GATEHOUSE_ADMIN_EMAIL",
       "login of the first admin, created with a one-time password when no admin exists", false,
       show_str("admin@localhost"), set_str(&Config::admin_email)},
      {"demo", "GATEHOUSE_DEMO", "create demo teacher and student accounts (make run)", true,
       show_str("0"),
       [](Config& c, const std::string& v) -> Status {
         c.demo = (v == "1" || v == "true" || v == "yes");
         return ok_status();
       }},
      {"demo-password", "GATEHOUSE_DEMO_PASSWORD",
       "password of the demo accounts (default: random, printed once)", false, show_str("(random)"),
       set_str(&Config::demo_password)},
      {"metrics", "GATEHOUSE_METRICS",
       "GET /metrics (Prometheus): loopback (answered to 127.0.0.1 and ::1 only, 404 to "
       "others), open (to everyone) or off",
       false, show_str("loopback"), set_one_of(&Config::metrics, {"loopback", "open", "off"})},
      {"validator", "GATEHOUSE_VALIDATOR",
       "validator node: no database; serves the tutorial API and the web app, validating "
       "sessions with the keys published by --issuer-url",
       true, show_str("0"),
       [](Config& c, const std::string& v) -> Status {
         c.validator = (v == "1" || v == "true" || v == "yes");
         return ok_status();
       }},
      {"issuer-url", "GATEHOUSE_ISSUER_URL",
       "validator node: base URL of the Gatehouse that issues the sessions (its JWKS at "
       "/v2/keys/<project id>)",
       false, show_str("(none)"), set_str(&Config::issuer_url)},
      {"jwks-refetch-interval", "GATEHOUSE_JWKS_REFETCH_INTERVAL",
       "validator node: seconds between fetches of the issuer's keys caused by tokens naming "
       "an unknown key id (a throttle against made-up kids)",
       false, show_num(&Config::jwks_refetch_interval),
       set_int<int64_t>(&Config::jwks_refetch_interval, 1, 3600)},
  };
  return kOptions;
}

}  // namespace

std::vector<std::string> split_list(const std::string& s) {
  std::vector<std::string> out;
  std::stringstream ss(s);
  std::string item;
  while (std::getline(ss, item, ',')) {
    auto b = item.find_first_not_of(' ');
    auto e = item.find_last_not_of(' ');
    if (b != std::string::npos) out.push_back(item.substr(b, e - b + 1));
  }
  return out;
}

Result<Config> load_config(const std::vector<std::string>& args,
                           std::vector<std::string>* positional) {
  Config c;
  c.smtp.from = "gatehouse@localhost";
  for (const auto& o : options()) {
    if (const char* v = std::getenv(o.env); v && *v) {
      if (auto st = o.set(c, v); !st) {
        return make_error(Errc::kInvalidArgument, std::string(o.env) + ": " + st.error().message);
      }
    }
  }
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (!a.starts_with("--")) {
      if (!positional) return make_error(Errc::kInvalidArgument, "unexpected argument '" + a + "'");
      positional->push_back(a);
      continue;
    }
    std::string name = a.substr(2), value;
    bool has_value = false;
    if (auto eq = name.find('='); eq != std::string::npos) {
      value = name.substr(eq + 1);
      name = name.substr(0, eq);
      has_value = true;
    }
    const Option* opt = nullptr;
    for (const auto& o : options()) {
      if (name == o.flag) opt = &o;
    }
    if (!opt) return make_error(Errc::kInvalidArgument, "unknown option --" + name);
    if (!has_value) {
      if (opt->is_bool) {
        value = "1";
      } else if (i + 1 < args.size()) {
        value = args[++i];
      } else {
        return make_error(Errc::kInvalidArgument, "--" + name + " needs a value");
      }
    }
    if (auto st = opt->set(c, value); !st) {
      return make_error(Errc::kInvalidArgument, "--" + name + ": " + st.error().message);
    }
  }
  if (c.base_url.empty()) c.base_url = "http://localhost:" + std::to_string(c.port);
  return c;
}

std::string config_help() {
  std::ostringstream out;
  Config defaults;
  for (const auto& o : options()) {
    out << "  --" << o.flag << (o.is_bool ? "" : " VALUE") << "\n      " << o.help << "\n      env "
        << o.env << ", default " << o.show(defaults) << "\n";
  }
  return out.str();
}

}  // namespace gatehouse::server
