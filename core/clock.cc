#include "core/clock.h"

#include <stdexcept>
#include <thread>

namespace bg::core {

ScaledClock::ScaledClock(double time_scale) : time_scale_(time_scale), origin_(std::chrono::steady_clock::now()) {
  if (!(time_scale > 0)) throw std::invalid_argument("time_scale must be positive");
}

Time ScaledClock::now() const {
  auto real = std::chrono::steady_clock::now() - origin_;
  double scenario_us = std::chrono::duration<double, std::micro>(real).count() / time_scale_;
  return Time(static_cast<int64_t>(scenario_us));
}

std::chrono::nanoseconds ScaledClock::to_real(Duration scenario) const {
  double real_ns = static_cast<double>(scenario.count()) * 1000.0 * time_scale_;
  return std::chrono::nanoseconds(static_cast<int64_t>(real_ns));
}

bool ScaledClock::sleep_for(Duration scenario, std::stop_token stop) {
  auto deadline = std::chrono::steady_clock::now() + to_real(scenario);
  std::mutex m;
  std::condition_variable_any cv;
  std::unique_lock lock(m);
  // wait_until with a stop_token returns early (true from the predicate) once stop is requested.
  cv.wait_until(lock, stop, deadline, [] { return false; });
  return !stop.stop_requested();
}

bool ManualClock::sleep_for(Duration scenario, std::stop_token stop) {
  if (stop.stop_requested()) return false;
  advance(scenario);
  return true;
}

}  // namespace bg::core
