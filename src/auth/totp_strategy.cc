#include "auth/totp_strategy.h"

#include "auth/authorization.h"
#include "auth/login_id.h"
#include "gatehouse/crypto/base32.h"
#include "gatehouse/crypto/digest.h"
#include "gatehouse/crypto/random.h"
#include "gatehouse/crypto/totp.h"

namespace gatehouse::auth {

namespace {

Error invalid_code() { return make_error(Errc::kInvalidCode, "Invalid login id or code"); }

// RFC 3986 unreserved characters stay, everything else is percent-encoded: the label and
// the issuer of an otpauth:// URI are free text (an email's '@', spaces in a name).
std::string uri_escape(std::string_view s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (char c : s) {
    auto b = static_cast<unsigned char>(c);
    if ((b >= 'A' && b <= 'Z') || (b >= 'a' && b <= 'z') || (b >= '0' && b <= '9') || b == '-' ||
        b == '.' || b == '_' || b == '~') {
      out += c;
    } else {
      out += '%';
      out += kHex[b >> 4];
      out += kHex[b & 15];
    }
  }
  return out;
}

}  // namespace

TotpStrategy::TotpStrategy(const AuthConfig& config, TotpOptions options, Users& users,
                           store::UserStore& user_store, store::TotpStore& totp,
                           SessionService& sessions, RateLimiter& limiter, Audit& audit,
                           Clock clock)
    : config_(config),
      options_(std::move(options)),
      users_(users),
      user_store_(user_store),
      totp_(totp),
      sessions_(sessions),
      limiter_(limiter),
      audit_(audit),
      clock_(std::move(clock)) {}

Result<TotpEnrolment> TotpStrategy::enrol(const store::User& user) {
  std::string key = crypto::base32_encode(crypto::random_bytes(crypto::kTotpKeyBytes), false);
  if (auto st = totp_.put(user.id, key, clock_()); !st) return st.error();
  TotpEnrolment e;
  e.provisioning_url = "otpauth://totp/" + uri_escape(options_.issuer) + ":" +
                       uri_escape(user.login_id) + "?secret=" + key +
                       "&issuer=" + uri_escape(options_.issuer);
  e.key = std::move(key);
  return e;
}

Result<TotpEnrolment> TotpStrategy::sign_up(const TotpSignUpInput& input, const Origin& origin) {
  if (auto st = limiter_.admit_sign_up(origin); !st) return st.error();
  NewUserInput in;
  in.login_id = input.login_id;
  in.name = input.name;
  in.email = input.email;
  in.phone = input.phone;
  in.roles = config_.default_roles;
  auto user = users_.create(in, origin, {.action = "user.signup", .detail = "totp"});
  if (!user) return user.error();
  auto enrolled = enrol(*user);
  if (!enrolled) {
    // An account nobody can sign in to is no use; the sign-up can be tried again.
    (void)users_.remove(user->id, {.actor = "system"});
    return enrolled.error();
  }
  audit_.record(origin, "user.totp.enrolled", true, user->id, user->login_id, "sign-up");
  return enrolled;
}

Result<TotpEnrolment> TotpStrategy::update(const SessionService::SignIn& self,
                                           std::string_view login_id, const Origin& origin) {
  if (auto st = require_own_account(self.user, login_id); !st) return st.error();
  auto enrolled = enrol(self.user);
  if (!enrolled) return enrolled.error();
  audit_.record(origin, "user.totp.enrolled", true, self.user.id, self.user.login_id, "update");
  return enrolled;
}

Status TotpStrategy::first_factor(const store::User& user, std::string_view proof) {
  auto passes = [](Errc c) { return c == Errc::kUnavailable || c == Errc::kInternal; };
  if (proof.empty()) return invalid_code();
  // A JWT: the refresh token of a sign-in of this same user (confirming a new secret).
  if (proof.find('.') != std::string_view::npos) {
    auto self = sessions_.sign_in_of(proof);
    if (!self) return passes(self.code()) ? self.error() : invalid_code();
    if (self->user.id != user.id) return invalid_code();
    return ok_status();
  }
  auto ticket = totp_.take_ticket(crypto::sha256_hex(proof), clock_());
  if (!ticket) return passes(ticket.code()) ? ticket.error() : invalid_code();
  if (ticket->user_id != user.id) return invalid_code();
  return ok_status();
}

Result<store::User> TotpStrategy::check(const std::string& login_id, std::string_view code,
                                        std::string_view proof, bool password_checked) {
  auto user = user_store_.get_by_login_id(login_id);
  if (!user && user.code() != Errc::kUserNotFound) return user.error();
  std::optional<store::TotpCredential> cred;
  if (user) {
    auto c = totp_.get(user->id);
    if (c) {
      cred = std::move(*c);
    } else if (c.code() != Errc::kNotFound) {
      return c.error();
    }
  }
  std::optional<std::string> key;
  if (cred) key = crypto::base32_decode(cred->secret);
  // Without an account or a secret, the same HMACs against a dummy key: same time, same
  // answer.
  const std::string dummy(crypto::kTotpKeyBytes, '\0');
  auto step = crypto::totp_match(key ? *key : dummy, code, clock_());
  if (!step || !key) return invalid_code();
  // The password came first: its proof must come with the code. Checked only once the
  // code is right, so a mistyped code does not cost the password again.
  if (user->has_password && !password_checked) {
    if (auto st = first_factor(*user, proof); !st) return st.error();
  }
  auto fresh = totp_.accept_step(user->id, cred->secret, *step);
  if (!fresh) return fresh.code() == Errc::kNotFound ? invalid_code() : fresh.error();
  if (!*fresh) return invalid_code();  // replayed, or the secret was replaced meanwhile
  return user;
}

Result<Authenticated> TotpStrategy::verify(std::string_view login_id, std::string_view code,
                                           std::string_view proof, const Origin& origin) {
  return verify_code(login_id, code, proof, false, origin);
}

Result<Authenticated> TotpStrategy::verify_after_password(std::string_view login_id,
                                                          std::string_view code,
                                                          const Origin& origin) {
  return verify_code(login_id, code, "", true, origin);
}

Result<store::User> TotpStrategy::counted_check(const std::string& login_id, std::string_view code,
                                                std::string_view proof, bool password_checked,
                                                const Origin& origin) {
  if (code.empty()) return make_error(Errc::kInvalidArgument, "The code field is required");
  auto attempt = limiter_.begin_sign_in(login_id, origin);
  if (!attempt) return attempt.error();
  auto user = check(login_id, code, proof, password_checked);
  limiter_.end_sign_in(*attempt, user.ok());
  return user;
}

Result<Authenticated> TotpStrategy::verify_code(std::string_view raw_login_id,
                                                std::string_view code, std::string_view proof,
                                                bool password_checked, const Origin& origin) {
  auto login_id = normalize_login_id(raw_login_id);
  if (!login_id) return login_id.error();
  auto user = counted_check(*login_id, code, proof, password_checked, origin);
  if (!user) {
    if (user.code() == Errc::kInvalidCode) {
      audit_.record(origin, "user.signin", false, "", *login_id, "wrong login id or TOTP code");
    }
    return user.error();
  }
  if (user->status != "enabled") {
    audit_.record(origin, "user.signin", false, user->id, *login_id, "user disabled");
    return make_error(Errc::kUserDisabled, "User is disabled");
  }
  const bool second_factor = user->has_password;
  const bool first_seen = user->last_login_at == 0;  // an account made by totp/signup
  audit_.record(origin, "user.signin", true, user->id, *login_id,
                second_factor ? "password + totp" : "totp");
  std::vector<std::string> amr = {"totp"};
  if (second_factor) amr = {"pwd", "totp", "mfa"};
  return sessions_.start(std::move(*user), std::move(amr), first_seen);
}

Status TotpStrategy::remove(const store::User& user, const Origin& origin) {
  if (auto st = totp_.remove(user.id); !st) {
    return st.code() == Errc::kNotFound ? ok_status() : st;
  }
  audit_.record(origin, "user.totp.removed", true, user.id, user.login_id);
  return ok_status();
}

Status TotpStrategy::disable(const SessionService::SignIn& self, std::string_view code,
                             std::string_view refresh_token, const Origin& origin) {
  auto user =
      counted_check(self.user.login_id, code, refresh_token, /*password_checked=*/false, origin);
  if (!user) {
    if (user.code() == Errc::kInvalidCode) {
      audit_.record(origin, "user.totp.removed", false, self.user.id, self.user.login_id,
                    "wrong TOTP code");
    }
    return user.error();
  }
  if (user->id != self.user.id) return invalid_code();
  return remove(*user, origin);
}

std::optional<Error> TotpStrategy::require(const store::User& user, const Origin& origin) {
  if (!user.has_totp) return std::nullopt;
  // A secret no code was accepted for yet is not in force: a user who enrolled and never
  // scanned the code is not locked out.
  auto cred = totp_.get(user.id);
  if (!cred) return cred.code() == Errc::kNotFound ? std::nullopt : std::optional(cred.error());
  if (cred->last_step < 0) return std::nullopt;
  std::string ticket = crypto::random_token(32);
  int64_t now = clock_();
  store::MfaTicket t{crypto::sha256_hex(ticket), user.id, now + options_.ticket_ttl};
  if (auto st = totp_.put_ticket(t, now); !st) return st.error();
  audit_.record(origin, "user.signin.mfa", true, user.id, user.login_id, "TOTP code required");
  Error e = make_error(Errc::kMfaRequired, "A TOTP code is required to finish signing in");
  e.mfa_ticket = std::move(ticket);
  return e;
}

}  // namespace gatehouse::auth
