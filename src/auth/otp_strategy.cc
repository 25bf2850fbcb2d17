#include "auth/otp_strategy.h"

#include <cstdint>
#include <cstring>

#include "auth/authorization.h"
#include "auth/login_id.h"
#include "gatehouse/crypto/digest.h"
#include "gatehouse/crypto/random.h"

namespace gatehouse::auth {

namespace {

Error code_invalid() { return make_error(Errc::kCodeInvalid, "The code is wrong or was used"); }

}  // namespace

OtpStrategy::OtpStrategy(OneTimeDeps deps) : OneTimeSignIn(std::move(deps)) {}

std::string OtpStrategy::new_code() {
  // Rejection sampling: 32-bit draws at or above the largest multiple of 10^6 are redrawn,
  // so every code is equally likely.
  constexpr uint32_t kRange = 1000000;
  constexpr uint32_t kLimit = UINT32_MAX - UINT32_MAX % kRange;
  uint32_t n = 0;
  do {
    std::string bytes = crypto::random_bytes(sizeof n);
    std::memcpy(&n, bytes.data(), sizeof n);
  } while (n >= kLimit);
  std::string code = std::to_string(n % kRange);
  return std::string(6 - code.size(), '0') + code;
}

std::string OtpStrategy::code_hash(const std::string& login_id, std::string_view code) {
  std::string input = std::string(kPurpose) + "\n" + login_id + "\n";
  input.append(code);
  return crypto::sha256_hex(input);
}

Result<std::string> OtpStrategy::send(const Plan& plan) {
  // An address that gets no mail still gets a secret: one nobody knows, so verify answers
  // as it would for a real one (wrong code, then too many attempts).
  const std::string code = new_code();
  if (auto st = keep(kPurpose, plan, code_hash(plan.login_id, code), d_.config.otp_ttl); !st) {
    return st.error();
  }
  return deliver(plan, code_mail(d_.config.product_name, plan.to, code, d_.config.otp_ttl));
}

Result<std::string> OtpStrategy::start(OneTimeFlow flow, std::string_view login_id,
                                       const OneTimeUser& user, const Origin& origin) {
  auto p = plan(flow, login_id, user, origin);
  if (!p) return p.error();
  return send(*p);
}

Result<std::string> OtpStrategy::generate_for_test(std::string_view login_id,
                                                   const Origin& origin) {
  auto p = test_plan(login_id);
  if (!p) return p.error();
  std::string code = new_code();
  if (auto st = keep(kPurpose, *p, code_hash(p->login_id, code), d_.config.otp_ttl); !st) {
    return st.error();
  }
  d_.audit.record(origin, "user.test.generate", true, p->user_id, p->login_id, "otp");
  return code;
}

Result<Authenticated> OtpStrategy::verify(std::string_view raw_login_id, std::string_view code,
                                          const Origin& origin) {
  auto login_id = normalize_login_id(raw_login_id);
  if (!login_id) return login_id.error();
  if (code.empty()) return make_error(Errc::kInvalidArgument, "The code field is required");
  const std::string hash = code_hash(*login_id, code);
  auto found = d_.secrets.find(kPurpose, *login_id);
  if (!found) return found.error();
  if (auto done = sign_in_spending(*found, hash, origin, "otp")) return std::move(*done);
  auto c = d_.secrets.consume(kPurpose, *login_id, hash, d_.clock(), d_.config.otp_max_attempts);
  if (!c) return c.error();
  switch (c->outcome) {
    case store::ConsumeOutcome::kConsumed:
      return complete(c->secret, code_invalid(), origin, "otp");
    case store::ConsumeOutcome::kExpired:
      return make_error(Errc::kCodeExpired, "The code expired; ask for a new one");
    case store::ConsumeOutcome::kExhausted:
      d_.audit.record(origin, "user.signin", false, c->secret.user_id, *login_id,
                      "otp: too many wrong codes");
      return make_error(Errc::kTooManyAttempts, "Too many wrong codes; ask for a new one");
    case store::ConsumeOutcome::kMismatch:
      d_.audit.record(origin, "user.signin", false, c->secret.user_id, *login_id,
                      "otp: wrong code");
      return code_invalid();
    case store::ConsumeOutcome::kMissing:
      break;
  }
  return code_invalid();
}

Result<std::string> OtpStrategy::send_verification(const store::User& user, const Origin& origin) {
  if (!looks_like_email(user.email)) {
    return make_error(Errc::kInvalidArgument, "An email address is needed to verify");
  }
  if (auto st = d_.limiter.admit_send(user.login_id, origin); !st) return st.error();
  Plan p;
  p.login_id = user.login_id;
  p.user_id = user.id;
  p.intent = "signin";
  p.to = user.email;
  return send(p);
}

Result<std::string> OtpStrategy::update_email(const SessionService::SignIn& self,
                                              std::string_view login_id, std::string_view new_email,
                                              const Origin& origin) {
  if (auto st = require_own_account(self.user, login_id); !st) return st.error();
  auto email = normalize_login_id(new_email);
  if (!email) return email.error();
  if (!looks_like_email(*email)) {
    return make_error(Errc::kInvalidArgument, "The email field must be an email address");
  }
  if (auto st = d_.limiter.admit_send(*email, origin); !st) return st.error();
  Plan p;
  p.login_id = self.user.login_id;
  p.user_id = self.user.id;
  p.intent = "update";
  p.to = *email;
  return send(p);
}

}  // namespace gatehouse::auth
