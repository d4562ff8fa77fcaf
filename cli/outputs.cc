#include "cli/outputs.h"

#include <fstream>

#include "reports/json_report.h"
#include "reports/markdown_report.h"

namespace bg::cli {

WrittenReports write_reports(const reports::RunResult& result, const std::filesystem::path& dir) {
  std::filesystem::create_directories(dir);
  WrittenReports w{dir / "result.json", dir / "summary.md"};
  std::ofstream(w.json) << reports::to_json(result).dump(2) << '\n';
  std::ofstream(w.markdown) << reports::to_markdown(result);
  return w;
}

int exit_code_for(const reports::RunResult& result) {
  if (result.verdict == "held") return 0;
  if (result.verdict == "violated") return 1;
  return 2;
}

}  // namespace bg::cli
