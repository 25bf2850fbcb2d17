#include "http/router.h"

namespace gatehouse::http {
namespace {

std::vector<std::string_view> split_path(std::string_view path) {
  std::vector<std::string_view> out;
  size_t i = 0;
  while (i < path.size()) {
    if (path[i] == '/') {
      ++i;
      continue;
    }
    size_t j = path.find('/', i);
    if (j == std::string_view::npos) j = path.size();
    out.push_back(path.substr(i, j - i));
    i = j;
  }
  return out;
}

bool is_param(std::string_view seg) {
  return seg.size() > 2 && seg.front() == '{' && seg.back() == '}';
}

}  // namespace

void Router::add(std::string method, std::string_view pattern, Handler handler, RouteOptions opts) {
  Route r{std::move(method), {}, std::string(pattern), std::move(handler), opts};
  for (auto seg : split_path(pattern)) r.segments.emplace_back(seg);
  routes_.push_back(std::move(r));
}

void Router::set_fallback(Handler handler, RouteOptions opts) {
  fallback_ = Route{"", {}, "", std::move(handler), opts};
}

std::variant<Router::Match, Router::Miss> Router::match(Request& req) const {
  auto parts = split_path(req.path);
  bool path_matched = false;
  for (const auto& r : routes_) {
    if (r.segments.size() != parts.size()) continue;
    bool ok = true;
    for (size_t i = 0; i < parts.size() && ok; ++i) {
      ok = is_param(r.segments[i]) || r.segments[i] == parts[i];
    }
    if (!ok) continue;
    path_matched = true;
    if (r.method != req.method && !(r.method == "GET" && req.method == "HEAD")) continue;
    req.params.clear();
    for (size_t i = 0; i < parts.size(); ++i) {
      if (is_param(r.segments[i])) {
        const auto& s = r.segments[i];
        req.params.emplace(s.substr(1, s.size() - 2), std::string(parts[i]));
      }
    }
    req.route = static_cast<int>(&r - routes_.data());
    return Match{&r.handler, r.options, req.route};
  }
  if (path_matched) return Miss::kMethodNotAllowed;
  if (fallback_) {
    req.route = kFallbackRoute;
    return Match{&fallback_->handler, fallback_->options, kFallbackRoute};
  }
  return Miss::kNotFound;
}

std::string Router::route_label(size_t id) const {
  const Route& r = routes_.at(id);
  return r.method + " " + r.pattern;
}

}  // namespace gatehouse::http
