#include "jwt_corpus/corpus.h"

#include <openssl/evp.h>
#include <openssl/x509.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <fstream>
#include <sstream>
#include <stdexcept>

#include "gatehouse/crypto/base64url.h"
#include "unit/jose/jose_test_util.h"

namespace gatehouse::testing::jwt_corpus {
namespace {

namespace json = boost::json;
using jose::testing::b64;

[[noreturn]] void bad(const std::string& recipe, const std::string& why) {
  throw std::runtime_error("jwt corpus, recipe '" + recipe + "': " + why);
}

const json::object& corpus() {
  static const json::object doc = [] {
    std::ifstream in(GH_JWT_CORPUS_FILE);
    if (!in) throw std::runtime_error("cannot read " GH_JWT_CORPUS_FILE);
    std::stringstream text;
    text << in.rdbuf();
    return json::parse(text.str()).as_object();
  }();
  return doc;
}

std::string der_of(EVP_PKEY* key) {
  int len = i2d_PUBKEY(key, nullptr);
  std::string der(static_cast<size_t>(len), '\0');
  auto* p = reinterpret_cast<unsigned char*>(der.data());
  i2d_PUBKEY(key, &p);
  return der;
}

std::string std_base64(std::string_view bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3) + 1, '\0');
  int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(bytes.data()),
                          static_cast<int>(bytes.size()));
  out.resize(static_cast<size_t>(n));
  return out;
}

std::string from_hex(const std::string& recipe, std::string_view hex) {
  if (hex.size() % 2 != 0) bad(recipe, "odd hex length");
  std::string out;
  for (size_t i = 0; i < hex.size(); i += 2) {
    out += static_cast<char>(std::stoi(std::string(hex.substr(i, 2)), nullptr, 16));
  }
  return out;
}

// One recipe being turned into a token: the ${…} variables and the steps.
class Builder {
 public:
  Builder(const Keys& keys, const Claims& claims, const json::object& recipe,
          const json::object& base)
      : keys_(keys), claims_(claims), recipe_(recipe), base_(base) {
    name_ = std::string(recipe.at("name").as_string());
  }

  std::string build() {
    json::object claims = base_;
    if (const json::value* edits = recipe_.if_contains("payload")) merge(claims, *edits);
    claims_text_ = json::serialize(claims);
    std::string payload_text = claims_text_;
    if (const json::value* t = recipe_.if_contains("payload_text")) {
      payload_text = substitute(t->as_string());
    }
    json::object header{{"alg", "RS256"}, {"kid", kid()}, {"typ", "JWT"}};
    if (const json::value* edits = recipe_.if_contains("header")) merge(header, *edits);
    std::string header_text = json::serialize(header);
    if (const json::value* t = recipe_.if_contains("header_text")) {
      header_text = substitute(t->as_string());
    }

    h_ = b64(header_text);
    p_ = b64(payload_text);
    std::string signature = sign(h_ + "." + p_);
    if (const json::value* op = recipe_.if_contains("signature")) {
      mutate(signature, std::string(op->as_string()));
    }
    if (const json::value* t = recipe_.if_contains("tamper")) {
      json::object tampered = json::parse(payload_text).as_object();
      merge(tampered, *t);
      p_ = b64(json::serialize(tampered));
    }
    s_ = b64(signature);
    s_std_ = std_base64(signature);
    if (const json::value* t = recipe_.if_contains("signature_text")) {
      if (t->as_string() != "non-canonical" || s_.empty()) bad(name_, "bad signature_text");
      // The last character's unused low bits must be zero; set one.
      static constexpr std::string_view kAlphabet =
          "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
      s_.back() = kAlphabet[kAlphabet.find(s_.back()) | 1];
    }
    std::string token_template = "${h}.${p}.${s}";
    if (const json::value* t = recipe_.if_contains("token")) {
      token_template = std::string(t->as_string());
    }
    return substitute(token_template);
  }

 private:
  std::string kid() const { return std::string(keys_.server_jwk.at("kid").as_string()); }

  // ${…} in text. Unknown names are a recipe error.
  std::string substitute(std::string_view text) const {
    std::string out;
    size_t i = 0;
    while (i < text.size()) {
      size_t open = text.find("${", i);
      if (open == std::string_view::npos) {
        out.append(text.substr(i));
        break;
      }
      // The first '}' ends the expression, so ${repeat:N:text} cannot repeat a '}'.
      size_t close = text.find('}', open);
      if (close == std::string_view::npos) bad(name_, "unterminated ${");
      std::string_view expr = text.substr(open + 2, close - open - 2);
      out.append(text.substr(i, open - i));
      out.append(variable(expr));
      i = close + 1;
    }
    return out;
  }

