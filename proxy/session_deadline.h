#pragma once
// SessionDeadline is the I/O deadline of one client connection and of the upstream attempts made
// for it (keepalive_timeout and send_timeout on the client side, proxy_connect/send/read_timeout
// upstream; one stage runs at a time), kept lazily on one Asio timer. Arming only records the new
// deadline; the timer's wait is replaced only when the deadline comes sooner than the wait ends.
// Why: Beast's tcp_stream started a timer wait for every read and write and cancelled it when the
// operation ended, and each cancel ran one more handler through the strand — at four operations
// per request, a large share of the proxy's own CPU. Here the wait outlives the operations: when it
// fires before the deadline it waits again for the rest.
// When the deadline passes, the socket under the operation is closed and expired() tells the
// operation's handler to report a timeout, as tcp_stream reported beast::error::timeout. Not
// thread-safe: everything runs on the session's executor (net::SerialExecutor).
#include <utility>  // before Asio under C++20 (design.md)

#include <algorithm>
#include <cstdint>
#include <chrono>
#include <memory>
#include <optional>

#include <boost/asio/bind_executor.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>

#include "core/clock.h"
#include "core/scenario_timer.h"
#include "core/virtual_clock.h"
#include "proxy/proxy_socket.h"

namespace bg::proxy {

class SessionDeadline {
 public:
  // `executor`: the session's (net::SerialExecutor::executor); the timer's handler runs there. `owner`: kept weakly,
  // so a pending wait does not keep a closed session alive (its destruction cancels the wait).
  SessionDeadline(boost::asio::any_io_executor executor, core::Clock& clock) : clock_(clock) {
    if (dynamic_cast<core::VirtualClock*>(&clock))
      virtual_timer_.emplace(executor, clock);
    else
      real_.emplace(executor);
  }

  void set_owner(std::weak_ptr<void> owner) { owner_ = std::move(owner); }

  // The socket is closed if the operation started now has not ended within `d` (scenario time).
  void arm(core::Duration d, ProxySocket& socket) {
    guarded_ = &socket;
    expired_ = false;
    if (virtual_timer_) return arm_virtual(d);
    auto real = clock_.to_real(d);
    // The deadline in the timers' own time: Asio reads its clock for the probe (the only reading
    // of real time here, as every socket deadline through Clock::to_real makes one). Scenario time
    // cannot stand in: a test clock's now() need not move with real time.
    real_->probe.expires_after(real);
    deadline_ = real_->probe.expiry();
    if (real < shortest_) shortest_ = real;
    if (!waiting_ || deadline_ < wait_ends_) start_wait(deadline_ - real);
  }
  // The operation ended: nothing to close. The wait stays; when it fires it finds nothing to do.
  void disarm() {
    guarded_ = nullptr;
    if (virtual_timer_) virtual_timer_->cancel_quietly();  // its handler ignores an abort
  }
  // The deadline passed and the socket was closed: the operation's outcome is a timeout.
  bool expired() const { return expired_; }

 private:
  using RealTime = boost::asio::steady_timer::time_point;

  // Waits until the deadline, but no longer than the shortest timeout armed so far: a later arm
  // with that timeout then ends after the wait and needs no new one.
  void start_wait(RealTime now) {
    wait_ends_ = std::min(deadline_, now + shortest_);
    waiting_ = true;
    uint64_t generation = ++generation_;
    real_->timer.expires_at(wait_ends_);
    real_->timer.async_wait(boost::asio::bind_executor(
        real_->timer.get_executor(), [this, owner = owner_, generation](const boost::system::error_code&) {
          if (auto alive = owner.lock()) on_timer(generation);
        }));
  }

  // On a virtual clock nothing is costly and every instant is exact: one scenario-time wait per arm.
  void arm_virtual(core::Duration d) {
    const uint64_t generation = ++generation_;
    virtual_timer_->cancel_quietly();  // the wait of an arm before: its handler ignores an abort
    virtual_timer_->expires_after(d);
    virtual_timer_->async_wait([this, owner = owner_, generation](const boost::system::error_code& ec) {
      auto alive = owner.lock();
      if (ec || !alive || generation != generation_ || !guarded_) return;
      expired_ = true;
      boost::system::error_code ignored;
      std::exchange(guarded_, nullptr)->close(ignored);
    });
  }

  // The wait ended (at wait_ends_): wait on if the deadline is later, else close the socket.
  void on_timer(uint64_t generation) {
    if (generation != generation_) return;  // replaced by a sooner wait
    waiting_ = false;
    if (!guarded_) return;  // idle: the next arm starts a wait
    if (wait_ends_ < deadline_) return start_wait(wait_ends_);
    expired_ = true;
    boost::system::error_code ignored;
    std::exchange(guarded_, nullptr)->close(ignored);
  }

  // On a live clock. Not made on a virtual one: a steady_timer gives the io_context an epoll reactor,
  // which the virtual clock's every poll would then ask with an epoll_wait syscall.
  struct RealTimers {
    explicit RealTimers(const boost::asio::any_io_executor& executor) : timer(executor), probe(executor) {}
    boost::asio::steady_timer timer;
    boost::asio::steady_timer probe;  // never waited on: it only turns a duration into a deadline
  };
  std::optional<RealTimers> real_;
  std::optional<core::ScenarioTimer> virtual_timer_;  // on a VirtualClock, in place of real_
  core::Clock& clock_;
  std::weak_ptr<void> owner_;
  ProxySocket* guarded_ = nullptr;
  RealTime deadline_{};
  RealTime wait_ends_{};
  std::chrono::nanoseconds shortest_ = std::chrono::nanoseconds::max();
  uint64_t generation_ = 0;
  bool waiting_ = false;
  bool expired_ = false;
};

}  // namespace bg::proxy
