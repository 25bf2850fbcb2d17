#include "api/mgmt_api.h"

#include <algorithm>

#include <boost/json.hpp>

#include "api/errors.h"
#include "api/json_body.h"
#include "api/wire.h"
#include "gatehouse/json.h"

namespace gatehouse::api {

namespace json = boost::json;
using http::Request;
using http::Response;

namespace {

using MgmtHandler = std::function<Response(Request&, const auth::Origin&, const json::object&)>;

Response ok(const json::value& v = json::object{}) { return Response::json(200, v); }
Response fail(const Error& e) { return error_response(e); }

// Fails the handler with the error of a Result when it holds one.
#define GH_TRY(var, expr) \
  auto var = (expr);      \
  if (!var) return fail(var.error())

// Registers the routes; every handler holds the Routes it came from.
class Routes : public std::enable_shared_from_this<Routes> {
 public:
  Routes(http::Router& router, MgmtApiDeps deps) : router_(router), d_(std::move(deps)) {}

  void add(const char* method, const char* path, MgmtHandler h) {
    router_.add(method, path, [self = shared_from_this(), h = std::move(h)](Request& req) {
      auto call = management_call(req, self->d_.project_id, self->d_.authorizer);
      if (!call) return fail(call.error());
      return h(req, call->origin, call->body);
    });
  }

  // The user named by userId (preferred) or loginId in `o`.
  Result<store::User> user_of(const json::object& o) {
    auto uid = optional_string(o, "userId");
    if (!uid) return uid.error();
    if (!uid->empty()) return d_.users.by_id(*uid);
    auto login = required_string(o, "loginId");
    if (!login) return login.error();
    return d_.users.by_login_id_or_id(*login);
  }

  static Result<std::optional<std::vector<store::UserTenant>>> tenants_of(const json::object& o) {
    using Out = std::optional<std::vector<store::UserTenant>>;
    auto it = o.find("userTenants");
    if (it == o.end() || it->value().is_null()) return Out{};
    auto bad = make_error(Errc::kBadRequest,
                          "userTenants must be an array of {tenantId, roleNames} objects");
    if (!it->value().is_array()) return bad;
    std::vector<store::UserTenant> out;
    for (const auto& v : it->value().as_array()) {
      if (!v.is_object()) return bad;
      auto tid = required_string(v.as_object(), "tenantId");
      if (!tid) return tid.error();
      auto roles = optional_string_array(v.as_object(), "roleNames");
      if (!roles) return roles.error();
      out.push_back({*tid, "", roles->value_or(std::vector<std::string>{})});
    }
    return Out(std::move(out));
  }

  // Descope's display name: displayName, else "given family".
  static Result<std::optional<std::string>> name_of(const json::object& o) {
    using Out = std::optional<std::string>;
    if (o.contains("displayName") && !o.at("displayName").is_null()) {
      auto n = optional_string(o, "displayName");
      if (!n) return n.error();
      return Out(*n);
    }
    auto given = optional_string(o, "givenName");
    auto family = optional_string(o, "familyName");
    if (!given) return given.error();
    if (!family) return family.error();
    if (given->empty() && family->empty()) return Out{};
    return Out(*given + (!given->empty() && !family->empty() ? " " : "") + *family);
  }

