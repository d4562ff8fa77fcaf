// `bluegreen odds DIR [--runs N]`: runs the deployment with N seeds, each drawing what its scenario
// lets vary between deploys (the ranges of scenario.yaml, request arrivals, the network's latency),
// and prints how often it breaks, per invariant and per swap, with a 95 % (Wilson) interval
// (explore/odds.h). The runs go one after another on sim by default (about a second each for the
// seed), or live with --engine live (the seed: about 20 s each at its time scale).
#include <fmt/format.h>

#include <algorithm>
#include <fstream>
#include <limits>
#include <iostream>

#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "cli/out_dir.h"
#include "cli/preflight.h"
#include "explore/odds.h"
#include "explore/odds_html.h"
#include "sim/interrupt.h"
#include "sim/run.h"
#include "sim/world.h"

namespace bg::cli {
namespace {

nlohmann::json to_json(const explore::Odds& odds) {
  auto interval = [](const explore::Interval& i) { return nlohmann::json{{"low", i.low}, {"high", i.high}}; };
  auto spread = [](const explore::Spread& s) {
    return nlohmann::json{{"min", s.min}, {"median", s.median}, {"max", s.max}};
  };
  nlohmann::json j{{"runs", odds.runs},
                   {"judged", odds.judged},
                   {"errors", odds.errors},
                   {"violating", odds.violating},
                   {"interval", interval(odds.interval)},
                   {"failed_per_run", spread(odds.failed)},
                   {"error_examples", odds.error_examples}};
  for (const auto& inv : odds.invariants)
    j["invariants"].push_back(
        {{"invariant", inv.invariant}, {"violating", inv.violating}, {"interval", interval(inv.interval)}});
  for (const auto& s : odds.swaps)
    j["swaps"].push_back({{"swap", s.swap},
                          {"losing", s.losing},
                          {"judged", s.judged},
                          {"interval", interval(s.interval)},
                          {"failed_per_run", spread(s.failed)}});
  return j;
}

}  // namespace

int odds_command(const OddsArgs& args) {
  const scenarios::Scenario scenario = prepare_scenario(args.scenario_dir, args.overrides);
  // Said once, before any run: otherwise every run would end in the same harness error.
  if (args.engine == "sim")
    if (auto refused = sim::why_not_simulable(scenario)) {
      std::cerr << fmt::format("bluegreen: odds {} on the sim engine (odds' default): {}\n", scenario.name, *refused);
      return 2;
    }
  if (args.first_seed > std::numeric_limits<uint64_t>::max() - static_cast<uint64_t>(args.runs - 1)) {
    std::cerr << fmt::format("bluegreen: --first-seed: {} + {} runs passes the largest seed\n", args.first_seed,
                             args.runs);
    return 2;
  }
  const auto out =
      args.out_dir.empty() ? std::filesystem::path("bluegreen-out") / ("odds-" + scenario.name) : args.out_dir;
  const auto lock = OutDir::claim(out, "--out", args.command);
  std::cout << fmt::format("bluegreen odds {}: {} runs, seeds {} to {}\n", scenario.name, args.runs, args.first_seed,
                           args.first_seed + static_cast<uint64_t>(args.runs) - 1)
            << std::flush;
  std::vector<reports::RunResult> results;
  for (int i = 0; i < args.runs && !sim::Interrupt::requested(); ++i) {
    sim::RunOptions options;
    options.engine = *sim::parse_engine(args.engine);  // CLI11 checked the name
    options.seed = args.first_seed + static_cast<uint64_t>(i);
    options.time_scale = args.time_scale;
    options.overrides = args.overrides;
    results.push_back(sim::run_scenario(scenario, options));
    const auto& r = results.back();
    if (!r.interrupted.empty()) {
      results.pop_back();  // cut short by the signal: neither a verdict nor the machine's error
      break;
    }
    if (!args.quiet)
      std::cout << fmt::format("  seed {}: {} ({} of {} requests failed)\n", r.seed, core::verdict_name(r.verdict),
                               r.failed, r.requests)
                << std::flush;
  }
  const explore::Odds odds = explore::tally_odds(results);
  const std::string table = explore::format_odds(odds, scenario.name);
  std::cout << '\n' << table;
  if (sim::Interrupt::requested())
    std::cout << fmt::format("interrupted by {} after {} of {} runs: the odds above are of those\n",
                             sim::Interrupt::signal_name(), results.size(), args.runs);
  std::ofstream(out / "odds.txt") << table;
  std::ofstream(out / "odds.json") << to_json(odds).dump(2) << '\n';
  std::ofstream(out / "odds.html") << explore::odds_html(
      odds, scenario.name,
      fmt::format("{} runs on {}, seeds {} to {}", results.size(), args.engine, args.first_seed,
                  args.first_seed + static_cast<uint64_t>(std::max<size_t>(results.size(), 1)) - 1));
  std::cout << fmt::format("reports: {} {} {}\n", (out / "odds.txt").string(), (out / "odds.json").string(),
                           (out / "odds.html").string());
  // Harness errors are left out of every share; when they outnumber the verdicts, the runs left are
  // the ones a busy machine happened to keep, and their share says little about the deployment.
  if (odds.judged == 0 || odds.errors > odds.judged) {
    std::cerr << fmt::format(
        "bluegreen: odds {}: {} of {} runs ended in a harness error, {} in a verdict: no odds are "
        "given (rerun on a less loaded machine or with a larger --time-scale)\n",
        scenario.name, odds.errors, odds.runs, odds.judged);
    return 2;
  }
  return odds.violating > 0 ? 1 : 0;
}

}  // namespace bg::cli
