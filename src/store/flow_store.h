// FlowStore: flow executions (POST /v1/flow/start|next) — which flow, which step the
// browser is on, and the engine's state (JSON text: the email typed, the chosen method,
// the ids of pending codes; never a password or a secret in clear).
//
// Each step is used once: advance() moves an execution from the step the caller saw to
// the next one as one compare-and-set, so of two requests answering the same step exactly
// one wins and the other gets kConflict (a replayed or double-submitted step). Executions
// live until expires_at; get() and advance() treat an expired one as gone (kNotFound), and
// create() and purge() delete expired rows. Rows live in the store, so a second node can
// continue an execution the first one started.
//
//   store.create({.id = "sign-up-or-in|#|x", .flow_id = "sign-up-or-in", .step_id = "1",
//                 .state = "{}", .created_at = now, .expires_at = now + 1800});
//   Status s = store.advance(id, "1", "2", new_state, now);   // kConflict if "1" was used
#pragma once

#include <cstdint>
#include <string>

#include "gatehouse/result.h"

namespace gatehouse::store {

struct FlowExecution {
  std::string id;       // "<flowId>|#|<random>"
  std::string flow_id;  // the definition it runs
  std::string step_id;  // the step the browser is answering (numeric string)
  std::string state;    // the engine's JSON state
  int64_t created_at = 0;
  int64_t expires_at = 0;  // dead at and after this second
};

class FlowStore {
 public:
  virtual ~FlowStore() = default;

  // Stores a new execution (kConflict if the id exists; kInvalidArgument without id, flow
  // id or step id) and deletes every execution expired at created_at.
  virtual Status create(const FlowExecution& execution) = 0;
  // The execution alive at `now`, or kNotFound (unknown, expired or deleted).
  virtual Result<FlowExecution> get(const std::string& id, int64_t now) = 0;
  // If the execution is alive at `now` and on `expected_step`, moves it to `new_step`
  // with `new_state`. kConflict if it is on another step (that step was already used);
  // kNotFound if it is unknown or expired.
  virtual Status advance(const std::string& id, const std::string& expected_step,
                         const std::string& new_step, const std::string& new_state,
                         int64_t now) = 0;
  // Deletes the execution (kNotFound if there is none).
  virtual Status remove(const std::string& id) = 0;
  // Deletes every execution expired at `now`; returns how many.
  virtual Result<int64_t> purge(int64_t now) = 0;
};

}  // namespace gatehouse::store
