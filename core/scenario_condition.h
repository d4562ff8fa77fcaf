#pragma once
// ScenarioCondition: a condition variable whose deadlines are scenario time, on either clock, so
// that a component waiting for a state change (a container's exit, a pipeline going idle) is the
// same code in the live and the deterministic engine (docs/design.md, "Time").
//  - On a live clock it is a std::condition_variable_any; a deadline is turned into real time
//    through Clock::to_real when the wait starts (a ScaledClock's scale is fixed, so that is exact).
//  - On a VirtualClock it is a VirtualClock::Condition: the waiter must be the clock's actor, a
//    notify hands the turn to every waiter it wakes, and the deadline is an instant of the clock.
// Waiters and notifiers share the caller's own mutex, as with std::condition_variable.
#include <condition_variable>
#include <mutex>
#include <optional>
#include <stop_token>

#include "core/clock.h"
#include "core/virtual_clock.h"

namespace bg::core {

class ScenarioCondition {
 public:
  explicit ScenarioCondition(Clock& clock) : clock_(clock) {
    if (auto* v = dynamic_cast<VirtualClock*>(&clock)) virtual_condition_.emplace(*v);
  }
  ScenarioCondition(const ScenarioCondition&) = delete;
  ScenarioCondition& operator=(const ScenarioCondition&) = delete;

  // With `lock` held: true once ready() is; false when the clock reaches `deadline` or `stop` comes
  // first (ready() still false). Time::max() waits without a deadline.
  template <class Ready>
  bool wait_until(std::unique_lock<std::mutex>& lock, Time deadline, std::stop_token stop, Ready ready) {
    if (virtual_condition_) return virtual_condition_->wait_until(lock, deadline, stop, ready);
    if (deadline == Time::max()) return live_.wait(lock, stop, ready);
    const Duration left = deadline - clock_.now();
    if (left <= Duration(0)) return ready();
    return live_.wait_for(lock, stop, clock_.to_real(left), ready);
  }
  template <class Ready>
  bool wait_for(std::unique_lock<std::mutex>& lock, Duration span, std::stop_token stop, Ready ready) {
    return wait_until(lock, span == Duration::max() ? Time::max() : clock_.now() + span, stop, ready);
  }
  // Until ready() or `stop`: false on stop.
  template <class Ready>
  bool wait(std::unique_lock<std::mutex>& lock, std::stop_token stop, Ready ready) {
    return wait_until(lock, Time::max(), stop, ready);
  }

  // From anywhere (an actor, an Asio handler, a process's thread), with or without the mutex held.
  void notify_all() {
    if (virtual_condition_)
      virtual_condition_->notify_all();
    else
      live_.notify_all();
  }

  Clock& clock() const { return clock_; }

 private:
  Clock& clock_;
  std::condition_variable_any live_;
  std::optional<VirtualClock::Condition> virtual_condition_;
};

}  // namespace bg::core
