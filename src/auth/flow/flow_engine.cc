#include "auth/flow/flow_engine.h"

#include <cctype>

#include <boost/json.hpp>

#include "gatehouse/crypto/random.h"

namespace gatehouse::auth::flow {

namespace json = boost::json;

namespace {

std::string str(const json::object& o, std::string_view key) {
  auto* v = o.if_contains(key);
  return v && v->is_string() ? std::string(v->as_string()) : std::string();
}

std::string trim(std::string s) {
  auto b = s.find_first_not_of(" \t\r\n");
  if (b == std::string::npos) return {};
  auto e = s.find_last_not_of(" \t\r\n");
  return s.substr(b, e - b + 1);
}

Result<int64_t> step_number(const std::string& step_id) {
  if (step_id.empty() || step_id.size() > 9) return make_error(Errc::kFlowStepUsed, "bad step id");
  int64_t n = 0;
  for (char c : step_id) {
    if (c < '0' || c > '9') return make_error(Errc::kFlowStepUsed, "bad step id");
    n = n * 10 + (c - '0');
  }
  return n;
}

// The engine's state of one execution (FlowExecution::state). No secrets: passwords and
// codes pass through, they are never kept.
struct State {
  std::string screen;
  std::string email;
  std::string name;
  std::string masked;        // where the code went
  bool password_ok = false;  // the password of `email` was right; its TOTP code is due
  bool link_sent = false;    // a magic link for `email` is out; "submit" brings its token
  std::string location;      // the page the flow runs on (links lead back to it)
  std::optional<PasskeyCeremony> passkey;