  std::string variable(std::string_view expr) const {
    if (expr == "kid") return kid();
    if (expr == "ec_kid") return kEcKid;
    if (expr == "project") return claims_.project;
    if (expr == "claims") return claims_text_.substr(1, claims_text_.size() - 2);
    if (expr == "foreign_jwk") {
      return json::serialize(jose::testing::rsa_jwk(keys_.foreign.get(), "attacker", "RS256"));
    }
    if (expr == "foreign_spki_b64") return std_base64(der_of(keys_.foreign.get()));
    if (expr == "h") return h_;
    if (expr == "p") return p_;
    if (expr == "s") return s_;
    if (expr == "s_std") return s_std_;
    if (expr.starts_with("now")) return std::to_string(now_plus(expr));
    if (expr.starts_with("repeat:")) {
      size_t colon = expr.find(':', 7);
      if (colon == std::string_view::npos) bad(name_, "repeat:N:text");
      size_t n = std::stoul(std::string(expr.substr(7, colon - 7)));
      std::string out;
      for (size_t k = 0; k < n; ++k) out.append(expr.substr(colon + 1));
      return out;
    }
    if (expr.starts_with("byte:")) return from_hex(name_, expr.substr(5));
    bad(name_, "unknown variable ${" + std::string(expr) + "}");
  }

  int64_t now_plus(std::string_view expr) const {
    if (expr == "now") return claims_.now;
    if (expr.size() < 5 || (expr[3] != '+' && expr[3] != '-')) bad(name_, "now+N or now-N");
    int64_t d = std::stoll(std::string(expr.substr(4)));
    return expr[3] == '+' ? claims_.now + d : claims_.now - d;
  }

  // Recipe values: "${now±N}" alone becomes a number, "${foreign_jwk}" alone an object;
  // other strings are substituted; arrays and objects recursively.
  json::value value(const json::value& v) const {
    if (v.is_string()) {
      std::string_view s = v.get_string();
      if (s.starts_with("${now") && s.ends_with("}") && s.find('}') == s.size() - 1) {
        return now_plus(s.substr(2, s.size() - 3));
      }
      if (s == "${foreign_jwk}") return json::parse(variable("foreign_jwk"));
      return json::string(substitute(s));
    }
    if (v.is_array()) {
      json::array out;
      for (const auto& item : v.get_array()) out.push_back(value(item));
      return out;
    }
    if (v.is_object()) {
      json::object out;
      for (const auto& [k, item] : v.get_object()) out[k] = value(item);
      return out;
    }
    return v;
  }

  // Members of `edits` replace those of `target`; null removes one.
  void merge(json::object& target, const json::value& edits) const {
    if (!edits.is_object()) bad(name_, "edits must be an object");
    for (const auto& [k, v] : edits.get_object()) {
      if (v.is_null()) {
        target.erase(k);
      } else {
        target[k] = value(v);
      }
    }
  }

  std::string sign(const std::string& input) const {
    std::string how = "rs256";
    if (const json::value* s = recipe_.if_contains("sign")) how = std::string(s->as_string());
    using jose::testing::sign_raw;
    if (how == "rs256") return sign_raw(keys_.server.get(), EVP_sha256(), input);
    if (how == "rs384") return sign_raw(keys_.server.get(), EVP_sha384(), input);
    if (how == "ps256") return sign_raw(keys_.server.get(), EVP_sha256(), input, true);
    if (how == "foreign-rs256") return sign_raw(keys_.foreign.get(), EVP_sha256(), input);
    if (how == "es256") return sign_raw(keys_.ec.get(), EVP_sha256(), input, false, 32);
    if (how == "es256-der") return sign_raw(keys_.ec.get(), EVP_sha256(), input);
    if (how == "none") return {};
    if (how.starts_with("zeros:")) return std::string(std::stoul(how.substr(6)), '\0');
    if (how.starts_with("hex:")) return from_hex(name_, how.substr(4));
    if (how.starts_with("hmac-")) {
      size_t colon = how.find(':');
      std::string digest = how.substr(5, colon - 5);
      std::string material = how.substr(colon + 1);
      std::string secret;
      if (material == "pem") {
        secret = jose::testing::public_pem(keys_.server.get());
      } else if (material == "der") {
        secret = der_of(keys_.server.get());
      } else if (material == "jwk") {
        secret = json::serialize(keys_.server_jwk);
      } else if (material == "n") {
        secret = *crypto::base64url_decode(keys_.server_jwk.at("n").as_string());
      } else if (material != "empty") {
        bad(name_, "unknown HMAC key material " + material);
      }
      unsigned char out[EVP_MAX_MD_SIZE];
      size_t len = 0;
      if (!EVP_Q_mac(nullptr, "HMAC", nullptr, digest.c_str(), nullptr, secret.data(),
                     secret.size(), reinterpret_cast<const unsigned char*>(input.data()),
                     input.size(), out, sizeof out, &len)) {
        bad(name_, "HMAC with " + digest + " failed");
      }
      return std::string(reinterpret_cast<char*>(out), len);
    }
    bad(name_, "unknown signing method " + how);
  }

