#include "auth/webauthn_strategy.h"

#include <algorithm>

#include <boost/json.hpp>

#include "auth/authorization.h"
#include "auth/login_id.h"
#include "gatehouse/crypto/base64url.h"
#include "gatehouse/crypto/digest.h"
#include "gatehouse/crypto/random.h"
#include "gatehouse/webauthn/webauthn.h"

namespace gatehouse::auth {

namespace json = boost::json;

namespace {

constexpr int64_t kLastUsedResolution = 3600;  // seconds

constexpr size_t kChallengeBytes = 32;

Error unknown_transaction() {
  return make_error(Errc::kInvalidCredentials, "Unknown or expired WebAuthn transaction");
}

// A failed check: kBadRequest when the answer does not parse, else kInvalidCredentials
// naming the check (never a secret).
Error check_error(const webauthn::Failure& f) {
  if (f.check == webauthn::Check::kMalformed) {
    return make_error(Errc::kBadRequest, "Malformed WebAuthn response: " + f.detail);
  }
  return make_error(Errc::kInvalidCredentials,
                    std::string("WebAuthn verification failed: ") + webauthn::check_name(f.check));
}

json::object selection(const PasskeyOptions& o) {
  json::object s;
  if (!o.authenticator_attachment.empty()) {
    s["authenticatorAttachment"] = o.authenticator_attachment;
  }
  std::string rk = o.resident_key.empty() ? "preferred" : o.resident_key;
  s["residentKey"] = rk;
  s["requireResidentKey"] = rk == "required";
  s["userVerification"] = o.user_verification.empty() ? "preferred" : o.user_verification;
  return s;
}

json::array descriptors(const std::vector<std::string>& ids) {
  json::array a;
  for (const auto& id : ids) a.push_back(json::object{{"type", "public-key"}, {"id", id}});
  return a;
}

bool valid_choice(std::string_view v, std::initializer_list<std::string_view> allowed) {
  return v.empty() || std::find(allowed.begin(), allowed.end(), v) != allowed.end();
}

Status check_passkey_options(const PasskeyOptions& o) {
  if (!valid_choice(o.user_verification, {"required", "preferred", "discouraged"}) ||
      !valid_choice(o.resident_key, {"required", "preferred", "discouraged"}) ||
      !valid_choice(o.authenticator_attachment, {"platform", "cross-platform"}) ||
      !valid_choice(o.attestation, {"none", "indirect", "direct", "enterprise"})) {
    return make_error(Errc::kInvalidArgument, "Invalid passkeyOptions");
  }
  return ok_status();
}

}  // namespace

WebAuthnStrategy::WebAuthnStrategy(const AuthConfig& config, WebAuthnOptions options, Users& users,
                                   store::UserStore& user_store, store::WebAuthnStore& store,
                                   SessionService& sessions, RateLimiter& limiter, Audit& audit,
                                   Clock clock)
    : config_(config),
      options_(std::move(options)),
      users_(users),
      user_store_(user_store),
      store_(store),
      sessions_(sessions),
      limiter_(limiter),
      audit_(audit),
      clock_(std::move(clock)) {}

void WebAuthnStrategy::add_origin(const std::string& origin) {
  if (std::find(options_.origins.begin(), options_.origins.end(), origin) ==
      options_.origins.end()) {
    options_.origins.push_back(origin);
  }
}

Result<std::string> WebAuthnStrategy::page_origin_of(std::string_view page_origin) const {
  std::string o(page_origin);
  while (!o.empty() && o.back() == '/') o.pop_back();
  if (o.empty()) return std::string();  // any allowed origin may finish
  if (std::find(options_.origins.begin(), options_.origins.end(), o) == options_.origins.end()) {
    return make_error(Errc::kInvalidArgument, "The origin is not allowed: " + o);
  }
  return o;
}

Result<WebAuthnStart> WebAuthnStrategy::begin(store::WebAuthnChallenge c,
                                              std::string options_json) {
  std::string transaction_id = crypto::random_token(32);
  int64_t now = clock_();
  c.transaction_hash = crypto::sha256_hex(transaction_id);
  c.created_at = now;
  c.expires_at = now + options_.challenge_ttl;
  if (auto st = store_.put_challenge(c, now); !st) return st.error();
  return WebAuthnStart{std::move(transaction_id), std::move(options_json), c.kind != "signin"};
}

Result<WebAuthnStart> WebAuthnStrategy::create_options(store::WebAuthnChallenge c,
                                                       const std::string& user_handle,
                                                       const std::string& display_name,
                                                       const std::vector<std::string>& exclude,
                                                       const PasskeyOptions& opts) {
  std::string challenge = crypto::random_bytes(kChallengeBytes);
  c.challenge = crypto::base64url_encode(challenge);
  c.require_uv = opts.user_verification == "required";
  json::object pk{{"challenge", c.challenge},
                  {"rp", {{"id", options_.rp_id}, {"name", options_.rp_name}}},
                  {"user",
                   {{"id", crypto::base64url_encode(user_handle)},
                    {"name", c.login_id},
                    {"displayName", display_name.empty() ? c.login_id : display_name}}},
                  {"pubKeyCredParams",
                   json::array{json::object{{"type", "public-key"}, {"alg", webauthn::kEs256}},
                               json::object{{"type", "public-key"}, {"alg", webauthn::kRs256}}}},
                  {"timeout", options_.timeout_ms},
                  {"attestation", opts.attestation.empty() ? "none" : opts.attestation},
                  {"authenticatorSelection", selection(opts)},
                  {"excludeCredentials", descriptors(exclude)}};
  return begin(std::move(c), json::serialize(json::object{{"publicKey", std::move(pk)}}));
}

Result<WebAuthnStart> WebAuthnStrategy::get_options(store::WebAuthnChallenge c,
                                                    const std::vector<std::string>& allow,
                                                    const PasskeyOptions& opts) {
  std::string challenge = crypto::random_bytes(kChallengeBytes);
  c.challenge = crypto::base64url_encode(challenge);
  c.require_uv = opts.user_verification == "required";
  json::object pk{
      {"challenge", c.challenge},
      {"rpId", options_.rp_id},
      {"timeout", options_.timeout_ms},
      {"userVerification", opts.user_verification.empty() ? "preferred" : opts.user_verification},
      {"allowCredentials", descriptors(allow)}};
  return begin(std::move(c), json::serialize(json::object{{"publicKey", std::move(pk)}}));
}

Result<WebAuthnStart> WebAuthnStrategy::sign_up_start(std::string_view raw_login_id,
                                                      std::string_view name,
                                                      std::string_view page_origin,
                                                      const PasskeyOptions& opts,
                                                      const Origin& origin) {
  auto login_id = normalize_login_id(raw_login_id);
  if (!login_id) return login_id.error();
  auto page = page_origin_of(page_origin);
  if (!page) return page.error();
  if (auto st = check_passkey_options(opts); !st) return st.error();
  if (auto st = limiter_.admit_sign_up(origin); !st) return st.error();
  auto existing = user_store_.get_by_login_id(*login_id);
  if (existing) return make_error(Errc::kUserExists, "User already exists");
  if (existing.code() != Errc::kUserNotFound) return existing.error();
  store::WebAuthnChallenge c;
  c.kind = "signup";
  c.login_id = *login_id;
  c.name = std::string(name);
  c.origin = std::move(*page);
  std::string display = c.name;
  // The account has no id yet: the user handle is random (sign-in finds the passkey by
  // its credential id, never by the handle).
  return create_options(std::move(c), crypto::random_bytes(32), display, {}, opts);
}

Result<WebAuthnStart> WebAuthnStrategy::sign_in_start(std::string_view raw_login_id,
                                                      std::string_view page_origin,
                                                      const PasskeyOptions& opts,
                                                      const Origin& origin) {
  (void)origin;
  auto page = page_origin_of(page_origin);
  if (!page) return page.error();
  if (auto st = check_passkey_options(opts); !st) return st.error();
  store::WebAuthnChallenge c;
  c.kind = "signin";
  c.origin = std::move(*page);
  std::vector<std::string> allow;
  if (!raw_login_id.empty()) {
    auto login_id = normalize_login_id(raw_login_id);
    if (!login_id) return login_id.error();
    c.login_id = *login_id;
    auto user = user_store_.get_by_login_id(*login_id);
    if (!user && user.code() != Errc::kUserNotFound) return user.error();
    if (user) {
      c.user_id = user->id;
      auto creds = store_.list_credentials(user->id);
      if (!creds) return creds.error();
      for (const auto& cred : *creds) allow.push_back(cred.credential_id);
    }
    if (allow.empty()) {
      // No account, or one without a passkey: the same answer, a credential id no
      // authenticator holds (stable per login id, so asking twice tells nothing either).
      allow.push_back(
          crypto::base64url_encode(crypto::sha256(options_.decoy_key + '\0' + *login_id)));
    }
  }
  return get_options(std::move(c), allow, opts);
}

Result<WebAuthnStart> WebAuthnStrategy::sign_up_or_in_start(std::string_view raw_login_id,
                                                            std::string_view page_origin,
                                                            const PasskeyOptions& opts,
                                                            const Origin& origin) {
  auto login_id = normalize_login_id(raw_login_id);
  if (!login_id) return login_id.error();
  auto user = user_store_.get_by_login_id(*login_id);
  if (user) return sign_in_start(*login_id, page_origin, opts, origin);
  if (user.code() != Errc::kUserNotFound) return user.error();
  return sign_up_start(*login_id, "", page_origin, opts, origin);
}

Result<WebAuthnStart> WebAuthnStrategy::update_start(const SessionService::SignIn& self,
                                                     std::string_view login_id,
                                                     std::string_view page_origin,
                                                     const PasskeyOptions& opts,
                                                     const Origin& origin) {
  (void)origin;
  if (auto st = require_own_account(self.user, login_id); !st) return st.error();
  auto page = page_origin_of(page_origin);
  if (!page) return page.error();
  if (auto st = check_passkey_options(opts); !st) return st.error();
  auto creds = store_.list_credentials(self.user.id);
  if (!creds) return creds.error();
  std::vector<std::string> exclude;
  for (const auto& cred : *creds) exclude.push_back(cred.credential_id);
  store::WebAuthnChallenge c;
  c.kind = "update";
  c.user_id = self.user.id;
  c.login_id = self.user.login_id;
  c.name = self.user.name;
  c.origin = std::move(*page);
  return create_options(std::move(c), self.user.id, self.user.name, exclude, opts);
}

Result<store::WebAuthnChallenge> WebAuthnStrategy::take(std::string_view transaction_id,
                                                        std::string_view kind) {
  if (transaction_id.empty()) {
    return make_error(Errc::kInvalidArgument, "The transactionId field is required");
  }
  auto c = store_.take_challenge(crypto::sha256_hex(transaction_id), clock_());
  if (!c) return c.code() == Errc::kNotFound ? unknown_transaction() : c.error();
  // A sign-up's transaction cannot finish a sign-in, and so on.
  if (c->kind != kind) return unknown_transaction();
  return c;
}

Result<store::WebAuthnCredential> WebAuthnStrategy::registered(const store::WebAuthnChallenge& c,
                                                               std::string_view response,
                                                               const std::string& user_id) {
  auto parsed = webauthn::parse_create_response(response);
  if (!parsed) return check_error(parsed.failure());
  auto challenge = crypto::base64url_decode(c.challenge);
  if (!challenge) return make_error(Errc::kInternal, "stored challenge is not base64url");
  webauthn::Expected want{*challenge, {}, options_.rp_id, c.require_uv};
  if (c.origin.empty()) {
    want.origins = options_.origins;
  } else {
    want.origins = {c.origin};
  }
  auto reg = webauthn::verify_registration(parsed->attestation_object, parsed->client_data_json,
                                           want, clock_());
  if (!reg) return check_error(reg.failure());
  if (reg->credential_id != parsed->credential_id) {
    return make_error(Errc::kBadRequest, "Malformed WebAuthn response: rawId differs");
  }
  store::WebAuthnCredential cred;
  cred.credential_id = crypto::base64url_encode(reg->credential_id);
  cred.user_id = user_id;
  cred.public_key = crypto::base64url_encode(reg->key.spki_der);
  cred.alg = reg->key.alg;
  cred.sign_count = reg->sign_count;
  cred.name = "Passkey";
  cred.created_at = clock_();
  return cred;
}

Result<Authenticated> WebAuthnStrategy::sign_up_finish(std::string_view transaction_id,
                                                       std::string_view response,
                                                       const Origin& origin) {
  auto c = take(transaction_id, "signup");
  if (!c) return c.error();
  auto cred = registered(*c, response, "");
  if (!cred) {
    audit_.record(origin, "user.signup", false, "", c->login_id,
                  "webauthn: " + cred.error().message);
    return cred.error();
  }
  NewUserInput in;
  in.login_id = c->login_id;
  in.name = c->name;
  in.roles = config_.default_roles;
  auto user = users_.create(in, origin, {.action = "user.signup", .detail = "webauthn"});
  if (!user) return user.error();
  cred->user_id = user->id;
  if (auto st = store_.add_credential(*cred); !st) {
    // An account nobody can sign in to is no use; the sign-up can be tried again.
    (void)users_.remove(user->id, {.actor = "system"});
    return st.code() == Errc::kConflict
               ? make_error(Errc::kInvalidCredentials, "This passkey is already registered")
               : st.error();
  }
  audit_.record(origin, "user.webauthn.added", true, user->id, user->login_id, "sign-up");
  user->has_webauthn = true;
  return sessions_.start(std::move(*user), {"webauthn"}, /*first_seen=*/true);
}

Result<Authenticated> WebAuthnStrategy::sign_in_finish(std::string_view transaction_id,
                                                       std::string_view response,
                                                       const Origin& origin) {
  auto c = take(transaction_id, "signin");
  if (!c) return c.error();
  auto refuse = [&](const Error& e, const std::string& user_id) {
    audit_.record(origin, "user.signin", false, user_id, c->login_id, "webauthn: " + e.message);
    return e;
  };
  auto parsed = webauthn::parse_get_response(response);
  if (!parsed) return refuse(check_error(parsed.failure()), c->user_id);
  auto cred = store_.get_credential(crypto::base64url_encode(parsed->credential_id));
  if (!cred) {
    if (cred.code() != Errc::kNotFound) return cred.error();
    return refuse(make_error(Errc::kInvalidCredentials, "Unknown passkey"), c->user_id);
  }
  // A login id was named: the passkey must be that account's.
  if (!c->login_id.empty() && cred->user_id != c->user_id) {
    return refuse(make_error(Errc::kInvalidCredentials, "Unknown passkey"), c->user_id);
  }
  auto challenge = crypto::base64url_decode(c->challenge);
  auto der = crypto::base64url_decode(cred->public_key);
  if (!challenge || !der) return make_error(Errc::kInternal, "stored webauthn data is corrupt");
  webauthn::Expected want{*challenge, {}, options_.rp_id, c->require_uv};
  want.origins = c->origin.empty() ? options_.origins : std::vector<std::string>{c->origin};
  webauthn::StoredCredential stored{{cred->alg, *der}, static_cast<uint32_t>(cred->sign_count)};
  auto ok = webauthn::verify_assertion(parsed->authenticator_data, parsed->client_data_json,
                                       parsed->signature, want, stored);
  if (!ok) return refuse(check_error(ok.failure()), cred->user_id);
  int64_t now = clock_();
  // A passkey without a counter (0 stored, 0 sent: most platform passkeys) has nothing to
  // compare-and-set; its last use is then kept to within an hour, which spares a sign-in a
  // write of its own.
  const bool counterless = cred->sign_count == 0 && ok->sign_count == 0;
  const bool touch = !counterless || now - cred->last_used_at >= kLastUsedResolution;
  auto moved =
      touch ? store_.update_counter(cred->credential_id, cred->sign_count, ok->sign_count, now)
            : Result<bool>(true);
  if (!moved) return moved.error();
  if (!*moved) {
    // Another assertion of this passkey moved the counter first: one of them is a clone.
    return refuse(
        make_error(Errc::kInvalidCredentials, "WebAuthn verification failed: counter_regression"),
        cred->user_id);
  }
  auto user = user_store_.get_by_id(cred->user_id);
  if (!user) return user.code() == Errc::kUserNotFound ? unknown_transaction() : user.error();
  if (user->status != "enabled") {
    audit_.record(origin, "user.signin", false, user->id, user->login_id, "user disabled");
    return make_error(Errc::kUserDisabled, "User is disabled");
  }
  const bool first_seen = user->last_login_at == 0;
  audit_.record(origin, "user.signin", true, user->id, user->login_id, "webauthn");
  return sessions_.start(std::move(*user), {"webauthn"}, first_seen);
}

Status WebAuthnStrategy::update_finish(std::string_view transaction_id, std::string_view response,
                                       const Origin& origin) {
  auto c = take(transaction_id, "update");
  if (!c) return c.error();
  auto cred = registered(*c, response, c->user_id);
  if (!cred) {
    audit_.record(origin, "user.webauthn.added", false, c->user_id, c->login_id,
                  cred.error().message);
    return cred.error();
  }
  if (auto st = store_.add_credential(*cred); !st) {
    if (st.code() == Errc::kConflict) {
      return make_error(Errc::kInvalidCredentials, "This passkey is already registered");
    }
    return st.code() == Errc::kUserNotFound ? unknown_transaction() : st;
  }
  audit_.record(origin, "user.webauthn.added", true, c->user_id, c->login_id, "update");
  return ok_status();
}

Result<int64_t> WebAuthnStrategy::remove_all(const store::User& user, const Origin& origin) {
  auto n = store_.remove_user_credentials(user.id);
  if (!n) return n.error();
  if (*n > 0) {
    audit_.record(origin, "user.webauthn.removed", true, user.id, user.login_id,
                  std::to_string(*n) + " passkey(s)");
  }
  return n;
}

}  // namespace gatehouse::auth
