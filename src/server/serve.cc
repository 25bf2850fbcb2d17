#include "server/serve.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <iostream>

#include <boost/json.hpp>

#include <gatehouse/http_client.h>
#include <gatehouse/key_source.h>

#include "api/app_api.h"
#include "api/errors.h"
#include "api/ops_api.h"
#include "api/static_site.h"
#include "gatehouse/crypto/random.h"
#include "http/cors.h"
#include "http/server.h"
#include "server/backup_cli.h"
#include "server/context.h"
#include "server/lazy_libs.h"
#include "server/routes.h"

namespace gatehouse::server {

namespace json = boost::json;

namespace {

void log(json::object line) {
  line.emplace("level", "info");
  std::cout << json::serialize(line) << std::endl;
}

int fail(const std::string& message) {
  std::cerr << "gatehouse serve: " << message << "\n";
  return 1;
}

// GATEHOUSE_DEMO=1 (make run): a teacher and a student to look around with.
// The password is printed once, when the accounts are created.
Status create_demo_accounts(Context& ctx) {
  std::string password =
      ctx.config.demo_password.empty() ? crypto::random_token(12) : ctx.config.demo_password;
  for (auto [email, name, role] : {std::tuple{"teacher@demo.local", "Demo Teacher", "teacher"},
                                   std::tuple{"student@demo.local", "Demo Student", "student"}}) {
    auth::NewUserInput in{.login_id = email, .name = name, .roles = {role}, .password = password};
    auto u = ctx.users->create(in, {.actor = "system"});
    if (!u) {
      if (u.code() == Errc::kUserExists) continue;
      return u.error();
    }
    std::cout << "demo account: " << email << "  password: " << password << "  (" << role << ")"
              << std::endl;
  }
  return ok_status();
}

// Writes `content` to `path` readable by this user alone, replacing what was there.
Status write_private_file(const std::string& path, const std::string& content) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd < 0) {
    return make_error(Errc::kInternal, "cannot write " + path + ": " + std::strerror(errno));
  }
  bool ok = ::fchmod(fd, 0600) == 0 &&
            ::write(fd, content.data(), content.size()) == static_cast<ssize_t>(content.size()) &&
            ::fsync(fd) == 0;
  ::close(fd);
  if (!ok) return make_error(Errc::kInternal, "cannot write " + path);
  return ok_status();
}

// The first admin: see auth::Users::ensure_admin. Its one-time password goes to a 0600
// file in the data directory, never to the console (whose output ends up in logs).
Status ensure_admin(Context& ctx) {
  const std::string& email = ctx.config.admin_email;
  auto password = ctx.users->ensure_admin(email);
  if (!password) {
    if (password.code() == Errc::kUserExists) {
      std::cerr << "gatehouse serve: no admin exists and " << email
                << " is taken by a non-admin; grant it with: gatehouse user set-roles " << email
                << " admin\n";
      return ok_status();
    }
    return password.error();
  }
  if (*password) {
    const std::string path = ctx.config.data_dir + "/" + kFirstAdminPasswordFile;
    if (auto st = write_private_file(path, **password + "\n"); !st) return st;
    std::cout << "admin account: " << email << "  one-time password in " << path
              << "  (must be changed at first sign-in)" << std::endl;
  }
  return ok_status();
}

// The HTTP server settings both kinds of node share.
http::ServerConfig server_config(const Config& c) {
  http::ServerConfig sc;
  sc.address = c.address;
  sc.port = static_cast<unsigned short>(c.port);
  sc.io_threads = c.io_threads;
  sc.worker_threads = c.workers;
  sc.worker_nice = c.worker_nice;
  sc.network_threads = c.network_threads;
  sc.body_limit = static_cast<size_t>(c.body_limit);
  sc.cors_origins = c.cors_origins;
  if (auto o = http::Cors::origin_of_url(c.base_url)) sc.public_origin = *o;
  sc.error_response = api::error_response;
  sc.max_connections = static_cast<size_t>(c.max_connections);
  sc.max_connections_per_ip = static_cast<size_t>(c.max_connections_per_ip);
  sc.read_timeout = std::chrono::seconds(c.read_timeout);
  if (auto p = http::TrustedProxies::parse(c.trusted_proxies)) sc.trusted_proxies = *p;
  return sc;
}

