// gatehouse::http::WorkerPool — the threads that run handlers off the I/O threads.
//
// For work that may block or burn CPU (password hashing, database calls): routes not
// marked inline_on_io run here, so the event loop keeps serving. Worker threads run at a
// lower priority than the I/O threads (nice, per thread, Linux): when Argon2id keeps every
// core busy, the scheduler still gives the event loop the CPU it asks for, so protected
// endpoints stay fast while sign-ins queue.
//
//   WorkerPool workers(2, /*nice=*/10);
//   Response res = co_await workers.run([&] { return handler(req); });  // in a coroutine
//   workers.join();  // at stop: waits for the queued work
#pragma once

#include <exception>
#include <type_traits>
#include <utility>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/associated_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/execution/outstanding_work.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/prefer.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace gatehouse::http {

class WorkerPool {
 public:
  // Starts max(1, threads) threads; returns once each has lowered its priority to `nice`
  // (<= 0 keeps the I/O threads' priority).
  WorkerPool(int threads, int nice);
  ~WorkerPool();  // joins
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  // Runs fn on a worker and resumes the awaiting coroutine on its own executor (the
  // connection's) as soon as fn returns; an exception from fn is rethrown there.
  // asio::co_spawn(pool, …) would first post its completion back to the pool, behind every
  // task queued there: with 256 sign-ins waiting, the finished ones' responses all left
  // together when the queue ran dry.
  template <typename Fn, typename R = std::invoke_result_t<Fn&>>
  boost::asio::awaitable<R> run(Fn fn);

  // Waits until the queued work is done and the threads have ended (idempotent).
  void join();

 private:
  boost::asio::thread_pool pool_;
};

template <typename Fn, typename R>
boost::asio::awaitable<R> WorkerPool::run(Fn fn) {
  namespace asio = boost::asio;
  return asio::async_initiate<const asio::use_awaitable_t<>, void(std::exception_ptr, R)>(
      [this](auto handler, Fn fn) {
        auto resume = asio::prefer(asio::get_associated_executor(handler),
                                   asio::execution::outstanding_work.tracked);
        asio::post(pool_, [fn = std::move(fn), handler = std::move(handler),
                           resume = std::move(resume)]() mutable {
          std::exception_ptr error;
          R res{};
          try {
            res = fn();
          } catch (...) {
            error = std::current_exception();
          }
          asio::post(resume, [handler = std::move(handler), error, res = std::move(res)]() mutable {
            std::move(handler)(error, std::move(res));
          });
        });
      },
      asio::use_awaitable, std::move(fn));
}

}  // namespace gatehouse::http
