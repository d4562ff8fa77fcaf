// bg_report_sums_check <run folder>: the four reports of one run must each add their swap rows and
// steady state up to their headline counts (and result.json its outage). Exit 1 naming the report
// that does not, 2 when a report is missing or unreadable. The catalogue's tests run it on every race.
#include <fmt/format.h>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "reports/report_sums_test_support.h"

namespace {

std::string read(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + p.string());
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace

int main(int argc, char** argv) {
  using namespace bg::reports;
  if (argc != 2) {
    std::cerr << "usage: bg_report_sums_check <run folder>\n";
    return 2;
  }
  const std::filesystem::path dir = argv[1];
  int mismatches = 0;
  try {
    const std::pair<const char*, ReportSums (*)(const std::string&)> reports[] = {{"summary.md", sums_in_markdown},
                                                                                  {"report.html", sums_in_html},
                                                                                  {"junit.xml", sums_in_junit},
                                                                                  {"result.json", sums_in_json}};
    for (const auto& [name, read_sums] : reports) {
      const auto sums = read_sums(read(dir / name));
      const auto why = sums_mismatch(name, sums);
      std::cout << fmt::format("{}: headline {} failed + {} indeterminate; {} rows add up to {} + {}{}\n", name,
                               sums.headline.failed, sums.headline.indeterminate, sums.stretches, sums.rows.failed,
                               sums.rows.indeterminate, why.empty() ? "" : "  <- MISMATCH");
      if (!why.empty()) {
        std::cerr << why << "\n";
        ++mismatches;
      }
    }
  } catch (const std::exception& e) {
    std::cerr << "bg_report_sums_check: " << e.what() << "\n";
    return 2;
  }
  return mismatches ? 1 : 0;
}
