// SmtpMailer: delivers mail through an SMTP server with libcurl — plain, STARTTLS
// (required once asked for) or implicit TLS (smtps), optional AUTH with a user and
// password. Each message goes as multipart/alternative (text + HTML, UTF-8). A failed
// attempt is retried once more at most (`attempts`, default 2), then logged as one JSON
// line ("event":"mail.failed": the masked recipient and curl's error, never the message or
// the password) and returned as kDeliveryFailed. Blocking; thread-safe.
//
// Connections are kept: after a message its curl handle, with the SMTP session still open,
// waits in a small idle list for the next send (at most kMaxIdle handles, each at most
// kIdleSeconds), so a relay sees one connection — and with TLS one handshake — per burst of
// mail instead of one per message. A kept connection the relay has closed meanwhile costs
// one extra try on a new connection, which is neither counted as an attempt nor logged.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "auth/mailer.h"

namespace gatehouse::auth {

struct SmtpConfig {
  std::string host;
  int port = 587;
  std::string tls = "starttls";  // starttls | tls | none
  std::string user;              // empty: no AUTH
  std::string password;
  std::string from;              // the From address
  int64_t timeout_seconds = 15;  // per attempt
  int attempts = 2;
};

class SmtpMailer final : public Mailer {
 public:
  static constexpr size_t kMaxIdle = 4;
  static constexpr int64_t kIdleSeconds = 30;

  // `log` receives failure lines (default: standard error).
  explicit SmtpMailer(SmtpConfig config, std::function<void(const std::string&)> log = nullptr);
  ~SmtpMailer() override;  // closes the kept connections (QUIT)
  SmtpMailer(const SmtpMailer&) = delete;
  SmtpMailer& operator=(const SmtpMailer&) = delete;

  Status send(const MailMessage& message) override;

 private:
  struct Handle;                       // a curl easy handle and when it went idle (smtp_mailer.cc)
  static void free_handle(Handle* h);  // closes its connection (QUIT) first
  using HandlePtr = std::unique_ptr<Handle, void (*)(Handle*)>;

  // With `reuse`, the last idle handle if it is young enough; otherwise (and then every
  // idle handle is closed) a new one. Null if curl cannot make one.
  HandlePtr take(bool reuse, bool* reused);
  void give_back(HandlePtr h);
  // One attempt on `h`; "" on success, else curl's error text.
  std::string attempt(Handle& h, const std::string& payload, const std::string& to) const;

  SmtpConfig config_;
  std::function<void(const std::string&)> log_;
  std::mutex mu_;
  std::vector<HandlePtr> idle_;  // guarded by mu_; the most recently used last
};

// The message as SMTP DATA: headers, a multipart/alternative body, CRLF line ends.
std::string smtp_payload(const std::string& from, const MailMessage& message, int64_t now);

}  // namespace gatehouse::auth
