#include "gatehouse/crypto/secret_box.h"

#include <sodium.h>

#include "crypto/sodium_init.h"
#include "gatehouse/crypto/base64url.h"
#include "gatehouse/crypto/random.h"

namespace gatehouse::crypto {

namespace {

constexpr std::string_view kPrefix = "v1:";
constexpr size_t kNonce = crypto_aead_xchacha20poly1305_ietf_NPUBBYTES;
constexpr size_t kTag = crypto_aead_xchacha20poly1305_ietf_ABYTES;
static_assert(crypto_aead_xchacha20poly1305_ietf_KEYBYTES == kKeyEncryptionKeyBytes);

const unsigned char* bytes(std::string_view s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}

Error bad_kek() {
  return make_error(Errc::kInvalidArgument, "the key-encryption key must be 32 bytes");
}

// sodium_hex2bin / sodium_base642bin over the whole of `text` into exactly 32 bytes.
bool decode_exact(std::string_view text, bool hex, int base64_variant, std::string* out) {
  std::string buf(kKeyEncryptionKeyBytes, '\0');
  size_t len = 0;
  const char* end = nullptr;
  int rc = hex ? sodium_hex2bin(reinterpret_cast<unsigned char*>(buf.data()), buf.size(),
                                text.data(), text.size(), nullptr, &len, &end)
               : sodium_base642bin(reinterpret_cast<unsigned char*>(buf.data()), buf.size(),
                                   text.data(), text.size(), nullptr, &len, &end, base64_variant);
  if (rc != 0 || len != kKeyEncryptionKeyBytes || end != text.data() + text.size()) {
    sodium_memzero(buf.data(), buf.size());
    return false;
  }
  *out = std::move(buf);
  return true;
}

}  // namespace

Result<std::string> seal_secret(std::string_view kek, std::string_view secret,
                                std::string_view label) {
  if (kek.size() != kKeyEncryptionKeyBytes) return bad_kek();
  detail::ensure_sodium();
  std::string box = random_bytes(kNonce);
  box.resize(kNonce + secret.size() + kTag);
  unsigned long long written = 0;
  crypto_aead_xchacha20poly1305_ietf_encrypt(reinterpret_cast<unsigned char*>(box.data()) + kNonce,
                                             &written, bytes(secret), secret.size(), bytes(label),
                                             label.size(), nullptr, bytes(box), bytes(kek));
  box.resize(kNonce + written);
  return std::string(kPrefix) + base64url_encode(box);
}

Result<std::string> open_secret(std::string_view kek, std::string_view sealed,
                                std::string_view label) {
  if (kek.size() != kKeyEncryptionKeyBytes) return bad_kek();
  if (!sealed.starts_with(kPrefix)) {
    return make_error(Errc::kInvalidArgument, "not a sealed secret (v1:…)");
  }
  auto box = base64url_decode(sealed.substr(kPrefix.size()));
  if (!box || box->size() < kNonce + kTag) {
    return make_error(Errc::kInvalidArgument, "a sealed secret that is cut short or malformed");
  }
  detail::ensure_sodium();
  std::string out(box->size() - kNonce - kTag, '\0');
  unsigned long long len = 0;
  if (crypto_aead_xchacha20poly1305_ietf_decrypt(
          reinterpret_cast<unsigned char*>(out.data()), &len, nullptr, bytes(*box) + kNonce,
          box->size() - kNonce, bytes(label), label.size(), bytes(*box), bytes(kek)) != 0) {
    return make_error(Errc::kInvalidArgument,
                      "a sealed secret does not open: sealed with another key-encryption key, "
                      "for another label, or altered");
  }
  out.resize(len);
  return out;
}

Result<std::string> parse_key_encryption_key(std::string_view text) {
  if (text.size() == kKeyEncryptionKeyBytes) return std::string(text);
  detail::ensure_sodium();
  constexpr std::string_view kSpace = " \t\r\n";
  const size_t b = text.find_first_not_of(kSpace);
  if (b == std::string_view::npos) {
    return make_error(Errc::kInvalidArgument, "the key-encryption key is empty");
  }
  text = text.substr(b, text.find_last_not_of(kSpace) - b + 1);
  std::string key;
  if (text.size() == 2 * kKeyEncryptionKeyBytes && decode_exact(text, true, 0, &key)) return key;
  for (int variant : {sodium_base64_VARIANT_ORIGINAL, sodium_base64_VARIANT_ORIGINAL_NO_PADDING,
                      sodium_base64_VARIANT_URLSAFE, sodium_base64_VARIANT_URLSAFE_NO_PADDING}) {
    if (decode_exact(text, false, variant, &key)) return key;
  }
  return make_error(Errc::kInvalidArgument,
                    "the key-encryption key must be 32 bytes: raw, as 64 hex digits or as "
                    "base64 (e.g. openssl rand -hex 32)");
}

std::string new_key_encryption_key_text() {
  detail::ensure_sodium();
  std::string raw = random_bytes(kKeyEncryptionKeyBytes);
  std::string hex(2 * raw.size() + 1, '\0');
  sodium_bin2hex(hex.data(), hex.size(), bytes(raw), raw.size());
  sodium_memzero(raw.data(), raw.size());
  hex.back() = '\n';
  return hex;
}

}  // namespace gatehouse::crypto
