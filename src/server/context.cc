#include "server/context.h"

#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>

#include <boost/json/value.hpp>

#include "auth/password_strength.h"
#include "gatehouse/crypto/random.h"
#include "http/cors.h"
#include "server/key_encryption.h"
#include "server/lazy_libs.h"
#include "store/postgres/postgres_store.h"
#include "store/sqlite/sqlite_store.h"

namespace gatehouse::server {

namespace {

// The data directory holds password hashes, the audit log and the signing keys: it is
// created 0700 and refused when group or others may read or write it (as ssh refuses a
// private key they can read). Database files an older build left readable are narrowed.
Status private_data_dir(const std::string& dir) {
  if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST) {
    return make_error(Errc::kInvalidArgument,
                      "cannot create data directory " + dir + ": " + std::strerror(errno));
  }
  struct stat st {};
  if (::stat(dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) {
    return make_error(Errc::kInvalidArgument, "data directory " + dir + " is not a directory");
  }
  if ((st.st_mode & 077) != 0) {
    return make_error(
        Errc::kInvalidArgument,
        "data directory " + dir + " is open to group or others; make it private: chmod 700 " + dir);
  }
  for (const char* name : {"/gatehouse.db", "/gatehouse.db-wal", "/gatehouse.db-shm"}) {
    const std::string path = dir + name;
    if (::stat(path.c_str(), &st) == 0 && (st.st_mode & 077) != 0) ::chmod(path.c_str(), 0600);
  }
  return ok_status();
}

// Passkeys: the RP ID is the base URL's host; a page may start a ceremony from the base
// URL's origin, a redirect origin or a CORS origin (docs/security.md, "WebAuthn"). The key
// that makes unknown accounts' decoy credential ids is kept in the store, so every node
// and every restart answers alike.
Result<auth::WebAuthnOptions> webauthn_options(const Config& c, const auth::AuthConfig& a,
                                               store::MetaStore& meta) {
  auth::WebAuthnOptions w;
  const std::string base =
      c.base_url.empty() ? "http://localhost:" + std::to_string(c.port) : c.base_url;
  auto own = http::Cors::origin_of_url(base);
  if (!own) return make_error(Errc::kInvalidArgument, "--base-url: " + own.error().message);
  std::string host = own->substr(own->find("://") + 3);
  if (host.starts_with('[')) {
    host = host.substr(0, host.find(']') + 1);
  } else if (auto colon = host.rfind(':'); colon != std::string::npos) {
    host.resize(colon);
  }
  w.rp_id = host;
  w.rp_name = a.product_name;
  auto add = [&](const std::string& o) {
    if (std::find(w.origins.begin(), w.origins.end(), o) == w.origins.end()) w.origins.push_back(o);
  };
  add(*own);
  for (const auto& o : a.redirect_origins) add(o);
  for (const auto& o : c.cors_origins) add(o);
  auto key = meta.put_if_absent("webauthn_decoy_key", crypto::random_token(32));
  if (!key) return key.error();
  w.decoy_key = std::move(*key);
  return w;
}

}  // namespace

Result<std::unique_ptr<Context>> open_context(Config config) {
  auto ctx = std::make_unique<Context>();
  ctx->config = std::move(config);
  const Config& c = ctx->config;

  if (auto st = private_data_dir(c.data_dir); !st) return st.error();
  if (auto st = auth::check_strength_dictionary(); !st) return st.error();
  if (!c.database_url.empty()) {
    if (auto st = require_libpq(); !st) {
      return make_error(st.code(), "--database-url: " + st.error().message);
    }
  }
  if (!c.smtp.host.empty()) {
    if (auto st = require_libcurl(); !st) {
      return make_error(st.code(), "--smtp-host: " + st.error().message);
    }
  }
  auto stores = c.database_url.empty()
                    ? store::open_sqlite(c.data_dir + "/gatehouse.db")
                    : store::open_postgres(c.database_url, {static_cast<size_t>(c.database_pool),
                                                            std::chrono::milliseconds(5000)});
  if (!stores) return stores.error();
  ctx->stores = std::move(*stores);
  store::Stores& st = ctx->stores;

  std::string project_id = c.project_id;
  if (project_id.empty()) {
    auto stored = st.meta->put_if_absent("project_id", crypto::random_id('P'));
    if (!stored) return stored.error();
    project_id = *stored;
  } else if (project_id.find(':') != std::string::npos) {
    return make_error(Errc::kInvalidArgument, "the project id must not contain ':'");
  }

  auth::AuthConfig& a = ctx->auth;
  a.project_id = project_id;
  a.session_ttl = c.session_ttl;
  a.refresh_ttl = c.refresh_ttl;
  a.refresh_grace = c.refresh_grace;
  a.password_policy.min_length = c.password_min_length;
  a.argon2.ops = static_cast<uint64_t>(c.argon2_iterations);
  a.argon2.mem_bytes = static_cast<size_t>(c.argon2_memory_kib) * 1024;
  a.default_roles = c.default_roles;
  a.product_name = c.product_name;
  a.email_verification_required = c.email_verification == "required";
  a.redirect_origins = c.redirect_origins;
  if (a.redirect_origins.empty()) {
    // load_config fills base_url; a Config built in code (tests, the fuzz target) may not.
    const std::string base =
        c.base_url.empty() ? "http://localhost:" + std::to_string(c.port) : c.base_url;
    auto own = http::Cors::origin_of_url(base);
    if (!own) return make_error(Errc::kInvalidArgument, "--base-url: " + own.error().message);
    a.redirect_origins.push_back(std::move(*own));
  }
  if (auto st = crypto::validate(a.argon2); !st) return st.error();
  if (auto st = crypto::validate(a.password_policy); !st) return st.error();

  auto kek = load_key_encryption_key(c);
  if (!kek) return kek.error();
  auto keys = auth::KeyRing::open(c.data_dir, *st.signing_keys,
                                  {.clock = ctx->clock,
                                   .kek = std::move(kek->key),
                                   .kek_hint = std::move(kek->hint),
                                   .token_ttl = std::max(c.session_ttl, c.refresh_ttl),
                                   .alg = c.signing_alg});
  if (!keys) return keys.error();
  ctx->keys = std::move(*keys);
  ctx->revocations = std::make_unique<auth::Revocations>(*st.sessions, a, ctx->clock);
  if (auto synced = ctx->revocations->sync(); !synced) return synced.error();
  gatehouse::SessionClient::Options client;
  client.project_id = project_id;
  client.keys = ctx->keys->key_source();
  client.clock = ctx->clock;
  client.revoked = [revocations = ctx->revocations.get()](const gatehouse::JwtResponse& s) {
    const boost::json::value* sid = s.claims.if_contains("sid");
    return sid && sid->is_string() && revocations->ended(sid->get_string());
  };
  ctx->session_client = std::make_shared<const gatehouse::SessionClient>(std::move(client));

  auth::PasswordHasher::Backend backend;
  if (c.hash_in == "processes") {
    auto helpers =
        hashing::HashProcesses::start("/proc/self/exe", c.hash_concurrency, c.worker_nice);
    if (!helpers) {
      return make_error(helpers.code(), helpers.error().message +
                                            " (--hash-in threads hashes in the server instead)");
    }
    ctx->hash_helpers = std::move(*helpers);
    backend = ctx->hash_helpers->backend();
  }
  ctx->hasher = std::make_unique<auth::PasswordHasher>(a, c.hash_concurrency, std::move(backend));
  ctx->audit = std::make_unique<auth::Audit>(*st.audit, ctx->clock, nullptr,
                                             auth::AuditBatching{.batched = true});
  auth::Audit& audit = *ctx->audit;
  ctx->roles = std::make_unique<auth::Roles>(*st.access, *st.meta, audit, ctx->clock);
  if (auto seeded = ctx->roles->seed_defaults(); !seeded) return seeded.error();
  ctx->tenants = std::make_unique<auth::Tenants>(*st.access, audit, ctx->clock);
  ctx->limiter =
      std::make_unique<auth::RateLimiter>(*st.rate_limits, c.rate_limits, audit, ctx->clock);
  ctx->users =
      std::make_unique<auth::Users>(*ctx->hasher, *st.users, *ctx->revocations, audit, ctx->clock);
  ctx->sessions = std::make_unique<auth::SessionService>(
      a, auth::SessionService::Stores{*st.users, *st.sessions, *st.access}, ctx->keys,
      *ctx->revocations, audit, ctx->clock);
  ctx->passwords = std::make_unique<auth::PasswordStrategy>(a, *ctx->hasher, *ctx->users, *st.users,
                                                            *ctx->sessions, *ctx->revocations,
                                                            *ctx->limiter, audit, ctx->clock);
  if (c.smtp.host.empty()) {
    auto dev = std::make_unique<auth::DevMailer>(50, ctx->clock);
    ctx->dev_mailer = dev.get();
    ctx->mailer = std::move(dev);
  } else {
    ctx->mailer = std::make_unique<auth::SmtpMailer>(c.smtp);
  }
  auth::OneTimeDeps one_time{
      a,     *ctx->users, *st.users, *st.one_time, *ctx->sessions, *ctx->limiter, *ctx->mailer,
      audit, ctx->clock};
  ctx->otp = std::make_unique<auth::OtpStrategy>(one_time);
  ctx->magic_links = std::make_unique<auth::MagicLinkStrategy>(one_time);
  ctx->totp =
      std::make_unique<auth::TotpStrategy>(a, auth::TotpOptions{}, *ctx->users, *st.users, *st.totp,
                                           *ctx->sessions, *ctx->limiter, audit, ctx->clock);
  ctx->passwords->set_second_factor(ctx->totp.get());
  ctx->passwords->set_email_verifier(ctx->otp.get());
  auto webauthn = webauthn_options(c, a, *st.meta);
  if (!webauthn) return webauthn.error();
  ctx->webauthn = std::make_unique<auth::WebAuthnStrategy>(a, std::move(*webauthn), *ctx->users,
                                                           *st.users, *st.webauthn, *ctx->sessions,
                                                           *ctx->limiter, audit, ctx->clock);
  auto catalog = auth::flow::FlowCatalog::load(
      auth::flow::builtin_flow_files(), c.flows_dir.empty() ? c.data_dir + "/flows" : c.flows_dir);
  if (!catalog) return catalog.error();
  ctx->flow_catalog = std::make_unique<auth::flow::FlowCatalog>(std::move(*catalog));
  ctx->flow_methods = std::make_unique<auth::flow::StrategyFlowMethods>(
      *ctx->users, *ctx->passwords, ctx->otp.get(), ctx->webauthn.get(), ctx->totp.get(),
      ctx->magic_links.get());
  ctx->flows = std::make_unique<auth::flow::FlowEngine>(*ctx->flow_catalog, *st.flows,
                                                        *ctx->flow_methods, ctx->clock);
  ctx->mgmt_keys = std::make_unique<auth::MgmtKeys>(*st.mgmt_keys, audit, ctx->clock);
  ctx->authorizer =
      std::make_unique<auth::Authorizer>(*ctx->mgmt_keys, *st.users, ctx->session_client, audit);
  return ctx;
}

}  // namespace gatehouse::server
