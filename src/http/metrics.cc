#include "http/metrics.h"

#include <charconv>
#include <map>
#include <stdexcept>

namespace gatehouse::http {

namespace {

constexpr size_t kCodeSlots = Metrics::kCodes.size() + 5;      // + "1xx" … "5xx"
constexpr size_t kBucketSlots = Metrics::kBuckets.size() + 1;  // + Inf

size_t code_slot(int status) {
  for (size_t i = 0; i < Metrics::kCodes.size(); ++i) {
    if (Metrics::kCodes[i] == status) return i;
  }
  int cls = status / 100;
  if (cls < 1 || cls > 5) cls = 5;
  return Metrics::kCodes.size() + static_cast<size_t>(cls - 1);
}

std::string code_label(size_t slot) {
  if (slot < Metrics::kCodes.size()) return std::to_string(Metrics::kCodes[slot]);
  return std::to_string(slot - Metrics::kCodes.size() + 1) + "xx";
}

int code_class(size_t slot) {
  return slot < Metrics::kCodes.size() ? Metrics::kCodes[slot] / 100
                                       : static_cast<int>(slot - Metrics::kCodes.size() + 1);
}

// A label value: backslash, double quote and line feed escaped (text format 0.0.4).
void append_label_value(std::string& out, std::string_view v) {
  for (char c : v) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '"') {
      out += "\\\"";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
}

void append_number(std::string& out, double v) {
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::fixed);
  out.append(buf, ec == std::errc() ? end : buf);
}

void append_number(std::string& out, uint64_t v) { out += std::to_string(v); }

void header(std::string& out, std::string_view name, std::string_view type, std::string_view help) {
  out.append("# HELP ").append(name).append(" ").append(help).append("\n");
  out.append("# TYPE ").append(name).append(" ").append(type).append("\n");
}

std::string route_key(std::string_view method, std::string_view pattern) {
  std::string key(method);
  key += ' ';
  key += pattern;
  return key;
}

}  // namespace

struct Metrics::Series {
  std::array<std::atomic<uint64_t>, kCodeSlots> codes{};
  std::array<std::atomic<uint64_t>, kBucketSlots> buckets{};  // not cumulative here
  std::atomic<uint64_t> sum_ns{0};
};

Metrics::Metrics() = default;
Metrics::~Metrics() = default;

void Metrics::sign_in_route(std::string_view method, std::string_view pattern,
                            std::string sign_in_method) {
  tags_.push_back({route_key(method, pattern), std::move(sign_in_method), false});
}

void Metrics::refresh_route(std::string_view method, std::string_view pattern) {
  tags_.push_back({route_key(method, pattern), "", true});
}

void Metrics::gauge(std::string name, std::string help, std::function<double()> fn) {
  sampled_.push_back({std::move(name), std::move(help), std::move(fn), "gauge"});
}

void Metrics::counter(std::string name, std::string help, std::function<double()> fn) {
  sampled_.push_back({std::move(name), std::move(help), std::move(fn), "counter"});
}

void Metrics::bind(const Router& router) {
  if (bound_.load()) throw std::logic_error("Metrics::bind called twice");
  labels_.clear();
  for (size_t i = 0; i < router.route_count(); ++i) labels_.push_back(router.route_label(i));
  labels_.push_back("fallback");  // Router::kFallbackRoute: static files
  labels_.push_back("unrouted");  // no route: 404, 405, preflights, unreadable requests
  series_ = std::make_unique<Series[]>(labels_.size());
  bound_.store(true, std::memory_order_release);
}

void Metrics::on_complete(const Request& req, const Completion& done) {
  if (!bound_.load(std::memory_order_acquire)) return;
  size_t n = labels_.size();
  size_t id = req.route == Router::kFallbackRoute ? n - 2
              : (req.route >= 0 && static_cast<size_t>(req.route) < n - 2)
                  ? static_cast<size_t>(req.route)
                  : n - 1;
  Series& s = series_[id];
  s.codes[code_slot(done.status)].fetch_add(1, std::memory_order_relaxed);
  const auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(done.elapsed).count();
  const double secs = static_cast<double>(ns) / 1e9;
  size_t b = 0;
  while (b < kBuckets.size() && secs > kBuckets[b]) ++b;
  s.buckets[b].fetch_add(1, std::memory_order_relaxed);
  s.sum_ns.fetch_add(static_cast<uint64_t>(ns < 0 ? 0 : ns), std::memory_order_relaxed);
}

