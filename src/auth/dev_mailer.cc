#include "auth/dev_mailer.h"

#include <iostream>

#include <boost/json.hpp>

namespace gatehouse::auth {

DevMailer::DevMailer(size_t capacity, Clock clock, std::function<void(const std::string&)> log)
    : capacity_(capacity == 0 ? 1 : capacity), clock_(std::move(clock)), log_(std::move(log)) {
  if (!log_) log_ = [](const std::string& line) { std::cerr << line << "\n"; };
}

Status DevMailer::send(const MailMessage& m) {
  const int64_t now = clock_();
  boost::json::object line{{"level", "info"}, {"event", "mail.dev"},  {"time", now},
                           {"to", m.to},      {"subject", m.subject}, {"text", m.text}};
  log_(boost::json::serialize(line));
  std::lock_guard lock(mu_);
  sent_.push_back(Sent{now, m});
  while (sent_.size() > capacity_) sent_.pop_front();
  return ok_status();
}

std::vector<DevMailer::Sent> DevMailer::messages() const {
  std::lock_guard lock(mu_);
  return {sent_.rbegin(), sent_.rend()};
}

}  // namespace gatehouse::auth
