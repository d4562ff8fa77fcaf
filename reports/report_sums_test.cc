#include "reports/report_sums_test_support.h"

#include <gtest/gtest.h>

#include "reports/html_report.h"
#include "reports/json_report.h"
#include "reports/junit_report.h"
#include "reports/markdown_report.h"
#include "reports/sample_run_test_support.h"

namespace bg::reports {
namespace {

using test_support::sample_run;

struct Rendered {
  std::string md, html, junit, json;
};
Rendered render(const test_support::SampleRun& s) {
  return {to_markdown(s.result), to_html(s.result, s.entries), to_junit(s.result), to_json(s.result).dump()};
}

// Goal: a run whose swap rows and steady state add up is read back as adding up from all four
// reports, with the sample's own counts (failed 502s and one indeterminate reset).
TEST(ReportSums, ReadsMatchingCountsFromEveryReport) {
  auto s = sample_run();
  s.result.before_first_swap = {.failed = 2};
  s.result.failed += 2;
  const auto r = render(s);
  for (const auto& [name, sums] : {std::pair{"md", sums_in_markdown(r.md)},
                                   {"html", sums_in_html(r.html)},
                                   {"junit", sums_in_junit(r.junit)},
                                   {"json", sums_in_json(r.json)}}) {
    SCOPED_TRACE(name);
    EXPECT_EQ(sums.headline, (LostCounts{s.refused + 2, s.reset}));
    EXPECT_EQ(sums.rows, sums.headline);
    EXPECT_EQ(sums.stretches, 2);  // the steady state and swap 1
    EXPECT_EQ(sums_mismatch(name, sums), "");
  }
}

// Goal: a swap row that lost track of one request is caught in every report.
TEST(ReportSums, FindsRowsThatDoNotAddUp) {
  auto s = sample_run();
  s.result.swaps[0].lost.failed -= 1;
  const auto r = render(s);
  for (const auto& [name, sums] : {std::pair{"md", sums_in_markdown(r.md)},
                                   {"html", sums_in_html(r.html)},
                                   {"junit", sums_in_junit(r.junit)},
                                   {"json", sums_in_json(r.json)}}) {
    SCOPED_TRACE(name);
    EXPECT_EQ(sums.rows.failed + 1, sums.headline.failed);
    EXPECT_NE(sums_mismatch(name, sums), "");
  }
}

// Goal: result.json's outages must add up too.
TEST(ReportSums, FindsOutagesThatDoNotAddUp) {
  auto s = sample_run();
  s.result.outage = std::chrono::seconds(3);
  s.result.swaps[0].lost.outage = std::chrono::seconds(3);
  EXPECT_EQ(sums_mismatch("json", sums_in_json(to_json(s.result).dump())), "");
  s.result.swaps[0].lost.outage = std::chrono::seconds(2);
  EXPECT_NE(sums_mismatch("json", sums_in_json(to_json(s.result).dump())).find("outages add up to 2.000000s"),
            std::string::npos);
}

// Goal: a report without its counts is an error, not a silent zero.
TEST(ReportSums, RefusesAReportWithoutItsHeadline) {
  EXPECT_THROW(sums_in_markdown("## bluegreen\n\nno counts here\n"), std::runtime_error);
  EXPECT_THROW(sums_in_html("<html></html>"), std::runtime_error);
  EXPECT_THROW(sums_in_junit("<testsuites><testsuite/></testsuites>"), std::runtime_error);
  EXPECT_THROW(sums_in_json("{}"), std::exception);
}

}  // namespace
}  // namespace bg::reports
