#pragma once
// post_handler: boost::asio::post to a type-erased executor, by the executor's own type when it is
// an io_context's executor: on the sim network a handler's executor is the io_context's plain one
// (net::SerialExecutor has no strands there), or the work-tracking one a Beast operation's work
// guard holds. Through any_io_executor a post first re-wraps the executor (prefer: a copy of the
// type-erased object) and then wraps the function once more before the io_context queues it; the
// deterministic engine posts a handler for every segment and timer, so those two steps were a
// measurable part of a sim run. The order handlers run in is the same either way.
#include <utility>  // before Asio under C++20 (docs/design.md)

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/prefer.hpp>

namespace bg::core {

template <class F>
void post_handler(const boost::asio::any_io_executor& executor, F&& f) {
  using Plain = boost::asio::io_context::executor_type;
  using Tracked =
      decltype(boost::asio::prefer(std::declval<Plain>(), boost::asio::execution::outstanding_work.tracked));
  if (const auto* io = executor.target<Plain>())
    boost::asio::post(*io, std::forward<F>(f));
  else if (const auto* tracked = executor.target<Tracked>())
    boost::asio::post(*tracked, std::forward<F>(f));
  else
    boost::asio::post(executor, std::forward<F>(f));
}

}  // namespace bg::core
