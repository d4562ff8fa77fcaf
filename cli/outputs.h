#pragma once
// Writes a run's reports into a folder: result.json, summary.md, report.html and junit.xml
// (history.jsonl is written by the run itself, before judging).
#include <filesystem>
#include <vector>

#include "core/history.h"
#include "reports/run_result.h"

namespace bg::cli {

struct WrittenReports {
  std::filesystem::path json;
  std::filesystem::path markdown;
  std::filesystem::path html;
  std::filesystem::path junit;
};

// entries: the run's history, which the HTML report charts. When none are given it is read back from
// result.history_path, the history the run saved (twice, one line at a time: any length), so a caller
// holding only the RunResult still gets the whole report; a missing or unreadable history leaves the
// page without charts, and says so.
WrittenReports write_reports(const reports::RunResult& result, const std::filesystem::path& dir,
                             const std::vector<core::Entry>& entries = {});

// 0 held, 1 violated, 2 error (design.md "Exit codes").
int exit_code_for(const reports::RunResult& result);

}  // namespace bg::cli
