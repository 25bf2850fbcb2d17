#include "api/flow_api.h"

#include <filesystem>
#include <fstream>
#include <sstream>

#include <zlib.h>
#include <boost/json.hpp>

#include "api/errors.h"
#include "api/json_body.h"
#include "api/wire.h"
#include "gatehouse/crypto/digest.h"

namespace gatehouse::api {

namespace json = boost::json;
using http::Request;
using http::Response;

namespace {

std::string content_type_of(const std::string& path) {
  auto ext = std::filesystem::path(path).extension().string();
  if (ext == ".js" || ext == ".mjs") return "text/javascript; charset=utf-8";
  if (ext == ".json" || ext == ".map") return "application/json";
  if (ext == ".css") return "text/css; charset=utf-8";
  if (ext == ".html") return "text/html; charset=utf-8";
  if (ext == ".svg") return "image/svg+xml";
  if (ext == ".woff2") return "font/woff2";
  if (ext == ".woff") return "font/woff";
  return "application/octet-stream";
}

std::string gzip(const std::string& in) {
  z_stream z{};
  if (deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) return {};
  std::string out(deflateBound(&z, in.size()), '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  z.avail_in = static_cast<uInt>(in.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  int rc = deflate(&z, Z_FINISH);
  deflateEnd(&z);
  if (rc != Z_STREAM_END) return {};
  out.resize(z.total_out);
  return out;
}

bool accepts_gzip(const Request& req) {
  auto v = req.header("accept-encoding");
  return v.find("gzip") != std::string_view::npos;
}

// The web component's fetches are cross-origin when the app is on another port.
Response static_file(std::string body, std::string content_type, const char* cache) {
  Response r;
  r.status = 200;
  r.body = std::move(body);
  r.set_header("Content-Type", std::move(content_type));
  r.set_header("Cache-Control", cache);
  r.set_header("Access-Control-Allow-Origin", "*");
  r.set_header("X-Content-Type-Options", "nosniff");
  return r;
}

// Without the built theme (web not built): light and dark with the product's colours as
// CSS variables only; the components then keep the browser's default look.
std::string theme_json() {
  auto mode = [](const char* bg, const char* fg, const char* primary) {
    return json::object{{"globals", std::string(":host{--gh-bg:") + bg + ";--gh-fg:" + fg +
                                        ";--gh-primary:" + primary + ";color:" + fg + ";}"},
                        {"components", json::object{}}};
  };
  return json::serialize(json::object{{"light", mode("#ffffff", "#1b1f24", "#2f5bd3")},
                                      {"dark", mode("#15181d", "#e8ebf0", "#7ea2ff")}});
}

json::object reply_json(const auth::flow::FlowReply& r) {
  json::object o{{"executionId", r.execution_id},
                 {"stepId", r.step_id},
                 {"stepName", r.step_name},
                 {"status", r.status},
                 {"action", r.action}};
  if (!r.screen_id.empty()) {
    o["screen"] = json::object{
        {"id", r.screen_id}, {"state", r.screen_state}, {"componentsConfig", json::object{}}};
  }
  if (r.passkey) {
    o["webauthn"] = json::object{{"transactionId", r.passkey->transaction_id},
                                 {"options", r.passkey->options},
                                 {"create", r.passkey->create}};
  }
  return o;
}

// A reply, or on completion the JWTResponse as authInfo with the refresh token delivered as
// the direct sign-in endpoints deliver it (body or cookie).
Response flow_response(const Result<auth::flow::FlowReply>& r, const FlowApiDeps& d) {
  if (!r) return error_response(r.error());
  if (!r->auth) return Response::json(200, reply_json(*r));
  Response signed_in = authenticated_response(*r->auth, d.clock, d.cookies);
  boost::system::error_code ec;
  json::value auth_info = json::parse(signed_in.body, ec);
  if (ec) return error_response(make_error(Errc::kInternal, "authInfo"));
  json::object o = reply_json(*r);
  o["authInfo"] = std::move(auth_info);
  o["lastAuth"] = json::object{{"authMethod", "flow"}};
  o["output"] = json::object{};
  Response res = Response::json(200, o);
  for (auto& h : signed_in.headers) {
    if (h.first == "Set-Cookie") res.headers.push_back(h);
  }
  return res;
}

}  // namespace

std::shared_ptr<const PackageFiles::File> PackageFiles::make_file(std::string body,
                                                                  std::string content_type) {
  auto f = std::make_shared<File>();
  f->body = std::move(body);
  f->content_type = std::move(content_type);
  f->etag = "\"" + crypto::sha256_hex(f->body).substr(0, 32) + "\"";
  if (f->content_type.starts_with("text/") || f->content_type == "application/json" ||
      f->content_type == "image/svg+xml") {
    f->gzipped = gzip(f->body);
    if (f->gzipped.size() >= f->body.size()) f->gzipped.clear();
  }
  return f;
}

std::shared_ptr<const PackageFiles> PackageFiles::load(const std::string& dir,
                                                       std::string cache_control) {
  auto p = std::make_shared<PackageFiles>();
  p->cache_control_ = std::move(cache_control);
  namespace fs = std::filesystem;
  std::error_code ec;
  if (dir.empty() || !fs::is_directory(dir, ec)) return p;
  for (auto it = fs::recursive_directory_iterator(dir, ec);
       it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (ec) break;
    // Source maps (16 MB of the package) are for the library's own developers.
    if (!it->is_regular_file() || it->path().extension() == ".map") continue;
    auto e = std::make_unique<Entry>();
    e->disk_path = it->path().string();
    e->content_type = content_type_of(e->disk_path);
    p->files_.emplace(fs::relative(it->path(), dir).generic_string(), std::move(e));
  }
  return p;
}

std::shared_ptr<const PackageFiles> PackageFiles::of(
    const std::map<std::string, std::pair<std::string, std::string>>& files,
    std::string cache_control) {
  auto p = std::make_shared<PackageFiles>();
  p->cache_control_ = std::move(cache_control);
  for (const auto& [name, file] : files) {
    auto e = std::make_unique<Entry>();
    e->content_type = file.second;
    e->file = make_file(file.first, file.second);
    p->files_.emplace(name, std::move(e));
  }
  return p;
}

const PackageFiles::File* PackageFiles::file_of(const std::string& path) const {
  auto it = files_.find(path);
  if (it == files_.end()) return nullptr;
  Entry& e = *it->second;
  if (!e.disk_path.empty()) {
    std::call_once(e.once, [&e] {
      std::ifstream in(e.disk_path, std::ios::binary);
      if (!in) return;  // removed since the start: served as missing
      std::stringstream ss;
      ss << in.rdbuf();
      e.file = make_file(ss.str(), e.content_type);
    });
  }
  return e.file.get();
}

std::optional<Response> PackageFiles::serve(const Request& req, const std::string& path) const {
  const File* found = file_of(path);
  if (!found) return std::nullopt;
  const File& f = *found;
  if (req.header("if-none-match") == f.etag) {
    Response r = static_file("", f.content_type, cache_control_.c_str());
    r.status = 304;
    r.set_header("ETag", f.etag);
    return r;
  }
  bool gz = !f.gzipped.empty() && accepts_gzip(req);
  Response r = static_file(gz ? f.gzipped : f.body, f.content_type, cache_control_.c_str());
  r.set_header("ETag", f.etag);
  if (gz) r.set_header("Content-Encoding", "gzip");
  r.set_header("Vary", "Accept-Encoding");
  return r;
}

void register_flow_routes(http::Router& router, FlowApiDeps d) {
  router.add("POST", "/v1/flow/start", [d](Request& req) {
    if (auto b = project_bearer(req, d.project_id); !b) return error_response(b.error());
    auto body = parse_object(req.body);
    if (!body) return error_response(body.error());
    auto flow_id = required_string(*body, "flowId");
    if (!flow_id) return error_response(flow_id.error());
    auto options = optional_object(*body, "options");
    if (!options) return error_response(options.error());
    auto location = optional_string(*options, "location");
    if (!location) return error_response(location.error());
    auto input = optional_object(*body, "input");
    if (!input) return error_response(input.error());
    auto token = optional_string(*input, "token");
    if (!token) return error_response(token.error());
    return flow_response(d.engine.start(*flow_id, origin_of(req), *location, *token), d);
  });

  router.add("POST", "/v1/flow/next",
             [d](Request& req) {
               if (auto b = project_bearer(req, d.project_id); !b) return error_response(b.error());
               auto body = parse_object(req.body);
               if (!body) return error_response(body.error());
               auto exec = required_string(*body, "executionId");
               if (!exec) return error_response(exec.error());
               auto step = required_string(*body, "stepId");
               if (!step) return error_response(step.error());
               auto interaction = optional_string(*body, "interactionId");
               if (!interaction) return error_response(interaction.error());
               auto input = optional_object(*body, "input");
               if (!input) return error_response(input.error());
               return flow_response(
                   d.engine.next(*exec, *step, *interaction, *input, origin_of(req)), d);
             },
             // An email code is mailed from here: it waits on the SMTP relay like the OTP routes.
             {.waits_on_network = true});

  // The component's static files. Built from the catalog once; answered from memory.
  json::object flows;
  for (const auto& [id, f] : d.engine.catalog().flows()) {
    flows[id] = json::object{{"version", f.version}};
  }
  std::map<std::string, std::pair<std::string, std::string>> files;
  files["config.json"] = {json::serialize(json::object{{"componentsVersion", kComponentsVersion},
                                                       {"flows", std::move(flows)}}),
                          "application/json"};
  files["theme.json"] = {d.theme_json.empty() ? theme_json() : d.theme_json, "application/json"};
  for (const auto& [id, f] : d.engine.catalog().flows()) {
    for (const auto& [screen_id, screen] : f.screens) {
      files[screen_id + ".html"] = {d.engine.catalog().screen_html(screen_id).value_or(""),
                                    "text/html; charset=utf-8"};
    }
  }
  // Revalidated (ETag), so a changed flow reaches browsers at once.
  auto pages = PackageFiles::of(files, "no-cache");
  router.add("GET", "/pages/{projectId}/v2-beta/{file}",
             [d, pages](Request& req) {
               if (req.params.at("projectId") != d.project_id) {
                 return error_response(make_error(Errc::kNotFound, "unknown project"));
               }
               if (auto r = pages->serve(req, req.params.at("file"))) return *r;
               return error_response(make_error(Errc::kNotFound, "no such flow file"));
             },
             {.inline_on_io = true});

  // The UMD bundle, the chunks it loads and its fonts (umd/fonts/).
  auto ui = [d](Request& req) {
    std::string path = req.params.at("file");
    if (auto dir = req.params.find("dir"); dir != req.params.end()) path = dir->second + "/" + path;
    if (d.ui_components) {
      if (auto r = d.ui_components->serve(req, path)) return *r;
    }
    return error_response(
        make_error(Errc::kNotFound, "UI components not installed (npm ci in web/)"));
  };
  const std::string umd =
      std::string("/npm/@descope/web-components-ui@") + kComponentsVersion + "/dist/umd/";
  // On the workers: the first request of each file reads and gzips it (PackageFiles::load).
  router.add("GET", umd + "{file}", ui);
  router.add("GET", umd + "{dir}/{file}", ui);

  // node-sdk: management.flow.list() POSTs {}; GET answers too.
  auto list = [d](Request& req) {
    auto call = management_call(req, d.project_id, d.authorizer);
    if (!call) return error_response(call.error());
    json::array out;
    for (const auto& [id, f] : d.engine.catalog().flows()) {
      out.emplace_back(json::object{
          {"id", id}, {"name", f.name}, {"description", f.description}, {"disabled", false}});
    }
    auto n = static_cast<int64_t>(out.size());
    return Response::json(200, json::object{{"flows", std::move(out)}, {"total", n}});
  };
  router.add("POST", "/v1/mgmt/flow/list", list);
  router.add("GET", "/v1/mgmt/flow/list", list);

  router.add("POST", "/v1/mgmt/flow/export", [d](Request& req) {
    auto call = management_call(req, d.project_id, d.authorizer);
    if (!call) return error_response(call.error());
    auto flow_id = required_string(call->body, "flowId");
    if (!flow_id) return error_response(flow_id.error());
    const auto* f = d.engine.catalog().find(*flow_id);
    if (!f) return error_response(make_error(Errc::kNotFound, "unknown flow: " + *flow_id));
    boost::system::error_code ec;
    json::value dsl = json::parse(f->source, ec);
    json::array screens;
    for (const auto& [id, s] : f->screens) {
      json::array interactions;
      for (const auto& [iid, t] : s.on) {
        interactions.emplace_back(json::object{{"id", iid}, {"action", t.action}});
      }
      screens.emplace_back(
          json::object{{"id", id},
                       {"name", s.name},
                       {"inputs", json::array{}},
                       {"interactions", std::move(interactions)},
                       {"htmlTemplate", d.engine.catalog().screen_html(id).value_or("")}});
    }
    return Response::json(
        200, json::object{{"flow", json::object{{"id", f->id},
                                                {"name", f->name},
                                                {"description", f->description},
                                                {"disabled", false},
                                                {"dsl", ec ? json::value(nullptr) : dsl}}},
                          {"screens", std::move(screens)}});
  });
}

}  // namespace gatehouse::api
