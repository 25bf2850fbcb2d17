#include "server/routes.h"

#include <fstream>
#include <sstream>

#include <boost/json.hpp>

#include "api/app_api.h"
#include "api/auth_api.h"
#include "api/flow_api.h"
#include "api/keys_api.h"
#include "api/mgmt_api.h"
#include "api/mgmt_tests_api.h"
#include "api/ops_api.h"
#include "api/totp_api.h"
#include "api/webauthn_api.h"

namespace gatehouse::server {

namespace json = boost::json;

void add_node_metrics(http::Metrics& metrics, Context& ctx) {
  metrics.sign_in_route("POST", "/v1/auth/password/signin", "password");
  metrics.sign_in_route("POST", "/v1/auth/otp/verify/email", "otp");
  metrics.sign_in_route("POST", "/v1/auth/magiclink/verify", "magiclink");
  metrics.sign_in_route("POST", "/v1/auth/totp/verify", "totp");
  metrics.sign_in_route("POST", "/v1/auth/webauthn/signin/finish", "passkey");
  metrics.refresh_route("POST", "/v1/auth/refresh");
  metrics.refresh_route("POST", "/v1/auth/try-refresh");
  auth::PasswordHasher* hasher = ctx.hasher.get();
  metrics.gauge("gatehouse_password_hash_queue_depth",
                "Password hashes waiting for a hashing slot.",
                [hasher] { return static_cast<double>(hasher->queued()); });
  metrics.gauge("gatehouse_password_hash_in_progress", "Password hashes running now.",
                [hasher] { return static_cast<double>(hasher->in_progress()); });
  metrics.gauge("gatehouse_password_hash_slots", "Password hashes that may run at once.",
                [hasher] { return static_cast<double>(hasher->concurrency()); });
  if (auto status = ctx.stores.status) {
    metrics.gauge("gatehouse_db_pool_connections_in_use", "Database connections leased now.",
                  [status] { return static_cast<double>(status->pool_usage().in_use); });
    metrics.gauge("gatehouse_db_pool_connections_open", "Database connections open.",
                  [status] { return static_cast<double>(status->pool_usage().open); });
    metrics.gauge("gatehouse_db_pool_connections_max", "The database pool's bound.",
                  [status] { return static_cast<double>(status->pool_usage().max); });
    metrics.counter("gatehouse_db_pool_leases_total",
                    "Database connection leases ended: one per store call or transaction.",
                    [status] { return static_cast<double>(status->pool_usage().leases); });
  }
}

void register_routes(http::Router& router, Context& ctx, std::shared_ptr<http::Metrics> metrics) {
  std::function<Status()> ready;
  if (auto status = ctx.stores.status) ready = [status] { return status->ping(); };
  api::register_ops_routes(router, {ready, metrics, ctx.config.metrics});
  std::string config_body = json::serialize(json::object{{"projectId", ctx.auth.project_id}});
  router.add("GET", "/gatehouse/config.json",
             [config_body](http::Request&) { return http::Response::json_text(200, config_body); },
             {.inline_on_io = true});
  api::register_keys_routes(router, ctx.auth.project_id, ctx.keys);
  api::CookieOptions cookies;
  cookies.refresh = ctx.config.token_cookies != "none";
  cookies.session = ctx.config.token_cookies == "both";
  cookies.secure = ctx.config.base_url.starts_with("https://");
  api::register_auth_routes(
      router, {ctx.auth, *ctx.sessions, *ctx.passwords, *ctx.audit, *ctx.tenants, ctx.clock,
               cookies, ctx.otp.get(), ctx.magic_links.get()});
  api::register_totp_routes(router, {ctx.auth.project_id, *ctx.totp, *ctx.sessions, *ctx.authorizer,
                                     *ctx.users, ctx.clock, cookies});
  api::register_webauthn_routes(router, {ctx.auth.project_id, *ctx.webauthn, *ctx.sessions,
                                         *ctx.authorizer, *ctx.users, ctx.clock, cookies});
  // The flow component's theme, built with the web app (web/scripts/flow-theme.mjs).
  std::string flow_theme;
  if (std::ifstream in(ctx.config.web_dir + "/flow/theme.json", std::ios::binary); in) {
    std::ostringstream ss;
    ss << in.rdbuf();
    flow_theme = ss.str();
  }
  api::register_flow_routes(
      router,
      {ctx.auth.project_id, *ctx.flows, *ctx.authorizer, ctx.clock, cookies, std::move(flow_theme),
       api::PackageFiles::load(ctx.config.ui_components_dir,
                               "public, max-age=31536000, immutable")});
  api::register_app_routes(router, ctx.session_client);
  api::register_mgmt_routes(router, {ctx.auth.project_id, *ctx.authorizer, *ctx.users, *ctx.roles,
                                     *ctx.tenants, *ctx.audit, *ctx.limiter, ctx.dev_mailer});
  api::register_mgmt_tests_routes(
      router, {ctx.auth.project_id, *ctx.authorizer, *ctx.otp, *ctx.magic_links});
}

}  // namespace gatehouse::server
