#include "auth/mailer.h"

namespace gatehouse::auth {

namespace {

std::string minutes(int64_t seconds) {
  int64_t m = (seconds + 59) / 60;
  return std::to_string(m) + (m == 1 ? " minute" : " minutes");
}

std::string page(const std::string& product, const std::string& body) {
  return "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>" + html_escape(product) +
         "</title></head>\n<body style=\"font-family:sans-serif\">\n" + body + "\n</body></html>\n";
}

}  // namespace

std::string html_escape(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

MailMessage code_mail(const std::string& product, const std::string& to, const std::string& code,
                      int64_t ttl_seconds) {
  MailMessage m;
  m.to = to;
  m.subject = "Your " + product + " code";
  m.text = "Your " + product + " sign-in code is: " + code + "\n\nIt expires in " +
           minutes(ttl_seconds) +
           " and works once. If you did not ask for it, ignore this message.\n";
  m.html =
      page(product, "<p>Your " + html_escape(product) +
                        " sign-in code is:</p>\n<p style=\"font-size:28px;letter-spacing:4px\">"
                        "<b>" +
                        html_escape(code) + "</b></p>\n<p>It expires in " + minutes(ttl_seconds) +
                        " and works once. If you did not ask for it, ignore this "
                        "message.</p>");
  return m;
}

MailMessage link_mail(const std::string& product, const std::string& to, const std::string& link,
                      int64_t ttl_seconds) {
  MailMessage m;
  m.to = to;
  m.subject = "Sign in to " + product;
  m.text = "Open this link to sign in to " + product + ":\n\n" + link + "\n\nIt expires in " +
           minutes(ttl_seconds) +
           " and works once. If you did not ask for it, ignore this message.\n";
  m.html =
      page(product, "<p><a href=\"" + html_escape(link) + "\">Sign in to " + html_escape(product) +
                        "</a></p>\n<p>It expires in " + minutes(ttl_seconds) +
                        " and works once. If you did not ask for it, ignore this "
                        "message.</p>");
  return m;
}

MailMessage reset_mail(const std::string& product, const std::string& to, const std::string& link,
                       int64_t ttl_seconds) {
  MailMessage m;
  m.to = to;
  m.subject = "Reset your " + product + " password";
  m.text = "Open this link to choose a new password for " + product + ":\n\n" + link +
           "\n\nIt expires in " + minutes(ttl_seconds) +
           " and works once. If you did not ask for it, ignore this message: your password "
           "stays as it is.\n";
  m.html = page(product, "<p><a href=\"" + html_escape(link) + "\">Choose a new " +
                             html_escape(product) + " password</a></p>\n<p>It expires in " +
                             minutes(ttl_seconds) +
                             " and works once. If you did not ask for it, ignore this message: "
                             "your password stays as it is.</p>");
  return m;
}

std::string mask_email(const std::string& email) {
  auto at = email.find('@');
  if (at == std::string::npos || at == 0) return "***";
  std::string local = email.substr(0, at);
  std::string domain = email.substr(at + 1);
  auto dot = domain.rfind('.');
  std::string out = local.substr(0, 1) + "***@";
  if (dot == std::string::npos || dot == 0) return out + "***";
  return out + domain.substr(0, 1) + "***" + domain.substr(dot);
}

}  // namespace gatehouse::auth
