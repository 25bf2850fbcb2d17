#include "http/access_log.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <regex>
#include <string>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/json.hpp>

namespace gatehouse::http {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;

Request request(std::string method, std::string path) {
  Request req;
  req.method = std::move(method);
  req.target = path + "?token=secret-in-query";
  req.path = std::move(path);
  req.query = "token=secret-in-query";
  req.body = R"({"password":"secret-in-body"})";
  req.request_id = "8f3a2b1c-42";
  req.remote_ip = "127.0.0.1";
  return req;
}

TEST(AccessLog, OneJsonLinePerRequestWithFieldsInOrder) {
  std::vector<std::string> lines;
  LogSink sink([&](const std::string& l) { lines.push_back(l); });
  AccessLog log(sink);
  log.on_complete(request("GET", "/get_roles"), {200, std::chrono::microseconds(1234)});
  log.on_complete(request("POST", "/v1/auth/password/signin"),
                  {401, std::chrono::nanoseconds(2'500'999)});
  ASSERT_EQ(lines.size(), 2u);
  static const std::regex re(
      R"(\{"time":"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z","level":"info","msg":"request",)"
      R"("method":"GET","path":"/get_roles","status":200,"duration_us":1234,)"
      R"("request_id":"8f3a2b1c-42","remote":"127.0.0.1"\})");
  EXPECT_TRUE(std::regex_match(lines[0], re)) << lines[0];
  EXPECT_THAT(lines[1], HasSubstr(R"("method":"POST","path":"/v1/auth/password/signin",)"
                                  R"("status":401,"duration_us":2500,)"));
  for (const auto& l : lines) {
    EXPECT_THAT(l, Not(HasSubstr("secret"))) << "query strings and bodies are never logged";
  }
}

TEST(AccessLog, StringsAreEscapedAsBoostJsonWould) {
  std::vector<std::string> lines;
  LogSink sink([&](const std::string& l) { lines.push_back(l); });
  AccessLog log(sink);
  auto req = request("?", std::string("/a\"b\\c\n\t\x01/\xc3\xa9") + "\x7f");
  req.request_id = "";
  req.remote_ip = "::1";
  log.on_complete(req, {400, std::chrono::microseconds(0)});
  ASSERT_EQ(lines.size(), 1u);
  auto parsed = boost::json::parse(lines[0]).as_object();
  boost::json::object expected{{"time", parsed.at("time")}, {"level", "info"},  {"msg", "request"},
                               {"method", req.method},      {"path", req.path}, {"status", 400},
                               {"duration_us", 0},          {"request_id", ""}, {"remote", "::1"}};
  EXPECT_EQ(lines[0], boost::json::serialize(expected));
}

TEST(LogSink, AGivenSinkGetsEveryLineAsItHappens) {
  std::vector<std::string> lines;
  LogSink sink([&](const std::string& l) { lines.push_back(l); });
  sink.line("one");
  sink.line("two", /*flush_now=*/true);
  sink.flush();
  EXPECT_THAT(lines, ElementsAre("one", "two"));
}

TEST(LogSink, StdoutIsBufferedUntilAnErrorLineOrFlush) {
  LogSink sink;
  ::testing::internal::CaptureStdout();
  sink.line("first");
  sink.line("second");
  EXPECT_EQ(::testing::internal::GetCapturedStdout(), "");
  ::testing::internal::CaptureStdout();
  sink.line("third", /*flush_now=*/true);
  sink.line("fourth");
  EXPECT_EQ(::testing::internal::GetCapturedStdout(), "first\nsecond\nthird\n");
  ::testing::internal::CaptureStdout();
  sink.flush();
  EXPECT_EQ(::testing::internal::GetCapturedStdout(), "fourth\n");
}

TEST(LogSink, StdoutIsFlushedByTheTimerWhileRunning) {
  // The loop outlives the sink, as in http::Server: the sink's timer belongs to the loop's
  // timer service, and destroying it after the loop was a use after free (ASan).
  boost::asio::io_context ioc;
  LogSink sink;
  sink.start(ioc);
  ::testing::internal::CaptureStdout();
  sink.line("buffered");
  ioc.run_for(LogSink::kFlushInterval * 3);
  sink.stop();
  ioc.run();  // the timer coroutine ends
  EXPECT_EQ(::testing::internal::GetCapturedStdout(), "buffered\n");
}

}  // namespace
}  // namespace gatehouse::http
