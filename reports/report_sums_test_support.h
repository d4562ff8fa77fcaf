#pragma once
// Reads the lost-request counts back out of a run's four reports (summary.md, report.html,
// junit.xml, result.json) as a reader or a tool would see them: the headline's failed and
// indeterminate totals, and the sum over the swap rows and the steady state. A report whose rows do
// not add up to its headline is one a reader cannot trust. For tests (reports/report_sums_check.cc).
#include <cstdint>
#include <string>

namespace bg::reports {

struct LostCounts {
  int64_t failed = 0, indeterminate = 0;
  bool operator==(const LostCounts&) const = default;
};

struct ReportSums {
  LostCounts headline;  // the run's totals as the report states them
  LostCounts rows;      // the sum of its per-swap rows and its steady-state row
  int stretches = 0;    // how many rows (or cases) were added
  // result.json only (the others round to hundredths): the run's outage and the stretches' sum.
  double headline_outage = -1, rows_outage = 0;
};

// Each throws std::runtime_error naming what it could not find.
ReportSums sums_in_markdown(const std::string& md);
ReportSums sums_in_html(const std::string& html);
ReportSums sums_in_junit(const std::string& xml);
ReportSums sums_in_json(const std::string& json);

// "" when the rows add up to the headline, else a sentence saying how they do not.
std::string sums_mismatch(const std::string& report, const ReportSums& sums);

}  // namespace bg::reports
