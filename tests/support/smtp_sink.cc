#include "support/smtp_sink.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <thread>

extern char** environ;

namespace gatehouse::test {

namespace fs = std::filesystem;

namespace {

std::string read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// The address in the X-Envelope-To line the sink writes first.
std::string envelope_to(const std::string& mail) {
  const std::string key = "X-Envelope-To: ";
  if (!mail.starts_with(key)) return "";
  auto end = mail.find("\r\n");
  return mail.substr(key.size(), end - key.size());
}

}  // namespace

SmtpSink::~SmtpSink() { stop(); }

bool SmtpSink::start() {
  const std::string out = (dir_.path() / "sink.out").string();
  const std::string mail = (dir_.path() / "mail").string();
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&fa, 1, out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  posix_spawn_file_actions_adddup2(&fa, 1, 2);
  std::vector<std::string> args = {"/usr/bin/python3", GH_SMTP_SINK, mail};
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  int rc = ::posix_spawn(&pid_, argv[0], &fa, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&fa);
  if (rc != 0) {
    pid_ = -1;
    error_ = "cannot start the SMTP sink (python3-aiosmtpd): " + std::to_string(rc);
    return false;
  }
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (std::chrono::steady_clock::now() < deadline) {
    std::string text = read_file(out);
    std::smatch m;
    if (std::regex_search(text, m, std::regex("PORT ([0-9]+)\n"))) {
      port_ = std::stoi(m[1].str());
      return true;
    }
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      error_ = "the SMTP sink exited: " + text;
      return false;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  error_ = "the SMTP sink did not start in 10 s: " + read_file(out);
  stop();
  return false;
}

void SmtpSink::stop() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGTERM);
  int status = 0;
  for (int i = 0; i < 250; ++i) {
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      return;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  ::kill(pid_, SIGKILL);
  ::waitpid(pid_, &status, 0);
  pid_ = -1;
}

std::vector<std::string> SmtpSink::messages() const {
  std::vector<std::pair<int, std::string>> numbered;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir_.path() / "mail", ec)) {
    const std::string name = e.path().filename().string();
    if (!name.ends_with(".eml")) continue;
    numbered.emplace_back(std::stoi(name), read_file(e.path()));
  }
  std::sort(numbered.begin(), numbered.end());
  std::vector<std::string> out;
  for (auto& [n, text] : numbered) out.push_back(std::move(text));
  return out;
}

size_t SmtpSink::count_to(const std::string& to) const {
  auto all = messages();
  return static_cast<size_t>(
      std::count_if(all.begin(), all.end(), [&](const auto& m) { return envelope_to(m) == to; }));
}

std::optional<std::string> SmtpSink::wait_for_mail(const std::string& to, size_t skip,
                                                   std::chrono::milliseconds timeout) const {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  do {
    size_t seen = 0;
    for (auto& m : messages()) {
      if (envelope_to(m) != to) continue;
      if (seen++ == skip) return m;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  } while (std::chrono::steady_clock::now() < deadline);
  return std::nullopt;
}

void SmtpSink::hold() { std::ofstream(dir_.path() / "mail" / "hold").put('\n'); }

void SmtpSink::release() {
  std::error_code ec;
  fs::remove(dir_.path() / "mail" / "hold", ec);
}

size_t SmtpSink::held() const {
  size_t n = 0;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir_.path() / "mail", ec)) {
    if (e.path().filename().string().starts_with(".held-")) ++n;
  }
  return n;
}

std::string code_in(const std::string& mail) {
  std::smatch m;
  if (std::regex_search(mail, m, std::regex("code is: ([0-9]{6})"))) return m[1].str();
  return "";
}

std::string link_in(const std::string& mail) {
  std::smatch m;
  if (std::regex_search(mail, m, std::regex("(https?://[^\\s\"<>]+[?&]t=[A-Za-z0-9_-]+)"))) {
    return m[1].str();
  }
  return "";
}

std::string token_in(const std::string& mail) {
  std::smatch m;
  const std::string link = link_in(mail);
  if (std::regex_search(link, m, std::regex("[?&]t=([A-Za-z0-9_-]+)"))) return m[1].str();
  return "";
}

}  // namespace gatehouse::test
