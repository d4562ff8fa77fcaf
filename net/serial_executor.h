#pragma once
// SerialExecutor is where one actor's handlers run (a proxy session and its upstream attempts, a
// container's app, a docker-proxy, a traffic client), so that two of them never run at once: on a
// strand of its own when several threads run the io_context (a live run), straight on the
// io_context when one thread does, where nothing can run concurrently anyway. The deterministic
// engine is such a case: VirtualClock polls its io_context from one thread at a time (the one that
// advances the clock), so on the sim network there is never a strand (SerialExecutor(io, network)).
// Why the choice: a strand's queueing, locking and reference counting on every completion were a
// tenth of the proxy thread's instructions (callgrind, bg_proxy_bench), and a fifth of a sim run's.
#include <utility>  // before Asio under C++20 (docs/design.md)

#include <optional>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/bind_executor.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>

#include "net/network.h"

namespace bg::net {

class SerialExecutor {
 public:
  using Executor = boost::asio::io_context::executor_type;
  // By its own type, not type-erased: through any_io_executor every completion copied and re-wrapped
  // the executor (prefer(), copy_shared).
  using Strand = boost::asio::strand<Executor>;

  SerialExecutor(boost::asio::io_context& io, bool one_thread) : io_(io.get_executor()) {
    if (!one_thread) strand_.emplace(boost::asio::make_strand(io));
  }
  // On the sim network one thread runs the io_context (above): no strand. Off it, a strand, also
  // when the caller happens to run the io_context on one thread (safe, only not the cheapest).
  SerialExecutor(boost::asio::io_context& io, const Network& network) : SerialExecutor(io, network.is_sim()) {}

  // Starts an operation: `start(handler)`, the handler bound to the strand when there is one (for
  // sockets on the io_context's plain executor, whose unbound handlers run there).
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
  // For a timer or socket whose handlers must run here (the strand, or the io_context).
  boost::asio::any_io_executor executor() const {
    if (strand_) return *strand_;
    return io_;
  }
  Executor io() const { return io_; }
  // True inside one of its handlers (with no strand: inside any handler of the io_context).
  bool running_in_this_thread() const {
    return strand_ ? strand_->running_in_this_thread() : io_.running_in_this_thread();
  }

 private:
  Executor io_;
  std::optional<Strand> strand_;
};

}  // namespace bg::net