  void mutate(std::string& signature, const std::string& op) const {
    if (op == "flip-bit" && !signature.empty()) {
      signature[signature.size() / 2] ^= 0x01;
    } else if (op.starts_with("truncate:")) {
      signature.resize(signature.size() - std::stoul(op.substr(9)));
    } else if (op.starts_with("extend:")) {
      signature.append(std::stoul(op.substr(7)), '\0');
    } else {
      bad(name_, "unknown signature operation " + op);
    }
  }

  const Keys& keys_;
  const Claims& claims_;
  const json::object& recipe_;
  const json::object& base_;
  std::string name_;
  std::string claims_text_;
  std::string h_, p_, s_, s_std_;
};

JwtStatus status_field(const json::object& recipe, const char* field, JwtStatus fallback) {
  const json::value* v = recipe.if_contains(field);
  if (!v) return fallback;
  auto s = status_named(v->as_string());
  if (!s) bad(std::string(recipe.at("name").as_string()), "unknown status " + json::serialize(*v));
  return *s;
}

std::vector<Token> tokens_of(const json::array& recipes, const Keys& keys, const Claims& claims,
                             bool controls) {
  std::vector<Token> out;
  for (const json::value& item : recipes) {
    const json::object& recipe = item.as_object();
    std::string name(recipe.at("name").as_string());
    std::string use = "both";
    if (const json::value* u = recipe.if_contains("use")) use = std::string(u->as_string());
    if (use != "both" && use != "session" && use != "refresh") bad(name, "use: " + use);
    std::vector<Use> uses;
    if (use != "refresh") uses.push_back(Use::kSession);
    if (use != "session") uses.push_back(Use::kRefresh);
    for (Use u : uses) {
      std::string base_name = u == Use::kSession ? "session" : "refresh";
      if (const json::value* c = recipe.if_contains("claims")) base_name = c->as_string();
      if (base_name != "session" && base_name != "refresh") bad(name, "claims: " + base_name);
      const json::object& base = base_name == "session" ? claims.session : claims.refresh;
      Token t;
      t.name = name;
      t.attack = std::string(recipe.at("attack").as_string());
      t.use = u;
      t.text = Builder(keys, claims, recipe, base).build();
      if (controls) {
        t.expect = t.expect_core = JwtStatus::kOk;
        t.server_status = 200;
      } else {
        if (!recipe.contains("expect")) bad(name, "no expect");
        t.expect = status_field(recipe, "expect", JwtStatus::kOk);
        t.expect_core = status_field(recipe, "expect_core", t.expect);
        if (t.expect == JwtStatus::kOk) bad(name, "an attack must be rejected");
        if (const json::value* s = recipe.if_contains("server_status")) {
          t.server_status = static_cast<int>(s->as_int64());
        }
      }
      if (const json::value* s = recipe.if_contains("server")) t.for_server = s->as_bool();
      out.push_back(std::move(t));
    }
  }
  return out;
}

}  // namespace

Keys Keys::make(const jose::SigningKey& server) {
  Keys k;
  k.server = jose::testing::pkey_from_pem(server.to_pem());
  k.server_jwk = server.public_jwk();
  k.foreign = jose::testing::make_rsa_key(2048);
  k.ec = jose::testing::make_ec_key("P-256");
  if (!k.server || !k.foreign || !k.ec) throw std::runtime_error("jwt corpus: key generation");
  return k;
}

boost::json::value Keys::test_jwks() const {
  return json::object{
      {"keys",
       json::array{server_jwk, jose::testing::ec_jwk(ec.get(), kEcKid, "ES256", "P-256", 32)}}};
}

std::string Token::label() const {
  return name + (use == Use::kSession ? " (session)" : " (refresh)") + ": " + attack;
}

std::vector<Token> attack_tokens(const Keys& keys, const Claims& claims) {
  return tokens_of(corpus().at("cases").as_array(), keys, claims, false);
}

std::vector<Token> control_tokens(const Keys& keys, const Claims& claims) {
  return tokens_of(corpus().at("controls").as_array(), keys, claims, true);
}

size_t attack_count() { return corpus().at("cases").as_array().size(); }

std::optional<JwtStatus> status_named(std::string_view name) {
  for (int i = 0; i <= static_cast<int>(JwtStatus::kJwksFetchFail); ++i) {
    auto s = static_cast<JwtStatus>(i);
    if (name == jwt_status_name(s)) return s;
  }
  return std::nullopt;
}

}  // namespace gatehouse::testing::jwt_corpus
