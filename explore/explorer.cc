#include "explore/explorer.h"

#include <fmt/format.h>
#include <rapidcheck/detail/Configuration.h>

#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <thread>

#include "core/stopwatch.h"
#include "explore/case_lookahead.h"
#include "explore/scenario_overrides.h"
#include "sim/run.h"

namespace bg::explore {
namespace {

struct CaseRun {
  Case c;
  std::vector<std::string> overrides;
  reports::RunResult result;
};

// RapidCheck's listener, told nothing: explore() logs each case itself.
class QuietListener : public rc::detail::TestListener {
 public:
  void onTestCaseFinished(const rc::detail::CaseDescription&) override {}
  void onShrinkTried(const rc::detail::CaseDescription&, bool) override {}
  void onTestFinished(const rc::detail::TestMetadata&, const rc::detail::TestResult&) override {}
};

// Whether a run is a counterexample (see ExploreSettings::min_failed).
bool counts_as_violation(const reports::RunResult& r, int min_failed) {
  if (r.verdict != core::Verdict::violated) return false;
  for (const auto& inv : r.invariants)
    if (!inv.held && inv.name != "no_failed_requests") return true;
  return r.failed + r.indeterminate >= min_failed;
}

// Whether `again` broke the invariant `first` broke first (the one a replay must break again).
bool same_violation(const reports::RunResult& first, const reports::RunResult& again) {
  for (const auto& inv : first.invariants)
    if (!inv.held) {
      for (const auto& other : again.invariants)
        if (other.name == inv.name) return !other.held;
      return false;
    }
  return false;
}

// Runs one case on `engine`, with every override named in its replay command.
CaseRun run_case(const scenarios::Scenario& base, const Case& c, const ExploreSettings& settings, int index,
                 sim::Engine engine, sim::LiveProgress* live) {
  CaseRun run{c, overrides_for(base, c, settings.quick), {}};
  auto scenario = base;
  apply_overrides(scenario, run.overrides);
  sim::RunOptions options;
  options.engine = engine;
  options.seed = c.seed;
  options.time_scale = settings.time_scale;
  options.overrides = run.overrides;
  options.live = live;
  if (!settings.work_dir.empty()) options.out_dir = settings.work_dir / fmt::format("case-{}", index);
  run.result = sim::run_scenario(scenario, options);
  return run;
}

// Reruns the accepted failures from the smallest back (at most three of them, settings.confirm reruns
// each) until one violates the same invariants again; that one is the case reported. When the confirming
// engine is not the exploring one, only the minimal case is rerun.
void confirm(const scenarios::Scenario& scenario, const ExploreSettings& settings, std::vector<CaseRun>& failures,
             int& index, ExploreResult& out) {
  constexpr int max_tried = 3;
  int tried = 0;
  for (auto it = failures.rbegin(); it != failures.rend() && tried++ < max_tried; ++it) {
    out.minimal = it->c;
    out.overrides = it->overrides;
    out.result = it->result;
    out.confirmed = 0;
    for (int i = 0; i < settings.confirm; ++i) {
      auto again = run_case(scenario, it->c, settings, ++index, settings.confirm_engine, settings.live);
      settings.log(fmt::format("confirm{:>4} ({}): {} -> {} {}", index, sim::engine_name(settings.confirm_engine),
                               describe(it->c), core::verdict_name(again.result.verdict),
                               violated_invariants(again.result)));
      // On one engine the first agreeing rerun is reported; across engines the run as found stays, as
      // the replay line (on the exploring engine) reproduces it.
      if (same_violation(it->result, again.result) && out.confirmed++ == 0 &&
          settings.confirm_engine == settings.engine)
        out.result = std::move(again.result);
    }
    // Across engines the minimal case stands whatever the other engine says: exploration on sim is
    // exact, and a disagreement is a finding the output states, not a reason to pick another case.
    if (out.confirmed > 0 || settings.confirm == 0 || settings.confirm_engine != settings.engine) return;
    ++out.fallbacks;
  }
  // None reproduced: report the smallest, as found.
  out.minimal = failures.back().c;
  out.overrides = failures.back().overrides;
  out.result = failures.back().result;
}

// Cases run ahead on `workers` workers, when that can pay: on sim only. A live case's timing is the
// machine's, and a case beside it would make it late.
std::unique_ptr<CaseLookahead> lookahead(const scenarios::Scenario& scenario, const ExploreSettings& settings,
                                         const rc::Gen<Case>& cases) {
  const int workers = settings.workers > 0 ? settings.workers : static_cast<int>(std::thread::hardware_concurrency());
  if (workers < 2 || settings.engine != sim::Engine::sim) return nullptr;
  auto run = [&scenario, &settings](const Case& c, int index) {
    // No LiveProgress: several runs at once would mix their figures on the one progress line.
    return run_case(scenario, c, settings, index, settings.engine, nullptr).result;
  };
  auto drop = [work_dir = settings.work_dir](int index) {
    if (work_dir.empty()) return;
    std::error_code ignored;
    std::filesystem::remove_all(work_dir / fmt::format("case-{}", index), ignored);
  };
  return std::make_unique<CaseLookahead>(draw_search_cases(cases, settings.seed, settings.runs), 1, workers, run, drop);
}

}  // namespace

std::string violated_invariants(const reports::RunResult& r) {
  std::string names;
  for (const auto& inv : r.invariants)
    if (!inv.held) names += (names.empty() ? "" : ", ") + inv.name;
  return names;
}

ExploreResult explore(const scenarios::Scenario& scenario, const ExploreSettings& settings) {
  return explore(scenario, settings, case_gen(scenario, settings.vary));
}

ExploreResult explore(const scenarios::Scenario& scenario, const ExploreSettings& settings,
                      const rc::Gen<Case>& cases) {
  const core::Stopwatch wall;
  ExploreResult out;
  std::vector<CaseRun> failures;  // the first violation, then each accepted shrink: the last is minimal
  int index = 0;

  std::map<std::string, bool> tried;  // case -> whether it violated: RapidCheck may shrink to a case twice
  auto ahead = lookahead(scenario, settings, cases);
  size_t drawn = 0;  // cases the search has drawn so far, repeats included

  const auto property = [&] {
    const Case c = *cases;
    const bool shrinking = !failures.empty();
    const size_t position = shrinking ? 0 : drawn++;
    if (auto seen = tried.find(describe(c)); seen != tried.end()) {
      if (seen->second) RC_FAIL("as before: " + describe(c));
      return;
    }
    if (shrinking && settings.shrink_budget > 0 && wall.seconds() > settings.shrink_budget) {
      out.budget_hit = true;
      return;  // declined unrun: counts as holding, so RapidCheck keeps the case it has
    }
    ++index;
    std::optional<reports::RunResult> ran_ahead;
    if (ahead && !shrinking) ran_ahead = ahead->take(position, c, index);
    auto run = ran_ahead ? CaseRun{c, overrides_for(scenario, c, settings.quick), std::move(*ran_ahead)}
                         : run_case(scenario, c, settings, index, settings.engine, settings.live);
    const auto& r = run.result;
    if (shrinking)
      ++out.shrinks_tried;
    else
      ++out.cases;
    settings.log(fmt::format("{} {:>3}: {} -> {}{} ({} failed, {:.1f}s)", shrinking ? "shrink" : "case  ", index,
                             describe(c), core::verdict_name(r.verdict),
                             r.verdict == core::Verdict::violated ? " " + violated_invariants(r) : "",
                             r.failed + r.indeterminate, r.wall_seconds));
    bool violated = counts_as_violation(r, settings.min_failed);
    // A case that violates ends the search, or is rerun to confirm it under the next case number:
    // either way what was run ahead is dropped first (and a search that goes on after a rerun that
    // did not confirm goes on one case at a time).
    if (violated && ahead) ahead->stop();
    for (int again = 1; violated && again < settings.violations_needed; ++again) {
      const auto rerun = run_case(scenario, c, settings, ++index, settings.engine, settings.live);
      violated = counts_as_violation(rerun.result, settings.min_failed) && same_violation(r, rerun.result);
      settings.log(fmt::format("again  {:>3}: {} -> {} ({} failed, {:.1f}s)", index, describe(c),
                               core::verdict_name(rerun.result.verdict),
                               rerun.result.failed + rerun.result.indeterminate, rerun.result.wall_seconds));
    }
    tried[describe(c)] = violated;
    if (r.verdict == core::Verdict::error && !violated) {
      ++out.discarded;
      RC_DISCARD(r.error);
    }
    if (tried[describe(c)]) {
      const auto what = fmt::format("{}: {}", violated_invariants(r), describe(c));
      if (shrinking) ++out.shrinks_accepted;
      failures.push_back(std::move(run));
      RC_FAIL(what);
    }
  };

  rc::detail::TestParams params;
  params.seed = settings.seed;
  params.maxSuccess = settings.runs;
  params.disableShrinking = !settings.shrink;
  rc::detail::TestMetadata metadata;
  metadata.id = metadata.description = "bluegreen check " + scenario.name;
  QuietListener quiet;
  const auto tested = rc::detail::checkTestable(property, metadata, params, quiet);
  if (tested.is<rc::detail::GaveUpResult>())
    out.message = "gave up: " + tested.get<rc::detail::GaveUpResult>().description;
  if (tested.is<rc::detail::Error>()) out.message = "error: " + tested.get<rc::detail::Error>().description;

  ahead.reset();  // what was run ahead and not taken is dropped before confirming reruns
  if (!failures.empty() && tested.is<rc::detail::FailureResult>()) {
    out.found = true;
    confirm(scenario, settings, failures, index, out);
    // The case as it was found: on the exploring engine (on sim, an exact replay).
    out.replay = sim::replay_command(scenario, out.minimal.seed, settings.time_scale, out.overrides, settings.engine);
  }
  out.seconds = wall.seconds();
  return out;
}

void load_rapidcheck_configuration() { rc::detail::configuration(); }

}  // namespace bg::explore
