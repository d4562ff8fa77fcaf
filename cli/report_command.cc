#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <fstream>
#include <iostream>

#include "cli/commands.h"
#include "cli/outputs.h"
#include "reports/markdown_report.h"
#include "core/history_reader.h"
#include "sim/judge.h"

namespace bg::cli {

int report_command(const std::filesystem::path& input, const std::filesystem::path& out_dir) {
  std::ifstream in(input);
  if (!in) {
    std::cerr << fmt::format("bluegreen: cannot read {}\n", input.string());
    return 2;
  }
  std::filesystem::path history_path = input;
  reports::RunResult result;
  // A result.json names its history; the history is what is judged again.
  if (input.extension() == ".json") {
    try {
      auto j = nlohmann::json::parse(in);
      result.scenario = j.value("scenario", "");
      result.scenario_dir = j.value("scenario_dir", "");
      result.seed = j.value("seed", uint64_t{0});
      result.time_scale = j.value("time_scale", 0.0);
      result.expected_verdict = j.value("expected_verdict", "");
      result.expected_invariant = j.value("expected_invariant", "");
      result.expected_cause = j.value("expected_cause", "");
      result.replay_command = j.value("replay", "");
      history_path = j.value("history", "");
    } catch (const std::exception& e) {
      std::cerr << fmt::format("bluegreen: {}: not a bluegreen result: {}\n", input.string(), e.what());
      return 2;
    }
    if (history_path.empty()) {
      std::cerr << fmt::format("bluegreen: {} names no history to judge\n", input.string());
      return 2;
    }
    in = std::ifstream(history_path);
    if (!in) {
      std::cerr << fmt::format("bluegreen: cannot read the history {} named by {}\n", history_path.string(), input.string());
      return 2;
    }
  }
  try {
    result.history_path = history_path.string();
    if (result.scenario.empty()) result.scenario = history_path.parent_path().filename().string();
    // One pass over the file, whatever its length; what it returns says whether the history ended
    // with its completeness record (core/history_reader.h).
    sim::judge_history(core::file_source(history_path), result);
  } catch (const std::exception& e) {
    std::cerr << "bluegreen: " << e.what() << '\n';
    return 2;
  }
  const auto out = out_dir.empty() ? history_path.parent_path() : out_dir;
  auto written = write_reports(result, out.empty() ? std::filesystem::path(".") : out);
  std::cout << reports::to_markdown(result) << fmt::format("\nreports: {} {}\n", written.markdown.string(), written.json.string());
  return exit_code_for(result);
}

}  // namespace bg::cli
