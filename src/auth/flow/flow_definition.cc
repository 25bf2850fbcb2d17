#include "auth/flow/flow_definition.h"

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include <boost/json.hpp>

namespace gatehouse::auth::flow {

namespace json = boost::json;

namespace {

const std::set<std::string> kActions = {"identify",    "password.signIn", "password.signUp",
                                        "otp.send",    "otp.verify",      "passkey.start",
                                        "totp.verify", "magiclink.send"};

Error invalid(const std::string& what) { return make_error(Errc::kInvalidArgument, what); }

std::string str(const json::object& o, std::string_view key) {
  auto* v = o.if_contains(key);
  return v && v->is_string() ? std::string(v->as_string()) : std::string();
}

bool good_id(const std::string& id) {
  if (id.empty() || id.size() > 64) return false;
  for (char c : id) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '-' || c == '.';
    if (!ok) return false;
  }
  return true;
}

}  // namespace

const Screen* FlowDefinition::screen(const std::string& screen_id) const {
  auto it = screens.find(screen_id);
  return it == screens.end() ? nullptr : &it->second;
}

Result<FlowDefinition> parse_flow(std::string_view text) {
  boost::system::error_code ec;
  json::value v = json::parse(text, ec);
  if (ec || !v.is_object()) return invalid("a flow definition must be a JSON object");
  const auto& o = v.as_object();
  FlowDefinition f;
  f.id = str(o, "id");
  f.name = str(o, "name");
  f.description = str(o, "description");
  f.start = str(o, "start");
  f.source = std::string(text);
  if (auto* ver = o.if_contains("version"); ver && ver->is_int64()) {
    f.version = static_cast<int>(ver->as_int64());
  }
  if (!good_id(f.id)) return invalid("flow id must be letters, digits, '-' or '.': " + f.id);
  if (f.name.empty()) f.name = f.id;
  auto* screens = o.if_contains("screens");
  if (!screens || !screens->is_object() || screens->as_object().empty()) {
    return invalid(f.id + ": screens must be a non-empty object");
  }
  for (const auto& [key, sv] : screens->as_object()) {
    Screen s;
    s.id = std::string(key);
    if (!good_id(s.id)) return invalid(f.id + ": bad screen id: " + s.id);
    if (!sv.is_object()) return invalid(f.id + ": screen " + s.id + " must be an object");
    s.name = str(sv.as_object(), "name");
    if (s.name.empty()) s.name = s.id;
    if (auto* on = sv.as_object().if_contains("on"); on && on->is_object()) {
      for (const auto& [ik, tv] : on->as_object()) {
        if (!tv.is_object()) return invalid(f.id + ": " + s.id + "." + std::string(ik));
        const auto& t = tv.as_object();
        Transition tr{str(t, "do"), str(t, "goto"), str(t, "existing"), str(t, "new"),
                      str(t, "mfa")};
        if (tr.next.empty()) tr.next = str(t, "then");
        if (!tr.action.empty() && !kActions.contains(tr.action)) {
          return invalid(f.id + ": unknown action " + tr.action);
        }
        if (tr.action == "identify" && (tr.next_existing.empty() || tr.next_new.empty())) {
          return invalid(f.id + ": identify needs \"existing\" and \"new\" screens");
        }
        s.on.emplace(std::string(ik), std::move(tr));
      }
    }
    f.screens.emplace(s.id, std::move(s));
  }
  if (f.start.empty()) f.start = f.screens.begin()->first;
  auto known = [&](const std::string& id) { return id.empty() || f.screens.contains(id); };
  if (!f.screens.contains(f.start)) return invalid(f.id + ": unknown start screen " + f.start);
  for (const auto& [id, s] : f.screens) {
    for (const auto& [ik, t] : s.on) {
      if (!known(t.next) || !known(t.next_existing) || !known(t.next_new) || !known(t.next_mfa)) {
        return invalid(f.id + ": " + id + "." + ik + " names an unknown screen");
      }
    }
  }
  return f;
}

Result<FlowCatalog> FlowCatalog::load(const std::vector<FlowFile>& builtin,
                                      const std::string& operator_dir) {
  std::vector<FlowFile> files = builtin;
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!operator_dir.empty() && fs::is_directory(operator_dir, ec)) {
    auto read = [&](const fs::path& p, const std::string& name) {
      std::ifstream in(p, std::ios::binary);
      std::stringstream ss;
      ss << in.rdbuf();
      files.push_back({name, ss.str()});
    };
    std::vector<fs::path> found;
    for (const auto& e : fs::directory_iterator(operator_dir, ec)) {
      if (e.is_regular_file() && e.path().extension() == ".json") found.push_back(e.path());
    }
    if (fs::is_directory(fs::path(operator_dir) / "screens", ec)) {
      for (const auto& e : fs::directory_iterator(fs::path(operator_dir) / "screens", ec)) {
        if (e.is_regular_file() && e.path().extension() == ".html") found.push_back(e.path());
      }
    }
    std::sort(found.begin(), found.end());
    for (const auto& p : found) {
      read(p,
           p.extension() == ".html" ? "screens/" + p.filename().string() : p.filename().string());
    }
  }
  FlowCatalog c;
  for (const auto& f : files) {
    if (f.name.ends_with(".html")) {
      auto stem = fs::path(f.name).stem().string();
      c.screens_[stem] = f.text;
    }
  }
  for (const auto& f : files) {
    if (!f.name.ends_with(".json")) continue;
    auto def = parse_flow(f.text);
    if (!def) return invalid(f.name + ": " + def.error().message);
    for (const auto& [id, s] : def->screens) {
      if (!c.screens_.contains(id)) return invalid(f.name + ": no screens/" + id + ".html");
    }
    c.flows_[def->id] = std::move(*def);
  }
  return c;
}

const FlowDefinition* FlowCatalog::find(const std::string& flow_id) const {
  auto it = flows_.find(flow_id);
  return it == flows_.end() ? nullptr : &it->second;
}

std::optional<std::string> FlowCatalog::screen_html(const std::string& screen_id) const {
  auto it = screens_.find(screen_id);
  if (it == screens_.end()) return std::nullopt;
  return it->second;
}

}  // namespace gatehouse::auth::flow
