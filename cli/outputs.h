#pragma once
// Writes a run's reports into a folder: result.json and summary.md (history.jsonl is written by the
// run itself, before judging).
#include <filesystem>

#include "reports/run_result.h"

namespace bg::cli {

struct WrittenReports {
  std::filesystem::path json;
  std::filesystem::path markdown;
};

WrittenReports write_reports(const reports::RunResult& result, const std::filesystem::path& dir);

// 0 held, 1 violated, 2 error (design.md "Exit codes").
int exit_code_for(const reports::RunResult& result);

}  // namespace bg::cli
