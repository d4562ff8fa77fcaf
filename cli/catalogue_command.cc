#include <fmt/format.h>

#include <algorithm>
#include <iostream>

#include "cli/commands.h"
#include "cli/out_dir.h"
#include "cli/outputs.h"
#include "cli/preflight.h"
#include "reports/markdown_report.h"
#include "reports/report_history.h"
#include "scenarios/scenario_loader.h"
#include "sim/interrupt.h"
#include "sim/run.h"

namespace bg::cli {
namespace {

// FOUND: a race scenario reached its expected violation; HOLDS: a fixed twin (or a race whose
// expectation is that nothing is lost) held; anything else is a mismatch.
std::string status_of(const reports::RunResult& r) {
  if (r.verdict == core::Verdict::error) return "ERROR";
  if (!r.as_expected) return "MISMATCH";
  return r.verdict == core::Verdict::violated ? "FOUND" : "HOLDS";
}

std::string expected_name(const reports::RunResult& r) {
  return r.expected_verdict ? std::string(core::verdict_name(*r.expected_verdict)) : "";
}

std::string fired(const reports::RunResult& r) {
  std::string names;
  for (const auto& inv : r.invariants)
    if (!inv.held) names += (names.empty() ? "" : ", ") + inv.name;
  return names.empty() ? "—" : names;
}

}  // namespace

int verify_command(const RunArgs& args) {
  auto scenario = prepare_scenario(args.scenario_dir);  // throws on bad input: exit 2
  // `--proxy nginx`: the same expectation, behind the real nginx binary.
  if (!args.proxy_engine.empty()) scenario.proxy.engine = args.proxy_engine;
  // `--app real`: the same expectation, with real Next.js servers in the containers.
  if (!args.app_engine.empty()) scenario.app.engine = args.app_engine;
  if (!scenario.expect) {
    std::cerr << fmt::format("bluegreen: {}/scenario.yaml has no `expect:` to verify against\n",
                             args.scenario_dir.string());
    return 2;
  }
  sim::RunOptions options;
  options.engine = *sim::parse_engine(args.engine);  // CLI11 checked the name
  options.seed = args.seed;
  options.time_scale = args.time_scale;
  options.out_dir = args.out_dir.empty() ? std::filesystem::path("bluegreen-out") / scenario.name : args.out_dir;
  const auto lock = OutDir::claim(options.out_dir, "--out", args.command);
  reports::ReportHistory charted;  // the HTML report charts it, not history.jsonl read back
  options.observe = [&charted](const core::Entry& e) { charted.observe(e); };
  auto result = sim::run_scenario(scenario, options);
  auto written = write_reports(result, options.out_dir, charted.entries());
  std::cout << fmt::format("{}: {} (expected {}{}; fired: {}) — {}\n", scenario.name, status_of(result),
                           expected_name(result),
                           result.expected_invariant.empty() ? "" : " " + result.expected_invariant, fired(result),
                           written.markdown.string());
  if (result.verdict == core::Verdict::error) {
    std::cerr << "bluegreen: " << result.error << '\n';
    return 2;
  }
  if (!result.as_expected) std::cout << reports::to_markdown(result);
  return result.as_expected ? 0 : 1;
}

int catalogue_command(const std::filesystem::path& races_dir, const std::filesystem::path& out_dir,
                      const std::string& only, const std::string& command, sim::Engine engine) {
  const auto lock = OutDir::claim(out_dir, "--out", command);
  std::vector<std::filesystem::path> dirs;
  for (const auto& entry : std::filesystem::directory_iterator(races_dir))
    if (entry.is_directory() && std::filesystem::exists(entry.path() / "scenario.yaml") &&
        entry.path().filename().string().rfind(only, 0) == 0)
      dirs.push_back(entry.path());
  std::sort(dirs.begin(), dirs.end());
  if (dirs.empty()) {
    std::cerr << fmt::format("bluegreen: no scenarios under {}\n", races_dir.string());
    return 2;
  }
  std::cout << fmt::format("{:<48} {:<9} {:<9} {:<38} {}\n", "scenario", "expected", "status", "invariants fired",
                           "failed/requests");
  bool all = true, error = false;
  for (const auto& dir : dirs) {
    scenarios::Scenario scenario;
    try {
      scenario = prepare_scenario(dir);
    } catch (const scenarios::ScenarioError& e) {
      std::cerr << "bluegreen: " << e.what() << '\n';
      error = true;
      continue;
    }
    sim::RunOptions options;
    options.engine = engine;
    options.out_dir = out_dir / scenario.name;
    reports::ReportHistory charted;  // the HTML report charts it, not history.jsonl read back
    options.observe = [&charted](const core::Entry& e) { charted.observe(e); };
    auto result = sim::run_scenario(scenario, options);
    write_reports(result, options.out_dir, charted.entries());
    const auto status = status_of(result);
    all = all && (status == "FOUND" || status == "HOLDS");
    error = error || result.verdict == core::Verdict::error;
    std::cout << fmt::format("{:<48} {:<9} {:<9} {:<38} {}/{}\n", scenario.name, expected_name(result), status,
                             fired(result), result.failed + result.indeterminate, result.requests)
              << std::flush;
    if (sim::Interrupt::requested()) break;  // a signal: no further scenario starts
  }
  return error ? 2 : all ? 0 : 1;
}

}  // namespace bg::cli
