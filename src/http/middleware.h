// gatehouse::http::Middleware / MiddlewareChain — the seam for cross-cutting concerns.
//
// A middleware sees every request the server answers, at three points, all on the
// connection's I/O thread (with several I/O threads, from several at once: keep them
// thread-safe and cheap, and never block):
//   on_request   before routing; may answer early (a CORS preflight, a 429), and then
//                neither later middleware nor the handler run;
//   on_response  every response before it is written — handlers', early answers and the
//                server's own transport errors (unreadable request, bad target), which
//                never passed on_request;
//   on_complete  after the response was written (or the write failed): status, duration.
// on_request runs in chain order, on_response and on_complete in reverse, for every
// middleware whatever answered. The server builds its chain in http/server.cc; what goes
// where is spelled out there. Use this for concerns every route shares (request ids, CORS,
// logs, metrics, rate limits); what one route needs belongs in its handler.
//
//   class Stamp : public Middleware {
//     void on_response(Request&, Response&, HeaderLines& head) override {
//       head.add("X-Served-By", "gatehouse");
//     }
//   };
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "http/message.h"

namespace gatehouse::http {

// Header lines added straight into the serialized response head, after the response's own
// headers: for headers every response gets, without an allocation per header (as
// Response::headers would). CR and LF in a value become spaces (no header injection).
class HeaderLines {
 public:
  explicit HeaderLines(std::string& out) : out_(out) {}
  void add(std::string_view name, std::string_view value);

 private:
  std::string& out_;
};

// How an exchange ended, for on_complete.
struct Completion {
  int status = 0;                                 // as written
  std::chrono::steady_clock::duration elapsed{};  // from the request read to the response written
};

class Middleware {
 public:
  virtual ~Middleware() = default;
  // Return a response to answer here, before routing.
  virtual std::optional<Response> on_request(Request& req);
  // Edit the response (`res`), or add header lines after its own (`head`). `req` may be
  // completed here: request_id is empty when the request never passed on_request.
  virtual void on_response(Request& req, Response& res, HeaderLines& head);
  virtual void on_complete(const Request& req, const Completion& done);
};

// The middleware in order; a virtual call per middleware and hook, nothing allocated.
class MiddlewareChain {
 public:
  Middleware& add(std::unique_ptr<Middleware> m) {
    items_.push_back(std::move(m));
    return *items_.back();
  }

  std::optional<Response> on_request(Request& req) const {
    for (const auto& m : items_) {
      if (auto answer = m->on_request(req)) return answer;
    }
    return std::nullopt;
  }
  void on_response(Request& req, Response& res, HeaderLines& head) const {
    for (auto it = items_.rbegin(); it != items_.rend(); ++it) (*it)->on_response(req, res, head);
  }
  void on_complete(const Request& req, const Completion& done) const {
    for (auto it = items_.rbegin(); it != items_.rend(); ++it) (*it)->on_complete(req, done);
  }

 private:
  std::vector<std::unique_ptr<Middleware>> items_;
};

}  // namespace gatehouse::http
