#include "gatehouse/jose/signing_key.h"

#include <fcntl.h>
#include <openssl/core_names.h>
#include <openssl/pem.h>
#include <sys/stat.h>
#include <unistd.h>

#include <boost/json/serialize.hpp>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <stdexcept>

#include "gatehouse/crypto/base64url.h"
#include "gatehouse/crypto/digest.h"
#include "gatehouse/crypto/random.h"
#include "jose/openssl_util.h"

namespace gatehouse::jose {
namespace {

constexpr int kMinRsaBits = 2048;
constexpr int kMaxRsaBits = 8192;
constexpr off_t kMaxPemBytes = 64 * 1024;

constexpr int kP256Bytes = 32;

std::string bn_param_b64(const EVP_PKEY* key, const char* name) {
  BIGNUM* raw = nullptr;
  if (EVP_PKEY_get_bn_param(key, name, &raw) != 1) return {};
  detail::BnPtr bn(raw);
  return crypto::base64url_encode(detail::bn_to_bytes(bn.get()));
}

// A P-256 public coordinate as JWK wants it: exactly 32 bytes, left-padded (RFC 7518 §6.2.1.2).
std::string ec_coordinate_b64(const EVP_PKEY* key, const char* name) {
  BIGNUM* raw = nullptr;
  if (EVP_PKEY_get_bn_param(key, name, &raw) != 1) return {};
  detail::BnPtr bn(raw);
  return crypto::base64url_encode(detail::bn_to_bytes(bn.get(), kP256Bytes));
}

bool is_p256(const EVP_PKEY* key) {
  char curve[64] = {};
  size_t len = 0;
  return EVP_PKEY_get_utf8_string_param(key, OSSL_PKEY_PARAM_GROUP_NAME, curve, sizeof(curve),
                                        &len) == 1 &&
         std::string_view(curve, len) == "prime256v1";
}

// DER ECDSA-Sig-Value → r || s, each left-padded to the curve's size.
std::string ecdsa_der_to_raw(std::string_view der) {
  const auto* p = reinterpret_cast<const unsigned char*>(der.data());
  detail::EcdsaSigPtr sig(d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(der.size())));
  if (!sig) throw std::runtime_error("ES256 signing failed");
  const BIGNUM* r = nullptr;
  const BIGNUM* s = nullptr;
  ECDSA_SIG_get0(sig.get(), &r, &s);
  return detail::bn_to_bytes(r, kP256Bytes) + detail::bn_to_bytes(s, kP256Bytes);
}

Error io_error(const std::string& what, const std::string& path) {
  return make_error(Errc::kInternal, what + " " + path + ": " + std::strerror(errno));
}

bool write_all(int fd, std::string_view data) {
  while (!data.empty()) {
    ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    data.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

Result<SigningKey> load_from_fd(int fd, const std::string& path) {
  struct stat st {};
  if (::fstat(fd, &st) != 0) return io_error("cannot stat", path);
  if (!S_ISREG(st.st_mode) || st.st_size > kMaxPemBytes) {
    return make_error(Errc::kInvalidArgument, "signing key " + path + " is not a small file");
  }
  if ((st.st_mode & 077) != 0) {
    return make_error(Errc::kInvalidArgument,
                      "signing key " + path + " is accessible by group/others; chmod 600 it");
  }
  std::string pem(static_cast<size_t>(st.st_size), '\0');
  size_t got = 0;
  while (got < pem.size()) {
    ssize_t n = ::read(fd, pem.data() + got, pem.size() - got);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return io_error("cannot read", path);
    if (n == 0) break;
    got += static_cast<size_t>(n);
  }
  pem.resize(got);
  Result<SigningKey> key = SigningKey::from_pem(pem);
  OPENSSL_cleanse(pem.data(), pem.size());
  if (!key) return make_error(key.code(), "signing key " + path + ": " + key.error().message);
  return key;
}

void fsync_dir(const std::string& path) {
  std::filesystem::path dir = std::filesystem::path(path).parent_path();
  int fd = ::open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return;  // best effort: the file itself is already durable
  ::fsync(fd);
  ::close(fd);
}

}  // namespace

SigningKey::SigningKey(std::shared_ptr<EVP_PKEY> key) : key_(std::move(key)) {
  if (EVP_PKEY_is_a(key_.get(), "EC")) {
    alg_ = "ES256";
    a_ = ec_coordinate_b64(key_.get(), OSSL_PKEY_PARAM_EC_PUB_X);
    b_ = ec_coordinate_b64(key_.get(), OSSL_PKEY_PARAM_EC_PUB_Y);
    kid_ = ec_jwk_thumbprint(a_, b_);
  } else {
    alg_ = "RS256";
    a_ = bn_param_b64(key_.get(), OSSL_PKEY_PARAM_RSA_N);
    b_ = bn_param_b64(key_.get(), OSSL_PKEY_PARAM_RSA_E);
    kid_ = rsa_jwk_thumbprint(a_, b_);
  }
}

std::string ec_jwk_thumbprint(std::string_view x, std::string_view y) {
  std::string canonical = R"({"crv":"P-256","kty":"EC","x":")" + std::string(x) + R"(","y":")" +
                          std::string(y) + R"("})";
  return crypto::base64url_encode(crypto::sha256(canonical));
}

