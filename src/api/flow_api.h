// Routes of flows (docs/flows.md, docs/descope-wire.md §8): POST /v1/flow/start and
// /v1/flow/next for the <Descope flowId="…"> web component and core-js's flow calls; the
// static files the component reads under /pages/{projectId}/v2-beta/ (config.json,
// theme.json, <screenId>.html); the UI library it loads (/npm/@descope/web-components-ui@…);
// and the management calls /v1/mgmt/flow/list and /v1/mgmt/flow/export (node-sdk).
// Handlers translate wire <-> engine only; the engine (auth/flow/) decides.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "api/auth_api.h"
#include "auth/authorization.h"
#include "auth/flow/flow_engine.h"
#include "gatehouse/clock.h"
#include "http/router.h"

namespace gatehouse::api {

// The version of @descope/web-components-ui that config.json names and /npm/ serves.
inline constexpr const char* kComponentsVersion = "3.14.1";

// Files served from memory with an ETag (304 on a match) and gzip when the browser
// accepts it: an npm package's folder (a year's immutable caching: the URL carries the
// version), or the flow component's files (revalidated).
class PackageFiles {
 public:
  // Every regular file under `dir` but source maps (absent: none). Only the names are read
  // here: each file is read, hashed and gzipped at its first request and kept from then
  // on, so a server whose flows nobody opens neither starts later nor holds the 7 MB of
  // the UI library (it did: 0.4 s more to start, 15 MB more resident).
  static std::shared_ptr<const PackageFiles> load(const std::string& dir,
                                                  std::string cache_control);
  // name -> {body, content type}.
  static std::shared_ptr<const PackageFiles> of(
      const std::map<std::string, std::pair<std::string, std::string>>& files,
      std::string cache_control);
  // The response for `path` relative to the folder, nullopt when there is no such file.
  std::optional<http::Response> serve(const http::Request& req, const std::string& path) const;
  bool empty() const { return files_.empty(); }

 private:
  struct File {
    std::string body;
    std::string gzipped;  // empty when gzip does not make it smaller
    std::string content_type;
    std::string etag;
  };
  struct Entry {
    std::string disk_path;  // read at the first request; empty: `file` was given
    std::string content_type;
    std::once_flag once;
    std::shared_ptr<const File> file;  // null when the file could not be read
  };
  static std::shared_ptr<const File> make_file(std::string body, std::string content_type);
  const File* file_of(const std::string& path) const;
  std::string cache_control_;
  std::map<std::string, std::unique_ptr<Entry>, std::less<>> files_;
};

struct FlowApiDeps {
  std::string project_id;
  auth::flow::FlowEngine& engine;
  auth::Authorizer& authorizer;
  Clock clock;
  CookieOptions cookies;
  // theme.json for the component (web/dist/flow/theme.json, made from the UI library's
  // themes by web/scripts/flow-theme.mjs); empty: a minimal one (unstyled components).
  std::string theme_json;
  // dist/umd of @descope/web-components-ui (web/node_modules/…); may be empty.
  std::shared_ptr<const PackageFiles> ui_components;
};

void register_flow_routes(http::Router& router, FlowApiDeps deps);

}  // namespace gatehouse::api