  // Fields shared by create, update and patch. `full` = absent fields become empty.
  static Result<store::UserUpdate> profile_of(const json::object& o, bool full) {
    store::UserUpdate u;
    for (auto [key, field] : {std::pair{"email", &store::UserUpdate::email},
                              std::pair{"phone", &store::UserUpdate::phone},
                              std::pair{"picture", &store::UserUpdate::picture}}) {
      auto v = optional_string(o, key);
      if (!v) return v.error();
      if (full || (o.contains(key) && !o.at(key).is_null())) u.*field = *v;
    }
    auto name = name_of(o);
    if (!name) return name.error();
    if (*name)
      u.name = **name;
    else if (full)
      u.name = "";
    for (auto [key, field] : {std::pair{"verifiedEmail", &store::UserUpdate::verified_email},
                              std::pair{"verifiedPhone", &store::UserUpdate::verified_phone}}) {
      auto v = optional_bool(o, key);
      if (!v) return v.error();
      if (*v) u.*field = **v;
    }
    auto roles = optional_string_array(o, "roleNames");
    if (!roles) return roles.error();
    if (*roles)
      u.roles = **roles;
    else if (full)
      u.roles = std::vector<std::string>{};
    auto tenants = tenants_of(o);
    if (!tenants) return tenants.error();
    if (*tenants)
      u.tenants = **tenants;
    else if (full)
      u.tenants = std::vector<store::UserTenant>{};
    auto status = optional_string(o, "status");
    if (!status) return status.error();
    if (!status->empty()) u.status = *status;
    return u;
  }

  Response user_response(const Result<store::User>& u) {
    if (!u) return fail(u.error());
    return ok(json::object{{"user", user_json(*u)}});
  }

  void users();
  void roles_and_permissions();
  void tenants();
  void audit();
  void lockouts();
  void dev_mailbox();

