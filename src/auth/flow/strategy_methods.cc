#include "auth/flow/strategy_methods.h"

namespace gatehouse::auth::flow {

namespace {
Error not_offered(const char* what) {
  return make_error(Errc::kInvalidArgument, std::string(what) + " is not available here.");
}
}  // namespace

Result<bool> StrategyFlowMethods::user_exists(const std::string& login_id) {
  auto u = users_.by_login_id(login_id);
  if (u) return true;
  if (u.code() == Errc::kUserNotFound || u.code() == Errc::kNotFound) return false;
  return u.error();
}

Result<Authenticated> StrategyFlowMethods::password_sign_in(const std::string& login_id,
                                                            const std::string& password,
                                                            const Origin& origin) {
  return passwords_.sign_in(login_id, password, origin);
}

Result<Authenticated> StrategyFlowMethods::password_sign_up(const std::string& login_id,
                                                            const std::string& password,
                                                            const std::string& name,
                                                            const Origin& origin) {
  SignUpInput in;
  in.login_id = login_id;
  in.password = password;
  in.name = name;
  return passwords_.sign_up(in, origin);
}

Result<std::string> StrategyFlowMethods::send_code(const std::string& login_id,
                                                   const std::string& name, const Origin& origin) {
  if (!otp_) return not_offered("Sign-in by email code");
  return otp_->start(OneTimeFlow::kSignUpOrIn, login_id, OneTimeUser{.name = name}, origin);
}

Result<Authenticated> StrategyFlowMethods::verify_code(const std::string& login_id,
                                                       const std::string& code,
                                                       const Origin& origin) {
  if (!otp_) return not_offered("Sign-in by email code");
  return otp_->verify(login_id, code, origin);
}

Result<Authenticated> StrategyFlowMethods::totp_verify(const std::string& login_id,
                                                       const std::string& code,
                                                       const Origin& origin) {
  if (!totp_) return not_offered("Sign-in with an authenticator app");
  return totp_->verify_after_password(login_id, code, origin);
}

Result<std::string> StrategyFlowMethods::send_link(const std::string& login_id,
                                                   const std::string& name, const std::string& uri,
                                                   const Origin& origin) {
  if (!links_) return not_offered("Sign-in by email link");
  return links_->start(OneTimeFlow::kSignUpOrIn, login_id, uri, OneTimeUser{.name = name}, origin);
}

Result<Authenticated> StrategyFlowMethods::verify_link(const std::string& token,
                                                       const Origin& origin) {
  if (!links_) return not_offered("Sign-in by email link");
  return links_->verify(token, origin);
}

Result<PasskeyCeremony> StrategyFlowMethods::passkey_start(const std::string& login_id,
                                                           const std::string& name,
                                                           const std::string& page_origin,
                                                           const Origin& origin) {
  if (!webauthn_) return not_offered("Sign-in with a passkey");
  auto exists = user_exists(login_id);
  if (!exists) return exists.error();
  auto s = *exists ? webauthn_->sign_in_start(login_id, page_origin, {}, origin)
                   : webauthn_->sign_up_start(login_id, name, page_origin, {}, origin);
  if (!s) return s.error();
  return PasskeyCeremony{s->transaction_id, s->options, s->create};
}

Result<Authenticated> StrategyFlowMethods::passkey_finish(const PasskeyCeremony& ceremony,
                                                          const std::string& response,
                                                          const Origin& origin) {
  if (!webauthn_) return not_offered("Sign-in with a passkey");
  return ceremony.create ? webauthn_->sign_up_finish(ceremony.transaction_id, response, origin)
                         : webauthn_->sign_in_finish(ceremony.transaction_id, response, origin);
}

}  // namespace gatehouse::auth::flow
