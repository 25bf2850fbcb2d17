// http::Server's deadlines (DeadlineSweeper): an idle keep-alive connection is closed after
// the idle timeout and not before, a connection that keeps asking is never cut, and stop()
// returns while connections are open. Over real loopback sockets, two event loops.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <string>
#include <thread>

#include <gtest/gtest.h>

#include "http/server.h"

namespace gatehouse::http {
namespace {

using Clock = std::chrono::steady_clock;

class ServerTimeoutTest : public ::testing::Test {
 protected:
  void SetUp() override {
    router_.add("GET", "/ping", [](Request&) { return Response::json_text(200, "{}"); },
                {.inline_on_io = true});
    ServerConfig cfg;
    cfg.address = "127.0.0.1";
    cfg.port = 0;
    cfg.io_threads = 2;
    cfg.idle_timeout = std::chrono::seconds(1);
    cfg.read_timeout = std::chrono::seconds(1);
    cfg.drain_timeout = std::chrono::seconds(5);
    cfg.log_line = [](const std::string&) {};
    server_ = std::make_unique<Server>(cfg, router_);
    server_->listen();
    thread_ = std::thread([this] { server_->run_until_signal(); });
  }
  void TearDown() override {
    server_->stop();
    thread_.join();
  }

  // A connected socket whose reads give up after 10 s (the bound of a test that fails).
  int connect_client() {
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    timeval tv{10, 0};
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(server_->port());
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    EXPECT_EQ(::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
    return fd;
  }
  // One GET /ping on `fd`; the status line, or "" when the server closed.
  static std::string ping(int fd) {
    const std::string req = "GET /ping HTTP/1.1\r\nHost: x\r\n\r\n";
    if (::send(fd, req.data(), req.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(req.size())) {
      return "";
    }
    char buf[1024];
    ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n <= 0) return "";
    std::string s(buf, static_cast<size_t>(n));
    return s.substr(0, s.find("\r\n"));
  }
  // Seconds until the server closes `fd` (a read returns 0), or -1 if it did not in 10 s.
  static double seconds_until_closed(int fd) {
    auto start = Clock::now();
    char buf[64];
    ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n != 0) return -1;
    return std::chrono::duration<double>(Clock::now() - start).count();
  }

  Router router_;
  std::unique_ptr<Server> server_;
  std::thread thread_;
};

TEST_F(ServerTimeoutTest, AnIdleConnectionIsClosedAfterTheIdleTimeoutNotBefore) {
  int fd = connect_client();
  auto start = Clock::now();
  double waited = seconds_until_closed(fd);
  ASSERT_GE(waited, 0) << "still open after 10 s";
  EXPECT_GE(std::chrono::duration<double>(Clock::now() - start).count(), 0.95);
  ::close(fd);
}

TEST_F(ServerTimeoutTest, AKeepAliveConnectionIsClosedOnceItStopsAsking) {
  int fd = connect_client();
  // Requests 0.4 s apart for 2 s, twice the idle timeout: each one restarts the wait.
  for (int i = 0; i < 5; ++i) {
    ASSERT_EQ(ping(fd), "HTTP/1.1 200 OK") << "request " << i;
    std::this_thread::sleep_for(std::chrono::milliseconds(400));
  }
  EXPECT_GE(seconds_until_closed(fd), 0) << "still open 10 s after the last request";
  ::close(fd);
}

TEST_F(ServerTimeoutTest, ARequestBegunMustBeWholeWithinTheReadTimeout) {
  int fd = connect_client();
  const std::string part = "GET /ping HTTP/1.1\r\nHo";
  ASSERT_EQ(::send(fd, part.data(), part.size(), MSG_NOSIGNAL), static_cast<ssize_t>(part.size()));
  EXPECT_GE(seconds_until_closed(fd), 0) << "a half request held the connection for 10 s";
  ::close(fd);
}

TEST_F(ServerTimeoutTest, StopReturnsWhileConnectionsWait) {
  int a = connect_client();
  int b = connect_client();
  ASSERT_EQ(ping(b), "HTTP/1.1 200 OK");
  server_->stop();
  thread_.join();
  EXPECT_GE(seconds_until_closed(a), 0);
  EXPECT_GE(seconds_until_closed(b), 0);
  ::close(a);
  ::close(b);
  thread_ = std::thread([] {});  // TearDown's stop() and join() still work
}

}  // namespace
}  // namespace gatehouse::http
