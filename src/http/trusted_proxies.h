// gatehouse::http::TrustedProxies — which peers may say who the client is.
//
// A reverse proxy (nginx, a load balancer) connects on the client's behalf and appends the
// address it saw to X-Forwarded-For. Anyone else can send that header too, so it is
// believed only from a peer listed here (--trusted-proxies: addresses and CIDR blocks), and
// only as far as the chain of listed proxies goes: the client is the right-most address that
// is not itself a trusted proxy. What lies to the left of it was written by the client and
// proves nothing.
//
//   auto proxies = TrustedProxies::parse({"10.0.0.0/8", "::1"});
//   proxies->client_ip("10.1.2.3", {"198.51.100.4, 10.0.0.7"})  // "198.51.100.4"
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "gatehouse/result.h"

namespace gatehouse::http {

class TrustedProxies {
 public:
  TrustedProxies() = default;  // trusts nobody

  // "a.b.c.d", "a.b.c.d/n", IPv6 likewise. kInvalidArgument names the entry that is not one.
  static Result<TrustedProxies> parse(const std::vector<std::string>& entries);

  bool empty() const { return nets_.empty(); }
  // Whether `ip` (an address as text; IPv4-mapped IPv6 counts as IPv4) is in a listed block.
  bool contains(std::string_view ip) const;
  // The client's address for a request from `peer` carrying these X-Forwarded-For values
  // (in order of the header lines; each may be a comma-separated list). The peer itself
  // when it is not trusted or nothing usable was forwarded.
  std::string client_ip(std::string_view peer,
                        const std::vector<std::string_view>& forwarded_for) const;

 private:
  struct Net {
    std::array<std::uint8_t, 16> addr{};  // IPv4 as IPv4-mapped IPv6
    int prefix = 128;
  };
  std::vector<Net> nets_;
};

}  // namespace gatehouse::http