// The issuer's project id, from its /gatehouse/config.json (what its web app reads).
Result<std::string> issuer_project_id(gatehouse::HttpClient& http, const std::string& issuer) {
  auto r = http.send({.method = "GET", .url = issuer + "/gatehouse/config.json"});
  if (!r) return r.error();
  if (r->status != 200) {
    return make_error(Errc::kUnavailable,
                      issuer + "/gatehouse/config.json answered " + std::to_string(r->status));
  }
  boost::system::error_code ec;
  json::value v = json::parse(r->body, ec);
  const json::value* pid = ec || !v.is_object() ? nullptr : v.as_object().if_contains("projectId");
  if (!pid || !pid->is_string() || pid->get_string().empty()) {
    return make_error(Errc::kUnavailable, issuer + "/gatehouse/config.json names no projectId");
  }
  return std::string(pid->get_string());
}

// --validator: no store, no keys of its own. Sessions are checked against the keys the
// issuer publishes (GET {issuer}/v2/keys/{projectId}, the SDK's remote key source: cached,
// fetched again when a token names an unknown kid — at most every
// --jwks-refetch-interval seconds — and when the set is older than the JWKS max-age).
int serve_validator(Config c) {
  if (c.issuer_url.empty()) return fail("--validator needs --issuer-url (the issuing Gatehouse)");
  while (c.issuer_url.ends_with('/')) c.issuer_url.pop_back();
  if (auto st = require_libcurl(); !st) return fail("--validator: " + st.error().message);
  auto http_client = gatehouse::make_curl_http_client();
  std::string project_id = c.project_id;
  if (project_id.empty()) {
    auto pid = issuer_project_id(*http_client, c.issuer_url);
    if (!pid) return fail("cannot learn the project id from the issuer: " + pid.error().message);
    project_id = std::move(*pid);
  }
  gatehouse::RemoteKeySourceOptions ko;
  ko.min_refetch_interval = c.jwks_refetch_interval;
  ko.http = http_client;
  auto keys = gatehouse::make_remote_key_source(c.issuer_url, project_id, ko);
  gatehouse::SessionClient::Options so;
  so.project_id = project_id;
  so.base_url = c.issuer_url;
  so.keys = keys;
  so.http = http_client;
  auto sessions = std::make_shared<const gatehouse::SessionClient>(std::move(so));

  http::Router router;
  auto metrics = std::make_shared<http::Metrics>();
  // Ready once the issuer's keys are in hand (fetched now if need be).
  api::register_ops_routes(router, {[keys]() -> Status {
                                      auto k = keys->keys();
                                      if (!k) return k.error();
                                      return ok_status();
                                    },
                                    metrics, c.metrics});
  std::string config_body = json::serialize(json::object{{"projectId", project_id}});
  router.add("GET", "/gatehouse/config.json",
             [config_body](http::Request&) { return http::Response::json_text(200, config_body); },
             {.inline_on_io = true});
  api::register_app_routes(router, sessions);
  auto site = std::make_shared<api::StaticSite>(api::StaticSite::load(c.web_dir));
  router.set_fallback([site](http::Request& req) { return site->serve(req); },
                      {.inline_on_io = true});
  metrics->bind(router);
  // Fetch the keys before the first request; a failure here is not fatal (the issuer may
  // start later): /readyz says so until they arrive.
  if (auto k = keys->keys(); !k) {
    log({{"level", "warn"},
         {"msg", "issuer keys not available yet"},
         {"error", k.error().message}});
  }

  http::ServerConfig sc = server_config(c);
  sc.metrics = metrics;
  http::Server server(sc, router);
  try {
    server.listen();
  } catch (const std::exception& e) {
    return fail(e.what());
  }
  log({{"msg", "listening"},
       {"mode", "validator"},
       {"port", server.port()},
       {"issuer", c.issuer_url},
       {"project_id", project_id},
       {"web", site->empty() ? "not built" : c.web_dir}});
  server.run_until_signal();
  log({{"msg", "stopped"}});
  return 0;
}

}  // namespace

