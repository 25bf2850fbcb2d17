#include "auth/authorization.h"

#include <algorithm>

#include "auth/login_id.h"
#include "auth/roles.h"

namespace gatehouse::auth {

Authorizer::Authorizer(MgmtKeys& keys, store::UserStore& users,
                       std::shared_ptr<const gatehouse::SessionClient> sessions, Audit& audit)
    : keys_(keys), users_(users), sessions_(std::move(sessions)), audit_(audit) {}

Result<Origin> Authorizer::management_caller(std::string_view credential, Origin origin,
                                             std::string_view what) {
  if (credential.empty()) return make_error(Errc::kInvalidToken, "Missing management key");
  if (credential.starts_with("gh_")) {
    auto key = keys_.authenticate(credential);
    if (!key) return key.error();
    origin.actor = "mgmt-key:" + key->id;
    audit_.record(origin, "mgmt.key.used", true, "", "", std::string(what));
    return origin;
  }
  auto session = sessions_->validate_session(credential);
  if (!session) return make_error(Errc::kInvalidToken, "Invalid management key");
  auto user = users_.get_by_id(session->user_id);
  if (!user || user->status != "enabled" ||
      std::find(user->roles.begin(), user->roles.end(), kAdminRole) == user->roles.end()) {
    return make_error(Errc::kForbidden, "The admin role is required");
  }
  origin.actor = user->id;
  return origin;
}

Status require_own_account(const store::User& self, std::string_view login_id) {
  auto normalized = normalize_login_id(login_id);
  if (!normalized || *normalized != self.login_id) {
    return make_error(Errc::kForbidden, "loginId does not match the session");
  }
  return ok_status();
}

}  // namespace gatehouse::auth