std::string rsa_jwk_thumbprint(std::string_view n, std::string_view e) {
  // RFC 7638: required members only, in lexicographic order, no whitespace.
  std::string canonical =
      R"({"e":")" + std::string(e) + R"(","kty":"RSA","n":")" + std::string(n) + R"("})";
  return crypto::base64url_encode(crypto::sha256(canonical));
}

Result<SigningKey> SigningKey::generate_rsa(int bits) {
  if (bits < kMinRsaBits || bits > kMaxRsaBits) {
    return make_error(Errc::kInvalidArgument, "RSA key size must be 2048..8192 bits");
  }
  detail::PkeyPtr key(EVP_RSA_gen(static_cast<unsigned>(bits)));
  if (!key) return make_error(Errc::kInternal, "RSA key generation failed");
  return SigningKey(detail::share(std::move(key)));
}

Result<SigningKey> SigningKey::generate_ec_p256() {
  detail::PkeyPtr key(EVP_EC_gen("P-256"));
  if (!key) return make_error(Errc::kInternal, "P-256 key generation failed");
  return SigningKey(detail::share(std::move(key)));
}

Result<SigningKey> SigningKey::generate(std::string_view alg) {
  if (alg == "RS256") return generate_rsa(kMinRsaBits);
  if (alg == "ES256") return generate_ec_p256();
  return make_error(Errc::kInvalidArgument, "signing algorithm must be RS256 or ES256");
}

Result<SigningKey> SigningKey::from_pem(std::string_view private_pem) {
  detail::BioPtr bio(BIO_new_mem_buf(private_pem.data(), static_cast<int>(private_pem.size())));
  // A callback that supplies no passphrase: encrypted keys fail instead of prompting on a tty.
  auto no_passphrase = [](char*, int, int, void*) -> int { return 0; };
  detail::PkeyPtr key(bio ? PEM_read_bio_PrivateKey(bio.get(), nullptr, no_passphrase, nullptr)
                          : nullptr);
  ERR_clear_error();
  if (!key) return make_error(Errc::kInvalidArgument, "not an unencrypted PEM private key");
  if (EVP_PKEY_is_a(key.get(), "EC")) {
    if (!is_p256(key.get())) {
      return make_error(Errc::kInvalidArgument, "an EC signing key must be on P-256 (ES256)");
    }
    return SigningKey(detail::share(std::move(key)));
  }
  if (!EVP_PKEY_is_a(key.get(), "RSA")) {
    return make_error(Errc::kInvalidArgument, "signing key must be RSA or EC P-256");
  }
  int bits = EVP_PKEY_get_bits(key.get());
  if (bits < kMinRsaBits || bits > kMaxRsaBits) {
    return make_error(Errc::kInvalidArgument, "RSA key size must be 2048..8192 bits");
  }
  return SigningKey(detail::share(std::move(key)));
}

