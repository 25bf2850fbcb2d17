#include "http/request_id.h"

#include <atomic>
#include <cctype>
#include <cstdint>
#include <cstdio>
#include <random>

namespace gatehouse::http {

bool RequestId::is_safe(std::string_view id) {
  if (id.empty() || id.size() > 64) return false;
  for (char c : id) {
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.')) {
      return false;
    }
  }
  return true;
}

std::string RequestId::mint() {
  static const std::string prefix = [] {
    std::random_device rd;
    char buf[17];
    std::snprintf(buf, sizeof buf, "%08x", rd());
    return std::string(buf);
  }();
  static std::atomic<uint64_t> counter{0};
  return prefix + "-" + std::to_string(counter.fetch_add(1, std::memory_order_relaxed) + 1);
}

std::string RequestId::for_request(const Request& req) {
  auto incoming = req.header("x-request-id");
  return is_safe(incoming) ? std::string(incoming) : mint();
}

std::optional<Response> RequestId::on_request(Request& req) {
  req.request_id = for_request(req);
  return std::nullopt;
}

void RequestId::on_response(Request& req, Response&, HeaderLines& head) {
  if (req.request_id.empty()) req.request_id = for_request(req);
  head.add("X-Request-Id", req.request_id);
}

}  // namespace gatehouse::http
