#include "server/serve.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <iostream>

#include <boost/json.hpp>

#include "api/errors.h"
#include "api/static_site.h"
#include "gatehouse/crypto/random.h"
#include "http/cors.h"
#include "http/server.h"
#include "server/context.h"
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
  register_routes(router, ctx);
  // Rotations made by the CLI (or another server on this directory) reach this one within
  // a poll; auth/key_ring.h.
  ctx.keys->start_polling(std::chrono::seconds(1));
  // Sign-ins ended by other processes (the CLI, other nodes) reach this one within a poll.
  ctx.revocations->start_polling(std::chrono::seconds(1));
  auto site = std::make_shared<api::StaticSite>(api::StaticSite::load(ctx.config.web_dir));
  router.set_fallback([site](http::Request& req) { return site->serve(req); },
                      {.inline_on_io = true});

  http::ServerConfig sc;
  sc.address = ctx.config.address;
  sc.port = static_cast<unsigned short>(ctx.config.port);
  sc.io_threads = ctx.config.io_threads;
  sc.worker_threads = ctx.config.workers;
  sc.worker_nice = ctx.config.worker_nice;
  sc.network_threads = ctx.config.network_threads;
  sc.body_limit = static_cast<size_t>(ctx.config.body_limit);
  sc.cors_origins = ctx.config.cors_origins;
  if (auto o = http::Cors::origin_of_url(ctx.config.base_url)) sc.public_origin = *o;
  sc.error_response = api::error_response;
  sc.max_connections = static_cast<size_t>(ctx.config.max_connections);
  sc.max_connections_per_ip = static_cast<size_t>(ctx.config.max_connections_per_ip);
  sc.read_timeout = std::chrono::seconds(ctx.config.read_timeout);
  if (auto p = http::TrustedProxies::parse(ctx.config.trusted_proxies)) sc.trusted_proxies = *p;
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
