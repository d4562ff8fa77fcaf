#include "sim/drawn_parameters.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

namespace bg::sim {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

scenarios::Scenario ranged(int swaps) {
  scenarios::Scenario s;
  s.run.swaps = swaps;
  s.app.listen_delay = {milliseconds(1000), milliseconds(5000)};
  return s;
}

// Goal: the same seed draws the same delays (a replay starts its containers as slowly), another
// seed others, and every draw lies in the scenario's range.
TEST(DrawnParameters, TheSeedDecidesTheDelays) {
  const scenarios::Scenario s = ranged(3);
  const DrawnParameters a = draw_parameters(s, core::Rng(7), 0.1);
  const DrawnParameters again = draw_parameters(s, core::Rng(7), 0.1);
  const DrawnParameters other = draw_parameters(s, core::Rng(8), 0.1);
  EXPECT_EQ(a.listen_delays, again.listen_delays);
  EXPECT_NE(a.listen_delays, other.listen_delays);
  ASSERT_EQ(a.listen_delays.size(), 3u * 2 + 4);
  for (auto d : a.listen_delays) {
    EXPECT_GE(d, milliseconds(1000));
    EXPECT_LE(d, milliseconds(5000));
  }
}

// Goal: the app's stream is its own: drawing from the run's stream before (another component's
// draws) does not shift the app's delays.
TEST(DrawnParameters, OtherDrawsDoNotShiftThem) {
  const scenarios::Scenario s = ranged(2);
  core::Rng used(11);
  for (int i = 0; i < 5; ++i) used.next_u64();
  EXPECT_EQ(draw_parameters(s, used, 0.1).listen_delays, draw_parameters(s, core::Rng(11), 0.1).listen_delays);
}

// Goal: a fixed range is not drawn; the printed parameters name the seed, the time scale and one
// delay per container of a run without retries; a container past the drawn ones gets the last.
TEST(DrawnParameters, FixedRangesAndTheirNames) {
  scenarios::Scenario s;
  s.run.swaps = 1;
  s.app.listen_delay = {seconds(3), seconds(3)};
  const DrawnParameters d = draw_parameters(s, core::Rng(5), 0.25);
  for (auto l : d.listen_delays) EXPECT_EQ(l, seconds(3));
  EXPECT_EQ(d.shown.at("seed"), "5");
  EXPECT_EQ(d.shown.at("time_scale"), "0.25");
  EXPECT_EQ(d.shown.at("app.listen_delay[0]"), core::format_seconds(seconds(3)));
  EXPECT_TRUE(d.shown.count("app.listen_delay[1]"));
  EXPECT_FALSE(d.shown.count("app.listen_delay[2]"));
  EXPECT_FALSE(d.shown.count("app.prepare_delay[0]"));  // no prepare delay at all: not shown
  EXPECT_EQ(d.listen_delay(1000), d.listen_delays.back());
}

// Goal: a swap_interval range is drawn per swap from a stream of its own: the same seed gives the
// same intervals, another seed others, each within the range; the containers' delays do not move
// for it; and the printed parameters name each swap's interval.
TEST(DrawnParameters, SwapIntervalsAreDrawnPerSwap) {
  scenarios::Scenario s = ranged(4);
  s.run.swap_interval = {seconds(8), seconds(12)};
  const DrawnParameters a = draw_parameters(s, core::Rng(7), 0.1);
  ASSERT_EQ(a.swap_intervals.size(), 4u);
  EXPECT_EQ(a.swap_intervals, draw_parameters(s, core::Rng(7), 0.1).swap_intervals);
  EXPECT_NE(a.swap_intervals, draw_parameters(s, core::Rng(8), 0.1).swap_intervals);
  for (int n = 1; n <= 4; ++n) {
    EXPECT_GE(a.swap_interval(n), seconds(8));
    EXPECT_LE(a.swap_interval(n), seconds(12));
    EXPECT_EQ(a.shown.at(fmt::format("run.swap_interval[{}]", n)), core::format_seconds(a.swap_interval(n)));
  }
  EXPECT_EQ(a.listen_delays, draw_parameters(ranged(4), core::Rng(7), 0.1).listen_delays);
}

// Goal: a fixed swap_interval is every swap's, and nothing new is printed for it, so the parameters
// of a scenario without ranges are what they were.
TEST(DrawnParameters, AFixedSwapIntervalIsNotShown) {
  scenarios::Scenario s = ranged(2);
  s.run.swap_interval = seconds(10);
  const DrawnParameters d = draw_parameters(s, core::Rng(7), 0.1);
  EXPECT_EQ(d.swap_interval(1), seconds(10));
  EXPECT_EQ(d.swap_interval(2), seconds(10));
  for (const auto& [name, value] : d.shown) EXPECT_FALSE(name.starts_with("run.swap_interval")) << name;
}

// Goal: a push given as a range comes at a time drawn per swap from a stream of its own, within
// its range and after the push before it; the same seed draws the same times; nothing else drawn
// moves for it; the printed parameters name each drawn push. Fixed pushes draw and print nothing.
TEST(DrawnParameters, PushTimesAreDrawnPerSwap) {
  scenarios::Scenario s = ranged(3);
  s.pipeline.pushes = {core::DurationRange{}, core::DurationRange(seconds(2), seconds(4))};
  const DrawnParameters a = draw_parameters(s, core::Rng(7), 0.1);
  ASSERT_EQ(a.pushes.size(), 3u);
  EXPECT_EQ(a.pushes, draw_parameters(s, core::Rng(7), 0.1).pushes);
  EXPECT_NE(a.pushes, draw_parameters(s, core::Rng(8), 0.1).pushes);
  for (int n = 1; n <= 3; ++n) {
    const auto& times = a.push_times(n);
    ASSERT_EQ(times.size(), 2u);
    EXPECT_EQ(times[0], core::Duration{});
    EXPECT_GE(times[1], seconds(2));
    EXPECT_LE(times[1], seconds(4));
    EXPECT_EQ(a.shown.at(fmt::format("pipeline.pushes[{}][2]", n)), core::format_seconds(times[1]));
    EXPECT_FALSE(a.shown.count(fmt::format("pipeline.pushes[{}][1]", n)));
  }
  const DrawnParameters fixed = draw_parameters(ranged(3), core::Rng(7), 0.1);
  EXPECT_EQ(a.listen_delays, fixed.listen_delays);
  EXPECT_EQ(a.swap_intervals, fixed.swap_intervals);
  for (const auto& [name, value] : fixed.shown) EXPECT_FALSE(name.starts_with("pipeline.pushes")) << name;
  EXPECT_EQ(fixed.push_times(2), std::vector<core::Duration>{core::Duration{}});
}

}  // namespace
}  // namespace bg::sim
