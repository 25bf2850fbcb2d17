// DevMailer: the mail engine for a machine without a mail server (`make run`). Each
// message is written to the server log as one JSON line ("event":"mail.dev", with its
// text, so the code or link is right there) and kept in memory, the newest `capacity`
// of them, for the dev mailbox (GET /v1/mgmt/dev/mailbox, admins only). It shows
// secrets on purpose: never use it where real people sign in (docs/security.md).
// Thread-safe.
#pragma once

#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <vector>

#include "auth/mailer.h"
#include "gatehouse/clock.h"

namespace gatehouse::auth {

class DevMailer final : public Mailer {
 public:
  struct Sent {
    int64_t at = 0;
    MailMessage message;
  };
  // `log` receives each JSON line (default: standard error, the server log).
  explicit DevMailer(size_t capacity = 50, Clock clock = system_clock(),
                     std::function<void(const std::string&)> log = nullptr);

  Status send(const MailMessage& message) override;
  // Newest first.
  std::vector<Sent> messages() const;

 private:
  const size_t capacity_;
  Clock clock_;
  std::function<void(const std::string&)> log_;
  mutable std::mutex mu_;
  std::deque<Sent> sent_;  // oldest first
};

}  // namespace gatehouse::auth
