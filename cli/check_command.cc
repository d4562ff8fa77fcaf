// `bluegreen check DIR [--runs N] [--seed N]`: explores the deployment with cases drawn around its
// scenario's values (explore/), shrinks the first violation to a minimal case, writes that case's
// reports and prints the one line that replays it.
#include <fmt/format.h>

#include <iostream>

#include "cli/commands.h"
#include "cli/out_dir.h"
#include "cli/outputs.h"
#include "cli/preflight.h"
#include "cli/progress_display.h"
#include "explore/explorer.h"
#include "scenarios/scenario_loader.h"
#include "sim/world.h"

namespace bg::cli {
namespace {

// The minimal case's reports, beside its own saved history, in `out` (the cases' folders removed).
WrittenReports keep_minimal(reports::RunResult result, const std::filesystem::path& out,
                            const std::filesystem::path& cases_dir, bool keep_cases) {
  std::error_code ec;
  if (!result.history_path.empty()) {
    const auto history = out / "history.jsonl";
    std::filesystem::copy_file(result.history_path, history, std::filesystem::copy_options::overwrite_existing, ec);
    result.history_path = ec ? "" : history.string();
  }
  auto written = write_reports(result, out);
  if (!keep_cases) std::filesystem::remove_all(cases_dir, ec);
  return written;
}

void print_failures(const reports::RunResult& r) {
  for (const auto& inv : r.invariants)
    if (!inv.held) std::cout << fmt::format("  {}: {}\n", inv.name, inv.summary);
  for (const auto& [cls, n] : r.failures_by_class) std::cout << fmt::format("  {} × {}\n", n, cls);
}

}  // namespace

int check_command(const CheckArgs& args) {
  scenarios::Scenario scenario;
  explore::Knobs vary;
  try {
    scenario = prepare_scenario(args.scenario_dir);
    if (!args.vary.empty()) vary = explore::parse_knobs(args.vary);
  } catch (const scenarios::ScenarioError& e) {
    std::cerr << "bluegreen: " << e.what() << '\n';
    return 2;
  }
  // Said once, before any case: otherwise every case would end in the same harness error.
  for (const auto* engine : {&args.engine, &args.confirm_engine})
    if (*engine == "sim")
      if (auto refused = sim::why_not_simulable(scenario)) {
        std::cerr << fmt::format("bluegreen: check {} on the sim engine{}: {}\n", scenario.name,
                                 engine == &args.engine ? " (check's default)" : " (--confirm-engine)", *refused);
        return 2;
      }
  const auto out =
      args.out_dir.empty() ? std::filesystem::path("bluegreen-out") / ("check-" + scenario.name) : args.out_dir;
  const auto lock = OutDir::claim(out, "--out", args.command);
  explore::ExploreSettings settings;
  settings.runs = args.runs;
  settings.seed = args.seed;
  settings.time_scale = args.time_scale;
  settings.engine = *sim::parse_engine(args.engine);  // CLI11 checked the names
  settings.confirm_engine = *sim::parse_engine(args.confirm_engine);
  settings.shrink = !args.no_shrink;
  settings.confirm = args.confirm;
  settings.shrink_budget = args.budget;
  settings.vary = vary;
  settings.workers = args.workers;
  settings.work_dir = out / "cases";
  sim::LiveProgress live;
  explore::load_rapidcheck_configuration();  // its stderr line before the progress line, not across it
  ProgressDisplay progress(live, terminal_progress_wanted(args.quiet), terminal_color_wanted());
  settings.live = &live;
  if (!args.quiet) settings.log = [&progress](const std::string& line) { progress.print(line); };
  progress.print(fmt::format("bluegreen check {}: up to {} cases around {} (check seed {}, engine {})", scenario.name,
                             args.runs, args.scenario_dir.string(), args.seed,
                             args.engine == "sim" ? "sim" : fmt::format("live at time scale {}", args.time_scale)));

  const auto found = explore::explore(scenario, settings);
  progress.stop();
  if (!found.found) {
    std::error_code ec;
    if (!args.keep) std::filesystem::remove_all(settings.work_dir, ec);
    if (!found.message.empty()) {
      std::cerr << fmt::format("bluegreen: check {}: {} ({} runs ended in a harness error)\n", scenario.name,
                               found.message, found.discarded);
      return 2;
    }
    std::cout << fmt::format("HELD: no invariant fired in {} cases ({:.1f}s)\n", found.cases, found.seconds);
    return 0;
  }
  std::cout << fmt::format("\nVIOLATED: {} after {} case(s); shrunk with {} of {} shrinks accepted; {:.1f}s in all\n",
                           explore::violated_invariants(found.result), found.cases, found.shrinks_accepted,
                           found.shrinks_tried, found.seconds);
  if (found.budget_hit) std::cout << fmt::format("shrinking stopped at its budget of {}s (--budget)\n", args.budget);
  std::cout << "minimal case: " << explore::describe(found.minimal) << '\n';
  print_failures(found.result);
  if (args.confirm > 0)
    std::cout << fmt::format(
        "it violated the same invariants again in {} of {} reruns on the {} engine{}\n", found.confirmed, args.confirm,
        args.confirm_engine,
        found.fallbacks ? fmt::format(" ({} smaller case(s) did not, and were passed over)", found.fallbacks)
        : found.confirmed == 0 && args.confirm_engine != args.engine
            ? fmt::format(": the engines disagree on this case, a finding to report with both replay lines "
                          "(docs/engines.md)")
            : "");
  const auto written = keep_minimal(found.result, out, settings.work_dir, args.keep);
  std::cout << fmt::format("reports: {} {} {} {}\n", written.html.string(), written.markdown.string(),
                           written.json.string(), written.junit.string());
  std::cout << "replay: " << found.replay << '\n';
  return 1;
}

}  // namespace bg::cli
