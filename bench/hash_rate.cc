// gh_hash_rate: the raw Argon2id rate the sign-in benchmark compares against, and the
// floor below it that Descope's wire format sets.
//
//   gh_hash_rate --processes 2 --seconds 3 --memory-kib 19456 --iterations 2 --signs 2
//   {"processes":2,"threads":1,"signs":2,"seconds":3.01,"hashes":445,"rate":147.8}
//
// Each of `--threads` threads in each of `--processes` processes runs
// crypto::verify_password (libsodium's crypto_pwhash_str_verify, the call a sign-in
// makes) in a loop; with --signs N it also signs N session-sized RS256 JWTs after every
// hash, as a sign-in must (session and refresh token). Nothing else: no HTTP, no
// database. `--processes N --threads 1` is how the server hashes by default (one helper
// process per hashing slot, --hash-in processes); `--threads N` is --hash-in threads.
// bench/harness.py runs it just before and after each sign-in run.
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "bench_tokens.h"
#include "gatehouse/crypto/password.h"
#include "gatehouse/jose/jwt.h"

namespace {

struct Options {
  int threads = 1;
  int processes = 1;
  double seconds = 3;
  long memory_kib = 19 * 1024;
  long iterations = 2;
  int signs = 0;
};

bool parse_number(std::string_view s, double* out) {
  try {
    std::size_t used = 0;
    *out = std::stod(std::string(s), &used);
    return used == s.size();
  } catch (...) {
    return false;
  }
}

int usage(const char* why) {
  std::fprintf(stderr,
               "gh_hash_rate: %s\nusage: gh_hash_rate [--processes N] [--threads N] [--seconds S] "
               "[--memory-kib K] [--iterations T] [--signs N]\n",
               why);
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    std::string_view flag = argv[i];
    if (i + 1 >= argc) return usage("every flag takes a value");
    double v = 0;
    if (!parse_number(argv[++i], &v) || v < 0) return usage("values are non-negative numbers");
    if (flag == "--threads") {
      o.threads = static_cast<int>(v);
    } else if (flag == "--processes") {
      o.processes = static_cast<int>(v);
    } else if (flag == "--seconds") {
      o.seconds = v;
    } else if (flag == "--memory-kib") {
      o.memory_kib = static_cast<long>(v);
    } else if (flag == "--iterations") {
      o.iterations = static_cast<long>(v);
    } else if (flag == "--signs") {
      o.signs = static_cast<int>(v);
    } else {
      return usage("unknown flag");
    }
  }
  if (o.threads < 1 || o.threads > 256) return usage("--threads is 1..256");
  if (o.processes < 1 || o.processes > 256) return usage("--processes is 1..256");

  const gatehouse::crypto::Argon2Params params{
      .ops = static_cast<uint64_t>(o.iterations),
      .mem_bytes = static_cast<size_t>(o.memory_kib) * 1024};
  const std::string password = "Bench-password-1";
  auto encoded = gatehouse::crypto::hash_password(password, params);
  if (!encoded) return usage(encoded.error().message.c_str());
  const auto& f = gatehouse::bench::fixture();  // the RSA key, made before the clock starts

  const auto start = std::chrono::steady_clock::now();
  const auto end = start + std::chrono::duration<double>(o.seconds);
  // Hashes of one process's threads, or -1 if a verification or signature failed.
  auto run = [&]() -> long {
    std::atomic<bool> failed{false};
    std::vector<long> counts(o.threads, 0);
    std::vector<std::thread> threads;
    for (int t = 0; t < o.threads; ++t) {
      threads.emplace_back([&, t] {
        while (std::chrono::steady_clock::now() < end) {
          if (!gatehouse::crypto::verify_password(*encoded, password)) failed = true;
          for (int s = 0; s < o.signs; ++s) {
            if (gatehouse::jose::sign_jwt(f.key, f.claims).empty()) failed = true;
          }
          ++counts[t];
        }
      });
    }
    for (auto& th : threads) th.join();
    long hashes = 0;
    for (long c : counts) hashes += c;
    return failed ? -1 : hashes;
  };

  long hashes = 0;
  bool failed = false;
  if (o.processes == 1) {
    hashes = run();
    failed = hashes < 0;
  } else {
    // Forked before any thread exists; each child reports its count through a pipe
    // (steady_clock is one clock for all processes, so they share `end`).
    int fds[2];
    if (::pipe(fds) != 0) return usage("pipe failed");
    std::vector<pid_t> children;
    for (int p = 0; p < o.processes; ++p) {
      pid_t pid = ::fork();
      if (pid < 0) return usage("fork failed");
      if (pid == 0) {
        long n = run();
        ::_exit(::write(fds[1], &n, sizeof n) == sizeof n ? 0 : 1);
      }
      children.push_back(pid);
    }
    ::close(fds[1]);
    for (pid_t pid : children) {
      long n = -1;
      int status = 0;
      if (::read(fds[0], &n, sizeof n) != sizeof n || n < 0) failed = true;
      hashes += n > 0 ? n : 0;
      ::waitpid(pid, &status, 0);
      if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) failed = true;
    }
  }
  const double elapsed =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (failed) {
    std::fprintf(stderr, "gh_hash_rate: a verification or signature failed\n");
    return 1;
  }
  std::printf(
      "{\"processes\":%d,\"threads\":%d,\"signs\":%d,\"seconds\":%.3f,\"hashes\":%ld,"
      "\"rate\":%.2f}\n",
      o.processes, o.threads, o.signs, elapsed, hashes, hashes / elapsed);
  return 0;
}
