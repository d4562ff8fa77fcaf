// A run's HTML report charts the history it kept while it was appended (ReportHistory) instead of
// reading history.jsonl back: the page must be the one `bluegreen report` makes from the saved file.
#include "reports/report_history.h"

#include <gtest/gtest.h>

#include <fmt/format.h>
#include <unistd.h>

#include <filesystem>

#include "reports/html_report.h"
#include "reports/sample_run_test_support.h"

namespace bg::reports {
namespace {

std::filesystem::path temp_history(const char* name) {
  return std::filesystem::temp_directory_path() / fmt::format("bg-{}-{}.jsonl", name, ::getpid());
}

}  // namespace

// Goal: the entries kept as a streamed history is appended chart the same page, byte for byte, as
// the file that history wrote, the first failures' proxy attempts included.
TEST(ReportHistory, ChartsTheSamePageAsTheSavedFile) {
  auto s = test_support::sample_run();
  const auto& first = s.result.first_failures.at(0).request;
  core::ProxyEvent access{first.end, core::ProxyEventKind::access_log, "", "GET / 502", "", first.id};
  access.attempts = 2;
  access.upstream_status = "502, 502";
  const auto path = temp_history("report-history");
  ReportHistory kept;
  {
    core::History h;
    h.append(s.entries.front().event);  // kept before streaming starts, as a World's first events are
    h.set_observer([&kept](const core::Entry& e) { kept.observe(e); });
    h.stream_to(path);
    for (size_t i = 1; i < s.entries.size(); ++i) h.append(s.entries[i].event);
    h.append(access);
    h.close();
  }
  const auto from_file = render_html(s.result, read_html_history(s.result, core::file_source(path)));
  std::filesystem::remove(path);
  ASSERT_EQ(kept.entries().size(), s.entries.size() + 1);
  EXPECT_EQ(to_html(s.result, kept.entries()), from_file);
  EXPECT_NE(from_file.find("after 2 upstream attempts"), std::string::npos);
}

// Goal: a history longer than the limit is not kept at all (a part would chart a wrong page), so
// the report reads the saved file, and memory stays bounded by the limit.
TEST(ReportHistory, KeepsNothingOnceTheHistoryOutgrowsItsLimit) {
  const auto s = test_support::sample_run();
  ReportHistory kept(s.entries.size());
  for (const auto& e : s.entries) kept.observe(e);
  EXPECT_EQ(kept.entries().size(), s.entries.size());
  kept.observe(s.entries.back());
  EXPECT_TRUE(kept.entries().empty());
  kept.observe(s.entries.back());
  EXPECT_TRUE(kept.entries().empty());
}

}  // namespace bg::reports