std::string SigningKey::to_pem() const {
  detail::BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio ||
      PEM_write_bio_PrivateKey(bio.get(), key_.get(), nullptr, nullptr, 0, nullptr, nullptr) != 1) {
    throw std::runtime_error("PEM encoding of signing key failed");
  }
  char* data = nullptr;
  long len = BIO_get_mem_data(bio.get(), &data);
  std::string pem(data, static_cast<size_t>(len));
  OPENSSL_cleanse(data, static_cast<size_t>(len));
  return pem;
}

boost::json::object SigningKey::public_jwk() const {
  if (alg_ == "ES256") {
    return {{"kty", "EC"},    {"alg", alg_}, {"use", "sig"}, {"kid", kid_},
            {"crv", "P-256"}, {"x", a_},     {"y", b_}};
  }
  return {{"kty", "RSA"}, {"alg", alg_}, {"use", "sig"}, {"kid", kid_}, {"n", a_}, {"e", b_}};
}

std::string SigningKey::sign(std::string_view data) const {
  detail::MdCtxPtr ctx(EVP_MD_CTX_new());
  size_t len = 0;
  if (!ctx || EVP_DigestSignInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key_.get()) != 1 ||
      EVP_DigestSign(ctx.get(), nullptr, &len, reinterpret_cast<const unsigned char*>(data.data()),
                     data.size()) != 1) {
    throw std::runtime_error(alg_ + " signing failed");
  }
  std::string sig(len, '\0');
  if (EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(sig.data()), &len,
                     reinterpret_cast<const unsigned char*>(data.data()), data.size()) != 1) {
    throw std::runtime_error(alg_ + " signing failed");
  }
  sig.resize(len);
  if (alg_ == "ES256") return ecdsa_der_to_raw(sig);
  return sig;
}

std::string sign_jwt(const SigningKey& key, const boost::json::object& payload) {
  boost::json::object header{{"alg", key.alg()}, {"kid", key.kid()}, {"typ", "JWT"}};
  std::string input = crypto::base64url_encode(boost::json::serialize(header)) + "." +
                      crypto::base64url_encode(boost::json::serialize(payload));
  std::string signature = crypto::base64url_encode(key.sign(input));
  return input + "." + signature;
}

Result<SigningKey> load_signing_key(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return make_error(Errc::kNotFound, "no signing key at " + path);
    return io_error("cannot open", path);
  }
  Result<SigningKey> key = load_from_fd(fd, path);
  ::close(fd);
  return key;
}

Status save_signing_key(const SigningKey& key, const std::string& path) {
  std::string pem = key.to_pem();
  std::string tmp = path + ".tmp." + crypto::random_id('k').substr(1, 12);
  int tfd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (tfd < 0) {
    OPENSSL_cleanse(pem.data(), pem.size());
    return io_error("cannot create", tmp);
  }
  bool written = write_all(tfd, pem) && ::fsync(tfd) == 0;
  OPENSSL_cleanse(pem.data(), pem.size());
  if (::close(tfd) != 0) written = false;
  if (!written) {
    Error e = io_error("cannot write", tmp);
    ::unlink(tmp.c_str());
    return e;
  }
  // link() never replaces an existing file, unlike rename(): whoever links first wins.
  int linked = ::link(tmp.c_str(), path.c_str());
  int link_errno = errno;
  ::unlink(tmp.c_str());
  if (linked == 0) {
    fsync_dir(path);
    return ok_status();
  }
  if (link_errno == EEXIST) return make_error(Errc::kConflict, path + " already exists");
  errno = link_errno;
  return io_error("cannot install", path);
}

Result<SigningKey> load_or_create_signing_key(const std::string& path) {
  // Two rounds: if another process creates the file between our open and our link, the
  // second round loads its key.
  for (int round = 0; round < 2; ++round) {
    Result<SigningKey> loaded = load_signing_key(path);
    if (loaded || loaded.code() != Errc::kNotFound) return loaded;
    Result<SigningKey> key = SigningKey::generate_rsa(kMinRsaBits);
    if (!key) return key;
    Status saved = save_signing_key(*key, path);
    if (saved) return key;
    if (saved.code() != Errc::kConflict) return saved.error();
  }
  return make_error(Errc::kInternal, "signing key " + path + " keeps changing");
}

}  // namespace gatehouse::jose
