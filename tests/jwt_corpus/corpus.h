// The JWT attack corpus (tests/jwt_corpus/corpus.json): recipes for crafted tokens, each
// with the JwtStatus that must reject it, turned into tokens with keys made at test time.
// Three suites run the same tokens: core's verify_jwt (tests/unit/jose), the session SDK
// (tests/unit/sdk) and the real server over HTTP (tests/api). The recipe format is in
// README.md next to the data.
//
//   auto keys = jwt_corpus::Keys::make(server_key);
//   jwt_corpus::Claims claims{.project = pid, .now = now, .session = …, .refresh = …};
//   for (const auto& t : jwt_corpus::attack_tokens(keys, claims))
//     EXPECT_EQ(verify(t.text), t.expect_core) << t.label();
#pragma once

#include <openssl/types.h>

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "gatehouse/jose/signing_key.h"
#include "gatehouse/jwt_status.h"

namespace gatehouse::testing::jwt_corpus {

// The kid of the corpus's EC P-256 key in test_jwks().
inline constexpr char kEcKid[] = "corpus-ec-p256";

// The keys recipes sign with.
struct Keys {
  // `server`: the key whose public half validators trust (a test key, or the real
  // server's signing.pem). Also makes a foreign RSA key and the EC key.
  static Keys make(const jose::SigningKey& server);

  std::shared_ptr<EVP_PKEY> server;   // private
  boost::json::object server_jwk;     // as published on /v2/keys
  std::shared_ptr<EVP_PKEY> foreign;  // RSA 2048 no validator trusts
  std::shared_ptr<EVP_PKEY> ec;       // P-256, trusted only through test_jwks()

  // {"keys":[server JWK, EC JWK (kEcKid, ES256)]}: what the library suites trust, so the
  // ECDSA recipes reach the signature check.
  boost::json::value test_jwks() const;
};

// Claims recipes start from: a genuine session and a genuine refresh token's claims.
struct Claims {
  std::string project;
  int64_t now = 0;
  boost::json::object session;
  boost::json::object refresh;
};

enum class Use { kSession, kRefresh };

struct Token {
  std::string name;    // the recipe's name
  std::string attack;  // what it tries
  Use use = Use::kSession;
  std::string text;         // the token
  JwtStatus expect;         // SessionClient::validate_session / validate_refresh
  JwtStatus expect_core;    // jose::verify_jwt (which does not know token kinds)
  int server_status = 401;  // over HTTP
  bool for_server = true;   // false: only the library suites trust the key it needs

  // "<name> (session)": for failure messages.
  std::string label() const;
};

// Every attack recipe; one token per use it names ("both": one built from the session
// claims, one from the refresh claims). Throws std::runtime_error on a malformed recipe.
std::vector<Token> attack_tokens(const Keys& keys, const Claims& claims);

// The controls: the same machinery with nothing wrong; every one must be accepted
// (expect and expect_core are kOk), so a rejection in attack_tokens is the attack's.
std::vector<Token> control_tokens(const Keys& keys, const Claims& claims);

// Number of attack recipes in the file.
size_t attack_count();

// The JwtStatus named like jwt_status_name() returns it, e.g. "JwtExpired".
std::optional<JwtStatus> status_named(std::string_view name);

}  // namespace gatehouse::testing::jwt_corpus
