#include "support/server_harness.h"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <sstream>
#include <stdexcept>

#ifndef GATEHOUSE_BIN
#error "GATEHOUSE_BIN must name the gatehouse binary"
#endif

extern char** environ;

namespace gatehouse::test {

namespace {

// The environment of the parent without GATEHOUSE_* (so a developer's shell
// settings cannot change what the tests see). GH_API_IO_THREADS=N runs every
// server with N I/O threads (ctest api.AllSuitesTwoIoThreads); a test's own
// --io-threads flag still wins.
std::vector<std::string> clean_environment() {
  std::vector<std::string> env;
  for (char** e = environ; e && *e; ++e) {
    if (std::strncmp(*e, "GATEHOUSE_", 10) != 0) env.emplace_back(*e);
  }
  if (const char* io = std::getenv("GH_API_IO_THREADS"); io && *io) {
    env.push_back(std::string("GATEHOUSE_IO_THREADS=") + io);
  }
  return env;
}

std::vector<char*> c_strings(std::vector<std::string>& v) {
  std::vector<char*> out;
  for (auto& s : v) out.push_back(s.data());
  out.push_back(nullptr);
  return out;
}

struct Pipe {
  int fd[2] = {-1, -1};
  Pipe() {
    if (::pipe2(fd, O_CLOEXEC) != 0)
      throw std::runtime_error(std::string("pipe2: ") + std::strerror(errno));
  }
  ~Pipe() { close_both(); }
  void close_end(int i) {
    if (fd[i] >= 0) ::close(fd[i]);
    fd[i] = -1;
  }
  void close_both() {
    close_end(0);
    close_end(1);
  }
};

// Spawns GATEHOUSE_BIN with `args`, its stdin/stdout/stderr on the given fds.
pid_t spawn_gatehouse(const std::vector<std::string>& args, int in_fd, int out_fd, int err_fd) {
  std::vector<std::string> argv{GATEHOUSE_BIN};
  argv.insert(argv.end(), args.begin(), args.end());
  auto env = clean_environment();
  auto c_argv = c_strings(argv);
  auto c_env = c_strings(env);

  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  if (in_fd >= 0) {
    posix_spawn_file_actions_adddup2(&fa, in_fd, 0);
  } else {
    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
  }
  posix_spawn_file_actions_adddup2(&fa, out_fd, 1);
  posix_spawn_file_actions_adddup2(&fa, err_fd, 2);
  pid_t pid = -1;
  int rc = ::posix_spawn(&pid, GATEHOUSE_BIN, &fa, nullptr, c_argv.data(), c_env.data());
  posix_spawn_file_actions_destroy(&fa);
  if (rc != 0) throw std::runtime_error(std::string("posix_spawn: ") + std::strerror(rc));
  return pid;
}

// Exit status, or -1 when the process ended by a signal.
int exit_code_of(int status) { return WIFEXITED(status) ? WEXITSTATUS(status) : -1; }

}  // namespace

// ---------------------------------------------------------------- commands

CommandResult run_gatehouse(const std::vector<std::string>& args, const std::string& stdin_text) {
  CommandResult r;
  Pipe in, out, err;
  pid_t pid = spawn_gatehouse(args, in.fd[0], out.fd[1], err.fd[1]);
  in.close_end(0);
  out.close_end(1);
  err.close_end(1);
  // Small inputs only: they fit the pipe buffer, so this cannot block.
  if (!stdin_text.empty()) {
    ssize_t n = ::write(in.fd[1], stdin_text.data(), stdin_text.size());
    (void)n;
  }
  in.close_end(1);

  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  bool out_open = true, err_open = true;
  while (out_open || err_open) {
    pollfd fds[2] = {{out_open ? out.fd[0] : -1, POLLIN, 0},
                     {err_open ? err.fd[0] : -1, POLLIN, 0}};
    int n = ::poll(fds, 2, 200);
    if (n < 0 && errno != EINTR) break;
    if (std::chrono::steady_clock::now() > deadline) {
      ::kill(pid, SIGKILL);
      break;
    }
    char buf[4096];
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
      ssize_t got = ::read(fds[i].fd, buf, sizeof buf);
      if (got > 0) {
        (i == 0 ? r.out : r.err).append(buf, static_cast<size_t>(got));
      } else if (got == 0 || errno != EINTR) {
        (i == 0 ? out_open : err_open) = false;
      }
    }
  }
  int status = 0;
  ::waitpid(pid, &status, 0);
  r.exit_code = exit_code_of(status);
  return r;
}

// ---------------------------------------------------------------- ServerProcess

ServerProcess::ServerProcess(std::vector<std::string> extra_args, std::string data_dir)
    : extra_args_(std::move(extra_args)) {
  if (data_dir.empty()) {
    tmp_.emplace();
    data_dir_ = tmp_->file("data");
  } else {
    data_dir_ = std::move(data_dir);
  }
}

