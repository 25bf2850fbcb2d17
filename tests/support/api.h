// Descope-style calls against a running gatehouse, and a GoogleTest fixture
// that shares one server per test suite.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "support/server_harness.h"

namespace gatehouse::test {

// A signed-in user as the browser SDK would hold it.
struct Login {
  std::string user_id;
  std::string session;  // sessionJwt
  std::string refresh;  // refreshJwt
  HttpResponse response;
};

class Api {
 public:
  explicit Api(const ServerProcess& s) : http(s.base_url()), pid(s.project_id()) {}

  HttpResponse sign_up(const std::string& login_id, const std::string& password = kPassword,
                       const std::string& name = "") const {
    json::object body{{"loginId", login_id}, {"password", password}};
    if (!name.empty()) body["user"] = json::object{{"name", name}};
    return http.post("/v1/auth/password/signup", body, bearer(pid));
  }
  HttpResponse sign_in(const std::string& login_id, const std::string& password = kPassword) const {
    return http.post("/v1/auth/password/signin",
                     json::object{{"loginId", login_id}, {"password", password}}, bearer(pid));
  }
  // Session calls with the refresh token in the bearer, as the SDKs send them.
  HttpResponse refresh(const std::string& token) const {
    return session_post("/v1/auth/refresh", token);
  }
  HttpResponse try_refresh(const std::string& token) const {
    return session_post("/v1/auth/try-refresh", token);
  }
  HttpResponse logout(const std::string& token) const {
    return session_post("/v1/auth/logout", token);
  }
  HttpResponse logout_all(const std::string& token) const {
    return session_post("/v1/auth/logoutall", token);
  }
  HttpResponse me(const std::string& token) const {
    return http.get("/v1/auth/me", bearer(pid, token));
  }
  // The tutorial's Flask routes: `Authorization: Bearer <sessionJwt>`.
  HttpResponse app_get(const std::string& path, const std::string& session_jwt) const {
    return http.get(path, {{"Authorization", "Bearer " + session_jwt}});
  }

  // Sign-up / sign-in that must succeed (throws with the response otherwise).
  Login must_sign_up(const std::string& login_id, const std::string& password = kPassword,
                     const std::string& name = "") const {
    return must(sign_up(login_id, password, name), "sign-up of " + login_id);
  }
  Login must_sign_in(const std::string& login_id, const std::string& password = kPassword) const {
    return must(sign_in(login_id, password), "sign-in of " + login_id);
  }
  Login must_refresh(const std::string& token) const { return must(refresh(token), "refresh"); }

  HttpClient http;
  std::string pid;

 private:
  HttpResponse session_post(const std::string& path, const std::string& token) const {
    return http.post(path, std::string("{}"), bearer(pid, token));
  }
  static Login must(HttpResponse r, const std::string& what) {
    if (r.status != 200 || !r.json) {
      throw std::runtime_error(what + " failed: " + std::to_string(r.status) + " " + r.body +
                               r.transport_error);
    }
    const auto& o = r.obj();
    Login l;
    l.session = std::string(o.at("sessionJwt").as_string());
    l.refresh = std::string(o.at("refreshJwt").as_string());
    l.user_id = std::string(o.at("user").at("userId").as_string());
    l.response = std::move(r);
    return l;
  }
};

// Starts one server for all tests of the suite `Derived`. Derived may define
// `static std::vector<std::string> ServerArgs()` to pass extra serve flags.
// The server is stopped with SIGTERM after the suite and must exit 0.
template <class Derived>
class SharedServerTest : public ::testing::Test {
 public:
  static std::vector<std::string> ServerArgs() { return {}; }

  static void SetUpTestSuite() {
    server_ = std::make_unique<ServerProcess>(Derived::ServerArgs());
    if (!server_->start()) {
      start_error_ = server_->error();
      server_.reset();
    }
  }
  static void TearDownTestSuite() {
    if (!server_) return;
    int rc = server_->stop(std::chrono::seconds(5));
    EXPECT_EQ(rc, 0) << "server did not exit cleanly on SIGTERM\nstderr: " << server_->err();
    server_.reset();
  }

 protected:
  void SetUp() override {
    ASSERT_TRUE(server_) << "server did not start: " << start_error_;
    api_ = std::make_unique<Api>(*server_);
  }
  ServerProcess& server() { return *server_; }
  Api& api() { return *api_; }
  const std::string& pid() { return server_->project_id(); }

 private:
  static inline std::unique_ptr<ServerProcess> server_;
  static inline std::string start_error_;
  std::unique_ptr<Api> api_;
};

// One server per test (for tests that stop it or need special flags).
class OwnServerTest : public ::testing::Test {
 protected:
  // Starts the server; call with ASSERT_NO_FATAL_FAILURE(Start(...)).
  void Start(std::vector<std::string> args = {}, std::string data_dir = "") {
    server_ = std::make_unique<ServerProcess>(std::move(args), std::move(data_dir));
    ASSERT_TRUE(server_->start()) << server_->error();
    api_ = std::make_unique<Api>(*server_);
  }
  void TearDown() override {
    if (server_ && server_->running()) {
      EXPECT_EQ(server_->stop(std::chrono::seconds(5)), 0)
          << "server did not exit cleanly on SIGTERM\nstderr: " << server_->err();
    }
  }
  ServerProcess& server() { return *server_; }
  Api& api() { return *api_; }

  std::unique_ptr<ServerProcess> server_;
  std::unique_ptr<Api> api_;
};

}  // namespace gatehouse::test
