#include "core/scenario_timer.h"

#include <mutex>
#include <utility>
#include <vector>

#include <boost/asio/error.hpp>
#include <boost/asio/post.hpp>

#include "core/post_handler.h"
#include "core/virtual_clock.h"

namespace bg::core {

// The virtual side. Each wait's handler is owned by the clock's callback (a Pending), so that a
// handler holding its owner (shared_from_this) makes no cycle through the timer; the timer keeps
// weak handles to cancel them. Several waits may be pending at once, as on a steady_timer.
struct ScenarioTimer::Virtual {
  struct Pending {
    explicit Pending(boost::asio::any_io_executor e) : executor(std::move(e)) {}
    std::mutex mutex;
    Handler handler;  // empty once posted
    // Here rather than in the clock's callback, so that the callback holds only the pointer to this
    // and fits in std::function's own storage: one allocation less per wait.
    boost::asio::any_io_executor executor;
  };
  Time expiry{0};
  std::vector<std::pair<std::weak_ptr<Pending>, VirtualClock::CallId>> waits;
};

ScenarioTimer::ScenarioTimer(boost::asio::any_io_executor executor, Clock& clock)
    : executor_(executor),
      clock_(clock),
      virtual_clock_(dynamic_cast<VirtualClock*>(&clock)),
      virtual_(virtual_clock_ ? std::make_shared<Virtual>() : nullptr) {
  if (!virtual_clock_) live_.emplace(executor);
}

ScenarioTimer::~ScenarioTimer() { cancel(); }

void ScenarioTimer::expires_after(Duration d) {
  if (!virtual_clock_) {
    live_->expires_after(clock_.to_real(d));
    return;
  }
  cancel();
  virtual_->expiry = clock_.now() + d;
}

void ScenarioTimer::async_wait(Handler handler) {
  if (!virtual_clock_) {
    live_->async_wait(std::move(handler));
    return;
  }
  auto pending = std::make_shared<Virtual::Pending>(executor_);
  pending->handler = std::move(handler);
  const VirtualClock::CallId call = virtual_clock_->call_at(virtual_->expiry, [pending] {
    std::lock_guard lock(pending->mutex);
    if (!pending->handler) return;
    post_handler(pending->executor, [h = std::move(pending->handler)] { h(boost::system::error_code()); });
    pending->handler = nullptr;
  });
  std::erase_if(virtual_->waits, [](const auto& w) { return w.first.expired(); });
  virtual_->waits.emplace_back(pending, call);
}

void ScenarioTimer::cancel() {
  if (!virtual_clock_) {
    live_->cancel();
    return;
  }
  cancel_virtual(true);
}

void ScenarioTimer::cancel_quietly() {
  if (!virtual_clock_) {
    live_->cancel();
    return;
  }
  cancel_virtual(false);
}

void ScenarioTimer::cancel_virtual(bool run_handlers) {
  for (auto& [weak, call] : virtual_->waits) {
    auto pending = weak.lock();
    if (!pending) continue;
    Handler h;
    {
      std::lock_guard lock(pending->mutex);
      h = std::move(pending->handler);
      pending->handler = nullptr;
    }
    if (!h) continue;
    virtual_clock_->cancel(call);
    if (run_handlers) post_handler(executor_, [h = std::move(h)] { h(boost::asio::error::operation_aborted); });
  }
  virtual_->waits.clear();
}

}  // namespace bg::core
