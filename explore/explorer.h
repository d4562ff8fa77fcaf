#pragma once
// Explorer: `bluegreen check`'s engine. Draws cases around a scenario (case_space.h) with RapidCheck,
// runs each on `engine`, and on the first violation lets RapidCheck shrink it to the minimal case that
// still violates; then reruns that case on `confirm_engine` to confirm it. On sim a case's run is exact;
// live runs' timing is real, so a case near a race's edge may violate once and hold the next time: when
// exploring and confirming live and the minimal case does not violate again, the previous (larger)
// accepted shrink is confirmed instead. Across engines the minimal case stands, and the output says
// whether the other engine agreed.
#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "explore/case_space.h"
#include "reports/run_result.h"
#include "scenarios/scenario.h"
#include "sim/engine.h"
#include "sim/live_progress.h"

namespace bg::explore {

struct ExploreSettings {
  int runs = 20;                                   // cases drawn before concluding that nothing was found
  uint64_t seed = 1;                               // RapidCheck's seed: the same seed draws the same cases
  double time_scale = 0.05;                        // real seconds per scenario second for every live case
  sim::Engine engine = sim::Engine::live;          // the engine cases run on while exploring and shrinking
  sim::Engine confirm_engine = sim::Engine::live;  // the engine the minimal case is rerun on
  bool shrink = true;
  int confirm = 1;  // reruns of the minimal case (exactly as its replay line)
  // Wall seconds after which shrinking stops: a shrink drawn later is declined without running it,
  // so the minimal case is the smallest found by then (0 = no limit).
  double shrink_budget = 0;
  // A case counts as a violation when it lost at least this many requests (or broke an invariant
  // other than no_failed_requests): shrinking walks to a race's edge, and a case that loses one
  // request by a hair there would hold on its replay as often as not.
  int min_failed = 5;
  // Runs of a case that must all violate (the same invariant first) for it to count: 2 keeps a run
  // that lost requests to the machine's own load (a stalled harness) from being taken for a race,
  // at the price of a rerun per violation found or accepted while shrinking.
  int violations_needed = 1;
  Quick quick;
  Knobs vary;  // the knobs cases vary (default: all)
  // Cases run at once while searching on sim, drawn ahead and taken in the search's order, so the
  // output is that of one at a time (explore/case_lookahead.h); 0 = the machine's cores, 1 = none.
  // Shrinking and live cases run one at a time.
  int workers = 0;
  std::filesystem::path work_dir;  // each case's history goes to <work_dir>/case-N ("" = nowhere)
  std::function<void(const std::string&)> log = [](const std::string&) {};
  sim::LiveProgress* live = nullptr;  // each case's run keeps it up to date (sim/run.h)
};

struct ExploreResult {
  bool found = false;
  Case minimal;                        // the shrunk case (when found)
  std::vector<std::string> overrides;  // its `--set` settings
  reports::RunResult result;           // its run: on one engine the confirming run when that violated, else
                                       // (and across engines) the last shrink's
  std::string replay;                  // the one command that reruns it
  int cases = 0;                       // cases drawn before the first violation (incl. it)
  int discarded = 0;                   // runs that ended in a harness error
  int shrinks_tried = 0;
  int shrinks_accepted = 0;
  int confirmed = 0;        // confirming reruns that violated the same invariant
  int fallbacks = 0;        // shrunk cases passed over because a rerun did not violate
  bool budget_hit = false;  // shrinking stopped at settings.shrink_budget
  double seconds = 0;       // wall time of the whole exploration
  std::string message;      // RapidCheck's gave-up or error text, else ""
};

ExploreResult explore(const scenarios::Scenario& scenario, const ExploreSettings& settings);
// The same over a case space of the caller's (a property that varies fewer knobs).
ExploreResult explore(const scenarios::Scenario& scenario, const ExploreSettings& settings, const rc::Gen<Case>& cases);

// The names of the invariants a run violated, comma separated ("" when it held).
std::string violated_invariants(const reports::RunResult& r);

// RapidCheck prints "Using configuration: seed=..." on stderr the first time anything reads its
// configuration, which explore() does part way in. Called before a display that redraws a line of
// stderr (cli/progress_display.h), it puts that line out first, on a line of its own.
void load_rapidcheck_configuration();

}  // namespace bg::explore
