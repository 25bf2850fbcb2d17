// FlowEngine: runs flow definitions (flow_definition.h) for POST /v1/flow/start and
// /v1/flow/next (docs/flows.md). An execution lives in the FlowStore, so any node can
// continue it; each step id is answered once (the store's compare-and-set), so a replayed
// or double-submitted step gets kFlowStepUsed and changes nothing. The sign-in work is done
// by the existing strategies behind FlowMethods; the engine only decides which screen comes
// next. A user's mistake (wrong password, wrong code, weak password) is not an error: the
// same screen comes back on a new step with screen.state.errorText.
//
//   FlowEngine engine(catalog, store.flows, methods, clock);
//   Result<FlowReply> r = engine.start("sign-up-or-in", origin);
//   r = engine.next(r->execution_id, r->step_id, "continue", {{"email", "a@b.c"}}, origin);
#pragma once

#include <optional>
#include <string>

#include <boost/json/object.hpp>

#include "auth/audit.h"
#include "auth/flow/flow_definition.h"
#include "auth/session_service.h"
#include "gatehouse/clock.h"
#include "gatehouse/result.h"
#include "store/flow_store.h"

namespace gatehouse::auth::flow {

// A WebAuthn ceremony the browser must run (action webauthnGet / webauthnCreate).
struct PasskeyCeremony {
  std::string transaction_id;
  std::string options;  // JSON text {"publicKey": {…}}
  bool create = false;
};

// What the engine asks of the sign-in strategies. Blocking: the engine runs on a worker.
class FlowMethods {
 public:
  virtual ~FlowMethods() = default;
  // Whether an account has this login id (the flow tells a new user from a known one).
  virtual Result<bool> user_exists(const std::string& login_id) = 0;
  virtual Result<Authenticated> password_sign_in(const std::string& login_id,
                                                 const std::string& password,
                                                 const Origin& origin) = 0;
  virtual Result<Authenticated> password_sign_up(const std::string& login_id,
                                                 const std::string& password,
                                                 const std::string& name, const Origin& origin) = 0;
  // Mails a sign-in (or sign-up) code; the masked address.
  virtual Result<std::string> send_code(const std::string& login_id, const std::string& name,
                                        const Origin& origin) = 0;
  virtual Result<Authenticated> verify_code(const std::string& login_id, const std::string& code,
                                            const Origin& origin) = 0;
  // The TOTP code of an account whose password this execution has just checked.
  virtual Result<Authenticated> totp_verify(const std::string& login_id, const std::string& code,
                                            const Origin& origin) = 0;
  // Mails a sign-in (or sign-up) link into `uri` (the page, carrying the execution and
  // step to resume); the masked address.
  virtual Result<std::string> send_link(const std::string& login_id, const std::string& name,
                                        const std::string& uri, const Origin& origin) = 0;
  // The session for a live link token.
  virtual Result<Authenticated> verify_link(const std::string& token, const Origin& origin) = 0;
  // Sign-in options for a known account, sign-up options for a new one.
  virtual Result<PasskeyCeremony> passkey_start(const std::string& login_id,
                                                const std::string& name,
                                                const std::string& page_origin,
                                                const Origin& origin) = 0;
  virtual Result<Authenticated> passkey_finish(const PasskeyCeremony& ceremony,
                                               const std::string& response,
                                               const Origin& origin) = 0;
};

struct FlowReply {
  std::string execution_id;
  std::string step_id;
  std::string step_name;
  std::string status = "waiting";  // "waiting" | "completed"
  std::string action = "screen";   // "screen" | "webauthnGet" | "webauthnCreate" | "none"
  std::string screen_id;
  boost::json::object screen_state;  // errorText, form, inputs, any {{placeholders}}
  std::optional<PasskeyCeremony> passkey;
  std::optional<Authenticated> auth;  // status "completed"
};

class FlowEngine {
 public:
  static constexpr int64_t kDefaultTtl = 1800;  // an execution lives 30 minutes

  FlowEngine(const FlowCatalog& catalog, store::FlowStore& store, FlowMethods& methods, Clock clock,
             int64_t ttl = kDefaultTtl);

  // A new execution on the flow's start screen, step "1". kNotFound for an unknown flow.
  // `location` is the page's URL (options.location), where mailed links lead back to.
  // With a magic-link `token` (the link opened in a browser that did not start the flow)
  // the answer is the sign-in itself, or the start screen with the link's error.
  Result<FlowReply> start(const std::string& flow_id, const Origin& origin,
                          const std::string& location = "", const std::string& token = "");
  // Answers `step_id` of the execution with the button `interaction_id` ("submit" for a
  // passkey answer) and the screen's inputs. kFlowExpired for an unknown, expired or
  // finished execution; kFlowStepUsed for a step that is not the current one;
  // kInvalidArgument for a button the screen does not have. `page_origin` is the page's
  // origin (input.origin), for passkeys.
  Result<FlowReply> next(const std::string& execution_id, const std::string& step_id,
                         const std::string& interaction_id, const boost::json::object& input,
                         const Origin& origin);

  const FlowCatalog& catalog() const { return catalog_; }

 private:
  const FlowCatalog& catalog_;
  store::FlowStore& store_;
  FlowMethods& methods_;
  Clock clock_;
  int64_t ttl_;
};

// The text shown on the screen for an error that is the user's to fix, nullopt for one
// that is not (storage down, internal): that one fails the request.
std::optional<std::string> user_error_text(const Error& e);

}  // namespace gatehouse::auth::flow