ServerProcess::~ServerProcess() {
  if (pid_ > 0) {
    ::kill(pid_, SIGKILL);
    int status = 0;
    ::waitpid(pid_, &status, 0);
    pid_ = -1;
  }
  if (reader_.joinable()) reader_.join();
}

bool ServerProcess::start() {
  std::vector<std::string> args{"serve",     "--port",    "0",
                                "--address", "127.0.0.1", "--data",
                                data_dir_,   "--web-dir", data_dir_ + "/no-web-app"};
  args.insert(args.end(), extra_args_.begin(), extra_args_.end());
  {
    std::lock_guard lock(mu_);
    out_.clear();
    err_.clear();
    eof_ = false;
  }
  if (reader_.joinable()) reader_.join();
  Pipe out, err;
  try {
    pid_ = spawn_gatehouse(args, -1, out.fd[1], err.fd[1]);
  } catch (const std::exception& e) {
    error_ = e.what();
    return false;
  }
  out.close_end(1);
  err.close_end(1);
  int out_fd = out.fd[0], err_fd = err.fd[0];
  out.fd[0] = err.fd[0] = -1;  // the reader owns them now
  reader_ = std::thread([this, out_fd, err_fd] { reader_loop(out_fd, err_fd); });

  std::string line;
  {
    std::unique_lock lock(mu_);
    // Only a bound for a server that never starts: under TSan on a loaded machine a start
    // with costly Argon2 settings took over 10 s.
    bool found = cv_.wait_for(lock, std::chrono::seconds(60), [&] {
      return out_.find("\"msg\":\"listening\"") != std::string::npos || eof_;
    });
    auto at = out_.find("\"msg\":\"listening\"");
    if (!found || at == std::string::npos) {
      error_ =
          std::string(found ? "server exited before listening" : "no listening line within 60 s") +
          "\nstdout: " + out_ + "\nstderr: " + err_;
      lock.unlock();
      stop(std::chrono::seconds(2));
      return false;
    }
    auto begin = out_.rfind('\n', at);
    begin = begin == std::string::npos ? 0 : begin + 1;
    auto end = out_.find('\n', at);
    line = out_.substr(begin, end == std::string::npos ? std::string::npos : end - begin);
  }
  try {
    auto v = json::parse(line).as_object();
    port_ = static_cast<int>(v.at("port").to_number<int64_t>());
    project_id_ = std::string(v.at("project_id").as_string());
  } catch (const std::exception& e) {
    error_ = "cannot read the listening line '" + line + "': " + e.what();
    stop(std::chrono::seconds(2));
    return false;
  }
  return true;
}

void ServerProcess::reader_loop(int out_fd, int err_fd) {
  bool out_open = true, err_open = true;
  char buf[8192];
  while (out_open || err_open) {
    pollfd fds[2] = {{out_open ? out_fd : -1, POLLIN, 0}, {err_open ? err_fd : -1, POLLIN, 0}};
    int n = ::poll(fds, 2, -1);
    if (n < 0) {
      if (errno == EINTR) continue;
      break;
    }
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
      ssize_t got = ::read(fds[i].fd, buf, sizeof buf);
      if (got > 0) {
        std::lock_guard lock(mu_);
        (i == 0 ? out_ : err_).append(buf, static_cast<size_t>(got));
        cv_.notify_all();
      } else if (got == 0 || errno != EINTR) {
        (i == 0 ? out_open : err_open) = false;
      }
    }
  }
  ::close(out_fd);
  ::close(err_fd);
  std::lock_guard lock(mu_);
  eof_ = true;
  cv_.notify_all();
}

void ServerProcess::signal(int sig) {
  if (pid_ > 0) ::kill(pid_, sig);
}

int ServerProcess::wait(std::chrono::milliseconds timeout) {
  if (pid_ <= 0) return -1;
  auto deadline = std::chrono::steady_clock::now() + timeout;
  int status = 0;
  int result = -1;
  for (;;) {
    pid_t r = ::waitpid(pid_, &status, WNOHANG);
    if (r == pid_) {
      result = exit_code_of(status);
      break;
    }
    if (r < 0 && errno != EINTR) break;
    if (std::chrono::steady_clock::now() >= deadline) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, &status, 0);
      result = -1;
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  pid_ = -1;
  if (reader_.joinable()) reader_.join();
  return result;
}

int ServerProcess::stop(std::chrono::milliseconds timeout) {
  signal(SIGTERM);
  return wait(timeout);
}