 private:
  http::Router& router_;
  MgmtApiDeps d_;
};

}  // namespace

void Routes::users() {
  auto& m = d_.users;

  // `test` is true for `user/create/test`: the user is flagged as a test user.
  auto create = [this, &m](bool test, const auth::Origin& origin, const json::object& o) {
    GH_TRY(login, required_string(o, "loginId"));
    GH_TRY(profile, profile_of(o, false));
    GH_TRY(password, optional_string(o, "password"));
    auth::NewUserInput in;
    in.login_id = *login;
    in.email = profile->email.value_or("");
    in.phone = profile->phone.value_or("");
    in.name = profile->name.value_or("");
    in.picture = profile->picture.value_or("");
    in.status = profile->status.value_or("enabled");
    in.verified_email = profile->verified_email.value_or(false);
    in.verified_phone = profile->verified_phone.value_or(false);
    in.roles = profile->roles.value_or(std::vector<std::string>{});
    in.tenants = profile->tenants.value_or(std::vector<store::UserTenant>{});
    in.password = *password;
    in.test = test;
    return user_response(m.create(in, origin));
  };
  add("POST", "/v1/mgmt/user/create",
      [create](Request&, const auth::Origin& origin, const json::object& o) {
        return create(false, origin, o);
      });
  add("POST", "/v1/mgmt/user/create/test",
      [create](Request&, const auth::Origin& origin, const json::object& o) {
        return create(true, origin, o);
      });

  add("GET", "/v1/mgmt/user", [this, &m](Request& req, const auth::Origin&, const json::object&) {
    auto uid = req.query_param("userId");
    if (!uid.empty()) return user_response(m.by_id(uid));
    auto login = req.query_param("loginId");
    if (login.empty()) {
      return fail(
          make_error(Errc::kInvalidArgument, "The loginId or userId parameter is required"));
    }
    return user_response(m.by_login_id_or_id(login));
  });

  add("POST", "/v1/mgmt/users/load", [&m](Request&, const auth::Origin&, const json::object& o) {
    GH_TRY(ids, optional_string_array(o, "userIds"));
    store::UserSearch q;
    q.user_ids = ids->value_or(std::vector<std::string>{});
    if (q.user_ids.empty()) {
      return fail(make_error(Errc::kInvalidArgument, "The userIds field is required"));
    }
    q.limit = 1000;
    GH_TRY(page, m.search(q));
    json::array users;
    for (const auto& u : page->users) users.emplace_back(user_json(u));
    return ok(json::object{{"users", std::move(users)}});
  });

  // `test` is true for `user/search/test` (node-sdk searchTestUsers): test users only.
  auto search_users = [&m](bool test, const json::object& o) {
    store::UserSearch q;
    GH_TRY(text, optional_string(o, "text"));
    q.text = *text;
    for (auto [key, field] : {std::pair{"loginIds", &store::UserSearch::login_ids},
                              std::pair{"userIds", &store::UserSearch::user_ids},
                              std::pair{"emails", &store::UserSearch::emails},
                              std::pair{"roleNames", &store::UserSearch::role_names},
                              std::pair{"tenantIds", &store::UserSearch::tenant_ids},
                              std::pair{"statuses", &store::UserSearch::statuses}}) {
      GH_TRY(v, optional_string_array(o, key));
      q.*field = v->value_or(std::vector<std::string>{});
    }
    GH_TRY(with_test, optional_bool(o, "withTestUser"));
    q.with_test_user = test || with_test->value_or(false);
    GH_TRY(test_only, optional_bool(o, "testUsersOnly"));
    q.test_only = test || test_only->value_or(false);
    if (q.test_only) q.with_test_user = true;
    GH_TRY(limit, optional_int(o, "limit"));
    GH_TRY(page, optional_int(o, "page"));
    q.limit = static_cast<int>(std::clamp<int64_t>(limit->value_or(0), 0, 1000));
    q.page = static_cast<int>(std::clamp<int64_t>(page->value_or(0), -1, 1000000));
    GH_TRY(found, m.search(q));
    json::array users;
    for (const auto& u : found->users) users.emplace_back(user_json(u));
    return ok(json::object{{"users", std::move(users)}, {"total", found->total}});
  };
  auto search = [search_users](Request&, const auth::Origin&, const json::object& o) {
    return search_users(false, o);
  };
  add("POST", "/v1/mgmt/user/search", search);
  add("POST", "/v2/mgmt/user/search", search);
  add("POST", "/v2/mgmt/user/search/test",
      [search_users](Request&, const auth::Origin&, const json::object& o) {
        return search_users(true, o);
      });

  add("POST", "/v1/mgmt/user/update",
      [this, &m](Request&, const auth::Origin& origin, const json::object& o) {
        GH_TRY(user, user_of(o));
        GH_TRY(update, profile_of(o, true));
        return user_response(m.update(user->id, *update, origin));
      });
  add("PATCH", "/v1/mgmt/user/patch",
      [this, &m](Request&, const auth::Origin& origin, const json::object& o) {
        GH_TRY(user, user_of(o));
        GH_TRY(update, profile_of(o, false));
        return user_response(m.update(user->id, *update, origin));
      });
  for (const char* path : {"/v1/mgmt/user/update/email", "/v1/mgmt/user/update/phone",
                           "/v1/mgmt/user/update/name", "/v1/mgmt/user/update/picture"}) {
    add("POST", path, [this, &m](Request&, const auth::Origin& origin, const json::object& o) {
      GH_TRY(user, user_of(o));
      GH_TRY(update, profile_of(o, false));
      // update/email and update/phone carry the verified flag as "verified".
      GH_TRY(verified, optional_bool(o, "verified"));
      if (*verified) {
        if (o.contains("email")) update->verified_email = **verified;
        if (o.contains("phone")) update->verified_phone = **verified;
      }
      return user_response(m.update(user->id, *update, origin));
    });
  }
  add("POST", "/v1/mgmt/user/update/loginid",
      [this, &m](Request&, const auth::Origin& origin, const json::object& o) {
        GH_TRY(user, user_of(o));
        GH_TRY(login, required_string(o, "newLoginId"));
        store::UserUpdate u;
        u.login_id = *login;
        return user_response(m.update(user->id, u, origin));
      });
  add("POST", "/v1/mgmt/user/update/status",
      [this, &m](Request&, const auth::Origin& origin, const json::object& o) {
        GH_TRY(user, user_of(o));
        GH_TRY(status, required_string(o, "status"));
        store::UserUpdate u;
        u.status = *status;
        return user_response(m.update(user->id, u, origin));
      });

  add("POST", "/v1/mgmt/user/delete",
      [this, &m](Request&, const auth::Origin& origin, const json::object& o) {
        auto user = user_of(o);
        // Deleting is idempotent: an unknown user is already gone.
        if (!user) return user.code() == Errc::kUserNotFound ? ok() : fail(user.error());
        if (auto st = m.remove(user->id, origin); !st) return fail(st.error());
        return ok();
      });

  // node-sdk deleteAllTestUsers: every test user, and only test users.
  add("DELETE", "/v1/mgmt/user/test/delete/all",
      [&m](Request&, const auth::Origin& origin, const json::object&) {
        GH_TRY(removed, m.remove_test_users(origin));
        return ok();
      });

  enum class RoleOp { kSet, kAdd, kRemove };
  auto roles = [this, &m](RoleOp op) {
    return [this, &m, op](Request&, const auth::Origin& origin, const json::object& o) {
      GH_TRY(user, user_of(o));
      GH_TRY(names, optional_string_array(o, "roleNames"));
      GH_TRY(tenant, optional_string(o, "tenantId"));
      auto list = names->value_or(std::vector<std::string>{});
      switch (op) {
        case RoleOp::kSet:
          return user_response(m.set_roles(user->id, *tenant, list, origin));
        case RoleOp::kAdd:
          return user_response(m.add_roles(user->id, *tenant, list, origin));
        case RoleOp::kRemove:
          return user_response(m.remove_roles(user->id, *tenant, list, origin));
      }
      return fail(make_error(Errc::kInternal, "unreachable"));
    };
  };
  add("POST", "/v1/mgmt/user/update/role/set", roles(RoleOp::kSet));
  add("POST", "/v1/mgmt/user/update/role/add", roles(RoleOp::kAdd));
  add("POST", "/v2/mgmt/user/update/role/add", roles(RoleOp::kAdd));
  add("POST", "/v1/mgmt/user/update/role/remove", roles(RoleOp::kRemove));
  add("POST", "/v2/mgmt/user/update/role/remove", roles(RoleOp::kRemove));

  add("POST", "/v1/mgmt/user/update/tenant/add",
      [this, &m](Request&, const auth::Origin& origin, const json::object& o) {
        GH_TRY(user, user_of(o));
        GH_TRY(tenant, required_string(o, "tenantId"));
        return user_response(m.add_tenant(user->id, *tenant, origin));
      });
  add("POST", "/v1/mgmt/user/update/tenant/remove",
      [this, &m](Request&, const auth::Origin& origin, const json::object& o) {
        GH_TRY(user, user_of(o));
        GH_TRY(tenant, required_string(o, "tenantId"));
        return user_response(m.remove_tenant(user->id, *tenant, origin));
      });

  auto set_password = [this, &m](bool temporary) {
    return [this, &m, temporary](Request&, const auth::Origin& origin, const json::object& o) {
      GH_TRY(user, user_of(o));
      GH_TRY(password, required_string(o, "password"));
      if (auto st = m.set_password(user->id, *password, temporary, origin); !st) {
        return fail(st.error());
      }
      return ok();
    };
  };
  add("POST", "/v1/mgmt/user/password/set/active", set_password(false));
  add("POST", "/v1/mgmt/user/password/set/temporary", set_password(true));
  add("POST", "/v1/mgmt/user/password/set", set_password(true));
  add("POST", "/v1/mgmt/user/password/expire",
      [this, &m](Request&, const auth::Origin& origin, const json::object& o) {
        GH_TRY(user, user_of(o));
        if (auto st = m.expire_password(user->id, origin); !st) return fail(st.error());
        return ok();
      });
  add("POST", "/v1/mgmt/user/logout",
      [this, &m](Request&, const auth::Origin& origin, const json::object& o) {
        GH_TRY(user, user_of(o));
        if (auto st = m.sign_out_everywhere(user->id, origin); !st) return fail(st.error());
        return ok();
      });
}

void Routes::roles_and_permissions() {
  auto& m = d_.roles;
  add("POST", "/v1/mgmt/role/create",
      [&m](Request&, const auth::Origin& origin, const json::object& o) {
        GH_TRY(name, required_string(o, "name"));
        GH_TRY(desc, optional_string(o, "description"));
        GH_TRY(perms, optional_string_array(o, "permissionNames"));
        GH_TRY(tenant, optional_string(o, "tenantId"));
        if (!tenant->empty()) {
          return fail(make_error(Errc::kInvalidArgument, "Tenant-scoped roles are not supported"));
        }
        store::Role r{*name, *desc, perms->value_or(std::vector<std::string>{}), 0};
        if (auto st = m.create(r, origin); !st) return fail(st.error());
        return ok();
      });
  add("POST", "/v1/mgmt/role/update",
      [&m](Request&, const auth::Origin& origin, const json::object& o) {
        GH_TRY(name, required_string(o, "name"));
        GH_TRY(new_name, optional_string(o, "newName"));
        GH_TRY(desc, optional_string(o, "description"));
        GH_TRY(perms, optional_string_array(o, "permissionNames"));
        store::Role r{new_name->empty() ? *name : *new_name, *desc,
                      perms->value_or(std::vector<std::string>{}), 0};
        if (auto st = m.update(*name, r, origin); !st) return fail(st.error());
        return ok();
      });
  add("POST", "/v1/mgmt/role/delete",
      [&m](Request&, const auth::Origin& origin, const json::object& o) {
        GH_TRY(name, required_string(o, "name"));
        if (auto st = m.remove(*name, origin); !st) return fail(st.error());
        return ok();
      });
  add("GET", "/v1/mgmt/role/all", [&m](Request&, const auth::Origin&, const json::object&) {
    GH_TRY(roles, m.list());
    json::array out;
    for (const auto& r : *roles) {
      out.emplace_back(json::object{{"name", r.name},
                                    {"description", r.description},
                                    {"permissionNames", to_json_array(r.permissions)},
                                    {"createdTime", r.created_at},
                                    {"tenantId", ""}});
    }
    return ok(json::object{{"roles", std::move(out)}});
  });

  add("POST", "/v1/mgmt/permission/create",
      [&m](Request&, const auth::Origin& origin, const json::object& o) {
        GH_TRY(name, required_string(o, "name"));
        GH_TRY(desc, optional_string(o, "description"));
        if (auto st = m.create_permission({*name, *desc}, origin); !st) return fail(st.error());
        return ok();
      });
  add("POST", "/v1/mgmt/permission/update",
      [&m](Request&, const auth::Origin& origin, const json::object& o) {
        GH_TRY(name, required_string(o, "name"));
        GH_TRY(new_name, optional_string(o, "newName"));
        GH_TRY(desc, optional_string(o, "description"));
        store::Permission p{new_name->empty() ? *name : *new_name, *desc};
        if (auto st = m.update_permission(*name, p, origin); !st) return fail(st.error());
        return ok();
      });
  add("POST", "/v1/mgmt/permission/delete",
      [&m](Request&, const auth::Origin& origin, const json::object& o) {
        GH_TRY(name, required_string(o, "name"));
        if (auto st = m.remove_permission(*name, origin); !st) return fail(st.error());
        return ok();
      });
  add("GET", "/v1/mgmt/permission/all", [&m](Request&, const auth::Origin&, const json::object&) {
    GH_TRY(perms, m.list_permissions());
    json::array out;
    for (const auto& p : *perms) {
      out.emplace_back(
          json::object{{"name", p.name}, {"description", p.description}, {"systemDefault", false}});
    }
    return ok(json::object{{"permissions", std::move(out)}});
  });

  add("GET", "/v1/mgmt/license", [](Request&, const auth::Origin&, const json::object&) {
    return ok(json::object{{"rateLimitTier", "gatehouse"}});
  });
}

namespace {

json::object tenant_json(const store::Tenant& t) {
  json::value attrs =
      json::parse(t.custom_attributes_json.empty() ? "{}" : t.custom_attributes_json);
  return json::object{{"id", t.id},
                      {"name", t.name},
                      {"selfProvisioningDomains", to_json_array(t.self_provisioning_domains)},
                      {"customAttributes", attrs.is_object() ? attrs : json::object{}},
                      {"createdTime", t.created_at},
                      {"domains", json::array{}},
                      {"authType", "none"},
                      {"enforceSSO", false},
                      {"disabled", false}};
}

Result<store::Tenant> tenant_of(const json::object& o, bool id_required) {
  store::Tenant t;
  auto id = id_required ? required_string(o, "id") : optional_string(o, "id");
  if (!id) return id.error();
  auto name = required_string(o, "name");
  if (!name) return name.error();
  auto domains = optional_string_array(o, "selfProvisioningDomains");
  if (!domains) return domains.error();
  auto attrs = optional_object(o, "customAttributes");
  if (!attrs) return attrs.error();
  t.id = *id;
  t.name = *name;
  t.self_provisioning_domains = domains->value_or(std::vector<std::string>{});
  t.custom_attributes_json = json::serialize(*attrs);
  return t;
}

}  // namespace

void Routes::tenants() {
  auto& m = d_.tenants;
  add("POST", "/v1/mgmt/tenant/create",
      [&m](Request&, const auth::Origin& origin, const json::object& o) {
        GH_TRY(t, tenant_of(o, false));
        GH_TRY(id, m.create(*t, origin));
        return ok(json::object{{"id", *id}});
      });
  add("POST", "/v1/mgmt/tenant/update",
      [&m](Request&, const auth::Origin& origin, const json::object& o) {
        GH_TRY(t, tenant_of(o, true));
        if (auto st = m.update(*t, origin); !st) return fail(st.error());
        return ok();
      });
  add("POST", "/v1/mgmt/tenant/delete",
      [&m](Request&, const auth::Origin& origin, const json::object& o) {
        GH_TRY(id, required_string(o, "id"));
        if (auto st = m.remove(*id, origin); !st) return fail(st.error());
        return ok();
      });
  add("GET", "/v1/mgmt/tenant", [&m](Request& req, const auth::Origin&, const json::object&) {
    auto id = req.query_param("id");
    if (id.empty()) return fail(make_error(Errc::kInvalidArgument, "The id parameter is required"));
    GH_TRY(t, m.get(id));
    return ok(tenant_json(*t));
  });
  add("GET", "/v1/mgmt/tenant/all", [&m](Request&, const auth::Origin&, const json::object&) {
    GH_TRY(all, m.list());
    json::array out;
    for (const auto& t : *all) out.emplace_back(tenant_json(t));
    return ok(json::object{{"tenants", std::move(out)}});
  });
}

void Routes::audit() {
  auto& audit = d_.audit;
  // Descope's wire format: times in epoch milliseconds, login ids as
  // `externalIds` (node-sdk maps them to loginIds). `results` is Gatehouse's.
  add("POST", "/v1/mgmt/audit/search",
      [&audit](Request&, const auth::Origin&, const json::object& o) {
        store::AuditQuery q;
        GH_TRY(actions, optional_string_array(o, "actions"));
        GH_TRY(users, optional_string_array(o, "userIds"));
        GH_TRY(logins, optional_string_array(o, "externalIds"));
        GH_TRY(results, optional_string_array(o, "results"));
        GH_TRY(from, optional_int(o, "from"));
        GH_TRY(to, optional_int(o, "to"));
        GH_TRY(limit, optional_int(o, "limit"));
        q.actions = actions->value_or(std::vector<std::string>{});
        q.user_ids = users->value_or(std::vector<std::string>{});
        q.login_ids = logins->value_or(std::vector<std::string>{});
        q.results = results->value_or(std::vector<std::string>{});
        // Milliseconds in, seconds in the store; `to` rounds up so it stays exclusive.
        q.from = from->value_or(0) / 1000;
        q.to = to->has_value() ? (**to + 999) / 1000 : 0;
        q.limit = static_cast<int>(std::clamp<int64_t>(limit->value_or(100), 1, 1000));
        GH_TRY(events, audit.search(q));
        json::array out;
        for (const auto& e : *events) {
          json::array ids;
          if (!e.login_id.empty()) ids.emplace_back(e.login_id);
          out.emplace_back(json::object{{"id", std::to_string(e.id)},
                                        {"occurred", e.at * 1000},
                                        {"action", e.action},
                                        {"result", e.result},
                                        {"userId", e.user_id},
                                        {"externalIds", std::move(ids)},
                                        {"actorId", e.actor},
                                        {"remoteAddress", e.ip},
                                        {"userAgent", e.user_agent},
                                        {"data", json::object{{"detail", e.detail}}}});
        }
        return ok(json::object{{"audits", std::move(out)}});
      });
  add("GET", "/v1/mgmt/audit/daily",
      [&audit](Request& req, const auth::Origin&, const json::object&) {
        std::string action = req.query_param("action");
        if (action.empty()) action = "user.signin";
        int days = 30;
        if (auto d = req.query_param("days"); !d.empty()) days = std::atoi(d.c_str());
        GH_TRY(counts, audit.daily(action, days));
        json::array out;
        for (const auto& d : *counts) {
          out.emplace_back(json::object{{"day", d.day}, {"count", d.count}});
        }
        return ok(json::object{{"action", action}, {"days", std::move(out)}});
      });
}

void Routes::lockouts() {
  auto& limiter = d_.limiter;
  // Gatehouse's own: who is locked out of signing in now, and the admin's unlock.
  add("GET", "/v1/mgmt/lockouts", [&limiter](Request&, const auth::Origin&, const json::object&) {
    GH_TRY(locked, limiter.lockouts());
    json::array out;
    for (const auto& l : *locked) {
      out.emplace_back(json::object{{"kind", l.kind},
                                    {"value", l.value},
                                    {"attempts", l.attempts},
                                    {"lockedUntil", l.locked_until * 1000}});
    }
    return ok(json::object{{"lockouts", std::move(out)}});
  });
  add("POST", "/v1/mgmt/lockouts/unlock",
      [&limiter](Request&, const auth::Origin& origin, const json::object& o) {
        GH_TRY(kind, required_string(o, "kind"));
        GH_TRY(value, required_string(o, "value"));
        if (auto st = limiter.unlock(*kind, *value, origin); !st) return fail(st.error());
        return ok();
      });
}

void Routes::dev_mailbox() {
  const auth::DevMailer* mailbox = d_.dev_mailbox;
  if (!mailbox) return;
  // Gatehouse's own, development only: the messages the dev mail engine kept, newest
  // first, codes and links included — that is what it is for (docs/security.md).
  add("GET", "/v1/mgmt/dev/mailbox", [mailbox](Request&, const auth::Origin&, const json::object&) {
    json::array out;
    for (const auto& m : mailbox->messages()) {
      out.emplace_back(json::object{{"time", m.at * 1000},
                                    {"to", m.message.to},
                                    {"subject", m.message.subject},
                                    {"text", m.message.text},
                                    {"html", m.message.html}});
    }
    return ok(json::object{{"messages", std::move(out)}});
  });
}

void register_mgmt_routes(http::Router& router, MgmtApiDeps deps) {
  auto r = std::make_shared<Routes>(router, std::move(deps));
  r->users();
  r->roles_and_permissions();
  r->tenants();
  r->audit();
  r->lockouts();
  r->dev_mailbox();
}

}  // namespace gatehouse::api
