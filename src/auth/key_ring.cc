#include "auth/key_ring.h"

#include <sys/stat.h>

#include <cerrno>
#include <cstring>

#include <boost/json.hpp>

namespace gatehouse::auth {

Result<std::shared_ptr<KeyRing>> KeyRing::open(const std::string& data_dir) {
  std::string dir = data_dir + "/keys";
  if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST) {
    return make_error(Errc::kInternal, "cannot create " + dir + ": " + std::strerror(errno));
  }
  auto key = jose::load_or_create_signing_key(dir + "/signing.pem");
  if (!key) return key.error();
  auto ring = std::make_shared<KeyRing>();
  ring->key_ = std::make_shared<jose::SigningKey>(std::move(*key));
  ring->jwks_json_ = boost::json::object{{"keys", boost::json::array{ring->key_->public_jwk()}}};
  if (jose::parse_jwks(ring->jwks_json_, &ring->jwks_) != JwtStatus::kOk) {
    return make_error(Errc::kInternal, "the signing key does not form a valid JWKS");
  }
  return ring;
}

}  // namespace gatehouse::auth
