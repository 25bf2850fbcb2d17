#include "auth/magic_link_strategy.h"

#include <algorithm>
#include <cctype>

#include "gatehouse/crypto/digest.h"
#include "gatehouse/crypto/random.h"

namespace gatehouse::auth {

namespace {

Error link_invalid() {
  return make_error(Errc::kLinkInvalid, "The link expired or was used; ask for a new one");
}

bool iequal(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

}  // namespace

MagicLinkStrategy::MagicLinkStrategy(OneTimeDeps deps) : OneTimeSignIn(std::move(deps)) {}

bool MagicLinkStrategy::under_origin(std::string_view uri, std::string_view origin) {
  if (origin.empty() || uri.size() < origin.size()) return false;
  if (!iequal(uri.substr(0, origin.size()), origin)) return false;
  // "https://app.example.com" must not admit "https://app.example.com.evil.io" nor
  // "https://app.example.com@evil.io".
  if (uri.size() == origin.size()) return true;
  const char next = uri[origin.size()];
  if (next != '/' && next != '?' && next != '#') return false;
  // No control characters or spaces in a link we mail.
  return std::none_of(uri.begin(), uri.end(),
                      [](char c) { return static_cast<unsigned char>(c) <= 0x20 || c == 0x7f; });
}

Status MagicLinkStrategy::check_uri(std::string_view uri) const {
  if (uri.empty()) return make_error(Errc::kInvalidArgument, "The URI field is required");
  const auto& allowed = d_.config.redirect_origins;
  if (std::none_of(allowed.begin(), allowed.end(),
                   [&](const std::string& o) { return under_origin(uri, o); })) {
    return make_error(Errc::kInvalidArgument,
                      "The URI is not under an allowed redirect origin (--redirect-origins)");
  }
  return ok_status();
}

Result<std::string> MagicLinkStrategy::new_link(const char* purpose, const Plan& plan,
                                                std::string_view uri) {
  // Only the link's address is cut at '#': the token goes in the query, before any
  // fragment.
  std::string base(uri);
  std::string fragment;
  if (auto hash = base.find('#'); hash != std::string::npos) {
    fragment = base.substr(hash);
    base.resize(hash);
  }
  const std::string token = crypto::random_token(32);
  if (auto st = keep(purpose, plan, crypto::sha256_hex(token), d_.config.magic_link_ttl); !st) {
    return st.error();
  }
  return base + (base.find('?') == std::string::npos ? "?" : "&") + "t=" + token + fragment;
}

Result<std::string> MagicLinkStrategy::start(OneTimeFlow flow, std::string_view login_id,
                                             std::string_view uri, const OneTimeUser& user,
                                             const Origin& origin) {
  if (auto st = check_uri(uri); !st) return st.error();
  auto p = plan(flow, login_id, user, origin);
  if (!p) return p.error();
  auto link = new_link(kPurpose, *p, uri);
  if (!link) return link.error();
  return deliver(*p, link_mail(d_.config.product_name, p->to, *link, d_.config.magic_link_ttl));
}

Result<std::string> MagicLinkStrategy::send_password_reset(std::string_view login_id,
                                                           std::string_view uri,
                                                           const Origin& origin) {
  std::string target(uri);
  if (target.empty() && !d_.config.redirect_origins.empty()) {
    target = d_.config.redirect_origins.front() + kDefaultResetPath;
  }
  if (auto st = check_uri(target); !st) return st.error();
  auto p = plan(OneTimeFlow::kSignIn, login_id, {}, origin);
  if (!p) return p.error();
  if (p->intent == "signin") p->intent = "reset";
  auto link = new_link(kResetPurpose, *p, target);
  if (!link) return link.error();
  auto masked =
      deliver(*p, reset_mail(d_.config.product_name, p->to, *link, d_.config.magic_link_ttl));
  if (masked) {
    d_.audit.record(origin, "user.password.reset", p->intent == "reset", p->user_id, p->login_id,
                    p->intent == "reset" ? "link mailed" : "no account: nothing mailed");
  }
  return masked;
}

Result<std::string> MagicLinkStrategy::generate_for_test(std::string_view login_id,
                                                         std::string_view uri,
                                                         const Origin& origin) {
  if (auto st = check_uri(uri); !st) return st.error();
  auto p = test_plan(login_id);
  if (!p) return p.error();
  auto link = new_link(kPurpose, *p, uri);
  if (!link) return link.error();
  d_.audit.record(origin, "user.test.generate", true, p->user_id, p->login_id, "magiclink");
  return link;
}

Result<Authenticated> MagicLinkStrategy::verify(std::string_view token, const Origin& origin) {
  if (token.empty()) return make_error(Errc::kInvalidArgument, "The token field is required");
  const std::string hash = crypto::sha256_hex(token);
  auto found = d_.secrets.find_by_hash(kPurpose, hash);
  if (!found) return found.error();
  if (auto done = sign_in_spending(*found, hash, origin, "magiclink")) return std::move(*done);
  auto c = d_.secrets.consume_by_hash(kPurpose, hash, d_.clock());
  if (!c) return c.error();
  const char* method = "magiclink";
  if (c->outcome == store::ConsumeOutcome::kMissing) {
    // Not a sign-in link: perhaps a password-reset one (the token names its row alone).
    c = d_.secrets.consume_by_hash(kResetPurpose, hash, d_.clock());
    if (!c) return c.error();
    method = "password-reset";
  }
  if (c->outcome != store::ConsumeOutcome::kConsumed) {
    d_.audit.record(origin, "user.signin", false, c->secret.user_id, c->secret.login_id,
                    "magiclink: unknown, used or expired link");
    return link_invalid();
  }
  return complete(c->secret, link_invalid(), origin, method);
}

}  // namespace gatehouse::auth
