// StrategyFlowMethods: FlowMethods done by the server's sign-in strategies, so a flow signs
// in exactly as the direct endpoints do (same rate limits, audit, sessions, mail).
#pragma once

#include "auth/flow/flow_engine.h"
#include "auth/magic_link_strategy.h"
#include "auth/otp_strategy.h"
#include "auth/password_strategy.h"
#include "auth/totp_strategy.h"
#include "auth/users.h"
#include "auth/webauthn_strategy.h"

namespace gatehouse::auth::flow {

class StrategyFlowMethods final : public FlowMethods {
 public:
  // `otp` and `webauthn` may be null (not configured): those choices then fail with a
  // message on the screen.
  StrategyFlowMethods(Users& users, PasswordStrategy& passwords, OtpStrategy* otp,
                      WebAuthnStrategy* webauthn, TotpStrategy* totp, MagicLinkStrategy* links)
      : users_(users),
        passwords_(passwords),
        otp_(otp),
        webauthn_(webauthn),
        totp_(totp),
        links_(links) {}

  Result<bool> user_exists(const std::string& login_id) override;
  Result<Authenticated> password_sign_in(const std::string& login_id, const std::string& password,
                                         const Origin& origin) override;
  Result<Authenticated> password_sign_up(const std::string& login_id, const std::string& password,
                                         const std::string& name, const Origin& origin) override;
  Result<std::string> send_code(const std::string& login_id, const std::string& name,
                                const Origin& origin) override;
  Result<Authenticated> verify_code(const std::string& login_id, const std::string& code,
                                    const Origin& origin) override;
  Result<Authenticated> totp_verify(const std::string& login_id, const std::string& code,
                                    const Origin& origin) override;
  Result<std::string> send_link(const std::string& login_id, const std::string& name,
                                const std::string& uri, const Origin& origin) override;
  Result<Authenticated> verify_link(const std::string& token, const Origin& origin) override;
  Result<PasskeyCeremony> passkey_start(const std::string& login_id, const std::string& name,
                                        const std::string& page_origin,
                                        const Origin& origin) override;
  Result<Authenticated> passkey_finish(const PasskeyCeremony& ceremony, const std::string& response,
                                       const Origin& origin) override;

 private:
  Users& users_;
  PasswordStrategy& passwords_;
  OtpStrategy* otp_;
  WebAuthnStrategy* webauthn_;
  TotpStrategy* totp_;
  MagicLinkStrategy* links_;
};

}  // namespace gatehouse::auth::flow
