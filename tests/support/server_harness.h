// Black-box harness for C++ suites that drive the real server: runs the `gatehouse`
// binary in a child process and talks to it over real HTTP (libcurl). Used by
// tests/api; link gh_test_server.
//
//   gatehouse::test::ServerProcess server({"--refresh-grace", "1"});
//   ASSERT_TRUE(server.start());
//   gatehouse::test::HttpClient http(server.base_url());
//   auto r = http.get("/healthz");
//   EXPECT_EQ(r.status, 200);
//   EXPECT_EQ(server.stop(), 0);  // SIGTERM; exit status, -1 on timeout
//
// The binary path comes from the GATEHOUSE_BIN compile definition of gh_test_server.
//
// Its namespace is gatehouse::test, not gatehouse::testing: HttpClient and HttpResponse
// here would clash with the SDK's gatehouse::HttpClient in a suite that uses both.
#pragma once

#include <sys/types.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <boost/json.hpp>

#include "support/temp_dir.h"

// Readable failure messages for JSON objects and arrays (found by ADL).
namespace boost::json {
inline void PrintTo(const object& o, std::ostream* os) { *os << serialize(o); }
inline void PrintTo(const array& a, std::ostream* os) { *os << serialize(a); }
}  // namespace boost::json

namespace gatehouse::test {

namespace json = boost::json;

using ::gatehouse::testing::TempDir;

// Output and exit status of a finished command.
struct CommandResult {
  int exit_code = -1;  // -1 when killed by a signal or not started
  std::string out;
  std::string err;
};

// Runs `gatehouse <args…>` with `stdin_text` on standard input and waits for it.
CommandResult run_gatehouse(const std::vector<std::string>& args,
                            const std::string& stdin_text = "");

// The gatehouse server in a child process with its own data directory.
class ServerProcess {
 public:
  // `extra_args` are appended to `serve --port 0 --data <dir> --web-dir <none>`.
  // `data_dir`: reuse a directory (restart tests); empty = a fresh temp dir.
  explicit ServerProcess(std::vector<std::string> extra_args = {}, std::string data_dir = "");
  ~ServerProcess();  // SIGKILLs a server that is still running
  ServerProcess(const ServerProcess&) = delete;
  ServerProcess& operator=(const ServerProcess&) = delete;

  // Spawns the server and waits (10 s) for its "listening" line. On failure
  // returns false and error() explains (with the captured output).
  bool start();
  // SIGTERM, then waits up to `timeout`. Returns the exit status, or -1 if it
  // was killed by a signal or had to be SIGKILLed after the timeout.
  int stop(std::chrono::milliseconds timeout = std::chrono::seconds(5));
  // Sends a signal without waiting (for shutdown tests).
  void signal(int sig);
  // Waits for exit after signal(); same result as stop().
  int wait(std::chrono::milliseconds timeout);
  bool running() const { return pid_ > 0; }
  pid_t pid() const { return pid_; }
  // CPU time (user + system) the server and its password hashing helpers have used so
  // far, from /proc.
  std::chrono::milliseconds cpu_time() const;
  // Processes the server started (its password hashing helpers), from /proc.
  std::vector<pid_t> children() const;

  int port() const { return port_; }
  const std::string& project_id() const { return project_id_; }
  const std::string& data_dir() const { return data_dir_; }
  std::string base_url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  const std::string& error() const { return error_; }

  // Everything the server wrote to stdout / stderr so far.
  std::string out() const;
  std::string err() const;
  // Waits until stdout holds at least `n` occurrences of `needle`.
  bool wait_for_output(const std::string& needle, size_t n,
                       std::chrono::milliseconds timeout) const;

 private:
  void reader_loop(int out_fd, int err_fd);

  std::vector<std::string> extra_args_;
  std::optional<TempDir> tmp_;
  std::string data_dir_;
  pid_t pid_ = -1;
  int port_ = 0;
  std::string project_id_;
  std::string error_;
  std::thread reader_;
  mutable std::mutex mu_;
  mutable std::condition_variable cv_;
  std::string out_, err_;
  bool eof_ = false;
};

struct HttpResponse {
  int status = 0;               // 0 when the request failed at the transport level
  std::string transport_error;  // curl's message when status == 0
  std::multimap<std::string, std::string> headers;  // names lower-cased
  std::string body;
  std::optional<json::value> json;  // parsed body when Content-Type is JSON and it parses

  // First value of a header (lower-case name), "" when absent.
  std::string header(const std::string& name) const;
  bool has_header(const std::string& name) const { return headers.count(name) != 0; }
  // The body as an object (empty object if it is not one).
  const json::object& obj() const;
};

using Headers = std::vector<std::pair<std::string, std::string>>;

// One libcurl easy handle per request (thread-safe, a new connection each
// time), or with keep_alive one handle whose connection is reused like a
// browser's (not thread-safe).
class HttpClient {
 public:
  explicit HttpClient(std::string base_url, bool keep_alive = false);
  HttpResponse request(const std::string& method, const std::string& path,
                       const Headers& headers = {},
                       const std::optional<std::string>& body = std::nullopt) const;
  HttpResponse get(const std::string& path, const Headers& headers = {}) const {
    return request("GET", path, headers);
  }
  HttpResponse post(const std::string& path, const std::string& body,
                    const Headers& headers = {}) const;
  HttpResponse post(const std::string& path, const json::value& body,
                    const Headers& headers = {}) const {
    return post(path, json::serialize(body), headers);
  }
  // TCP connections opened so far (keep_alive clients).
  long connections_opened() const { return connections_->load(); }

 private:
  std::string base_;
  std::shared_ptr<void> handle_;  // CURL*, keep_alive only
  // Atomic: tests share one client between threads (TSan found the plain counter racing).
  std::shared_ptr<std::atomic<long>> connections_ = std::make_shared<std::atomic<long>>(0);
};

// Sends raw bytes on a new TCP connection and returns everything the server
// sends back until it closes the connection (or `timeout` passes).
std::string raw_exchange(int port, const std::string& bytes,
                         std::chrono::milliseconds timeout = std::chrono::seconds(5));

// `{"Authorization": "Bearer <pid>[:<token>]"}`
Headers bearer(const std::string& project_id, const std::string& token = "");

// Decodes base64url (no padding needed). Throws std::runtime_error on bad input.
std::string base64url_decode(const std::string& in);
// Header / payload of a compact JWT as JSON objects. Throws on malformed input.
json::object jwt_header(const std::string& jwt);
json::object jwt_payload(const std::string& jwt);

// The text of a JSON string, or "<not a string: …>" for any other value.
std::string str(const json::value& v);
// Strings of a JSON array of strings (throws if it is not one).
std::vector<std::string> strings(const json::value& v);

int64_t unix_now();

// "user-<n>-<random>@test.example" — unique per call within a process.
std::string unique_email(const std::string& tag = "user");

// Well-formed password that satisfies the default policy.
inline constexpr const char* kPassword = "Correct-Horse-9-Battery";

}  // namespace gatehouse::test
