#include "http/worker_pool.h"

#include <sys/resource.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <stdexcept>
#include <thread>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>

namespace gatehouse::http {
namespace {

namespace asio = boost::asio;

TEST(WorkerPool, RunsOnAWorkerAndResumesOnTheCallersThread) {
  WorkerPool pool(2, 0);
  asio::io_context ioc;
  const auto io_thread = std::this_thread::get_id();
  std::thread::id worker, resumed;
  int result = 0;
  asio::co_spawn(
      ioc,
      [&]() -> asio::awaitable<void> {
        result = co_await pool.run([&] {
          worker = std::this_thread::get_id();
          return 42;
        });
        resumed = std::this_thread::get_id();
      },
      asio::detached);
  ioc.run();
  EXPECT_EQ(result, 42);
  EXPECT_NE(worker, io_thread);
  EXPECT_EQ(resumed, io_thread);
}

TEST(WorkerPool, ExceptionsReachTheAwaitingCoroutine) {
  WorkerPool pool(1, 0);
  asio::io_context ioc;
  std::string caught;
  asio::co_spawn(
      ioc,
      [&]() -> asio::awaitable<void> {
        try {
          co_await pool.run([]() -> int { throw std::runtime_error("boom"); });
        } catch (const std::runtime_error& e) {
          caught = e.what();
        }
      },
      asio::detached);
  ioc.run();
  EXPECT_EQ(caught, "boom");
}

TEST(WorkerPool, WorkersRunAtTheGivenNiceValue) {
  WorkerPool pool(2, 5);
  asio::io_context ioc;
  int nice = -100;
  asio::co_spawn(
      ioc,
      [&]() -> asio::awaitable<void> {
        nice = co_await pool.run(
            [] { return ::getpriority(PRIO_PROCESS, static_cast<id_t>(::gettid())); });
      },
      asio::detached);
  ioc.run();
  EXPECT_GE(nice, 5);  // more when the test itself runs niced
}

// The awaiting coroutine resumes as soon as its work is done, not once the pool's queue
// has drained: with one worker, the second task waits for the first one's caller to have
// resumed — which, were the completion queued behind it on the pool, would never happen.
TEST(WorkerPool, ResumesWithoutWaitingForTheQueue) {
  WorkerPool pool(1, 0);
  asio::io_context ioc;
  std::atomic<bool> first_resumed{false};
  bool second_saw_it = false;
  asio::co_spawn(
      ioc,
      [&]() -> asio::awaitable<void> {
        co_await pool.run([] { return 1; });
        first_resumed = true;
      },
      asio::detached);
  asio::co_spawn(
      ioc,
      [&]() -> asio::awaitable<void> {
        second_saw_it = co_await pool.run([&] {
          auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
          while (!first_resumed && std::chrono::steady_clock::now() < deadline) {
            std::this_thread::sleep_for(std::chrono::milliseconds(1));
          }
          return first_resumed.load();
        });
      },
      asio::detached);
  ioc.run();
  EXPECT_TRUE(second_saw_it);
}

TEST(WorkerPool, JoinIsIdempotent) {
  WorkerPool pool(2, 0);
  pool.join();
  pool.join();
}

}  // namespace
}  // namespace gatehouse::http