std::string Metrics::render() const {
  std::string out;
  out.reserve(8192);
  const bool bound = bound_.load(std::memory_order_acquire);
  const size_t n = bound ? labels_.size() : 0;

  header(out, "gatehouse_http_requests_total", "counter",
         "Requests answered, by route pattern and status code.");
  for (size_t r = 0; r < n; ++r) {
    for (size_t c = 0; c < kCodeSlots; ++c) {
      uint64_t v = series_[r].codes[c].load(std::memory_order_relaxed);
      if (v == 0) continue;
      out += "gatehouse_http_requests_total{route=\"";
      append_label_value(out, labels_[r]);
      out += "\",code=\"" + code_label(c) + "\"} ";
      append_number(out, v);
      out += '\n';
    }
  }

  header(out, "gatehouse_http_request_duration_seconds", "histogram",
         "Time from a request read to its response written, by route pattern.");
  for (size_t r = 0; r < n; ++r) {
    const Series& s = series_[r];
    std::array<uint64_t, kBucketSlots> counts{};
    uint64_t total = 0;
    for (size_t b = 0; b < kBucketSlots; ++b) {
      counts[b] = s.buckets[b].load(std::memory_order_relaxed);
      total += counts[b];
    }
    if (total == 0) continue;
    std::string route;
    append_label_value(route, labels_[r]);
    uint64_t cumulative = 0;
    for (size_t b = 0; b < kBucketSlots; ++b) {
      cumulative += counts[b];
      out += "gatehouse_http_request_duration_seconds_bucket{route=\"" + route + "\",le=\"";
      if (b < kBuckets.size()) {
        append_number(out, kBuckets[b]);
      } else {
        out += "+Inf";
      }
      out += "\"} ";
      append_number(out, cumulative);
      out += '\n';
    }
    out += "gatehouse_http_request_duration_seconds_sum{route=\"" + route + "\"} ";
    append_number(out, static_cast<double>(s.sum_ns.load(std::memory_order_relaxed)) / 1e9);
    out += "\ngatehouse_http_request_duration_seconds_count{route=\"" + route + "\"} ";
    append_number(out, cumulative);
    out += '\n';
  }

  // Sign-ins and refreshes: the tagged routes' answers, by status class. 2xx = ok, 429 =
  // rate_limited, other 4xx = refused, 5xx = error.
  std::map<std::string, std::array<uint64_t, 4>> sign_ins;  // method → ok, refused, limited, error
  std::array<uint64_t, 3> refreshes{};                      // ok, refused, error
  uint64_t limited = 0;
  for (const auto& t : tags_) {
    if (!t.sign_in_method.empty()) sign_ins.try_emplace(t.sign_in_method);
  }
  for (size_t r = 0; r < n; ++r) {
    const Series& s = series_[r];
    limited += s.codes[code_slot(429)].load(std::memory_order_relaxed);
    for (const auto& t : tags_) {
      if (t.route != labels_[r]) continue;
      for (size_t c = 0; c < kCodeSlots; ++c) {
        uint64_t v = s.codes[c].load(std::memory_order_relaxed);
        if (v == 0) continue;
        int cls = code_class(c);
        bool is_429 = c < kCodes.size() && kCodes[c] == 429;
        if (!t.sign_in_method.empty()) {
          auto& m = sign_ins[t.sign_in_method];
          m[cls == 2 ? 0 : is_429 ? 2 : cls == 5 ? 3 : cls == 4 ? 1 : 3] += v;
        } else if (t.refresh) {
          refreshes[cls == 2 ? 0 : cls == 5 ? 2 : 1] += v;
        }
      }
    }
  }
  header(out, "gatehouse_sign_ins_total", "counter",
         "Sign-in attempts answered, by method and result (ok, refused, rate_limited, error).");
  static constexpr std::array<const char*, 4> kSignInResults = {"ok", "refused", "rate_limited",
                                                                "error"};
  for (const auto& [method, counts] : sign_ins) {
    for (size_t i = 0; i < counts.size(); ++i) {
      out += "gatehouse_sign_ins_total{method=\"";
      append_label_value(out, method);
      out += "\",result=\"";
      out += kSignInResults[i];
      out += "\"} ";
      append_number(out, counts[i]);
      out += '\n';
    }
  }
  header(out, "gatehouse_refreshes_total", "counter",
         "Refresh requests answered, by result (ok, refused, error).");
  static constexpr std::array<const char*, 3> kRefreshResults = {"ok", "refused", "error"};
  for (size_t i = 0; i < refreshes.size(); ++i) {
    out += "gatehouse_refreshes_total{result=\"";
    out += kRefreshResults[i];
    out += "\"} ";
    append_number(out, refreshes[i]);
    out += '\n';
  }
  header(out, "gatehouse_rate_limited_total", "counter",
         "Requests refused by a rate limit or lockout (answered 429).");
  out += "gatehouse_rate_limited_total ";
  append_number(out, limited);
  out += '\n';

  for (const auto& g : sampled_) {
    header(out, g.name, g.type, g.help);
    out += g.name;
    out += ' ';
    append_number(out, g.fn());
    out += '\n';
  }
  return out;
}

Handler Metrics::handler() {
  return [this](Request&) {
    Response res;
    res.status = 200;
    res.body = render();
    res.set_header("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
    res.set_header("Cache-Control", "no-store");
    return res;
  };
}

}  // namespace gatehouse::http
