// Who the client is behind a reverse proxy (docs/security.md "Connections"): the parsing of
// --trusted-proxies and the right-to-left walk over X-Forwarded-For.
#include "http/trusted_proxies.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace gatehouse::http {
namespace {

TrustedProxies make(const std::vector<std::string>& entries) {
  auto p = TrustedProxies::parse(entries);
  EXPECT_TRUE(p) << (p ? "" : p.error().message);
  return p ? *p : TrustedProxies{};
}

TEST(TrustedProxies, ParsesAddressesAndBlocksOfBothFamilies) {
  auto p = make({"10.0.0.0/8", "192.168.1.7", " 2001:db8::/32 ", "::1", "172.16.0.0/12"});
  for (const char* in : {"10.0.0.1", "10.255.255.255", "192.168.1.7", "2001:db8::42", "::1",
                         "172.31.0.1", "::ffff:10.2.3.4"}) {
    EXPECT_TRUE(p.contains(in)) << in;
  }
  for (const char* out : {"11.0.0.1", "192.168.1.8", "2001:db9::1", "::2", "172.32.0.1",
                          "127.0.0.1", "", "not-an-ip"}) {
    EXPECT_FALSE(p.contains(out)) << out;
  }
  auto odd = make({"10.1.2.3/0"});  // everyone: allowed, if unwise
  EXPECT_TRUE(odd.contains("203.0.113.1"));
  EXPECT_FALSE(odd.contains("2001:db8::1")) << "an IPv4 block holds no IPv6 addresses";
  auto bits = make({"10.0.0.128/25"});
  EXPECT_TRUE(bits.contains("10.0.0.200"));
  EXPECT_FALSE(bits.contains("10.0.0.127"));
}

TEST(TrustedProxies, RefusesWhatIsNotAnAddressOrBlock) {
  for (const char* bad : {"localhost", "10.0.0.0/33", "10.0.0.1/", "/8", "::1/129", "1.2.3",
                          "10.0.0.0/8x", "10.0.0.0/-1", "*", ""}) {
    auto p = TrustedProxies::parse({bad});
    ASSERT_FALSE(p) << bad;
    EXPECT_EQ(p.error().code, Errc::kInvalidArgument);
  }
  EXPECT_TRUE(TrustedProxies().empty());
  EXPECT_FALSE(TrustedProxies().contains("127.0.0.1"));
}

TEST(TrustedProxies, AnUntrustedPeerIsTheClientWhateverItForwards) {
  auto p = make({"10.0.0.0/8"});
  EXPECT_EQ(p.client_ip("198.51.100.1", {"203.0.113.9"}), "198.51.100.1");
  EXPECT_EQ(TrustedProxies().client_ip("127.0.0.1", {"203.0.113.9"}), "127.0.0.1");
}

TEST(TrustedProxies, TheClientIsTheRightMostAddressNotTrusted) {
  auto p = make({"10.0.0.0/8", "127.0.0.1"});
  EXPECT_EQ(p.client_ip("127.0.0.1", {"203.0.113.9"}), "203.0.113.9");
  EXPECT_EQ(p.client_ip("127.0.0.1", {"203.0.113.9, 10.0.0.5"}), "203.0.113.9");
  // The client's own claim (left) is not taken.
  EXPECT_EQ(p.client_ip("127.0.0.1", {"1.1.1.1, 203.0.113.9"}), "203.0.113.9");
  // Several header lines are one list, in order.
  EXPECT_EQ(p.client_ip("127.0.0.1", {"1.1.1.1", "203.0.113.9,10.0.0.5"}), "203.0.113.9");
  EXPECT_EQ(p.client_ip("127.0.0.1", {"203.0.113.9", "10.0.0.5"}), "203.0.113.9");
  // IPv6, and the ports some proxies append.
  EXPECT_EQ(p.client_ip("127.0.0.1", {"2001:db8::7"}), "2001:db8::7");
  EXPECT_EQ(p.client_ip("127.0.0.1", {"[2001:db8::7]:4711"}), "2001:db8::7");
  EXPECT_EQ(p.client_ip("127.0.0.1", {"203.0.113.9:4711"}), "203.0.113.9");
}

TEST(TrustedProxies, WithNothingUsableForwardedTheNearestKnownAddressIsTheClient) {
  auto p = make({"10.0.0.0/8", "127.0.0.1"});
  EXPECT_EQ(p.client_ip("127.0.0.1", {}), "127.0.0.1");
  EXPECT_EQ(p.client_ip("127.0.0.1", {""}), "127.0.0.1");
  EXPECT_EQ(p.client_ip("127.0.0.1", {" , "}), "127.0.0.1");
  // Garbage ends the walk: what lies beyond it is anyone's guess.
  EXPECT_EQ(p.client_ip("127.0.0.1", {"203.0.113.9, unknown"}), "127.0.0.1");
  EXPECT_EQ(p.client_ip("127.0.0.1", {"203.0.113.9, <script>, 10.0.0.5"}), "10.0.0.5");
  // Every hop trusted: the first of them.
  EXPECT_EQ(p.client_ip("127.0.0.1", {"10.0.0.9, 10.0.0.5"}), "10.0.0.9");
}

}  // namespace
}  // namespace gatehouse::http
