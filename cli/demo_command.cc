#include <fmt/format.h>

#include <iostream>

#include "cli/commands.h"
#include "cli/out_dir.h"
#include "cli/outputs.h"
#include "cli/preflight.h"
#include "core/stopwatch.h"
#include "reports/report_history.h"
#include "scenarios/scenario_loader.h"
#include "sim/interrupt.h"
#include "sim/run.h"

namespace bg::cli {
namespace {

// Rows of metrics, one column per scenario: the seed and its fixed twin side by side.
void print_table(const std::vector<reports::RunResult>& results, const std::vector<WrittenReports>& written) {
  std::vector<std::string> classes;
  for (const auto& r : results)
    for (const auto& [cls, n] : r.failures_by_class)
      if (std::find(classes.begin(), classes.end(), cls) == classes.end()) classes.push_back(cls);

  std::vector<std::pair<std::string, std::vector<std::string>>> rows;
  auto row = [&](std::string name, auto cell) {
    std::vector<std::string> cells;
    for (size_t i = 0; i < results.size(); ++i) cells.push_back(cell(i));
    rows.emplace_back(std::move(name), std::move(cells));
  };
  row("verdict", [&](size_t i) { return std::string(core::verdict_headline(results[i].verdict)); });
  row("expected", [&](size_t i) {
    const auto& r = results[i];
    if (!r.expected_verdict) return std::string("—");
    return fmt::format("{}{} ({})", core::verdict_name(*r.expected_verdict),
                       r.expected_invariant.empty() ? "" : " " + r.expected_invariant,
                       r.as_expected ? "matches" : "DOES NOT MATCH");
  });
  row("invariants violated", [&](size_t i) {
    std::string names;
    for (const auto& inv : results[i].invariants)
      if (!inv.held) names += (names.empty() ? "" : ", ") + inv.name;
    return names.empty() ? std::string("—") : names;
  });
  row("served by", [&](size_t i) { return reports::engines_line(results[i]); });
  row("requests", [&](size_t i) { return std::to_string(results[i].requests); });
  row("failed", [&](size_t i) { return std::to_string(results[i].failed + results[i].indeterminate); });
  for (const auto& cls : classes)
    row("  " + cls, [&](size_t i) {
      auto it = results[i].failures_by_class.find(cls);
      return std::to_string(it == results[i].failures_by_class.end() ? 0 : it->second);
    });
  row("outage", [&](size_t i) { return fmt::format("{:.2f}s", core::to_seconds(results[i].outage)); });
  row("swaps", [&](size_t i) { return std::to_string(results[i].swaps.size()); });
  row("wall time", [&](size_t i) { return fmt::format("{:.1f}s", results[i].wall_seconds); });
  row("report", [&](size_t i) { return written[i].markdown.string(); });

  size_t w0 = 0;
  for (const auto& [name, _] : rows) w0 = std::max(w0, name.size());
  std::vector<size_t> widths(results.size(), 0);
  for (size_t i = 0; i < results.size(); ++i) widths[i] = results[i].scenario.size();
  for (const auto& [_, cells] : rows)
    for (size_t i = 0; i < cells.size(); ++i) widths[i] = std::max(widths[i], cells[i].size());

  std::string header = fmt::format("{:<{}}", "", w0);
  for (size_t i = 0; i < results.size(); ++i) header += fmt::format("   {:<{}}", results[i].scenario, widths[i]);
  std::cout << header << '\n';
  for (const auto& [name, cells] : rows) {
    std::string line = fmt::format("{:<{}}", name, w0);
    for (size_t i = 0; i < cells.size(); ++i) line += fmt::format("   {:<{}}", cells[i], widths[i]);
    std::cout << line << '\n';
  }
}

}  // namespace

int demo_command(const std::vector<std::filesystem::path>& dirs, const std::filesystem::path& out_dir,
                 const std::string& command, const DemoEngines& engines) {
  core::Stopwatch wall;
  // Every folder is checked before the first one runs: a typo in the last must not cost the others' runs.
  std::vector<scenarios::Scenario> scenarios;
  for (const auto& dir : dirs) scenarios.push_back(prepare_scenario(dir));  // throws on bad input: exit 2
  // `--proxy nginx --app real`: the real nginx and real Next.js servers; Docker and AWS stay fakes.
  for (auto& s : scenarios) {
    if (!engines.proxy.empty()) s.proxy.engine = engines.proxy;
    if (!engines.app.empty()) s.app.engine = engines.app;
  }
  const auto lock = OutDir::claim(out_dir, "--out", command);
  std::vector<reports::RunResult> results;
  std::vector<WrittenReports> written;
  for (const auto& scenario : scenarios) {
    std::cout << fmt::format("running {} ...", scenario.name) << std::endl;
    sim::RunOptions options;
    options.engine = *sim::parse_engine(engines.engine);  // CLI11 checked the name
    options.out_dir = out_dir / scenario.name;
    reports::ReportHistory charted;  // the HTML report charts it, not history.jsonl read back
    options.observe = [&charted](const core::Entry& e) { charted.observe(e); };
    auto result = sim::run_scenario(scenario, options);
    if (!engines.proxy.empty()) result.replay_command += " --proxy " + engines.proxy;
    if (!engines.app.empty()) result.replay_command += " --app " + engines.app;
    if (result.verdict == core::Verdict::error)
      std::cerr << "bluegreen: " << scenario.name << ": " << result.error << '\n';
    written.push_back(write_reports(result, options.out_dir, charted.entries()));
    results.push_back(std::move(result));
    if (sim::Interrupt::requested()) break;  // a signal: no further scenario starts
  }
  std::cout << '\n';
  print_table(results, written);
  for (const auto& r : results)
    if (r.verdict == core::Verdict::violated)
      std::cout << fmt::format("\n{}: replay with `{}`", r.scenario, r.replay_command);
  std::cout << fmt::format("\n\ndemo took {:.1f}s\n", wall.seconds());
  bool any_error =
      std::any_of(results.begin(), results.end(), [](const auto& r) { return r.verdict == core::Verdict::error; });
  bool all_expected = std::all_of(results.begin(), results.end(), [](const auto& r) { return r.as_expected; });
  return any_error ? 2 : all_expected ? 0 : 1;
}

}  // namespace bg::cli
