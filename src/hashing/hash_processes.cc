#include "hashing/hash_processes.h"

#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <sodium.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <thread>

#include <boost/json.hpp>

extern char** environ;

namespace gatehouse::hashing {

namespace {

// Requests and replies are single datagrams of a SOCK_SEQPACKET socket:
//   hash:   'H' u64 ops u64 mem_bytes password        -> 'K' encoded | 'E' u8 errc message
//   verify: 'V' u32 encoded_size encoded password     -> 'T' | 'F'
// and a helper announces itself with 'R' once it is ready. Both ends are this binary,
// so integers travel in native byte order.
constexpr size_t kMaxMessage = 4096;
constexpr size_t kMaxEncoded = 1024;
constexpr int kHelperFd = 3;  // the helper's end of its socket pair
constexpr auto kReadyTimeout = std::chrono::seconds(10);
constexpr auto kExitGrace = std::chrono::seconds(2);

template <class T>
void put(std::string& out, T v) {
  out.append(reinterpret_cast<const char*>(&v), sizeof v);
}

template <class T>
bool take(std::string_view& in, T* v) {
  if (in.size() < sizeof *v) return false;
  std::memcpy(v, in.data(), sizeof *v);
  in.remove_prefix(sizeof *v);
  return true;
}

void wipe(std::string& s) {
  if (!s.empty()) sodium_memzero(s.data(), s.size());
}

bool send_all(int fd, std::string_view msg) {
  ssize_t n;
  do {
    n = ::send(fd, msg.data(), msg.size(), MSG_NOSIGNAL);
  } while (n < 0 && errno == EINTR);
  return n == static_cast<ssize_t>(msg.size());
}

// One datagram into `buf`: its size, 0 when the other end closed, -1 on error (errno)
// or when it did not fit (errno = EMSGSIZE).
ssize_t receive(int fd, char* buf, size_t size) {
  ssize_t n;
  do {
    n = ::recv(fd, buf, size, MSG_TRUNC);
  } while (n < 0 && errno == EINTR);
  if (n > static_cast<ssize_t>(size)) {
    errno = EMSGSIZE;
    return -1;
  }
  return n;
}

std::string error_reply(std::string_view message, Errc code = Errc::kInternal) {
  std::string out = "E";
  out.push_back(static_cast<char>(code));
  return out.append(message);
}

std::string helper_reply(std::string_view req) {
  char op = req.empty() ? '\0' : req.front();
  req.remove_prefix(req.empty() ? 0 : 1);
  if (op == 'H') {
    uint64_t ops = 0, mem = 0;
    if (!take(req, &ops) || !take(req, &mem)) return error_reply("malformed request");
    auto encoded = crypto::hash_password(req, {.ops = ops, .mem_bytes = mem});
    if (encoded) return "K" + *encoded;
    return error_reply(encoded.error().message, encoded.error().code);
  }
  if (op == 'V') {
    uint32_t size = 0;
    if (!take(req, &size) || size > req.size()) return "F";
    return crypto::verify_password(req.substr(0, size), req.substr(size)) ? "T" : "F";
  }
  return error_reply("malformed request");
}

// The longest a hash with these parameters should take: 16 MiB per second and pass.
std::chrono::milliseconds slowest_hash(const crypto::Argon2Params& p) {
  constexpr uint64_t kBytesPerMs = 16 * 1024 * 1024 / 1000;
  return std::chrono::milliseconds(std::min<uint64_t>(p.ops, 1000) *
                                   std::min<uint64_t>(p.mem_bytes, uint64_t{1} << 40) /
                                   kBytesPerMs);
}

// True when `fd` has something to read (or was closed) within `timeout`; false on
// timeout or error (errno).
bool wait_readable(int fd, std::chrono::milliseconds timeout) {
  pollfd pfd{.fd = fd, .events = POLLIN, .revents = 0};
  int ready;
  do {
    ready = ::poll(&pfd, 1, static_cast<int>(std::min<int64_t>(timeout.count(), INT32_MAX)));
  } while (ready < 0 && errno == EINTR);
  if (ready == 0) errno = ETIMEDOUT;
  return ready == 1;
}

void default_on_error(const std::string& m) {
  boost::json::object line{
      {"level", "error"}, {"msg", "password hashing helper replaced"}, {"what", m}};
  std::cerr << boost::json::serialize(line) << "\n";
}

}  // namespace

int hash_helper_main(const std::vector<std::string>& args) {
  const int fd = kHelperFd;
  const int nice = args.empty() ? 0 : std::atoi(args[0].c_str());
  // Nothing of the server but this socket stays open here (its database, its listeners).
  ::close_range(static_cast<unsigned>(fd) + 1, ~0U, 0);
  for (int sig : {SIGINT, SIGTERM, SIGHUP, SIGPIPE}) ::signal(sig, SIG_IGN);  // the server ends us
  ::prctl(PR_SET_NAME, "gh-hash-helper");
  if (nice > 0) ::setpriority(PRIO_PROCESS, 0, nice);
  if (sodium_init() < 0 || !send_all(fd, "R")) return 1;

  std::array<char, kMaxMessage> buf;
  for (;;) {
    ssize_t n = receive(fd, buf.data(), buf.size());
    if (n == 0) return 0;  // the server closed its end: done
    std::string reply =
        n < 0 ? error_reply("request too long") : helper_reply({buf.data(), size_t(n)});
    sodium_memzero(buf.data(), buf.size());
    if (!send_all(fd, reply)) return 1;
  }
}

class HashProcesses::Lease {
 public:
  explicit Lease(HashProcesses& p) : p_(p) {
    std::unique_lock lock(p_.mu_);
    p_.idle_cv_.wait(lock, [&] { return !p_.idle_.empty(); });
    slot_ = p_.idle_.front();  // the longest idle: calls go round the helpers
    p_.idle_.pop_front();
    helper_ = p_.helpers_[slot_];
  }
  ~Lease() {
    {
      std::lock_guard lock(p_.mu_);
      p_.helpers_[slot_] = helper_;
      p_.idle_.push_back(slot_);
    }
    p_.idle_cv_.notify_one();
  }
  Lease(const Lease&) = delete;
  Lease& operator=(const Lease&) = delete;
  Helper& helper() { return helper_; }

