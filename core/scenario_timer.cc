#include "core/scenario_timer.h"

#include <mutex>

#include <boost/asio/error.hpp>
#include <boost/asio/post.hpp>

#include "core/virtual_clock.h"

namespace bg::core {

// Shared with the clock's callback, which may outlive the timer (it then finds nothing pending).
struct ScenarioTimer::Virtual {
  std::mutex mutex;
  Time expiry{0};
  Handler pending;
  uint64_t call = 0;
};

ScenarioTimer::ScenarioTimer(boost::asio::any_io_executor executor, Clock& clock)
    : executor_(executor),
      clock_(clock),
      virtual_clock_(dynamic_cast<VirtualClock*>(&clock)),
      live_(executor),
      virtual_(virtual_clock_ ? std::make_shared<Virtual>() : nullptr) {}

ScenarioTimer::~ScenarioTimer() { cancel(); }

void ScenarioTimer::expires_after(Duration d) {
  if (!virtual_clock_) {
    live_.expires_after(clock_.to_real(d));
    return;
  }
  cancel();
  std::lock_guard lock(virtual_->mutex);
  virtual_->expiry = clock_.now() + d;
}

void ScenarioTimer::async_wait(Handler handler) {
  if (!virtual_clock_) {
    live_.async_wait(std::move(handler));
    return;
  }
  std::lock_guard lock(virtual_->mutex);
  virtual_->pending = std::move(handler);
  std::weak_ptr<Virtual> weak = virtual_;
  virtual_->call = virtual_clock_->call_at(virtual_->expiry, [weak, executor = executor_] {
    auto state = weak.lock();
    if (!state) return;
    std::lock_guard lock(state->mutex);
    if (!state->pending) return;
    boost::asio::post(executor, [h = std::move(state->pending)] { h(boost::system::error_code()); });
    state->pending = nullptr;
  });
}

void ScenarioTimer::cancel() {
  if (!virtual_clock_) {
    live_.cancel();
    return;
  }
  std::lock_guard lock(virtual_->mutex);
  if (!virtual_->pending) return;
  virtual_clock_->cancel(virtual_->call);
  boost::asio::post(executor_, [h = std::move(virtual_->pending)] { h(boost::asio::error::operation_aborted); });
  virtual_->pending = nullptr;
}

}  // namespace bg::core
