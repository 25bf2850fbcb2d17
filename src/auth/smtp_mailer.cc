#include "auth/smtp_mailer.h"

#include <curl/curl.h>

#include <chrono>
#include <cstring>
#include <iostream>
#include <memory>
#include <stdexcept>

#include <boost/json.hpp>

#include "gatehouse/clock.h"
#include "gatehouse/crypto/random.h"

namespace gatehouse::auth {

namespace {

// CR, LF and other controls out of a header value (no header injection through a name
// or an address).
std::string header_value(const std::string& v) {
  std::string out;
  for (char c : v) {
    if (static_cast<unsigned char>(c) >= 0x20 && c != 0x7f) out += c;
  }
  return out;
}

// LF → CRLF, lone CR dropped.
std::string crlf(const std::string& text) {
  std::string out;
  out.reserve(text.size() + text.size() / 40);
  for (char c : text) {
    if (c == '\r') continue;
    if (c == '\n') out += '\r';
    out += c;
  }
  return out;
}

// "=?UTF-8?B?…?=" when the subject is not plain ASCII.
std::string encode_subject(const std::string& s) {
  bool ascii = true;
  for (unsigned char c : s) ascii = ascii && c < 0x80;
  if (ascii) return s;
  static const char* k = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string b;
  size_t i = 0;
  for (; i + 2 < s.size(); i += 3) {
    uint32_t n =
        (uint32_t(uint8_t(s[i])) << 16) | (uint32_t(uint8_t(s[i + 1])) << 8) | uint8_t(s[i + 2]);
    b += k[(n >> 18) & 63];
    b += k[(n >> 12) & 63];
    b += k[(n >> 6) & 63];
    b += k[n & 63];
  }
  if (i < s.size()) {
    uint32_t n = uint32_t(uint8_t(s[i])) << 16;
    if (i + 1 < s.size()) n |= uint32_t(uint8_t(s[i + 1])) << 8;
    b += k[(n >> 18) & 63];
    b += k[(n >> 12) & 63];
    b += i + 1 < s.size() ? k[(n >> 6) & 63] : '=';
    b += '=';
  }
  return "=?UTF-8?B?" + b + "?=";
}

std::string masked(const std::string& to) { return mask_email(to); }

struct Reader {
  const std::string* data;
  size_t pos = 0;
};

size_t read_payload(char* buf, size_t size, size_t nmemb, void* userp) {
  auto* r = static_cast<Reader*>(userp);
  size_t room = size * nmemb;
  size_t n = std::min(room, r->data->size() - r->pos);
  std::memcpy(buf, r->data->data() + r->pos, n);
  r->pos += n;
  return n;
}

bool curl_ready() {
  // curl_global_init is not thread-safe in older libcurl: once, at first use (the
  // mailer is built at start-up, before any worker runs).
  static const bool ok = curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK;
  return ok;
}

}  // namespace

std::string smtp_payload(const std::string& from, const MailMessage& m, int64_t now) {
  const std::string boundary = "=_gatehouse_" + crypto::random_token(12);
  std::string domain = from.substr(from.find('@') == std::string::npos ? 0 : from.find('@') + 1);
  std::string out;
  out += "Date: " + format_utc(now, "%a, %d %b %Y %H:%M:%S +0000") + "\r\n";
  out += "From: " + header_value(from) + "\r\n";
  out += "To: " + header_value(m.to) + "\r\n";
  out += "Subject: " + encode_subject(header_value(m.subject)) + "\r\n";
  out += "Message-ID: <" + crypto::random_token(16) + "@" + header_value(domain) + ">\r\n";
  out += "MIME-Version: 1.0\r\n";
  out += "Content-Type: multipart/alternative; boundary=\"" + boundary + "\"\r\n";
  out += "\r\n";
  out += "--" + boundary + "\r\n";
  out += "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n";
  out += crlf(m.text) + "\r\n";
  out += "--" + boundary + "\r\n";
  out += "Content-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n";
  out += crlf(m.html) + "\r\n";
  out += "--" + boundary + "--\r\n";
  return out;
}

struct SmtpMailer::Handle {
  CURL* curl = nullptr;
  int64_t idle_since = 0;  // steady seconds
};

namespace {

int64_t steady_seconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

}  // namespace

SmtpMailer::SmtpMailer(SmtpConfig config, std::function<void(const std::string&)> log)
    : config_(std::move(config)), log_(std::move(log)) {
  if (!log_) log_ = [](const std::string& line) { std::cerr << line << "\n"; };
  if (!curl_ready()) throw std::runtime_error("curl_global_init failed");
  if (config_.attempts < 1) config_.attempts = 1;
}

SmtpMailer::~SmtpMailer() = default;

SmtpMailer::HandlePtr SmtpMailer::take(bool reuse, bool* reused) {
  *reused = false;
  std::vector<HandlePtr> stale;  // closed outside the lock: QUIT waits on the relay
  HandlePtr h(nullptr, &free_handle);
  {
    std::lock_guard lock(mu_);
    if (reuse && !idle_.empty() && steady_seconds() - idle_.back()->idle_since <= kIdleSeconds) {
      h = std::move(idle_.back());
      idle_.pop_back();
      *reused = true;
    } else {
      // Too old (the ones below the last are older still), or suspect after a kept
      // connection failed: all of them go.
      stale.swap(idle_);
    }
  }
  if (h) return h;
  CURL* curl = curl_easy_init();
  if (!curl) return h;
  h.reset(new Handle{curl, 0});
  return h;
}

void SmtpMailer::give_back(HandlePtr h) {
  h->idle_since = steady_seconds();
  std::lock_guard lock(mu_);
  if (idle_.size() < kMaxIdle) idle_.push_back(std::move(h));
  // else: freed here, which closes its connection
}

void SmtpMailer::free_handle(Handle* h) {
  if (h == nullptr) return;
  curl_easy_cleanup(h->curl);
  delete h;
}

std::string SmtpMailer::attempt(Handle& handle, const std::string& payload,
                                const std::string& to) const {
  CURL* h = handle.curl;
  const std::string scheme = config_.tls == "tls" ? "smtps://" : "smtp://";
  const std::string url = scheme + config_.host + ":" + std::to_string(config_.port) + "/gatehouse";
  curl_easy_setopt(h, CURLOPT_URL, url.c_str());
  if (config_.tls == "starttls") curl_easy_setopt(h, CURLOPT_USE_SSL, long{CURLUSESSL_ALL});
  if (!config_.user.empty()) {
    curl_easy_setopt(h, CURLOPT_USERNAME, config_.user.c_str());
    curl_easy_setopt(h, CURLOPT_PASSWORD, config_.password.c_str());
  }
  const std::string from = "<" + header_value(config_.from) + ">";
  curl_easy_setopt(h, CURLOPT_MAIL_FROM, from.c_str());
  const std::string rcpt_text = "<" + header_value(to) + ">";
  std::unique_ptr<curl_slist, decltype(&curl_slist_free_all)> rcpt(
      curl_slist_append(nullptr, rcpt_text.c_str()), &curl_slist_free_all);
  curl_easy_setopt(h, CURLOPT_MAIL_RCPT, rcpt.get());
  Reader reader{&payload};
  curl_easy_setopt(h, CURLOPT_READFUNCTION, &read_payload);
  curl_easy_setopt(h, CURLOPT_READDATA, &reader);
  curl_easy_setopt(h, CURLOPT_UPLOAD, 1L);
  curl_easy_setopt(h, CURLOPT_TIMEOUT, static_cast<long>(config_.timeout_seconds));
  curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, static_cast<long>(config_.timeout_seconds));
  curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
  char err[CURL_ERROR_SIZE] = {0};
  curl_easy_setopt(h, CURLOPT_ERRORBUFFER, err);
  CURLcode rc = curl_easy_perform(h);
  // The handle outlives this frame: nothing of it may point here any more.
  curl_easy_setopt(h, CURLOPT_ERRORBUFFER, nullptr);
  curl_easy_setopt(h, CURLOPT_READDATA, nullptr);
  curl_easy_setopt(h, CURLOPT_MAIL_RCPT, nullptr);
  if (rc == CURLE_OK) return "";
  return err[0] ? std::string(err) : std::string(curl_easy_strerror(rc));
}

Status SmtpMailer::send(const MailMessage& m) {
  const std::string payload = smtp_payload(config_.from, m, system_now());
  std::string error;
  for (int i = 1; i <= config_.attempts; ++i) {
    bool reused = false;
    HandlePtr h = take(true, &reused);
    if (!h) {
      error = "curl_easy_init failed";
    } else {
      error = attempt(*h, payload, m.to);
      if (!error.empty() && reused) {
        // Most likely the relay closed the kept connection; that is not a failed attempt.
        h = take(false, &reused);
        error = h ? attempt(*h, payload, m.to) : "curl_easy_init failed";
      }
      if (error.empty()) {
        give_back(std::move(h));
        return ok_status();
      }
    }
    log_(boost::json::serialize(boost::json::object{{"level", "warn"},
                                                    {"event", "mail.failed"},
                                                    {"to", masked(m.to)},
                                                    {"attempt", i},
                                                    {"of", config_.attempts},
                                                    {"error", error}}));
  }
  return make_error(Errc::kDeliveryFailed, "The message could not be sent; try again later");
}

}  // namespace gatehouse::auth
