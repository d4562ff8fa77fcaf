// bg_engine_bench: what the deterministic engine buys on whole runs, measured in one run of this
// program. Three figures, each printed with what a reader needs to see that the engines agree:
//  1. the seed scenario end to end on live (real time at --time-scale, 0.1) and on sim: each run's
//     real seconds, verdict and failed/requests, and the ratio of the means (goal: sim >= 100x);
//  2. `check` on sim with shrinking off: cases explored per real second, on --check-workers workers
//     (default: the machine's cores, as `check`'s default). It runs on seed-fixed, which
//     holds, so every case drawn is run (the seed's own case violates at once and would end it), with
//     the compose version kept at the scenario's: under compose v1 the fixed script misreads
//     `docker-compose ps` (R10), a true race that ends the run at its first case;
//     goal: 1000 cases in under 60 s on 2 cores. A pilot of --pilot cases comes first: when it says
//     --check-runs cases would take longer than --check-budget seconds, fewer are run and the rate's
//     extrapolation is printed instead of a figure nobody waited for;
//  3. `check` on the seed on sim with shrinking on: real seconds until the race is found and until it
//     is shrunk (goal: < 2 s), the minimal case, and one replay of it on sim (it must violate again).
// A program that prints figures, never pass/fail on time.
//
//   bg_engine_bench [--time-scale S] [--live-runs N] [--sim-runs N] [--check-runs N] [--check-budget S]
//                   [--pilot N] [--check-workers N]
#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <string>
#include <thread>
#include <vector>

#include <fmt/format.h>

#include "core/stopwatch.h"
#include "core/verdict.h"
#include "explore/case_space.h"
#include "explore/explorer.h"
#include "explore/scenario_overrides.h"
#include "scenarios/scenario_loader.h"
#include "sim/run.h"

namespace {
namespace fs = std::filesystem;
using namespace bg;

struct Args {
  double time_scale = 0.1;
  int live_runs = 1, sim_runs = 5;
  int check_runs = 1000;
  double check_budget = 600;  // real seconds the case-rate figure may take before it is extrapolated
  int pilot = 20;
  int check_workers = 0;  // 0: the machine's cores
};

Args parse(int argc, char** argv) {
  Args a;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    auto next = [&] { return i + 1 < argc ? std::string(argv[++i]) : std::string("0"); };
    if (arg == "--time-scale")
      a.time_scale = std::stod(next());
    else if (arg == "--live-runs")
      a.live_runs = std::max(1, std::stoi(next()));
    else if (arg == "--sim-runs")
      a.sim_runs = std::max(1, std::stoi(next()));
    else if (arg == "--check-runs")
      a.check_runs = std::max(1, std::stoi(next()));
    else if (arg == "--check-budget")
      a.check_budget = std::stod(next());
    else if (arg == "--pilot")
      a.pilot = std::max(1, std::stoi(next()));
    else if (arg == "--check-workers")
      a.check_workers = std::max(0, std::stoi(next()));
    else {
      std::cerr << "usage: bg_engine_bench [--time-scale S] [--live-runs N] [--sim-runs N] [--check-runs N]"
                   " [--check-budget S] [--pilot N] [--check-workers N]\n";
      std::exit(2);
    }
  }
  return a;
}

scenarios::Scenario load(const std::string& name) {
  return scenarios::load_scenario(fs::path(BG_SOURCE_DIR) / "scenarios/data" / name);
}

// One run, one line: its real time as the caller waits for it (judging included), verdict and
// failed/requests, so that the engines can be compared on what they concluded as well as on time.
double run_once(const scenarios::Scenario& s, sim::Engine engine, double time_scale, const std::string& label) {
  sim::RunOptions options;
  options.engine = engine;
  if (engine == sim::Engine::live) options.time_scale = time_scale;
  const core::Stopwatch wall;
  const auto r = sim::run_scenario(s, options);
  const double seconds = wall.seconds();
  std::cout << fmt::format("  {:<22} {:>9.3f} s  {:<9} {:>4}/{:<5} failed/requests  {}{}\n", label, seconds,
                           core::verdict_name(r.verdict), r.failed + r.indeterminate, r.requests,
                           explore::violated_invariants(r), r.error.empty() ? "" : " error: " + r.error)
            << std::flush;
  return seconds;
}

void seed_on_both_engines(const Args& args) {
  const auto seed = load("seed");
  std::cout << fmt::format("1. seed end to end (seed {}, {} swaps): live at time scale {} vs sim\n", seed.seed,
                           seed.run.swaps, args.time_scale);
  double live_total = 0, sim_total = 0;
  for (int i = 0; i < args.live_runs; ++i)
    live_total += run_once(seed, sim::Engine::live, args.time_scale, fmt::format("live x{}", args.time_scale));
  for (int i = 0; i < args.sim_runs; ++i) sim_total += run_once(seed, sim::Engine::sim, 0, "sim");
  const double live_mean = live_total / args.live_runs, sim_mean = sim_total / args.sim_runs;
  std::cout << fmt::format(
      "  sim is {:.0f}x faster than live at time scale {} (mean {:.3f} s over {} live run(s) / mean {:.3f} s over {} "
      "sim runs; goal >= 100x)\n\n",
      live_mean / sim_mean, args.time_scale, live_mean, args.live_runs, sim_mean, args.sim_runs);
}

