// libFuzzer target: request decoding of every endpoint family — /v1/auth/*, /v1/mgmt/*,
// /v2/keys, the tutorial's /get_roles — through the server's real wiring
// (server::open_context on a temporary SQLite data directory, the routes serve.cc
// registers) without a socket. Input: "METHOD target\n" then header lines "name: value",
// an empty line, the body. In header values "$MGMT" becomes a live management key's bearer
// ("<project>:<key>"), so management bodies are decoded past authentication. Store writes
// go to the temporary directory, removed at exit. Handlers that throw are findings (the
// server would answer 500). Seeds: tests/fuzz/api/corpus.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>
#include <variant>

#include "api/errors.h"
#include "http/router.h"
#include "server/context.h"
#include "server/routes.h"

namespace {

using namespace gatehouse;

struct World {
  std::string dir;
  std::unique_ptr<server::Context> ctx;
  http::Router router;
  std::string mgmt_bearer;

  World() {
    char tmpl[] = "/tmp/gh-fuzz-api-XXXXXX";
    if (!mkdtemp(tmpl)) std::abort();
    dir = tmpl;
    server::Config cfg;
    cfg.data_dir = dir + "/data";
    cfg.hash_in = "threads";
    cfg.hash_concurrency = 1;
    auto opened = server::open_context(cfg);
    if (!opened) std::abort();
    ctx = std::move(*opened);
    server::register_routes(router, *ctx);
    auto key = ctx->mgmt_keys->create("fuzz", 0);
    if (!key) std::abort();
    mgmt_bearer = "Bearer " + ctx->auth.project_id + ":" + key->key;
  }
  ~World() {
    ctx.reset();
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
  }
};

World& world() {
  static World w;
  return w;
}

std::string next_line(std::string_view& in) {
  auto nl = in.find('\n');
  std::string line(in.substr(0, nl));
  in.remove_prefix(nl == std::string_view::npos ? in.size() : nl + 1);
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return line;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  World& w = world();
  std::string_view in(reinterpret_cast<const char*>(data), size);
  http::Request req;
  std::string first = next_line(in);
  auto sp = first.find(' ');
  if (sp == std::string::npos) return 0;
  req.method = first.substr(0, sp);
  req.target = first.substr(sp + 1);
  auto q = req.target.find('?');
  req.path = req.target.substr(0, q);
  if (q != std::string::npos) req.query = req.target.substr(q + 1);
  for (std::string line = next_line(in); !line.empty(); line = next_line(in)) {
    auto colon = line.find(':');
    if (colon == std::string::npos) continue;
    std::string name = line.substr(0, colon);
    for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    std::string value = line.substr(colon + 1);
    while (!value.empty() && value.front() == ' ') value.erase(0, 1);
    if (value == "$MGMT") value = w.mgmt_bearer;
    req.headers.emplace_back(std::move(name), std::move(value));
  }
  req.body = std::string(in);
  req.remote_ip = "127.0.0.1";
  auto m = w.router.match(req);
  auto* hit = std::get_if<http::Router::Match>(&m);
  if (!hit) return 0;
  http::Response res = (*hit->handler)(req);
  // Decoding failures are answers, never server errors.
  if (res.status >= 500) std::abort();
  return 0;
}
