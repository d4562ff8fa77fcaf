// Properties of the seed scenario and its fixed twin over random start delays and swap counts.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include "property_tests/quick_scenario.h"
#include "sim/run.h"

namespace bg::property_tests {
namespace {

std::string describe(const reports::RunResult& r) {
  std::string out = r.verdict + (r.error.empty() ? "" : " (" + r.error + ")");
  for (const auto& inv : r.invariants)
    if (!inv.held && !inv.evidence.empty()) out += "\n  " + inv.name + ": " + inv.evidence.front();
  return out;
}

// A run the machine was too loaded to drive ends as the harness's own late-send error: it is
// evidence neither way, so the case is discarded (RapidCheck gives up if too many are).
bool machine_overloaded(const reports::RunResult& r) {
  return r.verdict == "error" && r.error.rfind("the harness could not keep the traffic schedule", 0) == 0;
}

}  // namespace

// Goal: whenever the app needs longer to listen than the script sleeps (R01, sleep is not
// readiness), the seed loses requests; and the fixed twin, facing the same delay, loses none.
RC_GTEST_PROP(SeedScenario, ViolatedWheneverStartDelayExceedsTheSleepAndFixedTwinHolds, ()) {
  // Half the cases start slower than the script's `sleep 10`; shrinking moves a delay toward the
  // sleep (11 s) or toward an instant start (1 s).
  const bool slower_than_sleep = *rc::gen::arbitrary<bool>();
  const int delay_s = slower_than_sleep ? *rc::gen::inRange(11, 17) : *rc::gen::inRange(1, 11);
  const int swaps = *rc::gen::inRange(1, 3);
  const core::Duration delay = std::chrono::seconds(delay_s);
  RC_TAG(slower_than_sleep ? "delay above the sleep" : "delay within the sleep");

  sim::RunOptions options;
  options.seed = static_cast<uint64_t>(*rc::gen::inRange(1, 1 << 30));
  if (std::getenv("BG_PROPERTY_TRACE"))
    std::cerr << "case: delay " << delay_s << "s, swaps " << swaps << ", seed " << *options.seed << std::endl;
  if (delay_s > 10) {
    auto seed = sim::run_scenario(quick_scenario("seed", delay, swaps), options);
    RC_LOG() << "seed: " << describe(seed) << "\n";
    RC_PRE(!machine_overloaded(seed));
    RC_ASSERT(seed.verdict == "violated");
    RC_ASSERT(seed.failed > 0);
  }
  auto fixed = sim::run_scenario(quick_scenario("seed-fixed", delay, swaps), options);
  RC_LOG() << "seed-fixed: " << describe(fixed) << "\n";
  RC_PRE(!machine_overloaded(fixed));
  RC_ASSERT(fixed.verdict == "held");
}

}  // namespace bg::property_tests
