// Flow definitions: the screens of a flow and what each button on them does, read from
// JSON files (docs/flows.md has the format). The built-in flows (flows/*.json at the top
// of the repository) are compiled into the binary; an operator adds or replaces flows by
// dropping files in the flows directory (--flows-dir, default <data dir>/flows).
//
//   {"id": "sign-up-or-in", "name": "Sign up or in", "version": 1, "start": "welcome",
//    "screens": {"welcome": {"name": "Welcome",
//                            "on": {"continue": {"do": "identify",
//                                                "existing": "sign-in", "new": "sign-up"}}},
//                "sign-in": {"name": "Sign in", "on": {"password": {"do": "password.signIn"},
//                                                      "back": {"goto": "welcome"}}}}}
//
// Each screen id names `<screen id>.html` (served to the web component) and must be a
// file of the catalog.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "gatehouse/result.h"

namespace gatehouse::auth::flow {

// What a button (interaction id) on a screen does.
struct Transition {
  std::string action;         // "" = just go to `next`; else one of FlowEngine's actions
  std::string next;           // the screen after it ("" = stay)
  std::string next_existing;  // identify: the screen for a known account
  std::string next_new;       // identify: the screen for a new one
  std::string next_mfa;       // password.signIn: the TOTP screen when the account has TOTP
};

struct Screen {
  std::string id;
  std::string name;                      // stepName
  std::map<std::string, Transition> on;  // interaction id -> transition
};

struct FlowDefinition {
  std::string id;
  std::string name;
  std::string description;
  int version = 1;
  std::string start;  // first screen
  std::map<std::string, Screen> screens;
  std::string source;  // the definition's JSON text, as loaded (mgmt flow/export)

  const Screen* screen(const std::string& id) const;
};

// Parses and checks one definition: every screen a transition names exists, every action
// is known, ids are non-empty and carry no '_' (the web component joins execution and
// step ids with '_'). kInvalidArgument with the reason.
Result<FlowDefinition> parse_flow(std::string_view json_text);

// A file of the catalog: a definition (name ends in .json) or a screen (.html).
struct FlowFile {
  std::string name;  // "sign-up-or-in.json", "screens/welcome.html"
  std::string text;
};

// The built-in files (generated at build time from flows/).
std::vector<FlowFile> builtin_flow_files();

// The flows and screen fragments a server offers. Immutable once loaded.
class FlowCatalog {
 public:
  // The built-in files, then every *.json and screens/*.html under `operator_dir` (which
  // may not exist), a later file replacing an earlier one of the same name or flow id.
  // kInvalidArgument naming the file for a definition that does not parse or names a
  // screen with no .html.
  static Result<FlowCatalog> load(const std::vector<FlowFile>& builtin,
                                  const std::string& operator_dir);

  const FlowDefinition* find(const std::string& flow_id) const;
  // The HTML fragment of a screen, nullopt if there is none.
  std::optional<std::string> screen_html(const std::string& screen_id) const;
  const std::map<std::string, FlowDefinition>& flows() const { return flows_; }

 private:
  std::map<std::string, FlowDefinition> flows_;
  std::map<std::string, std::string> screens_;
};

}  // namespace gatehouse::auth::flow
