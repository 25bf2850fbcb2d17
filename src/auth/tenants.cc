#include "auth/tenants.h"

#include "gatehouse/crypto/random.h"

namespace gatehouse::auth {

namespace {

Status check_tenant_name(const std::string& name) {
  if (name.empty() || name.size() > 100) {
    return make_error(Errc::kInvalidArgument, "A tenant name is 1 to 100 characters long");
  }
  return ok_status();
}

}  // namespace

Tenants::Tenants(store::AccessStore& access, Audit& audit, Clock clock)
    : access_(access), audit_(audit), clock_(std::move(clock)) {}

Result<std::string> Tenants::create(store::Tenant t, const Origin& origin) {
  if (auto st = check_tenant_name(t.name); !st) return st.error();
  if (t.id.empty()) t.id = crypto::random_id('T');
  if (t.id.size() > 64) {
    return make_error(Errc::kInvalidArgument, "A tenant id is at most 64 characters");
  }
  t.created_at = clock_();
  if (auto st = access_.create_tenant(t); !st) return st.error();
  audit_.record(origin, "tenant.created", true, "", "", t.id + " (" + t.name + ")");
  return t.id;
}

Status Tenants::update(const store::Tenant& t, const Origin& origin) {
  if (auto st = check_tenant_name(t.name); !st) return st;
  if (auto st = access_.update_tenant(t); !st) return st;
  audit_.record(origin, "tenant.updated", true, "", "", t.id);
  return ok_status();
}

Status Tenants::remove(const std::string& id, const Origin& origin) {
  if (auto st = access_.delete_tenant(id); !st) return st;
  audit_.record(origin, "tenant.deleted", true, "", "", id);
  return ok_status();
}

Result<store::Tenant> Tenants::get(const std::string& id) { return access_.get_tenant(id); }

Result<std::vector<store::Tenant>> Tenants::list() { return access_.list_tenants(); }

}  // namespace gatehouse::auth
