// Context: the objects every subcommand shares — configuration, store, keys,
// project id and domain services — built once from a Config.
#pragma once

#include <memory>
#include <string>

#include <gatehouse/session.h>

#include "auth/audit.h"
#include "auth/authorization.h"
#include "auth/config.h"
#include "auth/dev_mailer.h"
#include "auth/flow/flow_engine.h"
#include "auth/flow/strategy_methods.h"
#include "auth/key_ring.h"
#include "auth/magic_link_strategy.h"
#include "auth/mailer.h"
#include "auth/mgmt_keys.h"
#include "auth/otp_strategy.h"
#include "auth/password_hasher.h"
#include "auth/password_strategy.h"
#include "auth/rate_limiter.h"
#include "auth/revocations.h"
#include "auth/roles.h"
#include "auth/session_service.h"
#include "auth/tenants.h"
#include "auth/totp_strategy.h"
#include "auth/users.h"
#include "auth/webauthn_strategy.h"
#include "gatehouse/clock.h"
#include "gatehouse/result.h"
#include "hashing/hash_processes.h"
#include "server/config.h"
#include "store/stores.h"

namespace gatehouse::server {

// The wiring: every service is built here, once, from the configuration, and handed the
// stores and the other services it needs. Nothing else constructs a service.
struct Context {
  Config config;
  auth::AuthConfig auth;
  Clock clock = system_clock();
  store::Stores stores;
  std::shared_ptr<auth::KeyRing> keys;
  // Ended sign-ins, known without a store read (session JWTs name theirs in `sid`).
  std::unique_ptr<auth::Revocations> revocations;
  // Validates session JWTs with the server's own keys and refuses ended sign-ins: the
  // tutorial API's token_required and the management API's admin sessions use it.
  std::shared_ptr<const gatehouse::SessionClient> session_client;
  std::unique_ptr<hashing::HashProcesses> hash_helpers;  // config.hash_in == "processes"
  std::unique_ptr<auth::PasswordHasher> hasher;
  std::unique_ptr<auth::Audit> audit;
  std::unique_ptr<auth::RateLimiter> limiter;
  std::unique_ptr<auth::Users> users;
  std::unique_ptr<auth::Roles> roles;
  std::unique_ptr<auth::Tenants> tenants;
  std::unique_ptr<auth::SessionService> sessions;
  std::unique_ptr<auth::PasswordStrategy> passwords;
  // SMTP when configured, else the development engine, which dev_mailer then names.
  std::unique_ptr<auth::Mailer> mailer;
  const auth::DevMailer* dev_mailer = nullptr;
  std::unique_ptr<auth::OtpStrategy> otp;
  std::unique_ptr<auth::MagicLinkStrategy> magic_links;
  // Also the passwords' second factor.
  std::unique_ptr<auth::TotpStrategy> totp;
  std::unique_ptr<auth::WebAuthnStrategy> webauthn;  // passkeys
  // Flows: the definitions (built-in + --flows-dir), the strategies they sign in with,
  // and the engine behind /v1/flow/*.
  std::unique_ptr<auth::flow::FlowCatalog> flow_catalog;
  std::unique_ptr<auth::flow::StrategyFlowMethods> flow_methods;
  std::unique_ptr<auth::flow::FlowEngine> flows;
  std::unique_ptr<auth::MgmtKeys> mgmt_keys;
  std::unique_ptr<auth::Authorizer> authorizer;
};

// Creates the data directory (0700) if needed, opens the stores, resolves the project
// id, loads or creates the signing key, builds the services and seeds the default roles.
Result<std::unique_ptr<Context>> open_context(Config config);

}  // namespace gatehouse::server
