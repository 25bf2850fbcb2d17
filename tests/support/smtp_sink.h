// A real SMTP server for suites that read the mail the server sends: Debian's
// python3-aiosmtpd (tests/support/smtp_sink.py) in a child process on a free port, each
// message a file. Tests read codes and links from the mail itself, as a person would.
//
//   gatehouse::test::SmtpSink sink;
//   ASSERT_TRUE(sink.start()) << sink.error();
//   ServerProcess server({"--smtp-host", "127.0.0.1", "--smtp-port",
//                         std::to_string(sink.port()), "--smtp-tls", "none"});
//   ...
//   std::optional<std::string> mail = sink.wait_for_mail("ann@example.com");
#pragma once

#include <sys/types.h>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "support/temp_dir.h"

namespace gatehouse::test {

class SmtpSink {
 public:
  SmtpSink() = default;
  ~SmtpSink();  // stops it
  SmtpSink(const SmtpSink&) = delete;
  SmtpSink& operator=(const SmtpSink&) = delete;

  // Spawns the sink and waits (10 s) until it listens.
  bool start();
  void stop();
  int port() const { return port_; }
  const std::string& error() const { return error_; }

  // Every message received so far (the raw text, headers included), oldest first.
  std::vector<std::string> messages() const;
  // The first message to `to` received after the `skip`-th one to it (0: the first),
  // waiting up to `timeout`.
  std::optional<std::string> wait_for_mail(
      const std::string& to, size_t skip = 0,
      std::chrono::milliseconds timeout = std::chrono::seconds(10)) const;
  // How many messages went to `to`.
  size_t count_to(const std::string& to) const;

  // A stalled relay: from hold() until release(), each message is held unanswered (the
  // sender waits in DATA); held() counts those waiting now.
  void hold();
  void release();
  size_t held() const;

 private:
  gatehouse::testing::TempDir dir_;
  pid_t pid_ = -1;
  int port_ = 0;
  std::string error_;
};

// The 6-digit code in a mail ("" when there is none), and the `t` parameter of the link
// in it.
std::string code_in(const std::string& mail);
std::string link_in(const std::string& mail);
std::string token_in(const std::string& mail);

}  // namespace gatehouse::test