namespace {

// The fields of /proc/<pid>/stat after the command name, from field 3 (the state) on;
// empty if the process is gone.
std::vector<std::string> stat_fields(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string stat((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto close_paren = stat.rfind(')');  // the command name may contain spaces
  if (close_paren == std::string::npos) return {};
  std::istringstream in_fields(stat.substr(close_paren + 2));
  std::vector<std::string> fields;
  for (std::string f; in_fields >> f;) fields.push_back(f);
  return fields;
}

}  // namespace

std::vector<pid_t> ServerProcess::children() const {
  std::vector<pid_t> out;
  for (const auto& e : std::filesystem::directory_iterator("/proc")) {
    const std::string name = e.path().filename().string();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    auto fields = stat_fields(std::stoi(name));
    if (fields.size() > 1 && fields[1] == std::to_string(pid_)) out.push_back(std::stoi(name));
  }
  return out;
}

std::chrono::milliseconds ServerProcess::cpu_time() const {
  long long ticks = 0;
  std::vector<pid_t> all = children();
  all.push_back(pid_);
  for (pid_t p : all) {
    auto fields = stat_fields(p);  // utime and stime are fields 14 and 15
    if (fields.size() > 12) ticks += std::stoll(fields[11]) + std::stoll(fields[12]);
  }
  return std::chrono::milliseconds(ticks * 1000 / ::sysconf(_SC_CLK_TCK));
}

std::string ServerProcess::out() const {
  std::lock_guard lock(mu_);
  return out_;
}

std::string ServerProcess::err() const {
  std::lock_guard lock(mu_);
  return err_;
}

bool ServerProcess::wait_for_output(const std::string& needle, size_t n,
                                    std::chrono::milliseconds timeout) const {
  auto count = [&] {
    size_t c = 0;
    for (auto at = out_.find(needle); at != std::string::npos; at = out_.find(needle, at + 1)) ++c;
    return c;
  };
  std::unique_lock lock(mu_);
  return cv_.wait_for(lock, timeout, [&] { return count() >= n || eof_; }) && count() >= n;
}

// ---------------------------------------------------------------- HTTP

std::string HttpResponse::header(const std::string& name) const {
  auto it = headers.find(name);
  return it == headers.end() ? std::string() : it->second;
}

const json::object& HttpResponse::obj() const {
  static const json::object kEmpty;
  return json && json->is_object() ? json->as_object() : kEmpty;
}

namespace {

struct CurlGlobal {
  CurlGlobal() { curl_global_init(CURL_GLOBAL_DEFAULT); }
  ~CurlGlobal() { curl_global_cleanup(); }
};

void curl_init_once() { static CurlGlobal global; }

size_t on_body(char* data, size_t size, size_t n, void* user) {
  static_cast<std::string*>(user)->append(data, size * n);
  return size * n;
}

size_t on_header(char* data, size_t size, size_t n, void* user) {
  auto* headers = static_cast<std::multimap<std::string, std::string>*>(user);
  std::string line(data, size * n);
  if (line.rfind("HTTP/", 0) == 0) {
    headers->clear();  // a new response (after 100 Continue)
    return size * n;
  }
  auto colon = line.find(':');
  if (colon == std::string::npos) return size * n;
  std::string name = line.substr(0, colon);
  for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  std::string value = line.substr(colon + 1);
  auto b = value.find_first_not_of(" \t");
  auto e = value.find_last_not_of(" \t\r\n");
  value = b == std::string::npos ? std::string() : value.substr(b, e - b + 1);
  headers->emplace(std::move(name), std::move(value));
  return size * n;
}

}  // namespace

HttpClient::HttpClient(std::string base_url, bool keep_alive) : base_(std::move(base_url)) {
  if (keep_alive) {
    curl_init_once();
    handle_ = std::shared_ptr<void>(curl_easy_init(),
                                    [](void* h) { curl_easy_cleanup(static_cast<CURL*>(h)); });
  }
}

HttpResponse HttpClient::request(const std::string& method, const std::string& path,
                                 const Headers& headers,
                                 const std::optional<std::string>& body) const {
  curl_init_once();
  HttpResponse res;
  CURL* curl = handle_ ? static_cast<CURL*>(handle_.get()) : curl_easy_init();
  if (!curl) {
    res.transport_error = "curl_easy_init failed";
    return res;
  }
  if (handle_) curl_easy_reset(curl);  // keeps the connection cache
  std::string url = base_ + path;
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, 30000L);
  if (!handle_) curl_easy_setopt(curl, CURLOPT_FORBID_REUSE, 1L);
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &res.body);
  curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, on_header);
  curl_easy_setopt(curl, CURLOPT_HEADERDATA, &res.headers);
  if (method == "HEAD") {
    curl_easy_setopt(curl, CURLOPT_NOBODY, 1L);
  } else if (body) {
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body->data());
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body->size()));
    if (method != "POST") curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, method.c_str());
  } else if (method != "GET") {
    curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, method.c_str());
  }
  curl_slist* list = nullptr;
  for (const auto& [k, v] : headers) list = curl_slist_append(list, (k + ": " + v).c_str());
  if (list) curl_easy_setopt(curl, CURLOPT_HTTPHEADER, list);

  CURLcode rc = curl_easy_perform(curl);
  if (rc == CURLE_OK) {
    long status = 0;
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
    res.status = static_cast<int>(status);
  } else {
    res.transport_error = curl_easy_strerror(rc);
  }
  long opened = 0;
  if (curl_easy_getinfo(curl, CURLINFO_NUM_CONNECTS, &opened) == CURLE_OK) {
    connections_->fetch_add(opened);
  }
  curl_slist_free_all(list);
  if (!handle_) curl_easy_cleanup(curl);

  if (res.header("content-type").rfind("application/json", 0) == 0) {
    boost::system::error_code ec;
    auto v = json::parse(res.body, ec);
    if (!ec) res.json = std::move(v);
  }
  return res;
}

