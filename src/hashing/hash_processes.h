// HashProcesses: Argon2id computed in helper processes, one hash at a time each.
//
// libsodium maps, fills and unmaps the Argon2 memory (19 MiB by default) for every hash.
// Within one process those mappings serialise on the kernel's lock of the address
// space: two hashing threads wait on each other, and the server's other threads wait
// with them whenever they touch new memory. Each helper has an address space of its
// own; here two helpers hash about 15 % more per second than two threads of one process
// (bench/README.md, "Hashing in helper processes").
//
// A helper is the server binary run again with the hidden command `__hash-helper`. It
// serves requests on a SOCK_SEQPACKET socket at fd 3 and exits when the server closes
// its end (also when the server dies). Passwords cross that socket and nothing else.
// If a helper cannot be reached (killed, out of memory) or does not answer in time
// (stopped), the call is computed in this process and the helper is replaced for the next
// one: a sign-in never fails or hangs for it.
//
//   auto helpers = HashProcesses::start("/proc/self/exe", /*count=*/2, /*nice=*/10);
//   auth::PasswordHasher hasher(config, 2, (*helpers)->backend());
#pragma once

#include <sys/types.h>

#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "auth/password_hasher.h"
#include "gatehouse/crypto/password.h"
#include "gatehouse/result.h"

namespace gatehouse::hashing {

struct HashProcessOptions {
  // Hears about helpers that had to be replaced (default: a JSON line on stderr).
  std::function<void(const std::string&)> on_error;
  // A helper that has not answered this long after a hash would have ended at 16 MiB per
  // second and pass (hundreds of times slower than Argon2id runs here) is presumed stuck.
  std::chrono::milliseconds stuck_after = std::chrono::seconds(60);
};

class HashProcesses {
 public:
  // Starts `count` helpers (1..auth::PasswordHasher::kMaxConcurrency) by running `executable`
  // with `__hash-helper <nice>`; each sets its own nice value (0 keeps the caller's).
  static Result<std::unique_ptr<HashProcesses>> start(std::string executable, int count, int nice,
                                                      HashProcessOptions options = {});

  // Closes every helper's socket and waits for it to exit.
  ~HashProcesses();
  HashProcesses(const HashProcesses&) = delete;
  HashProcesses& operator=(const HashProcesses&) = delete;

  // crypto::hash_password and crypto::verify_password, computed by a helper. Waits for
  // an idle helper when all `count` are busy.
  Result<std::string> hash(std::string_view password, const crypto::Argon2Params& params);
  bool verify(std::string_view encoded, std::string_view password);

  // The two calls above, for PasswordHasher. This object must outlive the hasher.
  auth::PasswordHasher::Backend backend();

  // Process ids of the helpers (-1 for one that could not be restarted yet).
  std::vector<pid_t> pids() const;

 private:
  struct Helper {
    pid_t pid = -1;
    int fd = -1;
  };
  class Lease;

  HashProcesses(std::string executable, int nice, HashProcessOptions options);
  Result<Helper> spawn() const;  // launch, then await_ready
  Result<Helper> launch() const;
  Status await_ready(Helper& h) const;  // stops `h` if it does not say it is ready
  Error start_error(const std::string& what) const;
  static void stop(Helper& h);
  // Sends `request` to a helper and returns its reply; on failure, or no reply within
  // stuck_after + `work`, the helper is replaced and the result is nullopt, so the caller
  // computes in-process.
  std::optional<std::string> exchange(const std::string& request, std::chrono::milliseconds work);

  std::string executable_;
  std::string argv0_;  // what `ps` shows
  int nice_;
  HashProcessOptions options_;
  mutable std::mutex mu_;
  std::condition_variable idle_cv_;
  std::vector<Helper> helpers_;  // all of them, by slot
  std::deque<size_t> idle_;      // slots not serving a request, longest idle first
};

// The helper's side: `gatehouse __hash-helper <nice>` runs this with the words after the
// command. Serves requests on its socket until the server closes its end; returns the
// process exit code.
inline constexpr const char* kHashHelperCommand = "__hash-helper";
int hash_helper_main(const std::vector<std::string>& args);

}  // namespace gatehouse::hashing
