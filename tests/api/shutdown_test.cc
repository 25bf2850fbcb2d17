// Graceful stop: SIGTERM lets requests in flight finish, then exits 0.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <signal.h>

#include <future>

#include "support/api.h"

namespace gatehouse::test {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

class ShutdownTest : public OwnServerTest {};

TEST_F(ShutdownTest, IdleServerExitsZeroOnSigterm) {
  ASSERT_NO_FATAL_FAILURE(Start());
  EXPECT_EQ(api().http.get("/healthz").status, 200);
  auto t0 = Clock::now();
  EXPECT_EQ(server().stop(std::chrono::seconds(5)), 0) << server().err();
  EXPECT_LT(Clock::now() - t0, std::chrono::seconds(2)) << "an idle server should stop at once";
  EXPECT_THAT(server().out(), ::testing::HasSubstr("\"msg\":\"stopped\""));
}

TEST_F(ShutdownTest, SignInInFlightIsStillAnswered) {
  // The user gets a cheap hash from the CLI; the server is configured with an
  // expensive Argon2id, so sign-in verifies and then re-hashes the password
  // for a while: SIGTERM lands while it works.
  TempDir dir;
  std::string data = dir.file("data");
  std::string email = unique_email("inflight");
  auto added = run_gatehouse({"user", "add", "--data", data, "--email", email, "--password-stdin"},
                             std::string(kPassword) + "\n");
  ASSERT_EQ(added.exit_code, 0) << added.err;
  ASSERT_NO_FATAL_FAILURE(
      Start({"--argon2-iterations", "40", "--argon2-memory-kib", "65536", "--workers", "1"}, data));
  Api& a = api();

  auto t0 = Clock::now();
  auto pending = std::async(std::launch::async, [&a, email] {
    auto r = a.sign_in(email);
    return std::make_pair(r, Clock::now());
  });
  // Wait until the server is visibly busy hashing (100 ms of CPU).
  auto cpu_before = server().cpu_time();
  while (server().cpu_time() - cpu_before < milliseconds(100) &&
         Clock::now() - t0 < std::chrono::seconds(10)) {
    std::this_thread::sleep_for(milliseconds(5));
  }
  auto signalled = Clock::now();
  server().signal(SIGTERM);
  auto [res, answered] = pending.get();
  int rc = server().wait(std::chrono::seconds(15));

  ASSERT_GT(answered, signalled) << "the request finished before SIGTERM (took "
                                 << std::chrono::duration_cast<milliseconds>(answered - t0).count()
                                 << " ms); the test needs slower hashing";
  EXPECT_EQ(res.status, 200) << res.body << res.transport_error;
  EXPECT_TRUE(res.obj().contains("sessionJwt")) << res.body;
  EXPECT_EQ(rc, 0) << server().err();
  EXPECT_THAT(server().out(),
              ::testing::HasSubstr("\"path\":\"/v1/auth/password/signin\",\"status\":200"));
  EXPECT_THAT(server().out(), ::testing::HasSubstr("\"msg\":\"stopped\""));
  // And the server is gone.
  EXPECT_EQ(HttpClient(server().base_url()).get("/healthz").status, 0);
}

}  // namespace
}  // namespace gatehouse::test
