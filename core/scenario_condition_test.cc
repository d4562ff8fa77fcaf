#include "core/scenario_condition.h"

#include <gtest/gtest.h>

#include <atomic>
#include <mutex>
#include <thread>

#include "core/actor_thread.h"
#include "core/virtual_clock.h"

namespace bg::core {
namespace {

// Goal: on a virtual clock a wait ends at the exact instant of the notify that makes it ready, or
// at its deadline when nothing does, in no real time (an hour's deadline would pass ctest's timeout).
TEST(ScenarioCondition, OnAVirtualClockAWaitEndsAtTheNotifyOrTheDeadlineExactly) {
  VirtualClock clock;
  ScenarioCondition changed(clock);
  std::mutex mutex;
  bool exited = false;
  clock.call_at(Time(3s), [&] {
    {
      std::lock_guard lock(mutex);
      exited = true;
    }
    changed.notify_all();
  });
  VirtualClock::Actor self(clock, 1);
  std::unique_lock lock(mutex);
  EXPECT_TRUE(changed.wait_for(lock, 10s, {}, [&] { return exited; }));
  EXPECT_EQ(clock.now(), Time(3s));
  // Nothing will make it ready: false at the deadline, to the microsecond.
  EXPECT_FALSE(changed.wait_for(lock, 3600s, {}, [&] { return !exited; }));
  EXPECT_EQ(clock.now(), Time(3603s));
  // A deadline already passed: false at once, without time passing.
  EXPECT_FALSE(changed.wait_until(lock, Time(1s), {}, [&] { return !exited; }));
  EXPECT_EQ(clock.now(), Time(3603s));
}

// Goal: a stop ends a wait without a deadline, false, without time passing.
TEST(ScenarioCondition, AStopEndsAWaitWithoutADeadline) {
  VirtualClock clock;
  ScenarioCondition changed(clock);
  std::mutex mutex;
  std::stop_source stop;
  clock.call_at(Time(2s), [&] { stop.request_stop(); });
  VirtualClock::Actor self(clock, 1);
  std::unique_lock lock(mutex);
  EXPECT_FALSE(changed.wait(lock, stop.get_token(), [] { return false; }));
  EXPECT_EQ(clock.now(), Time(2s));
}

// Goal: on a live clock the deadline is scaled (1 s of scenario at 0.001 is 1 ms real, so the wait
// ends long before the test's own bound), and a notify from another thread ends it ready.
TEST(ScenarioCondition, OnALiveClockTheDeadlineIsScaledAndANotifyEndsIt) {
  ScaledClock clock(0.001);
  ScenarioCondition changed(clock);
  std::mutex mutex;
  bool ready = false;
  std::unique_lock lock(mutex);
  EXPECT_FALSE(changed.wait_for(lock, 1s, {}, [&] { return ready; }));
  EXPECT_GE(clock.now(), Time(1s));
  std::thread notifier([&] {
    {
      std::lock_guard guard(mutex);
      ready = true;
    }
    changed.notify_all();
  });
  EXPECT_TRUE(changed.wait_for(lock, 3600s, {}, [&] { return ready; }));
  lock.unlock();
  notifier.join();
}

// Goal: a thread started with start_actor counts as running from before it starts, so its starter's
// sleep cannot pass time first: the new thread, slow to get going in real time, still acts at 0.
// (Counted only once its own Actor scope began, the starter's 5 s sleep would run first and the new
// thread would see 5 s.)
TEST(ActorThread, AStartedActorIsCountedBeforeItRuns) {
  VirtualClock clock;
  std::atomic<int64_t> seen_us{-1};
  std::jthread worker;
  {
    VirtualClock::Actor self(clock, 1);
    worker = start_actor(clock, 2, [&](std::stop_token) {
      std::this_thread::sleep_for(std::chrono::milliseconds(30));  // real time only: slow to start
      seen_us = clock.now().count();
      clock.sleep_for(1s);
    });
    EXPECT_TRUE(clock.sleep_for(5s));
    EXPECT_EQ(seen_us.load(), 0);
    EXPECT_EQ(clock.now(), Time(5s));
  }
  worker.join();
  EXPECT_EQ(clock.running(), 0);
}

// Goal: a turn never taken over is given back, so the clock is not frozen for ever; on a live clock
// start_actor is a plain thread.
TEST(ActorThread, AnUnusedTurnIsGivenBackAndLiveThreadsArePlain) {
  VirtualClock clock;
  { VirtualClock::Turn held(clock); }
  EXPECT_EQ(clock.running(), 0);
  EXPECT_EQ(clock.run_until(Time(1s)), 0u);
  EXPECT_EQ(clock.now(), Time(1s));

  ScaledClock live(0.001);
  std::atomic<bool> ran{false};
  start_actor(live, 1, [&](std::stop_token) { ran = true; }).join();
  EXPECT_TRUE(ran.load());
}

}  // namespace
}  // namespace bg::core
