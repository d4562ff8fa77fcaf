// The end-to-end point of duration ranges (core/duration_range.h), on the deterministic engine: a
// race at its edge reads "always" or "never" when every deploy's timing is pinned, and "sometimes"
// when the scenario says the timing varies, as it does between real deploys. The seed loses requests
// at a swap when nginx's once-per-fail_timeout probe of the new color (every 11 s) lands while that
// color is still starting (races.md R03); where the probe falls against the start is fixed by the
// start delay and the swap cadence.
//
// Sim is deterministic per seed, so these counts are not samples that may drift between runs of the
// test: they are what seeds 1..N give, every time, on any machine.
#include <gtest/gtest.h>

#include "explore/odds.h"
#include "explore/scenario_overrides.h"
#include "scenarios/scenario_loader.h"
#include "sim/run.h"

namespace bg::explore {
namespace {

// `bluegreen odds scenarios/data/seed --engine sim --runs <runs> --set ...`, tallied.
Odds odds_of_seed(const std::vector<std::string>& overrides, int runs) {
  scenarios::Scenario s = scenarios::load_scenario(std::filesystem::path(BG_SOURCE_DIR) / "scenarios/data/seed");
  apply_overrides(s, overrides);
  std::vector<reports::RunResult> results;
  for (int i = 0; i < runs; ++i) {
    sim::RunOptions options;
    options.engine = sim::Engine::sim;
    options.seed = static_cast<uint64_t>(1 + i);
    options.overrides = overrides;
    results.push_back(sim::run_scenario(s, options));
  }
  return tally_odds(results);
}

// What a failing assertion shows: the table `bluegreen odds` prints.
std::string table(const Odds& odds) { return format_odds(odds, "seed"); }

// The swap pinned at "always" by a fixed 3 s start: swap 2 (see FixedStartPinsTheRace).
constexpr int kPinnedSwap = 2;

// Seeds per "sometimes" test: enough that a share strictly between none and all is no accident.
constexpr int kSometimesRuns = 20;

// The pinned swap, over `runs` judged runs, lost requests in some of them and not in others.
void expect_sometimes(const Odds& odds, int runs) {
  ASSERT_EQ(odds.errors, 0) << table(odds);
  ASSERT_GE(odds.swaps.size(), static_cast<size_t>(kPinnedSwap)) << table(odds);
  const SwapOdds& swap = odds.swaps[kPinnedSwap - 1];
  EXPECT_EQ(swap.judged, runs) << table(odds);
  EXPECT_GT(swap.losing, 0) << table(odds);
  EXPECT_LT(swap.losing, swap.judged) << table(odds);
}

// Goal: the control. With a fixed 3 s start every seed loses requests at swap 2: the race is
// "always", whatever the seed draws (the network's latencies, the shas). Five seeds show it; the
// twenty of the test below show the same (measured: 20 of 20, 141-142 failed requests each).
TEST(OddsOnSim, FixedStartPinsTheRace) {
  const Odds odds = odds_of_seed({"app.listen_delay=3s"}, 5);
  ASSERT_EQ(odds.errors, 0) << table(odds);
  ASSERT_GE(odds.swaps.size(), static_cast<size_t>(kPinnedSwap)) << table(odds);
  const SwapOdds& pinned = odds.swaps[kPinnedSwap - 1];
  EXPECT_EQ(pinned.losing, pinned.judged) << table(odds);
}

// Goal: the same start drawn per container from 2s..4s makes that swap "sometimes": over 20 seeds
// it loses requests in some runs and not in others. The range is centred on the fixed 3 s of the
// control and wide enough (a second either way) that the 11 s probe falls before the new color
// listens in some draws and after in others; measured: swap 2 loses in 15 of 20, swaps 1 and 3 in
// 11 and 13 of 20. A range that were not drawn per run (one value for every seed) would make each
// swap 0 or 20 of 20 again, as the control is, and fail this test.
TEST(OddsOnSim, AStartDelayRangeMakesTheRaceSometimes) {
  expect_sometimes(odds_of_seed({"app.listen_delay=2s..4s"}, kSometimesRuns), kSometimesRuns);
}

// Goal: the start fixed at 3 s again, but the traffic before each push drawn per swap from 8s..12s
// (the seed's own 10 s, two seconds either way): each push then lands at another phase of nginx's
// 11 s probe cycle, and swap 2, "always" in the control, becomes "sometimes" (measured: 9 of 20; swaps
// 1 and 3 12 and 9 of 20). Four seconds of spread cover more than the 3 s start within the 11 s
// cycle, so some draws put the probe before the new color listens and some after.
TEST(OddsOnSim, ASwapIntervalRangeMakesTheRaceSometimes) {
  expect_sometimes(odds_of_seed({"app.listen_delay=3s", "run.swap_interval=8s..12s"}, kSometimesRuns), kSometimesRuns);
}

}  // namespace
}  // namespace bg::explore
