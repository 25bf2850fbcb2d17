// SmtpMailer: delivers mail through an SMTP server with libcurl — plain, STARTTLS
// (required once asked for) or implicit TLS (smtps), optional AUTH with a user and
// password. Each message goes as multipart/alternative (text + HTML, UTF-8). A failed
// attempt is retried once more at most (`attempts`, default 2), then logged as one JSON
// line ("event":"mail.failed": the masked recipient and curl's error, never the message or
// the password) and returned as kDeliveryFailed. Blocking; thread-safe (one curl handle
// per send).
#pragma once

#include <cstdint>
#include <functional>
#include <string>

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
  // `log` receives failure lines (default: standard error).
  explicit SmtpMailer(SmtpConfig config, std::function<void(const std::string&)> log = nullptr);
  Status send(const MailMessage& message) override;

 private:
  // One attempt; "" on success, else curl's error text.
  std::string attempt(const std::string& payload, const std::string& to) const;

  SmtpConfig config_;
  std::function<void(const std::string&)> log_;
};

// The message as SMTP DATA: headers, a multipart/alternative body, CRLF line ends.
std::string smtp_payload(const std::string& from, const MailMessage& message, int64_t now);

}  // namespace gatehouse::auth
