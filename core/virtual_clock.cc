#include "core/virtual_clock.h"

#include <algorithm>
#include <limits>
#include <stdexcept>
#include <stop_token>

namespace bg::core {
namespace {

// The order key of the actor this thread is (0 outside any Actor scope).
thread_local uint64_t current_actor_key = 0;

}  // namespace

VirtualClock::Actor::Actor(VirtualClock& clock, uint64_t order_key)
    : clock_(clock), previous_key_(current_actor_key) {
  current_actor_key = order_key;
  std::lock_guard lock(clock_.mutex_);
  ++clock_.running_;
}

VirtualClock::Actor::~Actor() {
  current_actor_key = previous_key_;
  std::unique_lock lock(clock_.mutex_);
  --clock_.running_;
  clock_.advance(lock, std::numeric_limits<int64_t>::max());
}

int VirtualClock::running() const {
  std::lock_guard lock(mutex_);
  return running_;
}

uint64_t VirtualClock::call_at(Time at, std::function<void()> fn, uint64_t order_key) {
  std::lock_guard lock(mutex_);
  const uint64_t id = next_seq_++;
  const Key key{std::max(at.count(), now_us_.load()), order_key, id};
  queue_.emplace(key, Waiter{std::move(fn), nullptr});
  by_id_.emplace(id, key);
  return id;
}

bool VirtualClock::cancel(uint64_t id) {
  std::lock_guard lock(mutex_);
  auto it = by_id_.find(id);
  if (it == by_id_.end()) return false;
  queue_.erase(it->second);
  by_id_.erase(it);
  return true;
}

void VirtualClock::attach(boost::asio::io_context& io) {
  std::lock_guard lock(mutex_);
  attached_.push_back(&io);
}

bool VirtualClock::sleep_for(Duration scenario, std::stop_token stop) {
  Sleeper self;
  bool queued = false;
  Key key;
  // A stop wakes the sleeper where it is: it runs again (an actor once more), its instant unserved.
  // Registered first, so a stop that comes while the sleep is being queued is not lost.
  std::stop_callback on_stop(stop, [&] {
    std::lock_guard lock(mutex_);
    if (self.woken) return;
    self.stopped = true;
    if (!queued) return;
    queue_.erase(key);
    self.woken = true;
    ++running_;
    self.cv.notify_one();
  });
  std::unique_lock lock(mutex_);
  if (self.stopped) return false;
  if (running_ <= 0) throw std::logic_error("VirtualClock::sleep_for called by a thread that is not an actor");
  key = Key{now_us_.load() + std::max<int64_t>(scenario.count(), 0), current_actor_key, next_seq_++};
  queue_.emplace(key, Waiter{nullptr, &self});
  queued = true;
  --running_;
  advance(lock, std::numeric_limits<int64_t>::max());
  self.cv.wait(lock, [&] { return self.woken; });
  return !self.stopped;
}

size_t VirtualClock::run_until(Time limit) {
  std::unique_lock lock(mutex_);
  if (running_ > 0) throw std::logic_error("VirtualClock::run_until called while an actor runs");
  size_t served = advance(lock, limit.count());
  if (running_ == 0 && now_us_.load() < limit.count()) now_us_ = limit.count();
  return served;
}

size_t VirtualClock::poll_attached(std::unique_lock<std::mutex>& lock) {
  size_t ran = 0;
  for (bool again = true; again;) {
    again = false;
    for (auto* io : attached_) {
      ++running_;  // a handler's turn: nothing else is served meanwhile
      lock.unlock();
      io->restart();
      size_t n = io->poll();
      lock.lock();
      --running_;
      ran += n;
      again = again || n > 0;
    }
  }
  return ran;
}

size_t VirtualClock::advance(std::unique_lock<std::mutex>& lock, int64_t limit) {
  if (advancing_) return 0;  // the thread already serving will see this change
  advancing_ = true;
  size_t served = 0;
  while (running_ == 0) {
    served += poll_attached(lock);
    if (running_ != 0 || queue_.empty()) break;
    auto it = queue_.begin();
    const int64_t at = std::get<0>(it->first);
    if (at > limit) break;
    now_us_ = std::max(now_us_.load(), at);
    Waiter w = std::move(it->second);
    by_id_.erase(std::get<2>(it->first));
    queue_.erase(it);
    ++served;
    if (w.sleeper) {
      // The actor runs again; time stands still until it blocks or ends.
      w.sleeper->woken = true;
      ++running_;
      w.sleeper->cv.notify_one();
      break;
    }
    ++running_;  // the callback's turn
    lock.unlock();
    w.fn();
    lock.lock();
    --running_;
  }
  advancing_ = false;
  return served;
}

}  // namespace bg::core
