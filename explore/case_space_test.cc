#include "explore/case_space.h"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>
#include <rapidcheck/detail/TestListener.h>

#include <set>
#include <string>
#include <vector>

#include "explore/scenario_overrides.h"
#include "scenarios/scenario_loader.h"

namespace bg::explore {
namespace {

using namespace std::chrono_literals;

scenarios::Scenario seed() { return scenarios::load_scenario(std::string(BG_SOURCE_DIR) + "/scenarios/data/seed"); }

// Goal: the overrides of a drawn case, laid over the scenario, give exactly the case's knobs (so the
// replay line reruns the case), and every case stays inside its documented ranges.
RC_GTEST_PROP(CaseSpace, OverridesOfADrawnCaseReproduceItsKnobs, ()) {
  const auto base = seed();
  const Case c = *case_gen(base);
  RC_ASSERT(c.swaps >= 1 && c.swaps <= 3);
  RC_ASSERT(c.listen_delay.min >= 1s && c.listen_delay.min <= base.app.listen_delay.min + 12s);
  auto s = base;
  apply_overrides(s, overrides_for(base, c, Quick{}));
  RC_ASSERT(s.run.swaps == c.swaps);
  RC_ASSERT(s.app.listen_delay.min == c.listen_delay.min);
  RC_ASSERT(s.app.listen_delay.max == c.listen_delay.max);
  RC_ASSERT(s.traffic.post_ratio == c.post_ratio);
  RC_ASSERT(s.app.next_version == c.next_version);
  RC_ASSERT(s.docker.compose == c.compose);
  // The first color serves before traffic starts.
  RC_ASSERT(s.run.warmup > s.app.listen_delay.max);
}

// Goal: the cases drawn ahead are those RapidCheck's search asks for, in its order, even when the
// search discards cases on the way (a run that ended in a harness error): what lets `check` run
// cases ahead on several workers.
TEST(CaseSpace, CasesDrawnAheadAreThoseTheSearchAsksForDespiteDiscards) {
  const auto gen = case_gen(seed());
  const auto ahead = draw_search_cases(gen, 7, 30);
  ASSERT_EQ(ahead.size(), 30u);
  std::vector<std::string> asked;
  struct Quiet : rc::detail::TestListener {
    void onTestCaseFinished(const rc::detail::CaseDescription&) override {}
    void onShrinkTried(const rc::detail::CaseDescription&, bool) override {}
    void onTestFinished(const rc::detail::TestMetadata&, const rc::detail::TestResult&) override {}
  } quiet;
  rc::detail::TestParams params;
  params.seed = 7;
  params.maxSuccess = 20;
  params.disableShrinking = true;
  rc::detail::checkTestable(
      [&] {
        asked.push_back(describe(*gen));
        if (asked.size() % 3 == 0) RC_DISCARD("a harness error");
      },
      rc::detail::TestMetadata{}, params, quiet);
  ASSERT_EQ(asked.size(), 29u);  // 20 that held and 9 discarded
  for (size_t i = 0; i < asked.size(); ++i) EXPECT_EQ(asked[i], describe(ahead[i])) << "case " << i;
  std::set<std::string> distinct(asked.begin(), asked.end());
  EXPECT_GT(distinct.size(), 10u);  // they are drawn, not one case over and over
}

// Goal: the scenario's own case needs no knob overrides, only Quick's shortenings.
TEST(CaseSpace, OwnCaseOverridesOnlyShortenTheRun) {
  const auto base = seed();
  for (const auto& o : overrides_for(base, own_case(base), Quick{})) {
    const auto key = o.substr(0, o.find('='));
    EXPECT_TRUE(key == "docker.build_duration" || key == "run.warmup" || key == "run.swap_interval" ||
                key == "run.liveness" || key == "traffic.rate")
        << o;
  }
}

// Goal: a case still runs a scenario that holds ranges: a range that may draw longer than Quick's
// value is pinned to it (the fixed value replaces the range), one wholly within it is left to draw,
// and the ranges a case does not touch stay ranges.
TEST(CaseSpace, QuickPinsARangeOnlyWhereItCouldDrawLonger) {
  auto base = seed();
  base.run.swap_interval = {8s, 12s};
  base.docker.build_duration = {1s, 2s};
  base.pipeline.build_duration = {1s, 5s};
  auto s = base;
  apply_overrides(s, overrides_for(base, own_case(base), Quick{}));
  EXPECT_EQ(s.run.swap_interval, scenarios::DurationRange(Quick{}.swap_interval));
  EXPECT_EQ(s.docker.build_duration, base.docker.build_duration);
  EXPECT_EQ(s.pipeline.build_duration, base.pipeline.build_duration);
  // A drawn case's shifted listen_delay range stays a range of the same width.
  base.app.listen_delay = {2s, 4s};
  Case c = own_case(base);
  c.listen_delay = {5s, 7s};
  s = base;
  apply_overrides(s, overrides_for(base, c, Quick{}));
  EXPECT_EQ(s.app.listen_delay, scenarios::DurationRange(5s, 7s));
}

// Goal: shrinking moves every knob to its simplest value: one swap, no POSTs, the scenario's own
// delay, version and dialect (a property that always fails shrinks to exactly that).
TEST(CaseSpace, AnAlwaysFailingCaseShrinksToOneSwapNoPostsAndTheScenariosOwnValues) {
  const auto base = seed();
  Case minimal;
  rc::detail::TestParams params;
  params.seed = 3;
  params.maxSuccess = 20;
  const auto result = rc::detail::checkTestable(
      [&] {
        minimal = *case_gen(base);
        RC_ASSERT(minimal.swaps > 1000);
      },
      rc::detail::TestMetadata{}, params);
  ASSERT_TRUE(result.is<rc::detail::FailureResult>());
  EXPECT_EQ(minimal.swaps, 1);
  EXPECT_EQ(minimal.post_ratio, 0);
  EXPECT_EQ(minimal.listen_delay.min, base.app.listen_delay.min);
  EXPECT_EQ(minimal.next_version, base.app.next_version);
  EXPECT_EQ(minimal.compose, base.docker.compose);
}

// Goal: `--vary` keeps every knob it does not name at the scenario's value, and rejects unknown ones.
RC_GTEST_PROP(CaseSpace, KnobsNotVariedKeepTheScenariosValues, ()) {
  const auto base = seed();
  const Case c = *case_gen(base, parse_knobs("swaps,listen_delay"));
  RC_ASSERT(c.post_ratio == base.traffic.post_ratio);
  RC_ASSERT(c.next_version == base.app.next_version);
  RC_ASSERT(c.compose == base.docker.compose);
}

TEST(CaseSpace, UnknownKnobIsAnInputErrorNamingIt) {
  EXPECT_THROW(parse_knobs("swaps,sleep"), scenarios::ScenarioError);
}

}  // namespace
}  // namespace bg::explore
