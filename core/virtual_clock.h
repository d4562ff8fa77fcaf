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
// One actor runs at a time: an actor holds the clock's baton while it runs and passes it on when it
// blocks or ends, to the actors that became runnable in the order they did (a wake-up, a new thread's
// Turn), which the running actor decides, never real time. So two actors that wake at one instant
// run one after the other in a fixed order, and a seed's history does not depend on the machine's
// scheduler. A deploy script, a real process outside the clock, holds the baton through its Turn
// while it computes between shim calls, and its call takes that turn over (core/script_turns.h). An
// actor woken by its stop token runs on without waiting for the baton, so a teardown that stops and
// joins threads cannot deadlock on it. An actor must therefore never wait in real time for another
// actor that is not stopped (a join, a bare condition variable): it would wait for ever for an actor
// that waits for the baton. Should one do so, the waiting actor runs on without the baton after
// a patience of 10 s and says so on stderr, and that run may not replay exactly.
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
#include <chrono>
#include <condition_variable>
#include <deque>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <stop_token>
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

  // A callback's place on the queue, which cancel() finds it by (no second index to keep).
  class CallId {
   public:
    CallId() = default;

   private:
    friend class VirtualClock;
    explicit CallId(std::tuple<int64_t, uint64_t, uint64_t> key) : key_(key) {}
    std::tuple<int64_t, uint64_t, uint64_t> key_{};
  };

  // Runs `fn` when the clock reaches `at` (at once in clock order when `at` has passed). Returns its
  // id for cancel().
  CallId call_at(Time at, std::function<void()> fn, uint64_t order_key = 0);
  // As call_at, for a callback that posts no handler to an attached io_context (it changes state
  // and schedules further callbacks only). After any other callback the clock polls the
  // io_context for what it made ready; after this one it knows nothing was (the last poll left it
  // with none), and does not ask. Why: SimNetwork's segment arrivals are such callbacks, about half
  // of a sim run's, and each poll that found nothing was two lockings of Asio's scheduler.
  // A callback that posts anyway has its handler run only at the clock's next poll: it must not.
  CallId call_at_posting_nothing(Time at, std::function<void()> fn);
  // False when it already ran or was cancelled.
  bool cancel(const CallId& id);

  // The clock runs this io_context's ready handlers (poll) before it lets time pass. It must not
  // be run by any other thread, and must outlive the clock's use.
  void attach(boost::asio::io_context& io);

  // For a world without actor threads (an event-only simulation, a test): runs what waits until
  // the clock would pass `limit`, then sets the clock to `limit`. Returns how many callbacks,
  // handlers and wake-ups ran. Must not be called while an actor runs.
  size_t run_until(Time limit);

  class Actor;
  struct Slot;  // a place in the baton's queue

  // A turn held for a thread that has not started yet, or for a real process (a deploy script,
  // core/script_turns.h): while it lives, the clock counts one more running actor, so a thread that
  // starts another and then sleeps cannot let time pass before the new one runs, and it has its
  // place in the baton's line from now. While a turn no thread has taken over holds the baton,
  // nothing of the run's own runs: the script computes. The new thread's Actor takes it over (the
  // constructor below), as does a script's shim call; one never taken over gives its turn back when
  // destroyed.
  class Turn {
   public:
    explicit Turn(VirtualClock& clock);
    ~Turn();
    Turn(Turn&& other) noexcept;
    Turn& operator=(Turn&&) = delete;
    Turn(const Turn&) = delete;

   private:
    friend class Actor;
    VirtualClock* clock_;
    std::unique_ptr<Slot> slot_;
  };

  // Where a new Actor takes its place in the baton's line: at its end, or, for a shim call no
  // script of the run claims (its environment lost the script's id), ahead of a script that holds
  // the baton while it computes: that script may well be waiting for this very call, and would
  // wait for ever behind it.
  enum class Line { at_end, ahead_of_a_script };

  // An actor's scope: while it lives, the calling thread runs (time stands still) except while it
  // is blocked in sleep_for. `order_key` orders it among actors that sleep to the same instant
  // (a script's pid, a fixed number for the run's own thread); it stays this thread's key for the
  // scope's life. Scopes nest on one thread (the outermost counts); a thread is an actor of one
  // clock at a time. A thread started by an actor takes over the Turn its starter held for it.
  // An actor waits for the baton before it runs; `stop` (its thread's) lets it run without it,
  // as a woken sleeper's stop does.
  class Actor {
   public:
    Actor(VirtualClock& clock, uint64_t order_key, std::stop_token stop = {}, Line line = Line::at_end);
    Actor(Turn turn, uint64_t order_key, std::stop_token stop = {});
    ~Actor();
    Actor(const Actor&) = delete;
    Actor& operator=(const Actor&) = delete;

   private:
    VirtualClock& clock_;
    uint64_t previous_key_;
    std::unique_ptr<Slot> slot_;  // the outermost scope's
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
  // How many times an actor waited the baton patience (default 10 s) for the baton and ran on
  // without it (an actor holding it waited in real time for another): determinism is lost then;
  // zero in a sound run.
  int baton_overtakes() const;
  void set_baton_patience(std::chrono::nanoseconds patience);

 private:
  // (instant, order key, sequence): the order waiters are served in.
  using Key = std::tuple<int64_t, uint64_t, uint64_t>;
  struct Sleeper {
    Key key{};  // its place on the queue
    std::condition_variable cv;
    bool woken = false;
    bool stopped = false;
    Condition* condition = nullptr;  // the condition it waits on too, if any
    Slot* slot = nullptr;            // its thread's place in the baton's queue
  };
  struct Waiter {
    std::function<void()> fn;    // a callback, or
    Sleeper* sleeper = nullptr;  // a blocked actor
    bool posts_nothing = false;  // a callback of call_at_posting_nothing
  };

  // The baton (callers hold mutex_): a slot joins the queue's end and holds the baton once first;
  // leaving passes it to the next. wait_for_baton returns once the slot holds it, or runs on without
  // it when `stop` comes or the patience passes.
  void enqueue(Slot& slot, Line line = Line::at_end);
  void leave(Slot& slot);
  void wait_for_baton(std::unique_lock<std::mutex>& lock, Slot& slot, std::stop_token stop);

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
  std::vector<boost::asio::io_context*> attached_;
  uint64_t next_seq_ = 1;
  int running_ = 0;
  // Counts actors made runnable (a wake-up, a new Actor or Turn). Written under mutex_, read by the
  // thread serving a callback without it, to see whether the callback woke anyone.
  std::atomic<uint64_t> made_runnable_{0};
  void note_runnable() {
    made_runnable_.store(made_runnable_.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
  }
  bool advancing_ = false;   // one thread serves waiters at a time
  std::deque<Slot*> baton_;  // the front one runs
  int overtakes_ = 0;
  std::chrono::nanoseconds patience_ = std::chrono::seconds(10);
  std::unique_ptr<Slot> serving_slot_;  // the baton's holder while a callback or handler runs
  std::unique_ptr<ScriptTurns> script_turns_;
};

}  // namespace bg::core
