#include "core/virtual_clock.h"

#include "core/script_turns.h"

#include <algorithm>
#include <cstdio>
#include <limits>
#include <stdexcept>
#include <stop_token>

namespace bg::core {
namespace {

// What this thread is to the clocks: the clock it is an actor of (nullptr outside any Actor scope),
// how deeply its Actor scopes nest (only the outermost counts as a running actor), its order key,
// and whether it is serving waiters (a callback or handler, which must not block on the clock).
thread_local const VirtualClock* actor_of = nullptr;
thread_local int actor_depth = 0;
thread_local uint64_t current_actor_key = 0;
thread_local bool serving = false;
// This thread's place in the baton's queue while it is an actor (its outermost Actor's).
thread_local VirtualClock::Slot* my_slot = nullptr;

}  // namespace

struct VirtualClock::Slot {
  std::condition_variable_any cv;  // `any`: its wait also ends at the waiter's stop
  // A thread waits on cv: only then is a notify needed (the serving slot's never is, nor a Turn's
  // before an Actor takes it over; notifying a condition_variable_any locks a mutex of its own, and
  // the serving slot is queued for every callback served).
  bool waiting = false;
  bool queued = false;
  bool granted = false;
  bool taken_over = false;  // an Actor's thread runs in it (else a Turn's: a thread to come, a script)
};

void VirtualClock::enqueue(Slot& slot, Line line) {
  slot.queued = true;
  slot.granted = false;
  if (line == Line::ahead_of_a_script && !baton_.empty() && !baton_.front()->taken_over) {
    baton_.front()->granted = false;  // it computes on; what it calls next waits behind this
    baton_.push_front(&slot);
  } else {
    baton_.push_back(&slot);
  }
  if (baton_.front() == &slot) {
    slot.granted = true;
    if (slot.waiting) slot.cv.notify_all();
  }
}

void VirtualClock::leave(Slot& slot) {
  if (!slot.queued) return;
  slot.queued = false;
  slot.granted = false;
  const bool first = baton_.front() == &slot;
  if (first)
    baton_.pop_front();  // the usual case: the holder passes the baton on
  else
    baton_.erase(std::find(baton_.begin(), baton_.end(), &slot));
  if (first && !baton_.empty()) {
    Slot* next = baton_.front();
    next->granted = true;
    if (next->waiting) next->cv.notify_all();
  }
}

void VirtualClock::wait_for_baton(std::unique_lock<std::mutex>& lock, Slot& slot, std::stop_token stop) {
  slot.waiting = true;
  const bool turn_came = slot.cv.wait_until(lock, stop, std::chrono::steady_clock::now() + patience_,
                                            [&] { return !slot.queued || slot.granted; });
  slot.waiting = false;
  if (turn_came) return;
  leave(slot);
  if (stop.stop_requested()) return;  // a stopped actor winds down without the baton
  // The holder is blocked outside the clock (a real wait on another actor, say). Running on keeps the
  // run going; the history may then differ from another run of the seed.
  if (overtakes_++ == 0)
    std::fprintf(stderr,
                 "bluegreen: an actor of the virtual clock waited %.1f s for its turn and ran on "
                 "without it; this run may not replay exactly\n",
                 std::chrono::duration<double>(patience_).count());
}

int VirtualClock::baton_overtakes() const {
  std::lock_guard lock(mutex_);
  return overtakes_;
}

void VirtualClock::set_baton_patience(std::chrono::nanoseconds patience) {
  std::lock_guard lock(mutex_);
  patience_ = patience;
}

VirtualClock::Actor::Actor(VirtualClock& clock, uint64_t order_key, std::stop_token stop, Line line)
    : clock_(clock), previous_key_(current_actor_key) {
  if (actor_of && actor_of != &clock) throw std::logic_error("a thread can be an actor of one VirtualClock only");
  current_actor_key = order_key;
  actor_of = &clock;
  if (actor_depth++ > 0) return;
  slot_ = std::make_unique<Slot>();
  slot_->taken_over = true;
  std::unique_lock lock(clock_.mutex_);
  ++clock_.running_;
  clock_.note_runnable();
  clock_.enqueue(*slot_, line);
  clock_.wait_for_baton(lock, *slot_, stop);
  my_slot = slot_.get();
}

VirtualClock::Turn::Turn(VirtualClock& clock) : clock_(&clock), slot_(std::make_unique<Slot>()) {
  std::lock_guard lock(clock.mutex_);
  ++clock.running_;
  clock.note_runnable();
  clock.enqueue(*slot_);
}

VirtualClock::Turn::Turn(Turn&& other) noexcept : clock_(other.clock_), slot_(std::move(other.slot_)) {
  other.clock_ = nullptr;
}

VirtualClock::Turn::~Turn() {
  if (!clock_) return;
  std::unique_lock lock(clock_->mutex_);
  clock_->leave(*slot_);
  --clock_->running_;
  clock_->advance(lock, std::numeric_limits<int64_t>::max());
}

VirtualClock::Actor::Actor(Turn turn, uint64_t order_key, std::stop_token stop)
    : clock_(*turn.clock_), previous_key_(current_actor_key), slot_(std::move(turn.slot_)) {
  if (actor_of) throw std::logic_error("a thread started with a Turn must not already be an actor");
  current_actor_key = order_key;
  actor_of = &clock_;
  ++actor_depth;
  turn.clock_ = nullptr;  // its count and its place in the queue are this actor's now
  std::unique_lock lock(clock_.mutex_);
  slot_->taken_over = true;
  clock_.wait_for_baton(lock, *slot_, stop);
  my_slot = slot_.get();
}

VirtualClock::Actor::~Actor() {
  current_actor_key = previous_key_;
  if (--actor_depth > 0) return;
  actor_of = nullptr;
  my_slot = nullptr;
  std::unique_lock lock(clock_.mutex_);
  clock_.leave(*slot_);
  --clock_.running_;
  // A callback that throws here ends the process (a destructor cannot pass it on): callbacks must not.
  clock_.advance(lock, std::numeric_limits<int64_t>::max());
}

VirtualClock::VirtualClock()
    : serving_slot_(std::make_unique<Slot>()), script_turns_(std::make_unique<ScriptTurns>(*this)) {}

VirtualClock::~VirtualClock() = default;

void VirtualClock::discard() {
  std::map<Key, Waiter> dropped;  // destroyed after the lock is released: captures may call back
  {
    std::lock_guard lock(mutex_);
    attached_.clear();
    for (auto it = queue_.begin(); it != queue_.end();) {
      if (it->second.sleeper) {
        it->second.sleeper->stopped = true;
        wake(*it->second.sleeper);
        it = queue_.erase(it);
      } else {
        dropped.insert(queue_.extract(it++));
      }
    }
  }
}

int VirtualClock::running() const {
  std::lock_guard lock(mutex_);
  return running_;
}

VirtualClock::CallId VirtualClock::call_at(Time at, std::function<void()> fn, uint64_t order_key) {
  std::lock_guard lock(mutex_);
  const Key key{std::max(at.count(), now_us_.load()), order_key, next_seq_++};
  queue_.emplace(key, Waiter{std::move(fn), nullptr});
  return CallId(key);
}

VirtualClock::CallId VirtualClock::call_at_posting_nothing(Time at, std::function<void()> fn) {
  std::lock_guard lock(mutex_);
  const Key key{std::max(at.count(), now_us_.load()), 0, next_seq_++};
  queue_.emplace(key, Waiter{std::move(fn), nullptr, true});
  return CallId(key);
}

bool VirtualClock::cancel(const CallId& id) {
  std::function<void()> dropped;  // destroyed after the lock is released: its captures may call back
  std::lock_guard lock(mutex_);
  // Sequence numbers are never reused: a key not queued has run or was cancelled.
  auto it = queue_.find(id.key_);
  if (it == queue_.end() || it->second.sleeper) return false;
  dropped = std::move(it->second.fn);
  queue_.erase(it);
  return true;
}

void VirtualClock::attach(boost::asio::io_context& io) {
  std::lock_guard lock(mutex_);
  attached_.push_back(&io);
}

bool VirtualClock::sleep_for(Duration scenario, std::stop_token stop) {
  return block_until(now_us_.load() + std::max<int64_t>(scenario.count(), 0), stop, nullptr, nullptr);
}

void VirtualClock::wake(Sleeper& sleeper) {
  if (sleeper.condition) {
    auto& list = sleeper.condition->waiters_;
    list.erase(std::remove(list.begin(), list.end(), &sleeper), list.end());
    sleeper.condition = nullptr;
  }
  sleeper.woken = true;
  ++running_;  // the turn passes to it now, before anything else can let time move
  note_runnable();
  // In line for the baton, in the order of wake-ups; a stopped one winds down without it.
  if (sleeper.slot && !sleeper.stopped) enqueue(*sleeper.slot);
  sleeper.cv.notify_one();
}

bool VirtualClock::block_until(int64_t at_us, std::stop_token stop, Condition* condition,
                               std::unique_lock<std::mutex>* user_lock) {
  Sleeper self;
  bool queued = false;
  // A stop wakes the sleeper where it is: it runs again (an actor once more), its instant unserved.
  // Registered first, so a stop that comes while the sleep is being queued is not lost.
  std::stop_callback on_stop(stop, [&] {
    std::lock_guard lock(mutex_);
    if (self.woken) return;
    self.stopped = true;
    if (!queued) return;
    queue_.erase(self.key);
    wake(self);
  });
  if (actor_of != this) throw std::logic_error("VirtualClock: a thread that is not its actor tried to block on it");
  if (serving) throw std::logic_error("VirtualClock: a callback or handler tried to block on it, which it must not");
  std::unique_lock lock(mutex_);
  if (self.stopped) return false;
  self.key = Key{std::max(at_us, now_us_.load()), current_actor_key, next_seq_++};
  queue_.emplace(self.key, Waiter{nullptr, &self});
  queued = true;
  self.slot = my_slot;
  if (self.slot) leave(*self.slot);  // the next actor in line runs now
  if (condition) {
    self.condition = condition;
    condition->waiters_.push_back(&self);
  }
  // Listed (on the queue and the condition) before the caller's lock is released: a notify that
  // follows the caller's last check finds this sleeper.
  if (user_lock) user_lock->unlock();
  struct Relock {  // the caller's lock is held again however this returns, after the clock's
    std::unique_lock<std::mutex>& clock_lock;
    std::unique_lock<std::mutex>* user_lock;
    ~Relock() {
      if (!user_lock) return;
      if (clock_lock.owns_lock()) clock_lock.unlock();
      user_lock->lock();
    }
  } relock{lock, user_lock};
  --running_;
  try {
    advance(lock, std::numeric_limits<int64_t>::max());
  } catch (...) {
    // A callback threw while this thread served: the sleeper leaves the queue, running again.
    if (!self.woken) {
      queue_.erase(self.key);
      wake(self);
    }
    throw;
  }
  self.cv.wait(lock, [&] { return self.woken; });
  if (self.slot && self.slot->queued) wait_for_baton(lock, *self.slot, stop);
  return !self.stopped;
}

void VirtualClock::Condition::notify_all() {
  std::lock_guard lock(clock_.mutex_);
  // wake() takes each off this list; what a notify wakes no longer waits for its deadline.
  while (!waiters_.empty()) {
    Sleeper* sleeper = waiters_.back();
    clock_.queue_.erase(sleeper->key);
    clock_.wake(*sleeper);
  }
}

size_t VirtualClock::run_until(Time limit) {
  std::unique_lock lock(mutex_);
  if (running_ > 0) throw std::logic_error("VirtualClock::run_until called while an actor runs");
  size_t served = advance(lock, limit.count());
  // Only when nothing waits up to the limit (another thread may be serving it still).
  const bool passed = queue_.empty() || std::get<0>(queue_.begin()->first) > limit.count();
  if (running_ == 0 && passed && now_us_.load() < limit.count()) now_us_ = limit.count();
  return served;
}

// Runs `work` as a turn of its own: no waiter is served meanwhile, the lock is released, and the
// clock's state is whole again whether `work` returns or throws.
template <class F>
auto VirtualClock::turn(std::unique_lock<std::mutex>& lock, F&& work) {
  ++running_;
  // The callback holds the baton (the queue is empty: nothing runs while the clock is served), so
  // an actor it wakes runs once it has returned. One slot serves every turn: one thread advances.
  Slot& serving_slot = *serving_slot_;
  enqueue(serving_slot);
  lock.unlock();
  struct Relock {
    VirtualClock& clock;
    std::unique_lock<std::mutex>& lock;
    Slot& slot;
    ~Relock() {
      lock.lock();
      clock.leave(slot);
      --clock.running_;
      serving = false;
    }
  } relock{*this, lock, serving_slot};
  serving = true;
  return work();
}

size_t VirtualClock::poll_attached(std::unique_lock<std::mutex>& lock) {
  size_t ran = 0;
  for (bool again = true; again;) {
    again = false;
    // By index: attach() may add an io_context while the lock is released.
    for (size_t i = 0; i < attached_.size(); ++i) {
      boost::asio::io_context* io = attached_[i];
      const size_t n = turn(lock, [io] {
        io->restart();
        return io->poll();
      });
      ran += n;
      // poll() runs what its own handlers post too; only another io_context's handler can have
      // made this one ready again, so with one attached a second round would find nothing.
      again = again || (n > 0 && attached_.size() > 1);
    }
  }
  return ran;
}

size_t VirtualClock::advance(std::unique_lock<std::mutex>& lock, int64_t limit) {
  if (advancing_) return 0;  // the thread already serving will see this change
  advancing_ = true;
  struct Done {
    bool& advancing;
    ~Done() { advancing = false; }
  } done{advancing_};
  size_t served = 0;
  bool polled = false;  // the last callback's own turn ran the io_context's ready handlers
  while (running_ == 0) {
    if (!std::exchange(polled, false)) served += poll_attached(lock);
    if (running_ != 0 || queue_.empty()) break;
    auto it = queue_.begin();
    const int64_t at = std::get<0>(it->first);
    if (at > limit) break;
    now_us_ = std::max(now_us_.load(), at);
    Waiter w = std::move(it->second);
    queue_.erase(it);
    ++served;
    if (w.sleeper) {
      // The actor runs again; time stands still until it blocks or ends.
      wake(*w.sleeper);
      break;
    }
    // What the callback made ready runs in its own turn, as the next round's poll would run it,
    // unless the callback made an actor runnable (the actor runs first, and the poll waits until
    // it blocks): one turn a callback instead of two (the second turn's locking was about 2 % of a
    // sim run). With several io_contexts attached, the rounds above take their turns.
    boost::asio::io_context* io = attached_.size() == 1 ? attached_.front() : nullptr;
    const uint64_t runnable_before = made_runnable_.load(std::memory_order_relaxed);
    served += turn(lock, [&] {
      {
        auto fn = std::move(w.fn);
        fn();  // and destroyed here, before the io_context's handlers run: its captures may call back
      }
      if (!io || made_runnable_.load(std::memory_order_relaxed) != runnable_before) return size_t{0};
      polled = true;
      // Every callback starts with the io_context drained (the loop's first poll, or the last
      // callback's): one that posts nothing leaves it so.
      if (w.posts_nothing) return size_t{0};
      io->restart();
      return io->poll();
    });
  }
  return served;
}

}  // namespace bg::core
