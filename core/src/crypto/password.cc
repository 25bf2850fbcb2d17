#include "gatehouse/crypto/password.h"

#include <sodium.h>

#include <charconv>
#include <stdexcept>

#include "crypto/sodium_init.h"
#include "gatehouse/crypto/random.h"

namespace gatehouse::crypto {
namespace {

constexpr uint64_t kMinOps = 2;
constexpr size_t kMinMemBytes = 19 * 1024 * 1024;
constexpr std::string_view kArgon2idPrefix = "$argon2id$";

// libsodium wants a NUL-terminated string of bounded length.
bool to_c_string(std::string_view encoded, std::string* out) {
  if (encoded.empty() || encoded.size() >= crypto_pwhash_STRBYTES) return false;
  if (encoded.find('\0') != std::string_view::npos) return false;
  out->assign(encoded);
  return true;
}

}  // namespace

Status validate(const Argon2Params& p) {
  if (p.ops < kMinOps || p.mem_bytes < kMinMemBytes) {
    return make_error(Errc::kInvalidArgument,
                      "Argon2id parameters below the OWASP minimum (m=19 MiB, t=2)");
  }
  if (p.ops > crypto_pwhash_argon2id_OPSLIMIT_MAX ||
      p.mem_bytes > crypto_pwhash_argon2id_MEMLIMIT_MAX) {
    return make_error(Errc::kInvalidArgument, "Argon2id parameters above libsodium's limits");
  }
  return ok_status();
}

Result<std::string> hash_password(std::string_view pw, const Argon2Params& params) {
  if (Status s = validate(params); !s) return s.error();
  if (pw.size() > kMaxPasswordBytes) return make_error(Errc::kInvalidArgument, "password too long");
  detail::ensure_sodium();
  char out[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str_alg(out, pw.data(), pw.size(), params.ops, params.mem_bytes,
                            crypto_pwhash_ALG_ARGON2ID13) != 0) {
    return make_error(Errc::kInternal, "Argon2id hashing failed (out of memory?)");
  }
  return std::string(out);
}

bool verify_password(std::string_view encoded, std::string_view pw) {
  std::string str;
  if (!to_c_string(encoded, &str) || pw.size() > kMaxPasswordBytes) return false;
  detail::ensure_sodium();
  return crypto_pwhash_str_verify(str.c_str(), pw.data(), pw.size()) == 0;
}

bool needs_rehash(std::string_view encoded, const Argon2Params& params) {
  std::string str;
  if (!to_c_string(encoded, &str) || !encoded.starts_with(kArgon2idPrefix)) return true;
  detail::ensure_sodium();
  return crypto_pwhash_str_needs_rehash(str.c_str(), params.ops, params.mem_bytes) != 0;
}

std::optional<Argon2Params> encoded_params(std::string_view encoded) {
  if (!encoded.starts_with(kArgon2idPrefix)) return std::nullopt;
  std::string_view rest = encoded.substr(kArgon2idPrefix.size());
  // The number after `key`, moving `rest` past it.
  auto number = [&rest](std::string_view key, uint64_t* out) {
    if (!rest.starts_with(key)) return false;
    rest.remove_prefix(key.size());
    auto [end, ec] = std::from_chars(rest.data(), rest.data() + rest.size(), *out);
    if (ec != std::errc() || end == rest.data()) return false;
    rest.remove_prefix(static_cast<size_t>(end - rest.data()));
    return true;
  };
  uint64_t version = 0, mem_kib = 0, ops = 0;
  if (!number("v=", &version) || !number("$m=", &mem_kib) || !number(",t=", &ops) ||
      mem_kib > (uint64_t{1} << 44)) {
    return std::nullopt;
  }
  return Argon2Params{.ops = ops, .mem_bytes = static_cast<size_t>(mem_kib) * 1024};
}

const std::string& dummy_password_hash() {
  static const std::string hash = [] {
    Result<std::string> r = hash_password(random_token(32), Argon2Params{});
    if (!r) throw std::runtime_error("cannot compute dummy password hash: " + r.error().message);
    return std::move(r).value();
  }();
  return hash;
}

}  // namespace gatehouse::crypto