  static State parse(const std::string& text) {
    State s;
    boost::system::error_code ec;
    auto v = json::parse(text, ec);
    if (ec || !v.is_object()) return s;
    const auto& o = v.as_object();
    s.screen = str(o, "screen");
    s.email = str(o, "email");
    s.name = str(o, "name");
    s.masked = str(o, "masked");
    auto* pw = o.if_contains("passwordOk");
    s.password_ok = pw && pw->is_bool() && pw->as_bool();
    auto* ls = o.if_contains("linkSent");
    s.link_sent = ls && ls->is_bool() && ls->as_bool();
    s.location = str(o, "location");
    if (auto* p = o.if_contains("passkey"); p && p->is_object()) {
      const auto& po = p->as_object();
      auto* c = po.if_contains("create");
      s.passkey = PasskeyCeremony{str(po, "transactionId"), "", c && c->is_bool() && c->as_bool()};
    }
    return s;
  }
  std::string text() const {
    json::object o{{"screen", screen},
                   {"email", email},
                   {"name", name},
                   {"masked", masked},
                   {"passwordOk", password_ok},
                   {"linkSent", link_sent},
                   {"location", location}};
    if (passkey) {
      o["passkey"] =
          json::object{{"transactionId", passkey->transaction_id}, {"create", passkey->create}};
    }
    return json::serialize(o);
  }
};

// What one answer to a screen leads to.
struct Outcome {
  std::string screen;      // the screen to show (unchanged on a user error)
  std::string error_text;  // the user's mistake, shown on it
  std::optional<Authenticated> auth;
  std::optional<PasskeyCeremony> passkey;
};

// The page's URL without its query and fragment.
std::string page_of(const std::string& location) {
  return location.substr(0, location.find_first_of("?#"));
}

// Percent-encodes what a query value cannot hold as is ("|#|" of execution ids).
std::string query_escape(const std::string& v) {
  static const char* kHex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : v) {
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

}  // namespace

std::optional<std::string> user_error_text(const Error& e) {
  switch (e.code) {
    case Errc::kInvalidCredentials:
      return "The email or password is not right.";
    case Errc::kInvalidArgument:
    case Errc::kBadRequest:
      return e.message.empty() ? std::string("Please check what you entered.") : e.message;
    case Errc::kUserExists:
      return "An account with this email already exists.";
    case Errc::kUserDisabled:
      return "This account is disabled.";
    case Errc::kPasswordExpired:
      return "Your password has expired; reset it to sign in.";
    case Errc::kInvalidCode:
    case Errc::kCodeInvalid:
      return "That code is not right. Check the email and try again.";
    case Errc::kCodeExpired:
      return "That code has expired. Send a new one.";
    case Errc::kTooManyAttempts:
      return "Too many wrong codes. Send a new one.";
    case Errc::kLinkInvalid:
      return "That link has expired or was already used.";
    case Errc::kRateLimited:
      return "Too many attempts. Wait a minute and try again.";
    case Errc::kDeliveryFailed:
      return "We could not send the email. Try again later.";
    case Errc::kEmailNotVerified:
      return "Verify your email address first: use an email code.";
    case Errc::kMfaRequired:
      return "This account has an authenticator app: sign in with the email code or a passkey.";
    default:
      return std::nullopt;
  }
}

FlowEngine::FlowEngine(const FlowCatalog& catalog, store::FlowStore& store, FlowMethods& methods,
                       Clock clock, int64_t ttl)
    : catalog_(catalog), store_(store), methods_(methods), clock_(std::move(clock)), ttl_(ttl) {}

Result<FlowReply> FlowEngine::start(const std::string& flow_id, const Origin& origin,
                                    const std::string& location, const std::string& token) {
  const FlowDefinition* def = catalog_.find(flow_id);
  if (!def) return make_error(Errc::kNotFound, "unknown flow: " + flow_id);
  int64_t now = clock_();
  State st;
  st.screen = def->start;
  st.location = page_of(location);
  std::string error_text;
  if (!token.empty()) {
    // A link opened in another browser: the token alone proves the mail was read.
    auto a = methods_.verify_link(token, origin);
    if (a) {
      FlowReply r;
      r.execution_id = def->id + "|#|" + crypto::random_id('X');
      r.step_id = "1";
      r.status = "completed";
      r.action = "none";
      r.auth = std::move(*a);
      return r;
    }
    auto text = user_error_text(a.error());
    if (!text) return a.error();
    error_text = *text;
  }
  store::FlowExecution e;
  // Descope's shape: the component checks the prefix and keys its nonce by the rest.
  // random_id draws from [A-Za-z0-9], so no '_' (the URL joins execution and step by '_').
  e.id = def->id + "|#|" + crypto::random_id('X');
  e.flow_id = def->id;
  e.step_id = "1";
  e.state = st.text();
  e.created_at = now;
  e.expires_at = now + ttl_;
  if (auto s = store_.create(e); !s) return s.error();
  FlowReply r;
  r.execution_id = e.id;
  r.step_id = e.step_id;
  r.screen_id = st.screen;
  r.step_name = def->screen(st.screen)->name;
  r.screen_state = json::object{{"errorText", error_text}, {"form", json::object{}}};
  return r;
}

Result<FlowReply> FlowEngine::next(const std::string& execution_id, const std::string& step_id,
                                   const std::string& interaction_id, const json::object& input,
                                   const Origin& origin) {
  int64_t now = clock_();
  auto exec = store_.get(execution_id, now);
  if (!exec) {
    if (exec.code() == Errc::kNotFound) {
      return make_error(Errc::kFlowExpired, "flow execution expired or not found");
    }
    return exec.error();
  }
  const FlowDefinition* def = catalog_.find(exec->flow_id);
  if (!def) return make_error(Errc::kFlowExpired, "flow no longer offered: " + exec->flow_id);
  auto n = step_number(step_id);
  if (!n) return n.error();
  if (exec->step_id != step_id) return make_error(Errc::kFlowStepUsed, "step already answered");
  State st = State::parse(exec->state);
  const Screen* screen = def->screen(st.screen);
  if (!screen) return make_error(Errc::kFlowExpired, "flow changed under the execution");

  const Transition* t = nullptr;
  bool passkey_answer = interaction_id == "submit" && st.passkey.has_value();
  bool link_answer = interaction_id == "submit" && !passkey_answer && st.link_sent;
  if (!passkey_answer && !link_answer) {
    auto it = screen->on.find(interaction_id);
    if (it == screen->on.end()) {
      return make_error(Errc::kInvalidArgument,
                        "no button " + interaction_id + " on " + screen->id);
    }
    t = &it->second;
  }

  auto moved = [](Status c) -> Status {
    if (c) return c;
    if (c.code() == Errc::kConflict)
      return make_error(Errc::kFlowStepUsed, "step already answered");
    if (c.code() == Errc::kNotFound)
      return make_error(Errc::kFlowExpired, "flow execution expired");
    return c.error();
  };
  // An answer that only reads (going to a screen, telling a known email from a new one) is
  // written once, at the end, by the same compare-and-set. Any other first claims the step:
  // of two answers to it only one signs in, mails or starts a ceremony.
  const std::string claimed = std::to_string(*n + 1);
  const bool reads_only = t != nullptr && (t->action.empty() || t->action == "identify");
  if (!reads_only) {
    if (auto c = moved(store_.advance(execution_id, step_id, claimed, exec->state, now)); !c) {
      return c.error();
    }
  }

  Outcome out;
  out.screen = st.screen;
  auto fail = [&](const Error& e) -> Result<Outcome> {
    auto text = user_error_text(e);
    if (!text) return e;
    Outcome o;
    o.screen = st.screen;
    o.error_text = *text;
    return o;
  };
  auto signed_in = [&](Result<Authenticated> a) -> Result<Outcome> {
    if (!a) return fail(a.error());
    Outcome o;
    o.auth = std::move(*a);
    return o;
  };
  Result<Outcome> result = out;
  if (link_answer) {
    // The link came back to the page that started the flow (descope-login-flow=…).
    result = signed_in(methods_.verify_link(str(input, "token"), origin));
  } else if (passkey_answer) {
    PasskeyCeremony c = *st.passkey;
    st.passkey.reset();
    auto* failure = input.if_contains("failure");
    std::string response = str(input, "response");
    if ((failure && !failure->is_null() && !(failure->is_bool() && !failure->as_bool())) ||
        response.empty()) {
      result = fail(make_error(Errc::kInvalidArgument,
                               "The passkey did not answer. Try again or pick another way."));
    } else {
      result = signed_in(methods_.passkey_finish(c, response, origin));
    }
  } else if (t->action.empty()) {
    out.screen = t->next.empty() ? st.screen : t->next;
    result = out;
  } else if (t->action == "identify") {
    std::string email = trim(str(input, "email"));
    if (email.empty() || email.find('@') == std::string::npos) {
      result = fail(make_error(Errc::kInvalidArgument, "Enter your email address."));
    } else {
      auto exists = methods_.user_exists(email);
      if (!exists) {
        result = fail(exists.error());
      } else {
        st.email = email;
        st.password_ok = false;
        out.screen = *exists ? t->next_existing : t->next_new;
        result = out;
      }
    }
  } else if (t->action == "password.signIn") {
    auto a = methods_.password_sign_in(st.email, str(input, "password"), origin);
    if (!a && a.code() == Errc::kMfaRequired && !t->next_mfa.empty()) {
      // The password was right. The ticket it came with is not kept (no secret in the
      // store): this execution's state is the proof for the TOTP step.
      st.password_ok = true;
      out.screen = t->next_mfa;
      result = out;
    } else {
      result = signed_in(std::move(a));
    }
  } else if (t->action == "totp.verify") {
    if (!st.password_ok) {
      result = fail(make_error(Errc::kInvalidArgument, "Sign in with your password first."));
    } else {
      result = signed_in(methods_.totp_verify(st.email, trim(str(input, "code")), origin));
    }
  } else if (t->action == "password.signUp") {
    std::string name = trim(str(input, "name"));
    if (!name.empty()) st.name = name;
    result =
        signed_in(methods_.password_sign_up(st.email, str(input, "password"), st.name, origin));
  } else if (t->action == "otp.send") {
    std::string name = trim(str(input, "name"));
    if (!name.empty()) st.name = name;
    auto masked = methods_.send_code(st.email, st.name, origin);
    if (!masked) {
      result = fail(masked.error());
    } else {
      st.masked = *masked;
      out.screen = t->next.empty() ? st.screen : t->next;
      result = out;
    }
  } else if (t->action == "magiclink.send") {
    std::string name = trim(str(input, "name"));
    if (!name.empty()) st.name = name;
    if (st.location.empty()) {
      result = fail(make_error(Errc::kInvalidArgument, "Sign-in links need the page's address."));
    } else {
      // Back to this page, on the step this answer leads to: the web component resumes
      // the execution from descope-login-flow=<execution>_<step> and sends the token.
      std::string uri =
          st.location + "?descope-login-flow=" + query_escape(execution_id + "_" + claimed);
      auto masked = methods_.send_link(st.email, st.name, uri, origin);
      if (!masked) {
        result = fail(masked.error());
      } else {
        st.masked = *masked;
        st.link_sent = true;
        out.screen = t->next.empty() ? st.screen : t->next;
        result = out;
      }
    }
  } else if (t->action == "otp.verify") {
    result = signed_in(methods_.verify_code(st.email, trim(str(input, "code")), origin));
  } else if (t->action == "passkey.start") {
    std::string name = trim(str(input, "name"));
    if (!name.empty()) st.name = name;
    auto c = methods_.passkey_start(st.email, st.name, str(input, "origin"), origin);
    if (!c) {
      result = fail(c.error());
    } else {
      out.passkey = *c;
      st.passkey = PasskeyCeremony{c->transaction_id, "", c->create};
      result = out;
    }
  } else {
    result = make_error(Errc::kInternal, "action not runnable: " + t->action);
  }

  if (!result) return result.error();
  FlowReply r;
  r.execution_id = execution_id;
  r.step_id = claimed;
  if (result->auth) {
    // Finished: the execution cannot be continued (a replay gets kFlowExpired).
    (void)store_.remove(execution_id);
    r.status = "completed";
    r.action = "none";
    r.auth = std::move(result->auth);
    return r;
  }
  st.screen = result->screen;
  if (auto w = moved(
          store_.advance(execution_id, reads_only ? step_id : claimed, claimed, st.text(), now));
      !w) {
    return w.error();
  }
  const Screen* shown = def->screen(st.screen);
  r.screen_id = st.screen;
  r.step_name = shown ? shown->name : st.screen;
  r.screen_state = json::object{{"errorText", result->error_text},
                                {"form", json::object{{"email", st.email}, {"name", st.name}}},
                                {"email", st.email},
                                {"masked", st.masked}};
  if (result->passkey) {
    r.passkey = result->passkey;
    r.action = result->passkey->create ? "webauthnCreate" : "webauthnGet";
  }
  return r;
}

}  // namespace gatehouse::auth::flow
