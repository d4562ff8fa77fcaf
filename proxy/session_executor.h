#pragma once
// SessionExecutor is where one client session's handlers (and its upstream attempts') run: on a
// strand of its own when several threads run the io_context, so that two of them never run at once;
// straight on the io_context when the caller runs it on one thread (ServerState::one_thread, as
// nginx's worker is one event loop), where nothing can run concurrently anyway. Why the choice: the
// strand's queueing, locking and reference counting on every completion were a tenth of the proxy
// thread's instructions (callgrind, bg_proxy_bench).
#include <utility>  // before Asio under C++20 (design.md)

#include <optional>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/bind_executor.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>

namespace bg::proxy {

class SessionExecutor {
 public:
  using Executor = boost::asio::io_context::executor_type;
  // By its own type, not type-erased: through any_io_executor every completion copied and re-wrapped
  // the executor (prefer(), copy_shared).
  using Strand = boost::asio::strand<Executor>;

  SessionExecutor(boost::asio::io_context& io, bool one_thread) : io_(io.get_executor()) {
    if (!one_thread) strand_.emplace(boost::asio::make_strand(io));
  }

  // Starts an operation: `start(handler)`, the handler bound to the strand when there is one (the
  // sockets are on the io_context's plain executor, so unbound handlers run there).
  template <class Start, class Handler>
  void start(Start&& start, Handler&& handler) const {
    if (strand_)
      start(boost::asio::bind_executor(*strand_, std::forward<Handler>(handler)));
    else
      start(std::forward<Handler>(handler));
  }
  template <class F>
  void post(F&& f) const {
    if (strand_)
      boost::asio::post(*strand_, std::forward<F>(f));
    else
      boost::asio::post(io_, std::forward<F>(f));
  }
  template <class F>
  void dispatch(F&& f) const {
    if (strand_)
      boost::asio::dispatch(*strand_, std::forward<F>(f));
    else
      boost::asio::dispatch(io_, std::forward<F>(f));
  }
  // For a timer whose handler must run where the session's do.
  boost::asio::any_io_executor timer_executor() const {
    if (strand_) return *strand_;
    return io_;
  }
  Executor io() const { return io_; }

 private:
  Executor io_;
  std::optional<Strand> strand_;
};

}  // namespace bg::proxy
