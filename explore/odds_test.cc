#include "explore/odds.h"

#include <gtest/gtest.h>

namespace bg::explore {
namespace {

// Goal: the Wilson interval matches its closed form (values computed independently), stays inside
// [0, 1], and says something at 0 of n and n of n.
TEST(Odds, WilsonIntervalMatchesItsClosedForm) {
  EXPECT_DOUBLE_EQ(wilson_interval(0, 20).low, 0.0);
  EXPECT_NEAR(wilson_interval(0, 20).high, 0.161125, 1e-6);
  EXPECT_NEAR(wilson_interval(20, 20).low, 0.838875, 1e-6);
  EXPECT_DOUBLE_EQ(wilson_interval(20, 20).high, 1.0);
  EXPECT_NEAR(wilson_interval(38, 100).low, 0.290976, 1e-6);
  EXPECT_NEAR(wilson_interval(38, 100).high, 0.477902, 1e-6);
  EXPECT_NEAR(wilson_interval(3, 4).low, 0.300642, 1e-6);
  EXPECT_DOUBLE_EQ(wilson_interval(0, 0).low, 0.0);
  EXPECT_DOUBLE_EQ(wilson_interval(0, 0).high, 1.0);
}

reports::RunResult result(uint64_t seed, const std::string& verdict, std::vector<int64_t> swap_failed,
                          std::vector<std::pair<std::string, bool>> invariants) {
  reports::RunResult r;
  r.seed = seed;
  r.verdict = *core::parse_verdict(verdict);
  for (auto f : swap_failed) {
    reports::SwapSummary s;
    s.lost.failed = f;
    r.failed += f;
    r.swaps.push_back(s);
  }
  for (const auto& [name, held] : invariants) r.invariants.push_back({name, held});
  return r;
}

// Goal: judged runs are tallied per invariant and per swap with their intervals and spreads; a
// harness error is counted apart and moves no share.
TEST(Odds, TalliesJudgedRunsAndLeavesErrorsOut) {
  std::vector<reports::RunResult> runs{
      result(1, "violated", {0, 12}, {{"no_failed_requests", false}, {"post_at_most_once", true}}),
      result(2, "held", {0, 0}, {{"no_failed_requests", true}, {"post_at_most_once", true}}),
      result(3, "violated", {4, 30}, {{"no_failed_requests", false}, {"post_at_most_once", false}}),
      result(4, "error", {}, {}),
      result(5, "held", {0, 0}, {{"no_failed_requests", true}, {"post_at_most_once", true}}),
  };
  runs[3].error = "the harness could not keep the traffic schedule";
  const Odds odds = tally_odds(runs);
  EXPECT_EQ(odds.runs, 5);
  EXPECT_EQ(odds.judged, 4);
  EXPECT_EQ(odds.errors, 1);
  ASSERT_EQ(odds.error_examples.size(), 1u);
  EXPECT_EQ(odds.error_examples[0], "seed 4: the harness could not keep the traffic schedule");
  EXPECT_EQ(odds.violating, 2);
  EXPECT_NEAR(odds.interval.low, wilson_interval(2, 4).low, 1e-12);
  EXPECT_EQ(odds.failed.min, 0);
  EXPECT_EQ(odds.failed.median, 0);  // of 0, 0, 12, 34: the lower middle value
  EXPECT_EQ(odds.failed.max, 34);
  ASSERT_EQ(odds.invariants.size(), 2u);
  EXPECT_EQ(odds.invariants[0].invariant, "no_failed_requests");
  EXPECT_EQ(odds.invariants[0].violating, 2);
  EXPECT_EQ(odds.invariants[1].invariant, "post_at_most_once");
  EXPECT_EQ(odds.invariants[1].violating, 1);
  ASSERT_EQ(odds.swaps.size(), 2u);
  EXPECT_EQ(odds.swaps[0].losing, 1);
  EXPECT_EQ(odds.swaps[0].judged, 4);
  EXPECT_EQ(odds.swaps[1].losing, 2);
  EXPECT_EQ(odds.swaps[1].failed.max, 30);
  EXPECT_EQ(odds.swaps[1].failed.median, 0);
  const std::string table = format_odds(odds, "seed");
  EXPECT_NE(table.find("violating runs: 2 of 4 (50 %, 95 % interval 15-85 %)"), std::string::npos) << table;
  EXPECT_NE(table.find("swap 2   lost requests in 2 of 4"), std::string::npos) << table;
  EXPECT_NE(table.find("harness error: seed 4"), std::string::npos) << table;
}

// Goal: runs that all held read as 0 of N with an upper bound above 0, never "0 %" alone.
TEST(Odds, ZeroViolatingRunsStillShowAnInterval) {
  std::vector<reports::RunResult> runs;
  for (uint64_t s = 1; s <= 20; ++s) runs.push_back(result(s, "held", {0}, {{"no_failed_requests", true}}));
  const std::string table = format_odds(tally_odds(runs), "seed-fixed");
  EXPECT_NE(table.find("violating runs: 0 of 20 (0 %, 95 % interval 0-16 %)"), std::string::npos) << table;
}

}  // namespace
}  // namespace bg::explore
