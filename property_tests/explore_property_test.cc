// Properties of exploration: what `bluegreen check` shrinks a race to, and that runs without a swap
// never raise an invariant (no false positives).
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <iostream>

#include "explore/explorer.h"
#include "explore/scenario_overrides.h"
#include "property_tests/property_engine.h"
#include "scenarios/scenario_loader.h"
#include "sim/run.h"

namespace bg::property_tests {
namespace {

using namespace std::chrono_literals;

scenarios::Scenario load(const std::string& relative) {
  return scenarios::load_scenario(std::string(BG_SOURCE_DIR) + "/" + relative);
}

std::string describe(const reports::RunResult& r) {
  std::string out = std::string(bg::core::verdict_name(r.verdict)) + (r.error.empty() ? "" : " (" + r.error + ")");
  for (const auto& inv : r.invariants)
    if (!inv.held && !inv.evidence.empty()) out += "\n  " + inv.name + ": " + inv.evidence.front();
  return out;
}

}  // namespace

// Goal: on the seed's swap script (`sleep 10`) behind an nginx that never marks a peer
// failed, with GET-only traffic, exploration over the start delay finds R01 and shrinks it to its
// edge: a delay just above the sleep. The edge itself (11 s: the old color goes 10 s after `up`
// returned, plus the time `down` takes) loses a few requests. On sim that is where it shrinks to,
// exactly; live, under load the harness's own latency counts as scenario time and moves it by a
// second or three, hence 11-14 s.
TEST(SeedExploration, ShrinksTheStartDelayRaceToADelayJustAboveTheSleep) {
  const auto s = load("property_tests/data/seed-max-fails-0");
  // Only the delay varies (shifted up from the scenario's 3 s by whole seconds); one swap, no POSTs.
  const auto delays = rc::gen::resize(100, rc::gen::exec([&] {
                                        auto c = explore::own_case(s);
                                        c.seed = *rc::gen::noShrink(rc::gen::inRange<uint64_t>(1, 1000));
                                        const auto delay =
                                            s.app.listen_delay.min + std::chrono::seconds(*rc::gen::inRange(0, 13));
                                        c.listen_delay = {delay, delay};
                                        return c;
                                      }));
  explore::ExploreSettings settings;
  settings.engine = settings.confirm_engine = property_engine();
  settings.seed = 5;
  settings.runs = 20;
  settings.quick.max_rate = 20;  // the scenario's: a 0.5 s outage still loses a few requests
  settings.min_failed = 3;
  settings.violations_needed = 2;  // a stalled harness does not pass for R01
  settings.confirm = 0;            // the second run of each violation confirmed it
  std::vector<std::string> lines;
  settings.log = [&](const std::string& line) { lines.push_back(line); };
  const auto found = explore::explore(s, settings, delays);
  std::string trace;
  for (const auto& l : lines) trace += l + "\n";
  ASSERT_TRUE(found.found) << found.message << "\n" << trace;
  EXPECT_GE(found.minimal.listen_delay.min, 11s) << explore::describe(found.minimal) << "\n" << trace;
  EXPECT_LE(found.minimal.listen_delay.min, on_sim() ? 11s : 14s) << explore::describe(found.minimal) << "\n" << trace;
  EXPECT_EQ(explore::violated_invariants(found.result).rfind("no_failed_requests", 0), 0u) << trace;
  if (std::getenv("BG_PROPERTY_TRACE")) std::cerr << trace;
}

// Goal: with no swap there is nothing to lose requests to: whatever the start delay,
// POST share, Next.js version and compose dialect drawn, no invariant fires (no false positives).
RC_GTEST_PROP(NoSwapRuns, NoInvariantFiresOnARunWithoutASwap, ()) {
  {
    const std::string name = *rc::gen::element<std::string>("scenarios/data/seed", "scenarios/data/seed-fixed");
    const auto base = load(name);
    auto c = *explore::case_gen(base);
    auto s = base;
    explore::Quick quick;
    quick.max_rate = 10;  // 200 real requests a second at time scale 0.05: no load of the harness's own
    explore::apply_overrides(s, explore::overrides_for(base, c, quick));
    s.run.swaps = 0;
    s.time_scale = 0.05;
    // What this property tests is not the client's patience: a harness stalled by the machine's load
    // for a second of real time must not pass for a timed-out request.
    s.traffic.timeout = 120s;
    sim::RunOptions options;
    options.engine = property_engine();
    options.seed = c.seed;
    const auto r = sim::run_scenario(s, options);
    RC_LOG() << name << " " << explore::describe(c) << ": " << describe(r) << "\n";
    // RapidCheck reruns the minimal case to print it, and a live rerun may differ: say it now.
    if (r.verdict != bg::core::Verdict::held || r.requests == 0)
      std::cerr << name << " " << explore::describe(c) << ": " << r.requests << " requests, " << describe(r) << "\n";
    // A run the machine was too loaded to drive (its own verdict: an error, not a finding) says
    // nothing about false positives either way: the case is discarded, not passed or failed.
    RC_PRE(r.error.rfind("the harness could not keep the traffic schedule", 0) != 0);
    RC_ASSERT(r.verdict == bg::core::Verdict::held);
    RC_ASSERT(r.requests > 0);
  }
}

}  // namespace bg::property_tests