int serve_main(const std::vector<std::string>& args) {
  for (const auto& a : args) {
    if (a == "--help" || a == "-h") {
      std::cout << "usage: gatehouse serve [options]\n\nOptions (flags override environment, "
                   "which overrides defaults):\n"
                << config_help();
      return 0;
    }
  }
  auto cfg = load_config(args);
  if (!cfg) return fail(cfg.error().message);
  if (cfg->validator) return serve_validator(std::move(*cfg));
  // Held while serving: `gatehouse restore` refuses to run under a server.
  if (::mkdir(cfg->data_dir.c_str(), 0700) != 0 && errno != EEXIST) {
    return fail("cannot create data directory " + cfg->data_dir + ": " + std::strerror(errno));
  }
  if (auto st = hold_serve_lock(cfg->data_dir); !st) return fail(st.error().message);
  auto opened = open_context(std::move(*cfg));
  if (!opened) return fail(opened.error().message);
  Context& ctx = **opened;

  for (const auto& r : ctx.auth.default_roles) {
    if (!ctx.roles->check_exist({r})) {
      return fail("default role '" + r + "' does not exist (gatehouse role add " + r + ")");
    }
  }
  if (auto st = ensure_admin(ctx); !st) return fail(st.error().message);
  if (ctx.config.demo) {
    if (auto st = create_demo_accounts(ctx); !st) return fail(st.error().message);
  }

  http::Router router;
  auto metrics = std::make_shared<http::Metrics>();
  register_routes(router, ctx, metrics);
  add_node_metrics(*metrics, ctx);
  // Rotations made by the CLI (or another server on this directory) reach this one within
  // a poll; auth/key_ring.h.
  ctx.keys->start_polling(std::chrono::seconds(1));
  // Sign-ins ended by other processes (the CLI, other nodes) reach this one within a poll.
  ctx.revocations->start_polling(std::chrono::seconds(1));
  auto site = std::make_shared<api::StaticSite>(api::StaticSite::load(ctx.config.web_dir));
  router.set_fallback([site](http::Request& req) { return site->serve(req); },
                      {.inline_on_io = true});
  metrics->bind(router);

  http::ServerConfig sc = server_config(ctx.config);
  sc.metrics = metrics;
  http::Server server(sc, router);
  try {
    server.listen();
  } catch (const std::exception& e) {
    return fail(e.what());
  }
  if (server.fd_limit() < server.fd_limit_wanted()) {
    log({{"level", "warn"},
         {"msg", "descriptor limit below what --max-connections needs; raise the hard limit"},
         {"fd_limit", server.fd_limit()},
         {"wanted", server.fd_limit_wanted()}});
  }
  std::string url = ctx.config.port == 0 ? "http://localhost:" + std::to_string(server.port())
                                         : ctx.config.base_url;
  // --port 0 without a base URL: pages are served from the port just bound.
  if (ctx.config.port == 0 && ctx.config.base_url == "http://localhost:0") {
    ctx.webauthn->add_origin(url);
  }
  log({{"msg", "listening"},
       {"port", server.port()},
       {"url", url},
       {"project_id", ctx.auth.project_id},
       {"data", ctx.config.data_dir},
       {"database", ctx.config.database_url.empty() ? "sqlite" : "postgres"},
       {"web", site->empty() ? "not built" : ctx.config.web_dir}});
  server.run_until_signal();
  log({{"msg", "stopped"}});
  return 0;
}

}  // namespace gatehouse::server
