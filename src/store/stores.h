// gatehouse::store — storage, one interface per domain.
//
//   MetaStore        project metadata (project id, one-time markers)      meta_store.h
//   UserStore        users, their passwords, roles and memberships       user_store.h
//   SessionStore     refresh tokens and their rotation families          session_store.h
//   AccessStore      roles, permissions, tenants                         access_store.h
//   MgmtKeyStore     management API keys                                 mgmt_key_store.h
//   AuditStore       the audit log                                       audit_store.h
//   RateLimitStore   attempt counters for rate limiting and lockout      rate_limit_store.h
//   SigningKeyStore  signing keys' public halves and lifecycle           signing_key_store.h
//   OneTimeStore     one-time codes and link tokens (hashes only)         one_time_store.h
//   TotpStore        TOTP secrets, last accepted steps, MFA tickets      totp_store.h
//   WebAuthnStore    passkeys and WebAuthn ceremony challenges           webauthn_store.h
//   FlowStore        flow executions (steps used once, expiring)          flow_store.h
//
// Stores bundles one implementation of each. An engine's factory fills all of them
// (sqlite/sqlite_store.h); a later engine may fill some and another engine the rest, so
// each interface can move (to PostgreSQL, say) on its own. Services take only the
// interfaces they use. What every engine must do is written down once per interface, in
// tests/store_contract/, and run against every engine.
//
// Every method is blocking and thread-safe: call it from a worker thread, never from an
// I/O thread. Shared error meanings (gatehouse::Errc):
//   kUserExists      a login id that is taken (case-insensitive)
//   kUserNotFound    a user id / login id that does not exist
//   kInvalidArgument a missing required field, a role / permission / tenant name that
//                    does not exist ("unknown role: X"; nothing is written), a bad page
//   kConflict        an id or name that is taken
//   kNotFound        other missing rows (refresh token, password, role, tenant, key)
//   kTokenRevoked    rotating a refresh token that was already rotated or revoked
//   kUnavailable     the database is busy or unreachable
//   kInternal        anything else (the message carries the engine's details for the
//                    log; it names no bound values, so never a secret)
#pragma once

#include <memory>

#include "store/access_store.h"
#include "store/audit_store.h"
#include "store/engine_status.h"
#include "store/flow_store.h"
#include "store/meta_store.h"
#include "store/mgmt_key_store.h"
#include "store/one_time_store.h"
#include "store/rate_limit_store.h"
#include "store/session_store.h"
#include "store/signing_key_store.h"
#include "store/totp_store.h"
#include "store/user_store.h"
#include "store/webauthn_store.h"

namespace gatehouse::store {

struct Stores {
  std::unique_ptr<MetaStore> meta;
  std::unique_ptr<UserStore> users;
  std::unique_ptr<SessionStore> sessions;
  std::unique_ptr<AccessStore> access;
  std::unique_ptr<MgmtKeyStore> mgmt_keys;
  std::unique_ptr<AuditStore> audit;
  std::unique_ptr<RateLimitStore> rate_limits;
  std::unique_ptr<SigningKeyStore> signing_keys;
  std::unique_ptr<OneTimeStore> one_time;
  std::unique_ptr<TotpStore> totp;
  std::unique_ptr<WebAuthnStore> webauthn;
  std::unique_ptr<FlowStore> flows;
  // The engine's health and pool (readiness, metrics).
  std::shared_ptr<EngineStatus> status;
};

}  // namespace gatehouse::store
