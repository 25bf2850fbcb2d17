#include "auth/one_time_sign_in.h"

#include <boost/json.hpp>

#include "auth/login_id.h"
#include "gatehouse/crypto/digest.h"

namespace gatehouse::auth {

namespace json = boost::json;

namespace {

std::string field(const json::object& o, const char* key) {
  const json::value* v = o.if_contains(key);
  return v && v->is_string() ? std::string(v->get_string()) : std::string();
}

// The plan kept with a secret (plan_json); empty when unreadable.
json::object plan_of(const store::OneTimeSecret& secret) {
  json::value parsed = json::parse(secret.data, {});
  return parsed.is_object() ? std::move(parsed.as_object()) : json::object();
}

}  // namespace

Result<OneTimeSignIn::Plan> OneTimeSignIn::plan(OneTimeFlow flow, std::string_view raw_login_id,
                                                const OneTimeUser& user, const Origin& origin) {
  auto login_id = normalize_login_id(raw_login_id);
  if (!login_id) return login_id.error();
  // Counted before anything is looked up: a known and an unknown address are limited alike.
  if (auto st = d_.limiter.admit_send(*login_id, origin); !st) return st.error();
  Plan p;
  p.login_id = *login_id;
  auto existing = d_.users.by_login_id(*login_id);
  if (!existing && existing.code() != Errc::kUserNotFound) return existing.error();
  if (existing) {
    if (flow == OneTimeFlow::kSignUp) {
      return make_error(Errc::kUserExists, "A user with this login id already exists");
    }
    p.user_id = existing->id;
    p.intent = "signin";
    p.to = existing->email;
    // A disabled account, or one without an email, is answered like an unknown one.
    if (existing->status != "enabled" || !looks_like_email(p.to)) {
      p.user_id.clear();
      p.intent = "none";
      p.to.clear();
    }
    return p;
  }
  if (flow == OneTimeFlow::kSignIn) {
    p.intent = "none";
    return p;
  }
  auto email = user.email.empty() ? *login_id : normalize_login_id(user.email);
  if (!email) return email.error();
  if (!looks_like_email(*email)) {
    return make_error(Errc::kInvalidArgument, "An email address is needed to send the message to");
  }
  if (auto fresh = new_login_id(*login_id); !fresh) return fresh.error();
  p.intent = "signup";
  p.to = *email;
  p.user = user;
  p.user.email = *email;
  return p;
}

Result<OneTimeSignIn::Plan> OneTimeSignIn::test_plan(std::string_view raw_login_id) {
  auto login_id = normalize_login_id(raw_login_id);
  if (!login_id) return login_id.error();
  auto user = d_.users.by_login_id(*login_id);
  if (!user) return user.error();
  if (!user->test) {
    return make_error(Errc::kInvalidArgument,
                      "Codes and links are generated for test users only (user/create/test)");
  }
  if (user->status != "enabled") return make_error(Errc::kUserDisabled, "User is disabled");
  Plan p;
  p.login_id = *login_id;
  p.user_id = user->id;
  p.intent = "signin";
  p.to = user->email;  // never mailed; a verify marks it verified as a mailed one would
  return p;
}

std::string OneTimeSignIn::plan_json(const Plan& p) {
  json::object o{{"intent", p.intent}, {"to", p.to}};
  if (p.intent == "signup") {
    o["name"] = p.user.name;
    o["phone"] = p.user.phone;
  }
  return json::serialize(o);
}

std::string OneTimeSignIn::masked_for(const Plan& p) {
  return mask_email(p.to.empty() ? p.login_id : p.to);
}

Status OneTimeSignIn::keep(const std::string& purpose, const Plan& p,
                           const std::string& secret_hash, int64_t ttl) {
  const int64_t now = d_.clock();
  store::OneTimeSecret s;
  s.purpose = purpose;
  s.login_id = p.login_id;
  s.user_id = p.user_id;
  s.secret_hash = secret_hash;
  s.data = plan_json(p);
  s.created_at = now;
  s.expires_at = now + ttl;
  return d_.secrets.put(s);
}

Result<std::string> OneTimeSignIn::deliver(const Plan& p, const MailMessage& message) {
  if (p.intent != "none") {
    if (auto st = d_.mailer.send(message); !st) return st.error();
  }
  return masked_for(p);
}

std::optional<Result<Authenticated>> OneTimeSignIn::sign_in_spending(
    const std::optional<store::OneTimeSecret>& found, const std::string& secret_hash,
    const Origin& origin, const char* method) {
  const int64_t now = d_.clock();
  if (!found || found->expires_at <= now ||
      !crypto::constant_time_equal(found->secret_hash, secret_hash)) {
    return std::nullopt;
  }
  const json::object data = plan_of(*found);
  if (field(data, "intent") != "signin") return std::nullopt;
  auto user = d_.users.by_id(found->user_id);
  if (!user || user->status != "enabled") return std::nullopt;
  const std::string to = field(data, "to");
  if (!user->verified_email && !to.empty() && to == user->email) return std::nullopt;
  auto session = d_.sessions.start_spending(std::move(*user), {"email"},
                                            {.purpose = found->purpose,
                                             .login_id = found->login_id,
                                             .secret_hash = secret_hash,
                                             .now = now});
  if (!session) {
    const Errc code = session.code();
    if (code == Errc::kCodeInvalid || code == Errc::kUserNotFound) return std::nullopt;
    return session.error();
  }
  d_.audit.record(origin, "user.signin", true, session->user.id, session->user.login_id, method);
  return session;
}

Result<Authenticated> OneTimeSignIn::complete(const store::OneTimeSecret& secret,
                                              const Error& invalid, const Origin& origin,
                                              const char* method) {
  const json::object data = plan_of(secret);
  const std::string intent = field(data, "intent");
  const std::string to = field(data, "to");
  bool first_seen = false;
  store::User user;
  if (intent == "signup") {
    NewUserInput in;
    in.login_id = secret.login_id;
    in.email = to;
    in.name = field(data, "name");
    in.phone = field(data, "phone");
    in.verified_email = true;  // the mail reached it
    in.roles = d_.config.default_roles;
    auto created = d_.users.create(in, origin, {.action = "user.signup", .detail = method});
    if (created) {
      user = std::move(*created);
      first_seen = true;
    } else if (created.code() == Errc::kUserExists) {
      // Signed up another way meanwhile; the mail proved the address, so this signs in.
      auto u = d_.users.by_login_id(secret.login_id);
      if (!u) return u.error();
      user = std::move(*u);
    } else {
      return created.error();
    }
  } else if (intent == "signin" || intent == "update" || intent == "reset") {
    auto u = d_.users.by_id(secret.user_id);
    if (!u) return u.code() == Errc::kUserNotFound ? invalid : u.error();
    user = std::move(*u);
  } else {
    d_.audit.record(origin, "user.signin", false, "", secret.login_id,
                    std::string(method) + ": no account");
    return invalid;
  }
  if (user.status != "enabled") {
    d_.audit.record(origin, "user.signin", false, user.id, user.login_id, "user disabled");
    return make_error(Errc::kUserDisabled, "User is disabled");
  }
  store::UserUpdate update;
  if (intent == "update") {
    update.email = to;
    update.verified_email = true;
  } else if (!user.verified_email && !to.empty() && to == user.email) {
    update.verified_email = true;
  }
  if (update.email || update.verified_email) {
    auto changed = d_.users.update(user.id, update, origin);
    if (!changed) return changed.error();
    user = std::move(*changed);
  }
  if (intent == "update") {
    d_.audit.record(origin, "user.email.update", true, user.id, user.login_id, method);
  }
  d_.audit.record(origin, "user.signin", true, user.id, user.login_id, method);
  return d_.sessions.start(std::move(user), {"email"}, first_seen);
}

}  // namespace gatehouse::auth
