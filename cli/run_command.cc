#include <fmt/format.h>

#include <iostream>

#include "cli/commands.h"
#include "cli/outputs.h"
#include "cli/out_dir.h"
#include "cli/preflight.h"
#include "cli/progress_display.h"
#include "reports/markdown_report.h"
#include "reports/report_history.h"
#include "sim/run.h"

namespace bg::cli {

int run_command(const RunArgs& args) {
  auto scenario = prepare_scenario(args.scenario_dir, args.overrides);  // throws on bad input: exit 2
  // `--proxy nginx` runs the scenario behind the real nginx binary instead of the one it names.
  const bool proxy_overridden = !args.proxy_engine.empty() && args.proxy_engine != scenario.proxy.engine;
  if (!args.proxy_engine.empty()) scenario.proxy.engine = args.proxy_engine;
  // `--app real` runs real Next.js servers in the containers instead of the fake app.
  const bool app_overridden = !args.app_engine.empty() && args.app_engine != scenario.app.engine;
  if (!args.app_engine.empty()) scenario.app.engine = args.app_engine;
  const uint64_t seed = args.seed.value_or(scenario.seed);
  const auto out = args.out_dir.empty()
                       ? std::filesystem::path("bluegreen-out") / fmt::format("{}-{}", scenario.name, seed)
                       : args.out_dir;
  const auto lock = OutDir::claim(out, "--out", args.command);  // before the run, not after it
  sim::RunOptions options;
  options.engine = *sim::parse_engine(args.engine);  // CLI11 checked the name
  options.seed = args.seed;
  options.overrides = args.overrides;
  options.time_scale = args.time_scale;
  options.out_dir = out;
  options.keep_run_dir = args.keep_run_dir;
  options.bind_declared_ports = args.bind_declared_ports;
  sim::LiveProgress live;
  ProgressDisplay progress(live, terminal_progress_wanted(args.quiet), terminal_color_wanted());
  options.live = &live;
  if (!args.quiet) options.log = [&progress](const std::string& line) { progress.print(line); };
  reports::ReportHistory charted;  // the HTML report charts it, not history.jsonl read back
  options.observe = [&charted](const core::Entry& e) { charted.observe(e); };

  auto result = sim::run_scenario(scenario, options);
  progress.stop();
  if (proxy_overridden) result.replay_command += " --proxy " + scenario.proxy.engine;
  if (app_overridden) result.replay_command += " --app " + scenario.app.engine;
  auto written = write_reports(result, out, charted.entries());
  if (!args.quiet) std::cout << '\n' << reports::to_markdown(result) << '\n';
  if (result.verdict == core::Verdict::error) std::cerr << "bluegreen: " << result.error << '\n';
  std::cout << fmt::format("reports: {} {} {} {} {}\n", written.html.string(), written.markdown.string(),
                           written.json.string(), written.junit.string(), result.history_path);
  if (result.verdict == core::Verdict::violated) std::cout << "replay: " << result.replay_command << '\n';
  return exit_code_for(result);
}

}  // namespace bg::cli
