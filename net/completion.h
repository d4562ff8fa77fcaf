#pragma once
// Completion: an Asio completion handler held by the in-memory network until its operation ends,
// with its type erased (the network keeps reads, connects and accepts of every handler type in one
// place) and move-only (Beast's composed operations are). Completing it posts the handler to its
// own associated executor (its session's: net::SerialExecutor), never runs it inside the call
// that completes it, as Asio does for a socket.
//
// Simplification: a pending operation does not count as work on its io_context. The deterministic
// engine runs io_contexts only through VirtualClock (poll), which needs none; an io_context run()
// by a thread of its own would return while a sim operation is pending.
#include <utility>  // before Asio under C++20 (docs/design.md)

#include <memory>
#include <type_traits>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/associated_executor.hpp>
#include <boost/asio/post.hpp>

#include "core/post_handler.h"

namespace bg::net {

template <class... Args>
class Completion {
 public:
  Completion() = default;
  // `fallback`: where the handler runs when it has no executor of its own (the socket's).
  template <class Handler>
  Completion(Handler&& handler, const boost::asio::any_io_executor& fallback)
      : impl_(std::make_unique<Impl<std::decay_t<Handler>>>(std::forward<Handler>(handler), fallback)) {}

  explicit operator bool() const { return impl_ != nullptr; }

  // Posts the handler with `args`; the Completion is empty afterwards.
  void post(Args... args) {
    auto impl = std::move(impl_);
    impl->post(std::move(args)...);
  }

 private:
  struct Base {
    virtual ~Base() = default;
    virtual void post(Args... args) = 0;
  };
  template <class Handler>
  struct Impl final : Base {
    Impl(Handler h, const boost::asio::any_io_executor& fallback)
        : handler(std::move(h)), executor(boost::asio::get_associated_executor(handler, fallback)) {}
    void post(Args... args) override {
      core::post_handler(
          executor, [h = std::move(handler), ... a = std::move(args)]() mutable { std::move(h)(std::move(a)...); });
    }
    Handler handler;
    boost::asio::any_io_executor executor;
  };
  std::unique_ptr<Base> impl_;
};

}  // namespace bg::net