explore::ExploreSettings sim_settings() {
  explore::ExploreSettings settings;
  settings.engine = sim::Engine::sim;
  settings.confirm_engine = sim::Engine::sim;
  settings.confirm = 0;
  return settings;
}

void check_rate(const Args& args) {
  const auto fixed = load("seed-fixed");
  std::cout << "2. check on sim, shrinking off, on seed-fixed (it holds, so every case drawn is run);"
               " varying swaps, listen_delay, post_ratio, next_version (compose stays 2.5.0)\n";
  auto settings = sim_settings();
  settings.shrink = false;
  settings.workers = args.check_workers;
  std::cout << fmt::format("  on {} worker(s), {} core(s)\n",
                           args.check_workers > 0 ? args.check_workers : std::thread::hardware_concurrency(),
                           std::thread::hardware_concurrency());
  settings.vary = explore::parse_knobs("swaps,listen_delay,post_ratio,next_version");
  // The pilot draws the same first cases as the full run (same RapidCheck seed, every case at full size).
  settings.runs = std::min(args.pilot, args.check_runs);
  const auto pilot = explore::explore(fixed, settings);
  const double pilot_rate = pilot.cases / std::max(pilot.seconds, 1e-9);
  std::cout << fmt::format("  pilot: {} cases in {:.2f} s ({:.1f} cases/s){}\n", pilot.cases, pilot.seconds, pilot_rate,
                           pilot.message.empty() ? "" : " · " + pilot.message)
            << std::flush;
  int runs = args.check_runs;
  const double expected = runs / std::max(pilot_rate, 1e-9);
  if (expected > args.check_budget) {
    runs = std::max(settings.runs, static_cast<int>(args.check_budget * pilot_rate));
    std::cout << fmt::format("  {} cases would take about {:.0f} s (budget {:.0f} s): running {} instead\n",
                             args.check_runs, expected, args.check_budget, runs);
  }
  settings.runs = runs;
  const auto full = explore::explore(fixed, settings);
  const double rate = full.cases / std::max(full.seconds, 1e-9);
  std::cout << fmt::format("  {} cases explored in {:.2f} s ({:.1f} cases/s; {} discarded as harness errors){}{}\n",
                           full.cases, full.seconds, rate, full.discarded, full.found ? " · FOUND a violation: " : "",
                           full.found ? explore::describe(full.minimal) : "");
  if (!full.message.empty()) std::cout << "  rapidcheck: " << full.message << '\n';
  if (runs < args.check_runs)
    std::cout << fmt::format("  extrapolated: {} cases in about {:.0f} s at this rate", args.check_runs,
                             args.check_runs / std::max(rate, 1e-9));
  else
    std::cout << fmt::format("  {} cases in {:.2f} s", full.cases, full.seconds);
  std::cout << fmt::format(" (goal: 1000 cases in under 60 s on 2 cores)\n\n");
}

void find_and_shrink() {
  const auto seed = load("seed");
  std::cout << "3. check on the seed on sim, shrinking on (no confirming rerun: on sim a case is an exact replay)\n";
  auto settings = sim_settings();
  settings.shrink = true;
  const core::Stopwatch wall;
  double found_at = 0;  // when the last case line before shrinking was logged: the first violation
  settings.log = [&](const std::string& line) {
    if (line.rfind("case", 0) == 0) found_at = wall.seconds();
  };
  const auto r = explore::explore(seed, settings);
  if (!r.found) {
    std::cout << fmt::format("  NOT FOUND after {} cases in {:.2f} s{}\n", r.cases, r.seconds,
                             r.message.empty() ? "" : " · " + r.message);
    return;
  }
  std::cout << fmt::format("  found after {} case(s) in {:.3f} s; shrunk in {:.3f} s in all (goal < 2 s)\n", r.cases,
                           found_at, r.seconds);
  std::cout << fmt::format("  shrinks tried {}, accepted {}\n", r.shrinks_tried, r.shrinks_accepted);
  std::cout << fmt::format("  minimal case: {}\n", explore::describe(r.minimal));
  std::cout << fmt::format("  it {} ({} failed of {} requests): {}\n", core::verdict_name(r.result.verdict),
                           r.result.failed + r.result.indeterminate, r.result.requests,
                           explore::violated_invariants(r.result));
  std::cout << fmt::format("  replay: {}\n", r.replay);
  // The replay line's promise, checked once: the same case on sim loses the same requests.
  auto scenario = seed;
  explore::apply_overrides(scenario, r.overrides);
  sim::RunOptions options;
  options.engine = sim::Engine::sim;
  options.seed = r.minimal.seed;
  options.overrides = r.overrides;
  const core::Stopwatch again_wall;
  const auto again = sim::run_scenario(scenario, options);
  std::cout << fmt::format(
      "  replayed once on sim in {:.3f} s: {} ({} failed of {} requests){}\n", again_wall.seconds(),
      core::verdict_name(again.verdict), again.failed + again.indeterminate, again.requests,
      again.failed == r.result.failed && again.requests == r.result.requests ? ", identical"
                                                                             : ", DIFFERENT from the shrunk run");
}

}  // namespace

int main(int argc, char** argv) {
  const Args args = parse(argc, argv);
  explore::load_rapidcheck_configuration();  // its "Using configuration" line first, not mid-table
  seed_on_both_engines(args);
  check_rate(args);
  find_and_shrink();
  return 0;
}
