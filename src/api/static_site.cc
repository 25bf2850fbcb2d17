#include "api/static_site.h"

#include <filesystem>
#include <fstream>
#include <sstream>

#include <boost/json.hpp>

#include "api/errors.h"
#include "gatehouse/crypto/digest.h"

namespace gatehouse::api {

namespace fs = std::filesystem;

namespace {

constexpr const char* kCsp =
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'";
// The tutorial's pages (/tutorial/) run Descope's flow component, whose UI library writes
// <style> elements into its shadow roots; scripts stay same-origin only.
constexpr const char* kTutorialCsp =
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self'; connect-src 'self'; object-src 'none'; "
    "base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

std::string content_type(const fs::path& p) {
  static const std::map<std::string, std::string> kTypes = {
      {".html", "text/html; charset=utf-8"},
      {".js", "text/javascript; charset=utf-8"},
      {".mjs", "text/javascript; charset=utf-8"},
      {".css", "text/css; charset=utf-8"},
      {".json", "application/json"},
      {".svg", "image/svg+xml"},
      {".png", "image/png"},
      {".jpg", "image/jpeg"},
      {".ico", "image/x-icon"},
      {".webp", "image/webp"},
      {".woff2", "font/woff2"},
      {".txt", "text/plain; charset=utf-8"},
      {".map", "application/json"},
  };
  auto it = kTypes.find(p.extension().string());
  return it == kTypes.end() ? "application/octet-stream" : it->second;
}

void add_security_headers(http::Response& res, std::string_view path = "/") {
  res.set_header("Content-Security-Policy",
                 path.starts_with("/tutorial/") || path == "/tutorial" ? kTutorialCsp : kCsp);
  res.set_header("X-Content-Type-Options", "nosniff");
  res.set_header("Referrer-Policy", "no-referrer");
  res.set_header("X-Frame-Options", "DENY");
}

bool has_extension(std::string_view path) {
  auto slash = path.rfind('/');
  auto dot = path.rfind('.');
  return dot != std::string_view::npos && (slash == std::string_view::npos || dot > slash);
}

}  // namespace

StaticSite StaticSite::load(const std::string& root) {
  StaticSite site;
  std::error_code ec;
  if (!fs::is_directory(root, ec)) return site;
  for (auto it = fs::recursive_directory_iterator(root, ec);
       !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (!it->is_regular_file()) continue;
    std::ifstream in(it->path(), std::ios::binary);
    std::ostringstream ss;
    ss << in.rdbuf();
    File f{ss.str(), content_type(it->path()), ""};
    f.etag = "\"" + crypto::sha256_hex(f.body).substr(0, 32) + "\"";
    std::string key = "/" + fs::relative(it->path(), root).generic_string();
    site.files_.emplace(std::move(key), std::move(f));
  }
  return site;
}

http::Response StaticSite::serve(const http::Request& req) const {
  if (req.method != "GET" && req.method != "HEAD") {
    return error_response(make_error(Errc::kNotFound, "Route not found"));
  }
  std::string_view path = req.path;
  auto it = files_.find(path == "/" ? std::string_view("/index.html") : path);
  bool fallback = false;
  if (it == files_.end()) {
    // API-looking paths and missing files get a JSON 404; app routes get the app.
    if (has_extension(path) || path.starts_with("/v1/") || path.starts_with("/v2/")) {
      return error_response(make_error(Errc::kNotFound, "Route not found"));
    }
    // A client-side route gets the app it belongs to: the nearest index.html above it
    // (/tutorial/profile -> /tutorial/index.html), else the main app's.
    std::string dir(path);
    do {
      dir.erase(dir.find_last_of('/'));
      it = files_.find(dir + "/index.html");
    } while (it == files_.end() && !dir.empty());
    fallback = true;
  }
  if (it == files_.end()) {
    http::Response res;
    res.status = 404;
    res.set_header("Content-Type", "text/html; charset=utf-8");
    res.body =
        "<!doctype html><title>Gatehouse</title><h1>Gatehouse is running</h1>"
        "<p>The web app is not built. Run <code>make build</code> (or <code>npm --prefix web run "
        "build</code>) and restart the server.</p>";
    add_security_headers(res);
    return res;
  }
  const File& f = it->second;
  http::Response res;
  res.set_header("Content-Type", f.content_type);
  res.set_header("ETag", f.etag);
  bool hashed = !fallback && path.starts_with("/assets/");
  res.set_header("Cache-Control", hashed ? "public, max-age=31536000, immutable" : "no-cache");
  add_security_headers(res, path);
  if (req.header("if-none-match") == f.etag) {
    res.status = 304;
    return res;
  }
  res.body = f.body;
  return res;
}

}  // namespace gatehouse::api
