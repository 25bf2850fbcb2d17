#include "http/trusted_proxies.h"

#include <charconv>
#include <optional>

#include <boost/asio/ip/address.hpp>

namespace gatehouse::http {

namespace {

namespace ip = boost::asio::ip;

std::optional<std::array<std::uint8_t, 16>> to_v6_bytes(std::string_view text) {
  boost::system::error_code ec;
  auto a = ip::make_address(text, ec);
  if (ec) return std::nullopt;
  if (a.is_v4()) return ip::make_address_v6(ip::v4_mapped, a.to_v4()).to_bytes();
  return a.to_v6().to_bytes();
}

bool in(const std::array<std::uint8_t, 16>& a, const std::array<std::uint8_t, 16>& net,
        int prefix) {
  int i = 0;
  for (; prefix >= 8; prefix -= 8, ++i) {
    if (a[i] != net[i]) return false;
  }
  if (prefix == 0) return true;
  auto mask = static_cast<std::uint8_t>(0xFF << (8 - prefix));
  return (a[i] & mask) == (net[i] & mask);
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// Some proxies (Azure's) append the port: "203.0.113.7:51234", "[2001:db8::1]:51234".
std::string_view without_port(std::string_view s) {
  if (s.starts_with('[')) {
    auto close = s.find(']');
    return close == std::string_view::npos ? s : s.substr(1, close - 1);
  }
  auto colon = s.find(':');
  if (colon != std::string_view::npos && s.find(':', colon + 1) == std::string_view::npos) {
    return s.substr(0, colon);
  }
  return s;
}

}  // namespace

Result<TrustedProxies> TrustedProxies::parse(const std::vector<std::string>& entries) {
  TrustedProxies out;
  for (const auto& raw : entries) {
    std::string_view e = trim(raw);
    auto bad = [&] {
      return make_error(Errc::kInvalidArgument,
                        "'" + raw + "' is not an IP address or a CIDR block (a.b.c.d/n)");
    };
    auto slash = e.find('/');
    auto bytes = to_v6_bytes(e.substr(0, slash));
    if (!bytes) return bad();
    bool v4 = e.substr(0, slash).find(':') == std::string_view::npos;
    int prefix = v4 ? 32 : 128;
    if (slash != std::string_view::npos) {
      auto digits = e.substr(slash + 1);
      auto [p, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), prefix);
      if (ec != std::errc() || p != digits.data() + digits.size() || digits.empty() || prefix < 0 ||
          prefix > (v4 ? 32 : 128)) {
        return bad();
      }
    }
    out.nets_.push_back({*bytes, v4 ? prefix + 96 : prefix});
  }
  return out;
}

bool TrustedProxies::contains(std::string_view ip) const {
  if (nets_.empty()) return false;
  auto bytes = to_v6_bytes(ip);
  if (!bytes) return false;
  for (const auto& n : nets_) {
    if (in(*bytes, n.addr, n.prefix)) return true;
  }
  return false;
}

std::string TrustedProxies::client_ip(std::string_view peer,
                                      const std::vector<std::string_view>& forwarded_for) const {
  if (!contains(peer)) return std::string(peer);
  // Right to left over every hop, the last header line's last entry first. An entry that is
  // not an address (a proxy that forwards garbage, "unknown") ends the walk: the address
  // nearest to it on the right is the best we know.
  std::string_view client = peer;
  for (auto line = forwarded_for.rbegin(); line != forwarded_for.rend(); ++line) {
    std::string_view rest = *line;
    while (!rest.empty()) {
      auto comma = rest.rfind(',');
      std::string_view hop =
          without_port(trim(comma == std::string_view::npos ? rest : rest.substr(comma + 1)));
      rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(0, comma);
      if (hop.empty()) continue;
      if (!to_v6_bytes(hop)) return std::string(client);
      client = hop;
      if (!contains(hop)) return std::string(client);
    }
  }
  return std::string(client);
}

}  // namespace gatehouse::http
