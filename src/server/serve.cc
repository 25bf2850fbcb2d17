#include "server/serve.h"

#include <iostream>

#include <boost/json.hpp>

#include "api/app_api.h"
#include "api/auth_api.h"
#include "api/errors.h"
#include "api/keys_api.h"
#include "api/mgmt_api.h"
#include "api/static_site.h"
#include "gatehouse/crypto/random.h"
#include "http/server.h"
#include "server/context.h"

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
    auto u = ctx.directory->add_user(email, password, name, {role});
    if (!u) {
      if (u.code() == Errc::kUserExists) continue;
      return u.error();
    }
    std::cout << "demo account: " << email << "  password: " << password << "  (" << role << ")"
              << std::endl;
  }
  return ok_status();
}

// The first admin: created when no user holds the admin role, with a random
// password printed once and already expired, so it must be replaced at the
// first sign-in.
Status ensure_admin(Context& ctx) {
  store::UserSearch q;
  q.role_names = {"admin"};
  q.limit = 1;
  auto admins = ctx.store->search_users(q);
  if (!admins) return admins.error();
  if (admins->total > 0) return ok_status();
  auth::CreateUserInput in;
  in.login_id = ctx.config.admin_email;
  in.name = "Administrator";
  in.roles = {"admin"};
  std::string password = crypto::random_token(12);
  in.password = password;
  auth::Origin system{.actor = "system"};
  auto user = ctx.management->create_user(in, system);
  if (!user) {
    if (user.code() == Errc::kUserExists) {
      std::cerr << "gatehouse serve: no admin exists and " << ctx.config.admin_email
                << " is taken by a non-admin; grant it with: gatehouse user set-roles "
                << ctx.config.admin_email << " admin\n";
      return ok_status();
    }
    return user.error();
  }
  if (auto st = ctx.management->expire_password(user->id, system); !st) return st;
  std::cout << "admin account: " << user->login_id << "  one-time password: " << password
            << "  (must be changed at first sign-in)" << std::endl;
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

  auto roles = ctx.store->list_roles();
  if (!roles) return fail(roles.error().message);
  for (const auto& r : ctx.auth.default_roles) {
    bool found = false;
    for (const auto& have : *roles) found = found || have.name == r;
    if (!found)
      return fail("default role '" + r + "' does not exist (gatehouse role add " + r + ")");
  }
  if (auto st = ensure_admin(ctx); !st) return fail(st.error().message);
  if (ctx.config.demo) {
    if (auto st = create_demo_accounts(ctx); !st) return fail(st.error().message);
  }

  http::Router router;
  router.add("GET", "/healthz",
             [](http::Request&) {
               return http::Response::json(200, json::object{{"status", "ok"}});
             },
             {.inline_on_io = true});
  std::string config_body = json::serialize(json::object{{"projectId", ctx.auth.project_id}});
  router.add("GET", "/gatehouse/config.json",
             [config_body](http::Request&) { return http::Response::json_text(200, config_body); },
             {.inline_on_io = true});
  api::register_keys_routes(router, ctx.auth.project_id, ctx.keys);
  api::CookieOptions cookies;
  cookies.refresh = ctx.config.token_cookies != "none";
  cookies.session = ctx.config.token_cookies == "both";
  cookies.secure = ctx.config.base_url.starts_with("https://");
  api::register_auth_routes(router, {ctx.auth, *ctx.sessions, *ctx.passwords, *ctx.audit,
                                     *ctx.management, ctx.clock, cookies});
  auto sessions = api::register_app_routes(router, ctx.auth.project_id, ctx.keys);
  api::register_mgmt_routes(router, {ctx.auth, *ctx.management, *ctx.mgmt_keys, *ctx.audit,
                                     *ctx.store, sessions, ctx.clock});
  auto site = std::make_shared<api::StaticSite>(api::StaticSite::load(ctx.config.web_dir));
  router.set_fallback([site](http::Request& req) { return site->serve(req); },
                      {.inline_on_io = true});

  http::ServerConfig sc;
  sc.address = ctx.config.address;
  sc.port = static_cast<unsigned short>(ctx.config.port);
  sc.io_threads = ctx.config.io_threads;
  sc.worker_threads = ctx.config.workers;
  sc.worker_nice = ctx.config.worker_nice;
  sc.body_limit = static_cast<size_t>(ctx.config.body_limit);
  sc.cors_origins = ctx.config.cors_origins;
  sc.error_response = api::error_response;
  http::Server server(sc, router);
  try {
    server.listen();
  } catch (const std::exception& e) {
    return fail(e.what());
  }
  std::string url = ctx.config.port == 0 ? "http://localhost:" + std::to_string(server.port())
                                         : ctx.config.base_url;
  log({{"msg", "listening"},
       {"port", server.port()},
       {"url", url},
       {"project_id", ctx.auth.project_id},
       {"data", ctx.config.data_dir},
       {"web", site->empty() ? "not built" : ctx.config.web_dir}});
  server.run_until_signal();
  log({{"msg", "stopped"}});
  return 0;
}

}  // namespace gatehouse::server