 private:
  HashProcesses& p_;
  size_t slot_ = 0;
  Helper helper_;
};

HashProcesses::HashProcesses(std::string executable, int nice, HashProcessOptions options)
    : executable_(std::move(executable)),
      argv0_(executable_),
      nice_(nice),
      options_(std::move(options)) {
  if (!options_.on_error) options_.on_error = default_on_error;
  // `ps` shows the binary's path rather than the link it was started through.
  if (executable_ == "/proc/self/exe") {
    std::array<char, 4096> path;
    ssize_t n = ::readlink(executable_.c_str(), path.data(), path.size());
    if (n > 0 && static_cast<size_t>(n) < path.size()) argv0_.assign(path.data(), size_t(n));
  }
}

Result<std::unique_ptr<HashProcesses>> HashProcesses::start(std::string executable, int count,
                                                            int nice, HashProcessOptions options) {
  if (count < 1 || count > auth::PasswordHasher::kMaxConcurrency) {
    return make_error(Errc::kInvalidArgument, "the number of hashing helpers must be 1..256");
  }
  std::unique_ptr<HashProcesses> p(
      new HashProcesses(std::move(executable), nice, std::move(options)));
  // All launched before waiting for any: each takes milliseconds to load its libraries.
  for (int i = 0; i < count; ++i) {
    auto h = p->launch();
    if (!h) return h.error();  // the destructor stops the ones already launched
    p->helpers_.push_back(*h);
    p->idle_.push_back(p->helpers_.size() - 1);
  }
  for (auto& h : p->helpers_) {
    if (auto st = p->await_ready(h); !st) return st.error();
  }
  return p;
}

HashProcesses::~HashProcesses() {
  for (auto& h : helpers_) {
    if (h.fd >= 0) ::close(h.fd);  // end of input: an idle helper exits at once
    h.fd = -1;
  }
  for (auto& h : helpers_) stop(h);
}

Error HashProcesses::start_error(const std::string& what) const {
  return make_error(Errc::kInternal,
                    "cannot start a password hashing helper (" + executable_ + "): " + what);
}

Result<HashProcesses::Helper> HashProcesses::spawn() const {
  auto h = launch();
  if (!h) return h.error();
  if (auto st = await_ready(*h); !st) return st.error();
  return h;
}

Result<HashProcesses::Helper> HashProcesses::launch() const {
  int sv[2];
  if (::socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) != 0) {
    return start_error(std::strerror(errno));
  }
  posix_spawn_file_actions_t actions;
  posix_spawnattr_t attr;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, sv[1], kHelperFd);
  posix_spawnattr_init(&attr);
  sigset_t none;
  sigemptyset(&none);
  posix_spawnattr_setsigmask(&attr, &none);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK);
  std::string nice = std::to_string(nice_);
  std::array<char*, 4> argv{const_cast<char*>(argv0_.c_str()),
                            const_cast<char*>(kHashHelperCommand), nice.data(), nullptr};
  Helper h;
  int rc = ::posix_spawn(&h.pid, executable_.c_str(), &actions, &attr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  ::close(sv[1]);
  h.fd = sv[0];
  if (rc != 0) {
    ::close(h.fd);
    return start_error(std::strerror(rc));
  }
  return h;
}

