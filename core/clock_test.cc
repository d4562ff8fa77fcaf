#include "core/clock.h"

#include <gtest/gtest.h>

#include <thread>

namespace bg::core {

// Goal: a scaled clock converts scenario spans to real ones by the time scale.
TEST(ScaledClock, ConvertsScenarioToRealByTheScale) {
  ScaledClock clock(0.05);
  EXPECT_EQ(clock.to_real(10s), std::chrono::milliseconds(500));
}

// Goal: scenario time advances 1/scale times faster than real time.
TEST(ScaledClock, SleepAdvancesScenarioTime) {
  ScaledClock clock(0.01);
  Time before = clock.now();
  ASSERT_TRUE(clock.sleep_for(2s));  // 20 ms real
  EXPECT_GE(clock.now() - before, 2s);
}

// Goal: a stop request ends a long sleep at once, so teardown never waits out a script's `sleep`.
TEST(ScaledClock, StopRequestCutsSleepShort) {
  ScaledClock clock(1.0);
  std::stop_source stop;
  std::thread stopper([&] { stop.request_stop(); });
  Time before = clock.now();
  EXPECT_FALSE(clock.sleep_for(3600s, stop.get_token()));
  stopper.join();
  EXPECT_LT(clock.now() - before, 60s);
}

TEST(ManualClock, MovesOnlyWhenTold) {
  ManualClock clock;
  EXPECT_EQ(clock.now(), Time(0));
  clock.advance(3s);
  EXPECT_EQ(clock.now(), Time(3s));
  clock.sleep_for(2s);
  EXPECT_EQ(clock.now(), Time(5s));
}

}  // namespace bg::core
