#include "core/virtual_clock.h"

#include <gtest/gtest.h>

#include <boost/asio/post.hpp>

#include <chrono>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <vector>


namespace bg::core {
namespace {

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
  clock.call_at(Time(2s), [&] { trace.add("c"); });
  clock.call_at(Time(1s), [&] { trace.add("b"); }, 5);
  clock.call_at(Time(1s), [&] { trace.add("a"); }, 1);
  clock.call_at(Time(1s), [&] { trace.add("a2"); }, 1);
  const uint64_t never = clock.call_at(Time(1500ms), [&] { trace.add("cancelled"); });
  clock.call_at(Time(9s), [&] { trace.add("later"); });
  EXPECT_TRUE(clock.cancel(never));
  EXPECT_FALSE(clock.cancel(never));
  EXPECT_EQ(clock.run_until(Time(5s)), 4u);
  EXPECT_EQ(clock.now(), Time(5s));
  EXPECT_EQ(trace.events(), (std::vector<std::string>{"a@1000ms", "a2@1000ms", "b@1000ms", "c@2000ms"}));
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
      std::atomic<bool> counted{false};
      sleeper = std::thread([&] {
        VirtualClock::Actor other(clock, 2);
        counted = true;
        clock.sleep_for(5s);
        trace.add("other woke");
      });
      while (!counted) std::this_thread::yield();
    }
    // Busy for 50 ms of real time with the other actor asleep: the clock must not move.
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    trace.add("main still running");
    clock.sleep_for(10s);
    trace.add("main woke");
  }
  sleeper.join();
  EXPECT_EQ(trace.events(), (std::vector<std::string>{"main still running@0ms", "other woke@5000ms", "main woke@10000ms"}));
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
      std::atomic<int> counted{0};
      for (uint64_t key : {3u, 1u, 2u}) {
        const int delay_us = static_cast<int>(rng() % 2000);
        actors.emplace_back([&, key, delay_us] {
          VirtualClock::Actor self(clock, key);
          ++counted;
          std::this_thread::sleep_for(std::chrono::microseconds(delay_us));
          clock.sleep_for(1s);
          trace.add("actor " + std::to_string(key));
        });
      }
      while (counted < 3) std::this_thread::yield();
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
    std::atomic<bool> counted{false};
    stopper = std::thread([&] {
      // A running actor: while it runs the clock cannot reach the sleeper's instant.
      VirtualClock::Actor busy(clock, 2);
      counted = true;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
      stop.request_stop();
    });
    while (!counted) std::this_thread::yield();
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

}  // namespace
}  // namespace bg::core