Status HashProcesses::await_ready(Helper& h) const {
  // Its 'R': an executable that is not a gatehouse (or an older one) fails here, at
  // start-up, instead of at the first sign-in.
  const bool ready = wait_readable(h.fd, kReadyTimeout);
  char r = 0;
  if (ready && receive(h.fd, &r, 1) == 1 && r == 'R') return ok_status();
  ::kill(h.pid, SIGKILL);
  stop(h);
  return start_error(ready ? "it exited before it was ready" : "it did not answer");
}

void HashProcesses::stop(Helper& h) {
  if (h.fd >= 0) ::close(h.fd);
  h.fd = -1;
  if (h.pid <= 0) return;
  const auto deadline = std::chrono::steady_clock::now() + kExitGrace;
  while (::waitpid(h.pid, nullptr, WNOHANG) == 0) {
    if (std::chrono::steady_clock::now() > deadline) {
      ::kill(h.pid, SIGKILL);
      ::waitpid(h.pid, nullptr, 0);
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  h.pid = -1;
}

std::optional<std::string> HashProcesses::exchange(const std::string& request,
                                                   std::chrono::milliseconds work) {
  Lease lease(*this);
  Helper& h = lease.helper();
  if (h.fd < 0) {  // its replacement failed last time: try again
    auto fresh = spawn();
    if (!fresh) return std::nullopt;
    h = *fresh;
  }
  std::string what;
  std::string reply(kMaxMessage, '\0');
  if (send_all(h.fd, request)) {
    const auto allowed = options_.stuck_after + work;
    if (!wait_readable(h.fd, allowed)) {
      what = errno == ETIMEDOUT ? "no answer in " + std::to_string(allowed.count()) + " ms"
                                : std::string(std::strerror(errno));
    } else if (ssize_t n = receive(h.fd, reply.data(), reply.size()); n > 0) {
      reply.resize(static_cast<size_t>(n));
      return reply;
    } else {
      what = n == 0 ? std::string("it exited") : std::string(std::strerror(errno));
    }
  } else {
    what = std::strerror(errno);
  }
  const pid_t old = h.pid;
  ::kill(h.pid, SIGKILL);
  stop(h);
  auto fresh = spawn();
  if (fresh) h = *fresh;
  options_.on_error(
      "helper " + std::to_string(old) + ": " + what + "; computed in the server" +
      (fresh ? ", replaced by " + std::to_string(h.pid) : "; " + fresh.error().message));
  return std::nullopt;
}

Result<std::string> HashProcesses::hash(std::string_view password,
                                        const crypto::Argon2Params& params) {
  if (password.size() > crypto::kMaxPasswordBytes) return crypto::hash_password(password, params);
  std::string req = "H";
  put<uint64_t>(req, params.ops);
  put<uint64_t>(req, params.mem_bytes);
  req.append(password);
  auto reply = exchange(req, slowest_hash(params));
  wipe(req);
  if (!reply) return crypto::hash_password(password, params);
  if (reply->size() > 1 && reply->front() == 'K') return reply->substr(1);
  if (reply->size() > 1 && reply->front() == 'E') {
    auto code = static_cast<unsigned char>((*reply)[1]);
    return make_error(code <= static_cast<unsigned char>(Errc::kInternal) ? static_cast<Errc>(code)
                                                                          : Errc::kInternal,
                      reply->substr(2));
  }
  return make_error(Errc::kInternal, "malformed reply from a password hashing helper");
}

bool HashProcesses::verify(std::string_view encoded, std::string_view password) {
  if (password.size() > crypto::kMaxPasswordBytes || encoded.size() > kMaxEncoded) {
    return crypto::verify_password(encoded, password);
  }
  std::string req = "V";
  put<uint32_t>(req, static_cast<uint32_t>(encoded.size()));
  req.append(encoded);
  req.append(password);
  // A hash that does not say its parameters gets no allowance beyond stuck_after.
  auto reply = exchange(req, slowest_hash(crypto::encoded_params(encoded).value_or(
                                 crypto::Argon2Params{.ops = 0, .mem_bytes = 0})));
  wipe(req);
  if (!reply) return crypto::verify_password(encoded, password);
  return *reply == "T";
}

auth::PasswordHasher::Backend HashProcesses::backend() {
  return {[this](std::string_view pw, const crypto::Argon2Params& p) { return hash(pw, p); },
          [this](std::string_view encoded, std::string_view pw) { return verify(encoded, pw); }};
}

std::vector<pid_t> HashProcesses::pids() const {
  std::lock_guard lock(mu_);
  std::vector<pid_t> out;
  for (const auto& h : helpers_) out.push_back(h.pid);
  return out;
}

}  // namespace gatehouse::hashing
