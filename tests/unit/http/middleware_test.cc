#include "http/middleware.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace gatehouse::http {
namespace {

using ::testing::ElementsAre;

// Records every hook it sees; answers on_request with `answer` when set.
class Recorder : public Middleware {
 public:
  Recorder(std::string name, std::vector<std::string>& calls, int answer = 0)
      : name_(std::move(name)), calls_(calls), answer_(answer) {}

  std::optional<Response> on_request(Request&) override {
    calls_.push_back(name_ + ".request");
    if (answer_ == 0) return std::nullopt;
    Response r;
    r.status = answer_;
    return r;
  }
  void on_response(Request&, Response& res, HeaderLines& head) override {
    calls_.push_back(name_ + ".response");
    head.add("X-" + name_, std::to_string(res.status));
  }
  void on_complete(const Request&, const Completion& done) override {
    calls_.push_back(name_ + ".complete:" + std::to_string(done.status));
  }

 private:
  std::string name_;
  std::vector<std::string>& calls_;
  int answer_;
};

// What the connection does with a request, minus the socket.
Response serve(const MiddlewareChain& chain, Request& req, std::string& head) {
  Response res;
  if (auto early = chain.on_request(req)) {
    res = std::move(*early);
  } else {
    res.status = 200;  // "the handler"
  }
  HeaderLines lines(head);
  chain.on_response(req, res, lines);
  chain.on_complete(req, {res.status, std::chrono::microseconds(5)});
  return res;
}

TEST(MiddlewareChain, RequestsRunInOrderResponsesAndCompletionsInReverse) {
  std::vector<std::string> calls;
  MiddlewareChain chain;
  chain.add(std::make_unique<Recorder>("a", calls));
  chain.add(std::make_unique<Recorder>("b", calls));
  chain.add(std::make_unique<Recorder>("c", calls));
  Request req;
  std::string head;
  EXPECT_EQ(serve(chain, req, head).status, 200);
  EXPECT_THAT(calls,
              ElementsAre("a.request", "b.request", "c.request", "c.response", "b.response",
                          "a.response", "c.complete:200", "b.complete:200", "a.complete:200"));
  EXPECT_EQ(head, "X-c: 200\r\nX-b: 200\r\nX-a: 200\r\n");
}

TEST(MiddlewareChain, AnEarlyAnswerSkipsLaterMiddlewareAndTheHandlerButNotTheResponseHooks) {
  std::vector<std::string> calls;
  MiddlewareChain chain;
  chain.add(std::make_unique<Recorder>("a", calls));
  chain.add(std::make_unique<Recorder>("limit", calls, 429));
  chain.add(std::make_unique<Recorder>("c", calls));
  Request req;
  std::string head;
  EXPECT_EQ(serve(chain, req, head).status, 429);
  EXPECT_THAT(
      calls, ElementsAre("a.request", "limit.request", "c.response", "limit.response", "a.response",
                         "c.complete:429", "limit.complete:429", "a.complete:429"));
}

TEST(MiddlewareChain, EmptyChainAnswersNothing) {
  MiddlewareChain chain;
  Request req;
  EXPECT_FALSE(chain.on_request(req).has_value());
}

TEST(MiddlewareChain, BaseHooksDoNothing) {
  Middleware m;
  Request req;
  Response res;
  std::string head;
  HeaderLines lines(head);
  EXPECT_FALSE(m.on_request(req).has_value());
  m.on_response(req, res, lines);
  m.on_complete(req, {200, {}});
  EXPECT_EQ(head, "");
  EXPECT_TRUE(res.headers.empty());
}

TEST(HeaderLines, AppendsLinesAndNeutralizesLineBreaks) {
  std::string head = "HTTP/1.1 200 OK\r\n";
  HeaderLines lines(head);
  lines.add("X-One", "1");
  lines.add("X-Evil", "a\r\nSet-Cookie: x=1");
  EXPECT_EQ(head, "HTTP/1.1 200 OK\r\nX-One: 1\r\nX-Evil: a  Set-Cookie: x=1\r\n");
}

}  // namespace
}  // namespace gatehouse::http
