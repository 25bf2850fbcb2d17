// Mailer: how the domain sends a message to a person (one-time codes, magic links).
//
// Two engines: DevMailer (dev_mailer.h) writes each message to the server log and keeps
// the last ones in memory for the console's dev mailbox — for a machine without a mail
// server; SmtpMailer (smtp_mailer.h) delivers through an SMTP server with libcurl.
// send() blocks (network, retries): call it from a worker thread, never an I/O thread.
// A message that could not be sent is kDeliveryFailed, for the caller to report.
//
//   MailMessage m = code_mail("Gatehouse", "ann@example.com", "123456", 300);
//   if (auto st = mailer.send(m); !st) return st.error();   // 503 "Could not send"
#pragma once

#include <cstdint>
#include <string>

#include "gatehouse/result.h"

namespace gatehouse::auth {

struct MailMessage {
  std::string to;
  std::string subject;
  std::string text;  // the plain-text part
  std::string html;  // the HTML part
};

class Mailer {
 public:
  virtual ~Mailer() = default;
  virtual Status send(const MailMessage& message) = 0;
};

// A sign-in code: "<code> is your <product> code", valid `ttl_seconds`.
MailMessage code_mail(const std::string& product, const std::string& to, const std::string& code,
                      int64_t ttl_seconds);
// A sign-in link, valid `ttl_seconds`.
MailMessage link_mail(const std::string& product, const std::string& to, const std::string& link,
                      int64_t ttl_seconds);

// A password-reset link, valid `ttl_seconds`: following it signs the person in so they can
// choose a new password.
MailMessage reset_mail(const std::string& product, const std::string& to, const std::string& link,
                       int64_t ttl_seconds);

// "a***@e***.com": enough for a person to recognise their address, as Descope's
// maskedEmail.
std::string mask_email(const std::string& email);

// Text safe inside HTML element content and attribute values.
std::string html_escape(const std::string& text);

}  // namespace gatehouse::auth
