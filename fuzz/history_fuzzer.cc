// libFuzzer target: the history reader and what `bluegreen report` does with what it reads
// (cli/report_command.cc): History::read_jsonl, judge::judge, then every report. Any bytes must be
// read into a history or rejected with the std::runtime_error that names the line; a history that
// was read must be judged and rendered without a crash, a hang or any exception. Round trip: the
// JSONL written from what was read reads back to the same JSONL.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>

#include "core/history.h"
#include "fuzz/fuzz_sandbox.h"
#include "reports/html_report.h"
#include "reports/json_report.h"
#include "reports/junit_report.h"
#include "reports/markdown_report.h"
#include "reports/run_result.h"
#include "judge/judge.h"

namespace {

std::string jsonl(const bg::core::History& history) {
  std::ostringstream out;
  history.write_jsonl(out);
  return out.str();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::istringstream in{std::string(bg::fuzz::as_text(data, size))};
  std::optional<bg::core::History> history;
  try {
    history.emplace(bg::core::History::read_jsonl(in, "history.jsonl"));
  } catch (const std::runtime_error&) {
    return 0;
  }
  const std::string written = jsonl(*history);
  std::istringstream again(written);
  if (jsonl(bg::core::History::read_jsonl(again, "history.jsonl")) != written) __builtin_trap();

  bg::reports::RunResult result;
  result.scenario = "fuzz";
  const auto entries = history->entries();
  bg::judge::judge(entries, result);
  (void)bg::reports::to_json(result).dump();
  (void)bg::reports::to_markdown(result);
  (void)bg::reports::to_junit(result);
  (void)bg::reports::to_html(result, entries);
  return 0;
}
