#include "core/scenario_timer.h"

#include <mutex>
#include <utility>
#include <vector>

#include <boost/asio/error.hpp>
#include <boost/asio/post.hpp>

#include "core/post_handler.h"
#include "core/virtual_clock.h"

namespace bg::core {

// The virtual side: the waits pending on the timer and the one clock callback that serves them.
// The callback owns them (`Waits`), so a handler that holds its owner (shared_from_this) makes no
// cycle through the timer, and a run's end that drops the clock's callbacks drops them too; the
// timer keeps a weak handle. Arming again and cancelling leave that callback queued: the proxy's
// and the app's timeouts are re-armed for every read and write, and queueing and cancelling a clock
// callback each time was most of the cost of the 60,000 waits in a sim run of the seed (9 a
// request, 9 in 10 of them cancelled). A callback that comes before the current expiry queues
// itself again for it; the waits still complete at their instant, on the executor.
struct ScenarioTimer::Virtual {
  struct Waits {
    Waits(VirtualClock& c, boost::asio::any_io_executor e) : clock(c), executor(std::move(e)) {}
    VirtualClock& clock;
    boost::asio::any_io_executor executor;
    std::mutex mutex;  // the rest: a wait is armed where the timer's executor runs, served by the clock
    Time expiry{0};    // of every handler below (arming again aborts the ones before)
    std::vector<Handler> handlers;
    uint64_t call = 0;        // the queued clock callback (0: none)
    Time call_at{0};          // its instant
    uint64_t generation = 0;  // of the queued callback; an older one that still runs does nothing
  };
  Time expiry{0};
  std::weak_ptr<Waits> waits;
};

namespace {

using Waits = ScenarioTimer::Virtual::Waits;

void serve(const std::shared_ptr<Waits>& waits, uint64_t generation);

// Queues the callback for the waits' expiry. Under waits->mutex.
void queue_callback(const std::shared_ptr<Waits>& waits) {
  const uint64_t generation = ++waits->generation;
  waits->call_at = waits->expiry;
  waits->call = waits->clock.call_at(waits->expiry, [waits, generation] { serve(waits, generation); });
}

void serve(const std::shared_ptr<Waits>& waits, uint64_t generation) {
  std::vector<ScenarioTimer::Handler> due;
  {
    std::lock_guard lock(waits->mutex);
    if (generation != waits->generation) return;  // replaced by an earlier one
    waits->call = 0;
    if (waits->handlers.empty()) return;                                   // cancelled, and not armed since
    if (waits->expiry > waits->clock.now()) return queue_callback(waits);  // armed again, for later
    due.swap(waits->handlers);
  }
  for (auto& h : due) post_handler(waits->executor, [h = std::move(h)] { h(boost::system::error_code()); });
}

}  // namespace

ScenarioTimer::ScenarioTimer(boost::asio::any_io_executor executor, Clock& clock)
    : executor_(executor),
      clock_(clock),
      virtual_clock_(dynamic_cast<VirtualClock*>(&clock)),
      virtual_(virtual_clock_ ? std::make_shared<Virtual>() : nullptr) {
  if (!virtual_clock_) live_.emplace(executor);
}

ScenarioTimer::~ScenarioTimer() {
  cancel();
  if (!virtual_clock_) return;
  // The callback would find nothing to serve; it leaves the clock's queue now rather than then.
  if (auto waits = virtual_->waits.lock()) {
    std::lock_guard lock(waits->mutex);
    if (waits->call) virtual_clock_->cancel(std::exchange(waits->call, 0));
    ++waits->generation;
  }
}

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
  auto waits = virtual_->waits.lock();
  if (!waits) {
    waits = std::make_shared<Waits>(*virtual_clock_, executor_);
    virtual_->waits = waits;
  }
  std::lock_guard lock(waits->mutex);
  waits->expiry = virtual_->expiry;
  waits->handlers.push_back(std::move(handler));
  if (waits->call && waits->call_at <= waits->expiry) return;  // it comes first, and queues itself again
  if (waits->call) virtual_clock_->cancel(waits->call);        // queued for later than this expiry
  queue_callback(waits);
}

void ScenarioTimer::cancel() {
  if (!virtual_clock_) {
    live_->cancel();
    return;
  }
  auto waits = virtual_->waits.lock();
  if (!waits) return;
  std::vector<Handler> aborted;
  {
    std::lock_guard lock(waits->mutex);
    aborted.swap(waits->handlers);
  }
  for (auto& h : aborted) post_handler(executor_, [h = std::move(h)] { h(boost::asio::error::operation_aborted); });
}

}  // namespace bg::core
