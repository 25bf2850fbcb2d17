// Management API (docs/descope-wire.md §6.3): tenants over real HTTP.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>
#include <set>
#include <string>

#include "mgmt_fixture.h"

namespace gatehouse::test {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

class MgmtTenantTest : public MgmtFixture<MgmtTenantTest> {};

TEST_F(MgmtTenantTest, CreateWithAndWithoutAnId) {
  std::string id = unique_name("acme");
  auto r = post("/v1/mgmt/tenant/create",
                json::object{{"id", id},
                             {"name", "Acme"},
                             {"selfProvisioningDomains", json::array{"acme.example"}},
                             {"customAttributes", json::object{{"plan", "gold"}}},
                             {"enforceSSO", false},
                             {"parent", nullptr}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.obj(), (json::object{{"id", id}}));

  auto gen = post("/v1/mgmt/tenant/create", json::object{{"name", "Generated"}});
  ASSERT_EQ(gen.status, 200) << gen.body;
  ASSERT_TRUE(gen.obj().contains("id") && gen.obj().at("id").is_string()) << gen.body;
  std::string gen_id = str(gen.obj().at("id"));
  EXPECT_FALSE(gen_id.empty());
  auto gen2 = post("/v1/mgmt/tenant/create", json::object{{"name", "Generated"}});
  ASSERT_EQ(gen2.status, 200) << gen2.body;
  EXPECT_NE(str(gen2.obj().at("id")), gen_id) << "generated ids are unique";

  auto loaded = get("/v1/mgmt/tenant?id=" + url_encode(id));
  ASSERT_EQ(loaded.status, 200) << loaded.body;
  const auto& t = loaded.obj();
  EXPECT_FALSE(t.contains("tenant")) << "the tenant is at top level";
  EXPECT_EQ(str(t.at("id")), id);
  EXPECT_EQ(t.at("name"), "Acme");
  EXPECT_THAT(strings(t.at("selfProvisioningDomains")), ElementsAre("acme.example"));
  EXPECT_EQ(t.at("customAttributes"), (json::object{{"plan", "gold"}}));
  EXPECT_NEAR(static_cast<double>(t.at("createdTime").as_int64()), static_cast<double>(unix_now()),
              60);

  auto g = get("/v1/mgmt/tenant?id=" + url_encode(gen_id));
  ASSERT_EQ(g.status, 200) << g.body;
  EXPECT_EQ(g.obj().at("name"), "Generated");
  EXPECT_THAT(g.obj().at("selfProvisioningDomains").as_array(), IsEmpty());
  EXPECT_EQ(g.obj().at("customAttributes"), json::object{});
}

TEST_F(MgmtTenantTest, AllUpdateAndDelete) {
  std::string a = make_tenant("Alpha"), b = make_tenant("Beta");
  auto all = must(get("/v1/mgmt/tenant/all"), "tenant/all");
  ASSERT_NE(find_by(all.at("tenants"), "id", a), nullptr) << all;
  ASSERT_NE(find_by(all.at("tenants"), "id", b), nullptr) << all;
  EXPECT_EQ(find_by(all.at("tenants"), "id", b)->at("name"), "Beta");

  auto r =
      post("/v1/mgmt/tenant/update",
           json::object{{"id", a},
                        {"name", "Alpha Two"},
                        {"selfProvisioningDomains", json::array{"alpha.example", "a2.example"}},
                        {"customAttributes", json::object{{"seats", 30}}},
                        {"enforceSSO", false},
                        {"disabled", false}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_TRUE(r.json && r.json->is_object()) << r.body;
  auto t = must(get("/v1/mgmt/tenant?id=" + a), "load");
  EXPECT_EQ(t.at("name"), "Alpha Two");
  EXPECT_THAT(strings(t.at("selfProvisioningDomains")), ElementsAre("alpha.example", "a2.example"));
  EXPECT_EQ(t.at("customAttributes"), (json::object{{"seats", 30}}));
  all = must(get("/v1/mgmt/tenant/all"), "tenant/all");
  EXPECT_EQ(find_by(all.at("tenants"), "id", a)->at("name"), "Alpha Two");

  auto del = post("/v1/mgmt/tenant/delete", json::object{{"id", b}});
  ASSERT_EQ(del.status, 200) << del.body;
  EXPECT_TRUE(del.json && del.json->is_object()) << del.body;
  EXPECT_TRUE(IsDescopeError(get("/v1/mgmt/tenant?id=" + b), 404));
  all = must(get("/v1/mgmt/tenant/all"), "tenant/all");
  EXPECT_EQ(find_by(all.at("tenants"), "id", b), nullptr);
  EXPECT_NE(find_by(all.at("tenants"), "id", a), nullptr);
}

TEST_F(MgmtTenantTest, DeletingATenantEndsItsMemberships) {
  std::string tenant = make_tenant("Doomed"), keep = make_tenant("Kept");
  auto [u, login] = signed_in_user(
      "tdel",
      {{"userTenants",
        json::array{json::object{{"tenantId", tenant}, {"roleNames", json::array{"teacher"}}},
                    json::object{{"tenantId", keep}, {"roleNames", json::array{"student"}}}}}});
  ASSERT_EQ(post("/v1/mgmt/tenant/delete", json::object{{"id", tenant}}).status, 200);
  using Tenants = std::map<std::string, std::set<std::string>>;
  EXPECT_EQ(user_tenants(user_by_id(login.user_id)), (Tenants{{keep, {"student"}}}));
  EXPECT_EQ(claim_tenants(api().must_refresh(login.refresh).session),
            (Tenants{{keep, {"student"}}}));
}

TEST_F(MgmtTenantTest, InvalidRequests) {
  std::string id = make_tenant("Taken");
  EXPECT_TRUE(IsDescopeError(
      post("/v1/mgmt/tenant/create", json::object{{"id", id}, {"name", "Again"}}), 409));
  EXPECT_EQ(must(get("/v1/mgmt/tenant?id=" + id), "load").at("name"), "Taken");
  EXPECT_TRUE(IsDescopeError(post("/v1/mgmt/tenant/create", json::object{{"id", unique_name("t")}}),
                             400, "E011003"));
  EXPECT_TRUE(
      IsDescopeError(post("/v1/mgmt/tenant/create", json::object{{"name", std::string(101, 'n')}}),
                     400, "E011003"));
  std::string ghost = unique_name("ghost");
  EXPECT_TRUE(IsDescopeError(get("/v1/mgmt/tenant?id=" + ghost), 404));
  EXPECT_TRUE(IsDescopeError(get("/v1/mgmt/tenant"), 400, "E011003"));
  EXPECT_TRUE(IsDescopeError(
      post("/v1/mgmt/tenant/update", json::object{{"id", ghost}, {"name", "X"}}), 404));
  EXPECT_TRUE(
      IsDescopeError(post("/v1/mgmt/tenant/update", json::object{{"name", "X"}}), 400, "E011003"));
  EXPECT_TRUE(
      IsDescopeError(post("/v1/mgmt/tenant/update", json::object{{"id", id}}), 400, "E011003"));
  EXPECT_TRUE(IsDescopeError(post("/v1/mgmt/tenant/delete", json::object{{"id", ghost}}), 404));
  EXPECT_TRUE(IsDescopeError(post("/v1/mgmt/tenant/delete", json::object{}), 400, "E011003"));
  EXPECT_EQ(must(get("/v1/mgmt/tenant?id=" + id), "load").at("name"), "Taken");
}

}  // namespace
}  // namespace gatehouse::test
