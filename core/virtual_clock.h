#pragma once
// VirtualClock: scenario time that moves only when nothing in the run can act, the clock of the
// deterministic engine (docs/design.md, "Time"). Real time never enters: to_real() is zero, and a
// `sleep 3600` returns as soon as everything else is waiting too, so a case costs what its code
// costs, not what its scenario lasts.
//
// Three kinds of work share it:
//  - callbacks for an instant (`call_at`), the timers of the event-driven parts;
//  - Asio handlers of attached io_contexts (`attach`), which the clock runs itself (poll) before
//    it lets time pass: a handler that is ready always runs before the next instant;
//  - threads that block in `sleep_for`: the run's own thread, a script's shim call. Such a thread
//    is an *actor* (`Actor`): while any actor runs, time stands still.
// When no actor runs and no handler is ready, the clock jumps to the earliest instant anything
// waits for and runs or wakes what waits there, one at a time: instants in order, and at one
// instant by the waiter's order key (an actor's own key, so two actors that sleep to the same
// instant wake in the same order whichever reached its sleep first in real time), then by the
// order things were scheduled. The thread that makes the last actor block does that work: there is
// no clock thread. The same calls give the same instants on any machine under any load, which is
// what makes a seed a complete replay.
//
// Callbacks and handlers must not block (sleep_for from one is refused): they run on whichever thread
// advances the clock. One that throws leaves the clock whole and the exception goes to that thread
// (out of sleep_for or run_until; from an Actor's end it ends the process).
#include <utility>  // before Asio under C++20 (docs/design.md)

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <tuple>
#include <vector>

#include <boost/asio/io_context.hpp>

#include "core/clock.h"

namespace bg::core {

class ScriptTurns;

class VirtualClock final : public Clock {
  struct Sleeper;  // a blocked actor (below)

 public:
  VirtualClock();
  ~VirtualClock() override;
  VirtualClock(const VirtualClock&) = delete;
  VirtualClock& operator=(const VirtualClock&) = delete;

  Time now() const override { return Time(now_us_.load()); }
  // No real time corresponds to a span of virtual time.
  std::chrono::nanoseconds to_real(Duration) const override { return std::chrono::nanoseconds(0); }
  // Blocks the calling actor until the clock reaches now + `scenario`; false when `stop` came
  // first. The caller must be this clock's actor (inside an Actor's scope on this thread) and not a
  // callback or handler: std::logic_error otherwise.
  bool sleep_for(Duration scenario, std::stop_token stop = {}) override;

  // Runs `fn` when the clock reaches `at` (at once in clock order when `at` has passed). Returns an
  // id for cancel().
  uint64_t call_at(Time at, std::function<void()> fn, uint64_t order_key = 0);
  // False when it already ran or was cancelled.
  bool cancel(uint64_t id);

  // The clock runs this io_context's ready handlers (poll) before it lets time pass. It must not
  // be run by any other thread, and must outlive the clock's use.
  void attach(boost::asio::io_context& io);

  // For a world without actor threads (an event-only simulation, a test): runs what waits until
  // the clock would pass `limit`, then sets the clock to `limit`. Returns how many callbacks,
  // handlers and wake-ups ran. Must not be called while an actor runs.
  size_t run_until(Time limit);

  class Actor;

  // A turn held for a thread that has not started yet: while it lives, the clock counts one more
  // running actor, so a thread that starts another and then sleeps cannot let time pass before the
  // new thread runs. The new thread's Actor takes it over (the constructor below); one never taken
  // over gives its turn back when destroyed.
  class Turn {
   public:
    explicit Turn(VirtualClock& clock);
    ~Turn();
    Turn(Turn&& other) noexcept : clock_(other.clock_) { other.clock_ = nullptr; }
    Turn& operator=(Turn&&) = delete;
    Turn(const Turn&) = delete;

   private:
    friend class Actor;
    VirtualClock* clock_;
  };

  // An actor's scope: while it lives, the calling thread runs (time stands still) except while it
  // is blocked in sleep_for. `order_key` orders it among actors that sleep to the same instant
  // (a script's pid, a fixed number for the run's own thread); it stays this thread's key for the
  // scope's life. Scopes nest on one thread (the outermost counts); a thread is an actor of one
  // clock at a time. A thread started by an actor takes over the Turn its starter held for it.
  class Actor {
   public:
    Actor(VirtualClock& clock, uint64_t order_key);
    Actor(Turn turn, uint64_t order_key);
    ~Actor();
    Actor(const Actor&) = delete;
    Actor& operator=(const Actor&) = delete;

