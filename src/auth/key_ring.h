// KeyRing: the server's signing keys and the JWKS it publishes.
//
// The RS256 key lives in <data>/keys/signing.pem (mode 0600, directory 0700)
// and is created on first start. The JWKS snapshot is built once; validators
// (the session SDK's in-process key source) read it without locks.
#pragma once

#include <memory>
#include <string>

#include <boost/json/value.hpp>

#include "gatehouse/jose/jwk.h"
#include "gatehouse/jose/signing_key.h"
#include "gatehouse/result.h"

namespace gatehouse::auth {

class KeyRing {
 public:
  // Loads or creates the signing key under `data_dir`.
  static Result<std::shared_ptr<KeyRing>> open(const std::string& data_dir);

  const jose::SigningKey& signing_key() const { return *key_; }
  const boost::json::value& jwks_json() const { return jwks_json_; }
  const jose::Jwks& jwks() const { return jwks_; }

 private:
  std::shared_ptr<jose::SigningKey> key_;
  boost::json::value jwks_json_;
  jose::Jwks jwks_;
};

}  // namespace gatehouse::auth
