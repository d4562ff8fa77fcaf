#pragma once
// Clock: the only place that reads real time. Components ask it for scenario time and convert
// scenario durations to real ones for socket deadlines and timers, so a run can be played faster
// than life (`time_scale`) and, later, on a virtual clock.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <stop_token>

#include "core/time.h"

namespace bg::core {

class Clock {
 public:
  virtual ~Clock() = default;
  // Scenario time since the run began.
  virtual Time now() const = 0;
  // Real duration of a span of scenario time (for Asio timers and socket deadlines).
  virtual std::chrono::nanoseconds to_real(Duration scenario) const = 0;
  // Blocks the calling thread for a span of scenario time. Returns false when `stop` was requested
  // first, so a run being torn down never waits out a long `sleep`.
  virtual bool sleep_for(Duration scenario, std::stop_token stop = {}) = 0;
  bool sleep_until(Time t, std::stop_token stop = {}) {
    Time n = now();
    return t <= n ? !stop.stop_requested() : sleep_for(t - n, stop);
  }
};

// Real time scaled by `time_scale` real seconds per scenario second (0.05: `sleep 10` takes 0.5 s).
class ScaledClock final : public Clock {
 public:
  explicit ScaledClock(double time_scale);
  Time now() const override;
  std::chrono::nanoseconds to_real(Duration scenario) const override;
  bool sleep_for(Duration scenario, std::stop_token stop = {}) override;
  double time_scale() const { return time_scale_; }

 private:
  double time_scale_;
  std::chrono::steady_clock::time_point origin_;
};

// A clock that moves only when told: for tests of pure cores and checkers, and of live shells whose
// scenario windows (fail_timeout, a reload's grace) must not move on their own. Its to_real is 0 by
// default; a live test gives it a real-per-scenario ratio so that socket deadlines and Asio timers
// still run (0.01: a 60 s proxy_read_timeout is 0.6 s real), and may widen it mid-test to act inside
// a short window.
class ManualClock final : public Clock {
 public:
  explicit ManualClock(double real_per_scenario = 0) : real_per_scenario_(real_per_scenario) {}
  Time now() const override { return Time(now_us_.load()); }
  std::chrono::nanoseconds to_real(Duration d) const override {
    const double real_ns = static_cast<double>(d.count()) * 1000.0 * real_per_scenario_.load();
    return std::chrono::nanoseconds(static_cast<int64_t>(real_ns));
  }
  // Sleeping advances the clock, as a single-threaded test expects.
  bool sleep_for(Duration scenario, std::stop_token stop = {}) override;
  void advance(Duration d) { now_us_ += d.count(); }
  void set(Time t) { now_us_ = t.count(); }
  void set_real_per_scenario(double ratio) { real_per_scenario_ = ratio; }

 private:
  std::atomic<int64_t> now_us_{0};
  std::atomic<double> real_per_scenario_;
};

}  // namespace bg::core
