// StaticSite: serves the built web app (web/dist) from memory.
//
// Files are read once at start-up (the build is a few hundred KiB). GET and
// HEAD only; an unknown path without a file extension gets index.html so that
// client-side routes (/profile, /dashboard) survive a reload. Hashed assets
// under /assets/ are cached for a year as immutable; HTML is revalidated.
// Every page carries the security headers: a CSP that allows only this
// origin, nosniff, a strict referrer policy and frame-ancestors 'none'.
#pragma once

#include <map>
#include <string>

#include "http/message.h"

namespace gatehouse::api {

class StaticSite {
 public:
  // Loads every regular file under `root`; an absent root gives an empty site
  // that explains how to build the app.
  static StaticSite load(const std::string& root);

  http::Response serve(const http::Request& req) const;
  bool empty() const { return files_.empty(); }

 private:
  struct File {
    std::string body;
    std::string content_type;
    std::string etag;
  };
  std::map<std::string, File, std::less<>> files_;  // key: "/path/in/site"
};

}  // namespace gatehouse::api
