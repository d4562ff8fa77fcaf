#include "cli/outputs.h"

#include <fmt/chrono.h>
#include <unistd.h>

#include <chrono>
#include <fstream>

#include "core/history_reader.h"
#include "reports/html_report.h"
#include "reports/json_report.h"
#include "reports/junit_report.h"
#include "reports/markdown_report.h"

namespace bg::cli {
namespace {

// The page's charts from the saved history, read twice from the file (never whole in memory).
reports::HtmlHistory saved_history(const reports::RunResult& result) {
  if (result.history_path.empty()) return {};
  try {
    return reports::read_html_history(result, core::file_source(result.history_path));
  } catch (const std::exception&) {
    return {};  // a missing or damaged history still gets the rest of the report
  }
}

// JUnit's timestamp: when the run saved its history (the file's time), else "unknown" (the epoch).
reports::JunitOptions junit_options(const std::string& history_path) {
  reports::JunitOptions o;
  std::error_code ec;
  if (!history_path.empty()) {
    auto written = std::filesystem::last_write_time(history_path, ec);
    if (!ec) {
      auto sys = std::chrono::floor<std::chrono::seconds>(std::chrono::file_clock::to_sys(written));
      o.timestamp = fmt::format("{:%Y-%m-%dT%H:%M:%S}", sys);
    }
  }
  char host[256] = {};
  if (::gethostname(host, sizeof host - 1) == 0 && host[0]) o.hostname = host;
  return o;
}

}  // namespace

WrittenReports write_reports(const reports::RunResult& result, const std::filesystem::path& dir,
                             const std::vector<core::Entry>& entries) {
  std::filesystem::create_directories(dir);
  WrittenReports w{dir / "result.json", dir / "summary.md", dir / "report.html", dir / "junit.xml"};
  std::ofstream(w.json) << reports::to_json(result).dump(2) << '\n';
  std::ofstream(w.markdown) << reports::to_markdown(result);
  std::ofstream(w.html) << (entries.empty() ? reports::render_html(result, saved_history(result))
                                            : reports::to_html(result, entries));
  std::ofstream(w.junit) << reports::to_junit(result, junit_options(result.history_path));
  return w;
}

int exit_code_for(const reports::RunResult& result) {
  if (result.verdict == core::Verdict::held) return 0;
  if (result.verdict == core::Verdict::violated) return 1;
  return 2;
}

}  // namespace bg::cli
