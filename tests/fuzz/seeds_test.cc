// The checked-in seeds stay what they are meant to be: a seed that no longer reaches the
// code behind the first check (a token that stopped parsing, a request Beast refuses)
// would quietly shrink what the fuzzers explore.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include <boost/beast/http.hpp>

#include "gatehouse/jose/jwk.h"
#include "gatehouse/jose/jwt.h"
#include "support/matchers.h"

namespace gatehouse {
namespace {

std::string seed(const std::string& target, const std::string& name) {
  std::ifstream in(std::string(GH_FUZZ_DIR) + "/" + target + "/corpus/" + name, std::ios::binary);
  EXPECT_TRUE(in) << target << "/" << name;
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

TEST(FuzzSeeds, TokensParseAsIntended) {
  const std::pair<const char*, JwtStatus> expected[] = {
      {"rs256", JwtStatus::kOk},
      {"es256", JwtStatus::kOk},
      {"ps256", JwtStatus::kOk},
      {"hs256", JwtStatus::kJwtHeaderBadAlg},
      {"none", JwtStatus::kJwtHeaderBadAlg},
      {"two-parts", JwtStatus::kJwtMalformed},
      {"duplicate", JwtStatus::kJwtHeaderParseError},
      {"crit", JwtStatus::kJwtHeaderParseError},
      {"floats", JwtStatus::kJwtMissingClaim},
  };
  for (const auto& [name, status] : expected) {
    jose::Jwt jwt;
    EXPECT_EQ(jose::parse_jwt(seed("jwt", name), &jwt), status) << name;
  }
}

TEST(FuzzSeeds, KeySetsParseAsIntended) {
  const std::pair<const char*, JwtStatus> expected[] = {
      {"rsa", JwtStatus::kOk},           {"ec", JwtStatus::kOk},          {"mixed", JwtStatus::kOk},
      {"empty", JwtStatus::kJwksNoKeys}, {"odd", JwtStatus::kJwksNoKeys},
  };
  for (const auto& [name, status] : expected) {
    jose::Jwks jwks;
    EXPECT_EQ(jose::parse_jwks(seed("jwks", name), &jwks), status) << name;
  }
}

TEST(FuzzSeeds, HttpRequestsAreWholeRequests) {
  namespace bhttp = boost::beast::http;
  for (const auto& e :
       std::filesystem::directory_iterator(std::string(GH_FUZZ_DIR) + "/http_request/corpus")) {
    std::string bytes = seed("http_request", e.path().filename().string());
    bhttp::request_parser<bhttp::string_body> parser;
    parser.eager(true);
    boost::beast::error_code ec;
    parser.put(boost::asio::buffer(bytes), ec);
    EXPECT_FALSE(ec) << e.path() << ": " << ec.message();
    EXPECT_TRUE(parser.is_done()) << e.path();
  }
}

}  // namespace
}  // namespace gatehouse