   private:
    VirtualClock& clock_;
    uint64_t previous_key_;
  };

  // A condition actors wait on in scenario time, the virtual engine's condition variable.
  // notify_all() hands the turn to every waiter it wakes before it returns: each counts as a running
  // actor from that moment, so time cannot pass between the notify and the waiter's own check. (A
  // bare condition variable would let the notifier block next and the clock move on while the woken
  // thread has not yet run: the same seed would give different instants under load.)
  // Waiters, notifiers and the state they share use the caller's own mutex, as with
  // std::condition_variable; notify_all() may be called with or without it held, from an actor, a
  // callback or a handler. It must outlive its waiters.
  class Condition {
   public:
    explicit Condition(VirtualClock& clock) : clock_(clock) {}
    Condition(const Condition&) = delete;
    Condition& operator=(const Condition&) = delete;

    // With `lock` held: returns true once ready() is, false when the clock reaches `deadline` or
    // `stop` comes first (ready() still false). ready() is called with `lock` held. Only this
    // clock's actor may wait (std::logic_error otherwise), as for sleep_for.
    template <class Ready>
    bool wait_until(std::unique_lock<std::mutex>& lock, Time deadline, std::stop_token stop, Ready ready) {
      while (!ready()) {
        if (clock_.now() >= deadline || stop.stop_requested()) return false;
        clock_.block_until(deadline.count(), stop, this, &lock);
      }
      return true;
    }
    void notify_all();

   private:
    friend class VirtualClock;
    VirtualClock& clock_;
    std::vector<Sleeper*> waiters_;  // guarded by the clock's mutex
  };

  // The turns deploy scripts, real processes outside the clock, hold on it (core/script_turns.h).
  ScriptTurns& script_turns() { return *script_turns_; }

  // The world is gone: whatever still waits (callbacks, attached io_contexts) is dropped unrun, so
  // that the last actor's end cannot serve a timer of a component already destroyed. Actors still
  // blocked are woken as stopped.
  void discard();

  // How many actors run now (not blocked in sleep_for or a Condition): for tests and diagnostics.
  int running() const;

 private:
  // (instant, order key, sequence): the order waiters are served in.
  using Key = std::tuple<int64_t, uint64_t, uint64_t>;
  struct Sleeper {
    Key key{};  // its place on the queue
    std::condition_variable cv;
    bool woken = false;
    bool stopped = false;
    Condition* condition = nullptr;  // the condition it waits on too, if any
  };
  struct Waiter {
    std::function<void()> fn;    // a callback, or
    Sleeper* sleeper = nullptr;  // a blocked actor
  };

  // Blocks the calling actor until the clock reaches `at_us`, `stop`, or (with a condition) its
  // notify; false on stop. With `user_lock`, the actor is listed on the condition before that lock
  // is released, so a notify that follows the caller's last check is never lost; the lock is held
  // again on return.
  bool block_until(int64_t at_us, std::stop_token stop, Condition* condition, std::unique_lock<std::mutex>* user_lock);
  // Makes a blocked sleeper run again (the caller holds the lock and has taken it off the queue).
  void wake(Sleeper& sleeper);

  // Serves waiters while nothing runs, up to `limit` (inclusive). Called with the lock held; it
  // releases it around callbacks and handlers. Returns how many it served.
  size_t advance(std::unique_lock<std::mutex>& lock, int64_t limit);
  size_t poll_attached(std::unique_lock<std::mutex>& lock);
  template <class F>
  auto turn(std::unique_lock<std::mutex>& lock, F&& work);

  mutable std::mutex mutex_;
  std::atomic<int64_t> now_us_{0};
  std::map<Key, Waiter> queue_;
  std::map<uint64_t, Key> by_id_;  // callbacks still queued, for cancel()
  std::vector<boost::asio::io_context*> attached_;
  uint64_t next_seq_ = 1;
  int running_ = 0;
  bool advancing_ = false;  // one thread serves waiters at a time
  std::unique_ptr<ScriptTurns> script_turns_;
};

}  // namespace bg::core
