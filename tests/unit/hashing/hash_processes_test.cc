// HashProcesses: Argon2id in helper processes (the real gatehouse binary) — results
// equal libsodium's in-process ones, a killed helper neither fails a call nor stays
// dead, and helpers hold nothing of the server and end with it.
#include "hashing/hash_processes.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/resource.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "gatehouse/crypto/password.h"
#include "support/matchers.h"

namespace gatehouse::hashing {
namespace {

using ::gatehouse::testing::IsOk;

const crypto::Argon2Params kParams;  // the server's defaults

bool alive(pid_t pid) { return pid > 0 && ::kill(pid, 0) == 0; }

std::unique_ptr<HashProcesses> start(int count, int nice = 0, HashProcessOptions options = {}) {
  auto p = HashProcesses::start(GATEHOUSE_BIN, count, nice, std::move(options));
  EXPECT_THAT(p, IsOk());
  return p ? std::move(*p) : nullptr;
}

TEST(HashProcessesTest, HashesAndVerifiesLikeLibsodiumInProcess) {
  auto helpers = start(2);
  ASSERT_TRUE(helpers);
  for (pid_t pid : helpers->pids()) {
    EXPECT_TRUE(alive(pid));
    EXPECT_NE(pid, ::getpid());
  }
  auto encoded = helpers->hash("correct horse battery", kParams);
  ASSERT_THAT(encoded, IsOk());
  EXPECT_FALSE(crypto::needs_rehash(*encoded, kParams));
  EXPECT_TRUE(crypto::verify_password(*encoded, "correct horse battery"));
  EXPECT_TRUE(helpers->verify(*encoded, "correct horse battery"));
  EXPECT_FALSE(helpers->verify(*encoded, "correct horse battery!"));
  EXPECT_FALSE(helpers->verify("not a hash", "correct horse battery"));

  auto in_process = crypto::hash_password("another one", kParams);
  ASSERT_TRUE(in_process);
  EXPECT_TRUE(helpers->verify(*in_process, "another one"));
}

TEST(HashProcessesTest, AHashErrorComesBackAsTheSameError) {
  auto helpers = start(1);
  ASSERT_TRUE(helpers);
  const crypto::Argon2Params weak{.ops = 1, .mem_bytes = 1024 * 1024};
  auto expected = crypto::hash_password("pw-pw-pw-pw", weak);
  ASSERT_FALSE(expected);
  auto got = helpers->hash("pw-pw-pw-pw", weak);
  ASSERT_FALSE(got);
  EXPECT_EQ(got.error().code, expected.error().code);
  EXPECT_EQ(got.error().message, expected.error().message);
}

TEST(HashProcessesTest, AKilledHelperIsReplacedAndTheCallStillAnswers) {
  std::vector<std::string> errors;
  auto helpers = start(1, 0, {.on_error = [&](const std::string& m) { errors.push_back(m); }});
  ASSERT_TRUE(helpers);
  auto encoded = crypto::hash_password("correct horse battery", kParams);
  ASSERT_TRUE(encoded);
  const pid_t first = helpers->pids().at(0);
  ASSERT_EQ(::kill(first, SIGKILL), 0);
  std::this_thread::sleep_for(std::chrono::milliseconds(50));

  EXPECT_TRUE(helpers->verify(*encoded, "correct horse battery"));  // computed in-process
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_NE(errors[0].find(std::to_string(first)), std::string::npos) << errors[0];
  const pid_t second = helpers->pids().at(0);
  EXPECT_NE(second, first);
  EXPECT_TRUE(alive(second));
  EXPECT_FALSE(alive(first));  // reaped, not a zombie

  EXPECT_FALSE(helpers->verify(*encoded, "wrong password here"));  // the replacement works
  EXPECT_TRUE(helpers->verify(*encoded, "correct horse battery"));
  EXPECT_EQ(errors.size(), 1u);
}

TEST(HashProcessesTest, AStoppedHelperIsGivenUpOnAndTheCallStillAnswers) {
  std::vector<std::string> errors;
  auto helpers = start(1, 0,
                       {.on_error = [&](const std::string& m) { errors.push_back(m); },
                        .stuck_after = std::chrono::milliseconds(300)});
  ASSERT_TRUE(helpers);
  auto encoded = crypto::hash_password("correct horse battery", kParams);
  ASSERT_TRUE(encoded);
  const pid_t stopped = helpers->pids().at(0);
  ASSERT_EQ(::kill(stopped, SIGSTOP), 0);

  const auto t0 = std::chrono::steady_clock::now();
  EXPECT_TRUE(helpers->verify(*encoded, "correct horse battery"));
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::seconds(10));
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_NE(errors[0].find("no answer"), std::string::npos) << errors[0];
  EXPECT_FALSE(alive(stopped));  // killed and reaped
  EXPECT_TRUE(alive(helpers->pids().at(0)));
  EXPECT_FALSE(helpers->verify(*encoded, "wrong password here"));
  EXPECT_EQ(errors.size(), 1u);
}

TEST(HashProcessesTest, HelpersEndWithThePool) {
  std::vector<pid_t> pids;
  {
    auto helpers = start(2);
    ASSERT_TRUE(helpers);
    pids = helpers->pids();
  }
  for (pid_t pid : pids) EXPECT_FALSE(alive(pid)) << pid;
}

TEST(HashProcessesTest, HelpersKeepOnlyTheirSocketOpenAndTakeTheNiceValue) {
  int inherited = ::open("/dev/null", O_RDONLY);  // no O_CLOEXEC, like a careless library
  ASSERT_GE(inherited, 0);
  auto helpers = start(1, 7);
  ::close(inherited);
  ASSERT_TRUE(helpers);
  const pid_t pid = helpers->pids().at(0);
  std::vector<std::string> fds;
  for (const auto& e :
       std::filesystem::directory_iterator("/proc/" + std::to_string(pid) + "/fd")) {
    fds.push_back(e.path().filename().string());
  }
  std::sort(fds.begin(), fds.end());
  EXPECT_EQ(fds, (std::vector<std::string>{"0", "1", "2", "3"}));
  errno = 0;
  EXPECT_EQ(::getpriority(PRIO_PROCESS, static_cast<id_t>(pid)), 7);
}

TEST(HashProcessesTest, SomethingElseThanAGatehouseFailsAtStart) {
  auto not_a_helper = HashProcesses::start("/bin/true", 1, 0);
  ASSERT_FALSE(not_a_helper);
  EXPECT_NE(not_a_helper.error().message.find("/bin/true"), std::string::npos);
  auto missing = HashProcesses::start("/nonexistent/gatehouse", 1, 0);
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.error().message.find("No such file"), std::string::npos)
      << missing.error().message;
}

TEST(HashProcessesTest, MoreCallersThanHelpersWaitTheirTurn) {
  auto helpers = start(2);
  ASSERT_TRUE(helpers);
  auto encoded = crypto::hash_password("correct horse battery", kParams);
  ASSERT_TRUE(encoded);
  std::atomic<int> right{0}, wrong_rejected{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 6; ++t) {
    threads.emplace_back([&, t] {
      if (t % 2 == 0) {
        right += helpers->verify(*encoded, "correct horse battery");
      } else {
        wrong_rejected += !helpers->verify(*encoded, "not the password");
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(right, 3);
  EXPECT_EQ(wrong_rejected, 3);
  EXPECT_EQ(helpers->pids().size(), 2u);
}

}  // namespace
}  // namespace gatehouse::hashing
