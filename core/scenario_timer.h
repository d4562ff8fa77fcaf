#pragma once
// ScenarioTimer: a timer for code on an Asio executor whose spans are scenario time, so that the
// same code runs on either clock (docs/design.md, "Time"). On a live clock it is a steady_timer
// armed with Clock::to_real; on a VirtualClock it is a VirtualClock::call_at that posts the
// handler to the timer's executor at the instant. It behaves as steady_timer does: arming it again
// or cancel() completes every pending wait with operation_aborted, a handler always runs on the
// executor (never inside the call that armed or fired it), and one thread at a time may call it.
#include <utility>  // before Asio under C++20 (docs/design.md)

#include <functional>
#include <memory>
#include <optional>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/system/error_code.hpp>

#include "core/clock.h"

namespace bg::core {

class VirtualClock;

class ScenarioTimer {
 public:
  using Handler = std::function<void(boost::system::error_code)>;

  ScenarioTimer(boost::asio::any_io_executor executor, Clock& clock);
  ~ScenarioTimer();
  ScenarioTimer(const ScenarioTimer&) = delete;
  ScenarioTimer& operator=(const ScenarioTimer&) = delete;

  // Expires `d` of scenario time from now; a pending wait completes with operation_aborted.
  void expires_after(Duration d);
  // `handler(error_code)` runs on the executor when the timer expires (at once when it has), or
  // with operation_aborted when it is cancelled or armed again first.
  void async_wait(Handler handler);
  // Completes a pending wait with operation_aborted.
  void cancel();
  // For handlers that only ever ignore operation_aborted: on a virtual clock, drops the pending
  // waits without running their handlers, which are destroyed here, on the caller's thread; on a
  // live one, cancel(). Why: the proxy arms its deadline for every read and write and drops it when
  // the operation ends, and posting each dropped handler only to be ignored was a fifth of the
  // handlers a sim run dispatches.
  void cancel_quietly();

 private:
  struct Virtual;  // the virtual clock's side: the expiry and the pending waits
  void cancel_virtual(bool run_handlers);

  boost::asio::any_io_executor executor_;
  Clock& clock_;
  VirtualClock* virtual_clock_;  // set when the clock is virtual
  // Used when it is not, and made only then: a steady_timer gives its io_context an epoll reactor,
  // and an io_context with one makes an epoll_wait syscall on every poll, which on sim is every time
  // the virtual clock looks for ready handlers.
  std::optional<boost::asio::steady_timer> live_;
  std::shared_ptr<Virtual> virtual_;
};

}  // namespace bg::core
