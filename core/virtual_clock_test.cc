#include "core/virtual_clock.h"

#include <gtest/gtest.h>

#include <boost/asio/post.hpp>

#include <chrono>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "test_support/wait.h"

namespace bg::core {
namespace {

using test_support::holds_for;
using test_support::wait_until;

// What happened, in order, with the virtual instant it happened at.
class Trace {
 public:
  explicit Trace(const Clock& clock) : clock_(clock) {}
  void add(const std::string& what) {
    std::lock_guard lock(mutex_);
    events_.push_back(what + "@" + std::to_string(clock_.now().count() / 1000) + "ms");
  }
  std::vector<std::string> events() const {
    std::lock_guard lock(mutex_);
    return events_;
  }

 private:
  const Clock& clock_;
  mutable std::mutex mutex_;
  std::vector<std::string> events_;
};

// Goal: callbacks run in instant order, at one instant by order key and then by scheduling order,
// each seeing the clock at its own instant; a cancelled one never runs; run_until stops at its
// limit and leaves the clock there.
TEST(VirtualClock, CallbacksRunInInstantThenKeyThenScheduleOrder) {
  VirtualClock clock;
  Trace trace(clock);
  const VirtualClock::CallId c = clock.call_at(Time(2s), [&] { trace.add("c"); });
  clock.call_at(
      Time(1s), [&] { trace.add("b"); }, 5);
  clock.call_at(
      Time(1s), [&] { trace.add("a"); }, 1);
  clock.call_at(
      Time(1s), [&] { trace.add("a2"); }, 1);
  const VirtualClock::CallId never = clock.call_at(Time(1500ms), [&] { trace.add("cancelled"); });
  clock.call_at(Time(9s), [&] { trace.add("later"); });
  EXPECT_TRUE(clock.cancel(never));
  EXPECT_FALSE(clock.cancel(never));
  EXPECT_EQ(clock.run_until(Time(5s)), 4u);
  EXPECT_EQ(clock.now(), Time(5s));
  EXPECT_EQ(trace.events(), (std::vector<std::string>{"a@1000ms", "a2@1000ms", "b@1000ms", "c@2000ms"}));
  EXPECT_FALSE(clock.cancel(c));  // it ran
  // A callback scheduled in the past runs at the current instant; one scheduled by a callback
  // for its own instant runs in the same pass.
  clock.call_at(Time(1s), [&] {
    trace.add("past");
    clock.call_at(clock.now(), [&] { trace.add("chained"); });
  });
  clock.run_until(Time(10s));
  EXPECT_EQ(trace.events().back(), "later@9000ms");
  EXPECT_EQ(trace.events()[4], "past@5000ms");
  EXPECT_EQ(trace.events()[5], "chained@5000ms");
}

// Goal: an actor's hour-long sleep returns as soon as nothing else can act, with the clock at its
// instant (were it to wait real time, the test would pass its ctest timeout instead).
TEST(VirtualClock, ASleepReturnsAsSoonAsNothingElseCanAct) {
  VirtualClock clock;
  {
    VirtualClock::Actor self(clock, 1);
    EXPECT_TRUE(clock.sleep_for(3600s));
    EXPECT_EQ(clock.now(), Time(3600s));
  }
  EXPECT_EQ(clock.running(), 0);
}

// Goal: time stands still while an actor runs, however long it runs in real time; the other
// actor's earlier wake-up does not happen until the running one blocks.
TEST(VirtualClock, TimeStandsStillWhileAnyActorRuns) {
  VirtualClock clock;
  Trace trace(clock);
  std::thread sleeper;
  {
    VirtualClock::Actor main_actor(clock, 1);
    {
      // The main actor runs throughout, so the clock cannot move whatever this thread does first.
      sleeper = std::thread([&] {
        VirtualClock::Actor other(clock, 2);  // runs once the main actor blocks: one actor at a time
        clock.sleep_for(5s);
        trace.add("other woke");
      });
      EXPECT_TRUE(wait_until([&] { return clock.running() == 2; }, 5s, "the other actor to register"));
    }
    // Busy for 50 ms of real time with the other actor asleep: the clock must not move.
    EXPECT_TRUE(holds_for([&] { return clock.now() == Time(0); }, 50ms, "the clock to stand still while main runs"));
    trace.add("main still running");
    clock.sleep_for(10s);
    trace.add("main woke");
  }
  sleeper.join();
  EXPECT_EQ(trace.events(),
            (std::vector<std::string>{"main still running@0ms", "other woke@5000ms", "main woke@10000ms"}));
}

// Goal: actors that sleep to the same instant wake in order-key order whichever reached its sleep
// first in real time: 30 runs with random real delays give one trace.
TEST(VirtualClock, SameInstantActorsWakeByKeyWhateverTheRealOrder) {
  std::mt19937 rng(42);
  std::vector<std::string> first;
  for (int round = 0; round < 30; ++round) {
    VirtualClock clock;
    Trace trace(clock);
    std::vector<std::thread> actors;
    {
      VirtualClock::Actor main_actor(clock, 0);
      for (uint64_t key : {3u, 1u, 2u}) {
        const int delay_us = static_cast<int>(rng() % 2000);
        actors.emplace_back([&, key, delay_us] {
          std::this_thread::sleep_for(std::chrono::microseconds(delay_us));
          VirtualClock::Actor self(clock, key);  // in line in the real order they come
          std::this_thread::sleep_for(std::chrono::microseconds(delay_us));
          clock.sleep_for(1s);
          trace.add("actor " + std::to_string(key));
        });
      }
      EXPECT_TRUE(wait_until([&] { return clock.running() == 4; }, 5s, "the three actors to register"));
      clock.sleep_for(2s);
      trace.add("main");
    }
    for (auto& t : actors) t.join();
    if (round == 0) first = trace.events();
    ASSERT_EQ(trace.events(), first) << "round " << round;
  }
  EXPECT_EQ(first, (std::vector<std::string>{"actor 1@1000ms", "actor 2@1000ms", "actor 3@1000ms", "main@2000ms"}));
}

// Goal: a stop wakes a sleeper at once, false, without time passing; a sleep whose stop was
// already requested does not block.
TEST(VirtualClock, StopWakesASleeperWithoutPassingTime) {
  VirtualClock clock;
  std::stop_source stop;
  std::thread stopper;
  {
    VirtualClock::Actor self(clock, 1);
    stopper = std::thread([&] {
      // A running actor: while it runs the clock cannot reach the sleeper's instant.
      VirtualClock::Actor busy(clock, 2);
      // Stops once the main actor sleeps (only this one runs then), so the stop wakes a sleeper.
      EXPECT_TRUE(wait_until([&] { return clock.running() == 1; }, 5s, "the main actor to sleep"));
      stop.request_stop();
    });
    EXPECT_TRUE(wait_until([&] { return clock.running() == 2; }, 5s, "the busy actor to register"));
    EXPECT_FALSE(clock.sleep_for(3600s, stop.get_token()));
    EXPECT_EQ(clock.now(), Time(0));
    EXPECT_FALSE(clock.sleep_for(1s, stop.get_token()));
  }
  stopper.join();
  EXPECT_EQ(clock.running(), 0);
}

// Goal: a thread that is no actor cannot sleep on the virtual clock.
TEST(VirtualClock, ASleepOutsideAnActorIsRefused) {
  VirtualClock clock;
  EXPECT_THROW(clock.sleep_for(1s), std::logic_error);
}

// Goal: a sleep that would freeze or corrupt the clock is refused: from a thread that is no actor
// while an actor runs, and from a callback (which the sleeping actor's own thread is serving).
TEST(VirtualClock, SleepsThatWouldBreakTheClockAreRefused) {
  VirtualClock clock;
  bool from_callback_refused = false, from_outsider_refused = false;
  {
    VirtualClock::Actor self(clock, 1);
    std::thread outsider([&] {
      try {
        clock.sleep_for(1s);
      } catch (const std::logic_error&) {
        from_outsider_refused = true;
      }
    });
    outsider.join();
    EXPECT_EQ(clock.running(), 1);
    clock.call_at(Time(1s), [&] {
      try {
        clock.sleep_for(1s);
      } catch (const std::logic_error&) {
        from_callback_refused = true;
      }
    });
    EXPECT_TRUE(clock.sleep_for(2s));
    EXPECT_EQ(clock.now(), Time(2s));
  }
  EXPECT_TRUE(from_outsider_refused);
  EXPECT_TRUE(from_callback_refused);
  EXPECT_EQ(clock.running(), 0);
}

// Goal: a callback that throws passes its exception to the thread serving it and leaves the clock
// whole: the next waiter is served at its own instant.
TEST(VirtualClock, AThrowingCallbackLeavesTheClockWhole) {
  VirtualClock clock;
  Trace trace(clock);
  clock.call_at(Time(1s), [] { throw std::runtime_error("boom"); });
  clock.call_at(Time(2s), [&] { trace.add("next"); });
  EXPECT_THROW(clock.run_until(Time(5s)), std::runtime_error);
  EXPECT_EQ(clock.now(), Time(1s));
  EXPECT_EQ(clock.running(), 0);
  clock.run_until(Time(5s));
  EXPECT_EQ(trace.events(), (std::vector<std::string>{"next@2000ms"}));
  EXPECT_EQ(clock.now(), Time(5s));
}

// Goal: handlers of an attached io_context run before time passes: a handler a callback posts
// runs at the callback's instant, before the next callback's.
TEST(VirtualClock, AttachedHandlersRunBeforeTheNextInstant) {
  VirtualClock clock;
  boost::asio::io_context io;
  clock.attach(io);
  Trace trace(clock);
  clock.call_at(Time(1s), [&] {
    boost::asio::post(io, [&] {
      trace.add("handler");
      boost::asio::post(io, [&] { trace.add("handler's handler"); });
    });
  });
  clock.call_at(Time(2s), [&] { trace.add("next"); });
  clock.run_until(Time(3s));
  EXPECT_EQ(trace.events(), (std::vector<std::string>{"handler@1000ms", "handler's handler@1000ms", "next@2000ms"}));
}

// Goal: with two io_contexts attached, a handler of the second that posts to the first (polled
// before it, in this round) still runs at its instant: the clock polls again while either ran.
TEST(VirtualClock, AHandlerPostedAcrossAttachedIoContextsRunsBeforeTheNextInstant) {
  VirtualClock clock;
  boost::asio::io_context first, second;
  clock.attach(first);
  clock.attach(second);
  Trace trace(clock);
  clock.call_at(Time(1s), [&] {
    boost::asio::post(second, [&] {
      trace.add("second's handler");
      boost::asio::post(first, [&] { trace.add("first's handler"); });
    });
  });
  clock.call_at(Time(2s), [&] { trace.add("next"); });
  clock.run_until(Time(3s));
  EXPECT_EQ(trace.events(),
            (std::vector<std::string>{"second's handler@1000ms", "first's handler@1000ms", "next@2000ms"}));
}

// Goal: after a callback of call_at_posting_nothing the clock does not poll the io_context: it keeps
// its place among the callbacks of its instant, and a normal callback's handler still runs before
// the next callback. One that posts anyway (which it must not) has its handler run at the next poll,
// after the next callback; were the clock to poll after it, the handler would come first.
TEST(VirtualClock, AfterACallbackPostingNothingTheClockDoesNotPoll) {
  VirtualClock clock;
  boost::asio::io_context io;
  clock.attach(io);
  Trace trace(clock);
  clock.call_at(Time(1s), [&] {
    trace.add("normal");
    boost::asio::post(io, [&] { trace.add("normal's handler"); });
  });
  clock.call_at_posting_nothing(Time(1s), [&] {
    trace.add("quiet");
    boost::asio::post(io, [&] { trace.add("posted anyway"); });
  });
  clock.call_at(Time(1s), [&] { trace.add("next"); });
  clock.call_at_posting_nothing(Time(2s), [&] { trace.add("quiet later"); });
  EXPECT_EQ(clock.run_until(Time(3s)), 6u);  // four callbacks, two handlers
  EXPECT_EQ(trace.events(), (std::vector<std::string>{"normal@1000ms", "normal's handler@1000ms", "quiet@1000ms",
                                                      "next@1000ms", "posted anyway@1000ms", "quiet later@2000ms"}));
}

// Goal: a callback that both wakes an actor and posts a handler lets the actor run first, as
// always: the clock runs the handlers a callback made ready in that callback's own turn only when
// it woke nobody. Here the handler runs at the same instant, once the actor has blocked again.
TEST(VirtualClock, AnActorACallbackWakesRunsBeforeTheHandlerItPosted) {
  VirtualClock clock;
  boost::asio::io_context io;
  clock.attach(io);
  VirtualClock::Condition condition(clock);
  std::mutex mutex;
  bool ready = false;
  Trace trace(clock);
  clock.call_at(Time(1s), [&] {
    boost::asio::post(io, [&] { trace.add("handler"); });
    std::lock_guard lock(mutex);
    ready = true;
    condition.notify_all();
  });
  clock.call_at(Time(1s), [&] { trace.add("next callback"); });  // same instant, queued after
  VirtualClock::Actor self(clock, 1);
  {
    std::unique_lock lock(mutex);
    EXPECT_TRUE(condition.wait_until(lock, Time(10s), {}, [&] { return ready; }));
  }
  trace.add("actor");
  clock.sleep_for(1s);
  trace.add("actor again");
  EXPECT_EQ(trace.events(),
            (std::vector<std::string>{"actor@1000ms", "handler@1000ms", "next callback@1000ms", "actor again@2000ms"}));
}

// Goal: a notify hands the turn to the waiter before it returns: right after notify_all the woken
// actor already counts as running, so the notifier's next sleep cannot let time pass first, and
// the waiter sees its condition at the notifier's instant. (With a bare condition variable the
// count would be 1 and, under load, the waiter could wake after the notifier's 5 s sleep.)
TEST(VirtualClock, ANotifyHandsTheTurnToTheWaiterBeforeTimeCanPass) {
  VirtualClock clock;
  VirtualClock::Condition condition(clock);
  std::mutex mutex;
  bool ready = false;
  Trace trace(clock);
  std::thread waiter;
  int running_after_notify = -1;
  {
    VirtualClock::Actor main_actor(clock, 1);
    waiter = std::thread([&] {
      VirtualClock::Actor self(clock, 2);
      std::unique_lock lock(mutex);
      const bool met = condition.wait_until(lock, Time(60s), {}, [&] { return ready; });
      trace.add(met ? "waiter saw it" : "waiter timed out");
    });
    EXPECT_TRUE(wait_until([&] { return clock.running() == 2; }, 5s, "the waiter to register"));
    clock.sleep_for(1s);  // the waiter is blocked on the condition by now: time could pass
    {
      // Notified with the mutex held, so the waiter cannot have returned (and ended) before the
      // count is read: it is woken but waits for this lock.
      std::lock_guard lock(mutex);
      ready = true;
      condition.notify_all();
      running_after_notify = clock.running();
    }
    clock.sleep_for(5s);
    trace.add("notifier woke");
  }
  waiter.join();
  EXPECT_EQ(running_after_notify, 2);
  EXPECT_EQ(trace.events(), (std::vector<std::string>{"waiter saw it@1000ms", "notifier woke@6000ms"}));
}

// Goal: a wait whose condition never comes ends at its deadline, exactly, with false; a notify with
// the condition still false sends the waiter back to wait for the same deadline.
TEST(VirtualClock, AConditionWaitEndsAtItsDeadline) {
  VirtualClock clock;
  VirtualClock::Condition condition(clock);
  std::mutex mutex;
  clock.call_at(Time(2s), [&] { condition.notify_all(); });  // a spurious notify from a callback
  VirtualClock::Actor self(clock, 1);
  std::unique_lock lock(mutex);
  EXPECT_FALSE(condition.wait_until(lock, Time(7s), {}, [] { return false; }));
  EXPECT_EQ(clock.now(), Time(7s));
  EXPECT_TRUE(lock.owns_lock());
}

// Goal: a notify from a callback (no actor) wakes the waiter at the callback's instant, not at its
// deadline; a stop wakes a waiter without letting time pass and the wait reports false.
TEST(VirtualClock, ACallbackNotifyAndAStopEndAConditionWait) {
  VirtualClock clock;
  VirtualClock::Condition condition(clock);
  std::mutex mutex;
  bool ready = false;
  clock.call_at(Time(3s), [&] {
    std::lock_guard lock(mutex);
    ready = true;
    condition.notify_all();  // with the waiters' mutex held, as a condition variable allows
  });
  VirtualClock::Actor self(clock, 1);
  std::unique_lock lock(mutex);
  EXPECT_TRUE(condition.wait_until(lock, Time(10s), {}, [&] { return ready; }));
  EXPECT_EQ(clock.now(), Time(3s));

  std::stop_source stop;
  std::atomic<bool> stop_delivered{false};  // request_stop() returned: its callbacks have run
  std::atomic<bool> counted{false};         // the holder below is an actor
  std::thread stopper([&] {
    // Stops once the holder runs and the main actor waits (then only the holder runs).
    EXPECT_TRUE(wait_until([&] { return counted && clock.running() == 1; }, 5s, "the main actor to wait"));
    stop.request_stop();
    stop_delivered = true;
  });
  // The stopper is no actor. A second actor, busy until the stop has been delivered, keeps the
  // clock from jumping to the deadline meanwhile: the wait must end by the stop alone.
  std::thread holder;
  {
    holder = std::thread([&] {
      VirtualClock::Actor busy(clock, 2);
      counted = true;
      EXPECT_TRUE(wait_until([&] { return stop_delivered.load(); }, 5s, "the stop to be delivered"));
    });
    EXPECT_TRUE(wait_until([&] { return clock.running() == 2; }, 5s, "the busy actor to register"));
  }
  EXPECT_FALSE(condition.wait_until(lock, Time(60s), stop.get_token(), [] { return false; }));
  EXPECT_LT(clock.now(), Time(60s));
  stopper.join();
  holder.join();
}

// Goal: no wake-up is lost between a waiter's last check and its block: two actors pass a token
// back and forth 300 times through one condition, each waiting with a deadline a minute away. A
// lost notify would leave its waiter asleep until that deadline, and the clock would show it.
TEST(VirtualClock, ConditionPingPongLosesNoWakeUp) {
  VirtualClock clock;
  VirtualClock::Condition condition(clock);
  std::mutex mutex;
  int turn = 0;  // whose turn: 0 or 1
  constexpr int kRounds = 300;
  auto player = [&](int me) {
    for (int i = 0; i < kRounds; ++i) {
      std::unique_lock lock(mutex);
      if (!condition.wait_until(lock, Time(60s), {}, [&] { return turn == me; })) return;
      turn = 1 - me;
      lock.unlock();
      condition.notify_all();
    }
  };
  std::thread other;
  {
    VirtualClock::Actor self(clock, 1);
    other = std::thread([&] {
      VirtualClock::Actor actor(clock, 2);
      player(1);
    });
    EXPECT_TRUE(wait_until([&] { return clock.running() == 2; }, 5s, "the other player to register"));
    player(0);
  }
  other.join();
  EXPECT_EQ(clock.now(), Time(0));
  EXPECT_EQ(turn, 0);
}

// Goal: one actor runs at a time: a second actor comes into the line while the first runs, and runs
// only once the first blocks, even at the same instant.
TEST(VirtualClock, OneActorRunsAtATimeInTheOrderTheyJoinedTheLine) {
  VirtualClock clock;
  Trace trace(clock);
  std::atomic<bool> second_ran{false};
  std::thread second;
  {
    VirtualClock::Actor first(clock, 1);
    second = std::thread([&] {
      VirtualClock::Actor self(clock, 2);
      second_ran = true;
      trace.add("second");
    });
    EXPECT_TRUE(wait_until([&] { return clock.running() == 2; }, 5s, "the second actor to join the line"));
    EXPECT_TRUE(holds_for([&] { return !second_ran.load(); }, 50ms, "the second actor to wait for the baton"));
    trace.add("first");
  }  // the first ends: the baton passes
  second.join();
  EXPECT_EQ(trace.events(), (std::vector<std::string>{"first@0ms", "second@0ms"}));
  EXPECT_EQ(clock.baton_overtakes(), 0);
}

// Goal: an actor that waits in real time for another (a join) would wait for ever, since that one
// waits for the baton: after the patience the waiting one runs on without it, and the clock counts
// it (what the run then reports on stderr).
TEST(VirtualClock, AnActorThatJoinsAnotherIsOvertakenAfterThePatience) {
  VirtualClock clock;
  clock.set_baton_patience(100ms);
  {
    VirtualClock::Actor self(clock, 1);
    std::thread other([&] { VirtualClock::Actor joined(clock, 2); });
    other.join();  // holds the baton while it waits: `other` runs after the patience
  }
  EXPECT_EQ(clock.baton_overtakes(), 1);
  EXPECT_EQ(clock.running(), 0);
}

}  // namespace
}  // namespace bg::core
