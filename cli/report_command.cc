#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <fstream>
#include <iostream>

#include "cli/commands.h"
#include "cli/out_dir.h"
#include "cli/outputs.h"
#include "cli/saved_history.h"
#include "reports/markdown_report.h"
#include "core/history_reader.h"
#include "judge/judge.h"

namespace bg::cli {
namespace {

// A result.json names its history; the history is what is judged again. The result's own fields
// (scenario, seed, expectation) carry over into the new reports.
std::filesystem::path read_result(const std::filesystem::path& input, reports::RunResult& result) {
  std::ifstream in(input);
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(in);
  } catch (const nlohmann::json::parse_error& e) {
    throw SavedHistoryError(
        fmt::format("{}: not JSON (at byte {}): not a bluegreen result.json", input.string(), e.byte));
  }
  const auto text = [&](const char* key) {
    auto it = j.find(key);
    return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
  };
  if (!j.is_object() || text("history").empty())
    throw SavedHistoryError(
        fmt::format("{}: not a bluegreen result.json (expected an object naming its \"history\")", input.string()));
  result.scenario = text("scenario");
  result.scenario_dir = text("scenario_dir");
  if (const std::string expected = text("expected_verdict"); !expected.empty()) {
    result.expected_verdict = core::parse_verdict(expected);
    if (!result.expected_verdict || *result.expected_verdict == core::Verdict::error)
      throw SavedHistoryError(
          fmt::format("{}: \"expected_verdict\" is \"{}\", not held or violated: not a bluegreen result.json",
                      input.string(), expected));
  }
  result.expected_invariant = text("expected_invariant");
  result.expected_cause = text("expected_cause");
  result.replay_command = text("replay");
  if (auto seed = j.find("seed"); seed != j.end() && seed->is_number_unsigned()) result.seed = seed->get<uint64_t>();
  if (auto scale = j.find("time_scale"); scale != j.end() && scale->is_number())
    result.time_scale = scale->get<double>();
  if (const std::string engine = text("engine"); !engine.empty()) result.engine = engine;
  return text("history");
}

}  // namespace

int report_command(const ReportArgs& args) {
  reports::RunResult result;
  std::filesystem::path history_path = args.input;
  if (args.input.extension() == ".json" && std::filesystem::is_regular_file(args.input))
    history_path = read_result(args.input, result);
  check_saved_history(history_path);
  const auto out = args.out_dir.empty() ? history_path.parent_path() : args.out_dir;
  const auto lock = OutDir::claim(out.empty() ? std::filesystem::path(".") : out, "--out", args.command);
  result.history_path = history_path.string();
  if (result.scenario.empty()) result.scenario = history_path.parent_path().filename().string();
  // One pass over the file, whatever its length (the check above read it once already).
  judge::judge_history(core::file_source(history_path), result);
  auto written = write_reports(result, lock.path());
  std::cout << reports::to_markdown(result)
            << fmt::format("\nreports: {} {}\n", written.markdown.string(), written.json.string());
  return exit_code_for(result);
}

}  // namespace bg::cli
