// Password hashing helpers (--hash-in processes, the default): one per hashing slot,
// replaced when killed without failing a sign-in, gone with the server.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <signal.h>

#include <fstream>
#include <thread>

#include "support/api.h"

namespace gatehouse::test {
namespace {

class HashHelpersTest : public OwnServerTest {
 protected:
  std::string comm(pid_t pid) {
    std::ifstream in("/proc/" + std::to_string(pid) + "/comm");
    std::string name;
    std::getline(in, name);
    return name;
  }
  // Children of the server after `pred` holds, or after 5 s.
  template <class Pred>
  std::vector<pid_t> children_once(Pred pred) {
    auto until = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    auto kids = server().children();
    while (!pred(kids) && std::chrono::steady_clock::now() < until) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
      kids = server().children();
    }
    return kids;
  }
};

TEST_F(HashHelpersTest, OneHelperPerHashingSlotAndSignInsWork) {
  ASSERT_NO_FATAL_FAILURE(Start({"--hash-concurrency", "3"}));
  auto kids = server().children();
  ASSERT_EQ(kids.size(), 3u);
  for (pid_t k : kids) EXPECT_EQ(comm(k), "gh-hash-helper");

  const std::string email = unique_email("helpers");
  api().must_sign_up(email);
  EXPECT_EQ(api().sign_in(email).status, 200);
  EXPECT_EQ(api().sign_in(email, "Wrong-password-1").status, 401);
}

TEST_F(HashHelpersTest, KilledHelpersAreReplacedAndNoSignInFails) {
  ASSERT_NO_FATAL_FAILURE(Start());
  const std::string email = unique_email("killed");
  api().must_sign_up(email);
  auto before = server().children();
  ASSERT_EQ(before.size(), 2u);
  for (pid_t k : before) ASSERT_EQ(::kill(k, SIGKILL), 0);

  // Each of these may land on a dead helper: computed in the server, helper replaced.
  for (int i = 0; i < 3; ++i) {
    auto r = api().sign_in(email);
    EXPECT_EQ(r.status, 200) << r.body;
    EXPECT_TRUE(r.obj().contains("sessionJwt")) << r.body;
    EXPECT_EQ(api().sign_in(email, "Wrong-password-1").status, 401);
  }
  auto after = children_once([&](const std::vector<pid_t>& kids) {
    return kids.size() == 2 && std::find(kids.begin(), kids.end(), before[0]) == kids.end() &&
           std::find(kids.begin(), kids.end(), before[1]) == kids.end();
  });
  EXPECT_EQ(after.size(), 2u);
  for (pid_t k : after) {
    EXPECT_THAT(before, ::testing::Not(::testing::Contains(k)));
    EXPECT_EQ(comm(k), "gh-hash-helper");
  }
  EXPECT_THAT(server().err(), ::testing::HasSubstr("password hashing helper replaced"));
}

TEST_F(HashHelpersTest, HelpersExitWithTheServer) {
  ASSERT_NO_FATAL_FAILURE(Start());
  auto kids = server().children();
  ASSERT_EQ(kids.size(), 2u);
  EXPECT_EQ(server().stop(std::chrono::seconds(5)), 0) << server().err();
  for (pid_t k : kids) {
    EXPECT_NE(comm(k), "gh-hash-helper") << "helper " << k << " outlived the server";
  }
}

TEST_F(HashHelpersTest, HelpersExitWhenTheServerIsKilled) {
  ASSERT_NO_FATAL_FAILURE(Start());
  auto kids = server().children();
  ASSERT_EQ(kids.size(), 2u);
  server().signal(SIGKILL);
  server().wait(std::chrono::seconds(5));
  // Orphans now: they see their socket close and exit.
  auto until = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  auto alive = [&] {
    int n = 0;
    for (pid_t k : kids) n += comm(k) == "gh-hash-helper";
    return n;
  };
  while (alive() > 0 && std::chrono::steady_clock::now() < until) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_EQ(alive(), 0);
}

TEST_F(HashHelpersTest, HashInThreadsStartsNoHelper) {
  ASSERT_NO_FATAL_FAILURE(Start({"--hash-in", "threads"}));
  EXPECT_TRUE(server().children().empty());
  const std::string email = unique_email("threads");
  api().must_sign_up(email);
  EXPECT_EQ(api().sign_in(email).status, 200);
}

TEST_F(HashHelpersTest, UnknownHashInValueIsAClearError) {
  auto r = run_gatehouse({"serve", "--hash-in", "fibers"});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_THAT(r.err, ::testing::HasSubstr("--hash-in"));
  EXPECT_THAT(r.err, ::testing::HasSubstr("processes or threads"));
}

}  // namespace
}  // namespace gatehouse::test