HttpResponse HttpClient::post(const std::string& path, const std::string& body,
                              const Headers& headers) const {
  Headers h = headers;
  bool has_type = false;
  for (const auto& [k, v] : h) {
    std::string lower = k;
    for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    has_type = has_type || lower == "content-type";
  }
  if (!has_type) h.emplace_back("Content-Type", "application/json");
  return request("POST", path, h, body);
}

std::string raw_exchange(int port, const std::string& bytes, std::chrono::milliseconds timeout) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return "";
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  std::string out;
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0) {
    for (size_t sent = 0; sent < bytes.size();) {
      ssize_t n = ::send(fd, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
      if (n <= 0) break;
      sent += static_cast<size_t>(n);
    }
    auto deadline = std::chrono::steady_clock::now() + timeout;
    char buf[4096];
    while (std::chrono::steady_clock::now() < deadline) {
      pollfd p{fd, POLLIN, 0};
      if (::poll(&p, 1, 100) <= 0) continue;
      ssize_t n = ::recv(fd, buf, sizeof buf, 0);
      if (n <= 0) break;
      out.append(buf, static_cast<size_t>(n));
    }
  }
  ::close(fd);
  return out;
}

Headers bearer(const std::string& project_id, const std::string& token) {
  return {{"Authorization", "Bearer " + project_id + (token.empty() ? "" : ":" + token)}};
}

// ---------------------------------------------------------------- JWT / misc

std::string base64url_decode(const std::string& in) {
  std::string out;
  uint32_t acc = 0;
  int bits = 0;
  for (char ch : in) {
    int v;
    if (ch >= 'A' && ch <= 'Z') {
      v = ch - 'A';
    } else if (ch >= 'a' && ch <= 'z') {
      v = ch - 'a' + 26;
    } else if (ch >= '0' && ch <= '9') {
      v = ch - '0' + 52;
    } else if (ch == '-') {
      v = 62;
    } else if (ch == '_') {
      v = 63;
    } else if (ch == '=') {
      break;
    } else {
      throw std::runtime_error("not base64url");
    }
    acc = (acc << 6) | static_cast<uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((acc >> bits) & 0xff));
    }
  }
  return out;
}

namespace {
json::object jwt_part(const std::string& jwt, int index) {
  auto d1 = jwt.find('.');
  auto d2 = d1 == std::string::npos ? d1 : jwt.find('.', d1 + 1);
  if (d2 == std::string::npos || jwt.find('.', d2 + 1) != std::string::npos) {
    throw std::runtime_error("not a compact JWS: " + jwt);
  }
  std::string part = index == 0 ? jwt.substr(0, d1) : jwt.substr(d1 + 1, d2 - d1 - 1);
  return json::parse(base64url_decode(part)).as_object();
}
}  // namespace

json::object jwt_header(const std::string& jwt) { return jwt_part(jwt, 0); }
json::object jwt_payload(const std::string& jwt) { return jwt_part(jwt, 1); }

std::string str(const json::value& v) {
  return v.is_string() ? std::string(v.as_string()) : "<not a string: " + json::serialize(v) + ">";
}

std::vector<std::string> strings(const json::value& v) {
  std::vector<std::string> out;
  for (const auto& e : v.as_array()) out.emplace_back(e.as_string());
  return out;
}

int64_t unix_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string unique_email(const std::string& tag) {
  static std::atomic<int> counter{0};
  static const std::string salt = [] {
    std::random_device rd;
    return std::to_string(rd() % 1000000);
  }();
  return tag + "-" + std::to_string(++counter) + "-" + salt + "@test.example";
}

}  // namespace gatehouse::test
