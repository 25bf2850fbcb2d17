// validate_roles & friends: Descope's authorization helpers over a validated response.
#include <algorithm>

#include "gatehouse/session.h"

namespace gatehouse {
namespace {

bool holds(const std::vector<std::string>& granted, const std::string& item) {
  return std::find(granted.begin(), granted.end(), item) != granted.end();
}

// Appends the string items of tenants[tenant][field] to *out; false if the tenant is absent.
bool tenant_grants(const JwtResponse& r, std::string_view tenant, std::string_view field,
                   std::vector<std::string>* out) {
  const boost::json::value* t = r.tenants.if_contains(tenant);
  if (!t) return false;
  if (const boost::json::object* obj = t->if_object()) {
    if (const boost::json::value* list = obj->if_contains(field); list && list->is_array()) {
      for (const boost::json::value& v : list->get_array()) {
        if (v.is_string()) out->emplace_back(v.get_string());
      }
    }
  }
  return true;
}

std::vector<std::string> matched(const std::vector<std::string>& granted,
                                 const std::vector<std::string>& requested) {
  std::vector<std::string> out;
  for (const std::string& item : requested) {
    if (holds(granted, item)) out.push_back(item);
  }
  return out;
}

bool all_held(const std::vector<std::string>& granted, const std::vector<std::string>& requested) {
  return std::all_of(requested.begin(), requested.end(),
                     [&](const std::string& item) { return holds(granted, item); });
}

}  // namespace

bool validate_roles(const JwtResponse& r, const std::vector<std::string>& roles) {
  return all_held(r.roles, roles);
}

bool validate_permissions(const JwtResponse& r, const std::vector<std::string>& permissions) {
  return all_held(r.permissions, permissions);
}

bool validate_tenant_roles(const JwtResponse& r, std::string_view tenant,
                           const std::vector<std::string>& roles) {
  std::vector<std::string> granted;
  return tenant_grants(r, tenant, "roles", &granted) && all_held(granted, roles);
}

bool validate_tenant_permissions(const JwtResponse& r, std::string_view tenant,
                                 const std::vector<std::string>& permissions) {
  std::vector<std::string> granted;
  return tenant_grants(r, tenant, "permissions", &granted) && all_held(granted, permissions);
}

std::vector<std::string> get_matched_roles(const JwtResponse& r,
                                           const std::vector<std::string>& roles) {
  return matched(r.roles, roles);
}

std::vector<std::string> get_matched_permissions(const JwtResponse& r,
                                                 const std::vector<std::string>& permissions) {
  return matched(r.permissions, permissions);
}

std::vector<std::string> get_matched_tenant_roles(const JwtResponse& r, std::string_view tenant,
                                                  const std::vector<std::string>& roles) {
  std::vector<std::string> granted;
  if (!tenant_grants(r, tenant, "roles", &granted)) return {};
  return matched(granted, roles);
}

std::vector<std::string> get_matched_tenant_permissions(
    const JwtResponse& r, std::string_view tenant, const std::vector<std::string>& permissions) {
  std::vector<std::string> granted;
  if (!tenant_grants(r, tenant, "permissions", &granted)) return {};
  return matched(granted, permissions);
}

}  // namespace gatehouse
