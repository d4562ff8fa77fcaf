#include "reports/html_report.h"

#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <regex>

#include "reports/sample_run_test_support.h"

namespace bg::reports {
namespace {

using test_support::sample_run;

size_t count(const std::string& text, const std::string& needle) {
  size_t n = 0;
  for (size_t i = text.find(needle); i != std::string::npos; i = text.find(needle, i + 1)) ++n;
  return n;
}

}  // namespace

// Goal: the page fetches nothing: no scripts, no external stylesheets, fonts, images or links.
TEST(HtmlReport, IsSelfContained) {
  auto s = sample_run();
  const auto html = to_html(s.result, s.entries);
  EXPECT_EQ(html.find("<script"), std::string::npos);
  EXPECT_EQ(html.find("<link"), std::string::npos);
  EXPECT_EQ(html.find("@import"), std::string::npos);
  EXPECT_EQ(html.find("url("), std::string::npos);
  EXPECT_EQ(html.find("src="), std::string::npos);
  EXPECT_EQ(html.find("href="), std::string::npos);
  // The only URL is the SVG namespace, which names rather than fetches.
  std::string rest = std::regex_replace(html, std::regex("http://www\\.w3\\.org/2000/svg"), "");
  EXPECT_EQ(rest.find("http://"), std::string::npos);
  EXPECT_EQ(rest.find("https://"), std::string::npos);
}

// Goal: verdict, invariants, swaps, first failures and the replay command are all on the page.
TEST(HtmlReport, ShowsVerdictInvariantsSwapsFailuresAndReplay) {
  auto s = sample_run();
  const auto html = to_html(s.result, s.entries);
  EXPECT_NE(html.find("id=\"verdict\">VIOLATED<"), std::string::npos);
  EXPECT_NE(html.find("<code>no_failed_requests</code>"), std::string::npos);
  EXPECT_NE(html.find("id=\"swaps\""), std::string::npos);
  EXPECT_NE(html.find("blue-blue-1 → green-green-1"), std::string::npos);
  EXPECT_NE(html.find("7.25s"), std::string::npos);  // the mixed-version window, 16.51 .. 23.76
  EXPECT_NE(html.find("connect() failed (111: Connection refused)"), std::string::npos);
  EXPECT_NE(html.find("green-green-1: started"), std::string::npos);
  EXPECT_NE(html.find("bluegreen replay scenarios/data/sample --seed 7"), std::string::npos);
}

// Goal: the timeline has one band per phase and one failure mark per failed request.
TEST(HtmlReport, TimelineHasPhaseBandsAndOneMarkPerFailure) {
  auto s = sample_run();
  const auto html = to_html(s.result, s.entries);
  EXPECT_NE(html.find("<svg xmlns=\"http://www.w3.org/2000/svg\" id=\"timeline\""), std::string::npos);
  for (const char* phase : {"build", "new_starting", "both_serving", "old_draining", "old_down"})
    EXPECT_EQ(count(html, std::string("class=\"band band-") + phase + "\""), 1u) << phase;
  EXPECT_EQ(count(html, "class=\"fail-mark"), static_cast<size_t>(s.refused + s.reset));
  EXPECT_EQ(count(html, "data-n=\"1\""), static_cast<size_t>(s.refused + s.reset));
  EXPECT_NE(html.find("id=\"latency\""), std::string::npos);
  EXPECT_NE(html.find("id=\"histogram\""), std::string::npos);
}

// Goal: text from the history cannot inject markup (a hostile path or log line is escaped).
TEST(HtmlReport, EscapesTextFromTheHistory) {
  auto s = sample_run();
  s.result.scenario = "<script>alert(1)</script>";
  s.result.first_failures[0].proxy_log.push_back("upstream \"a&b\" <closed>");
  const auto html = to_html(s.result, s.entries);
  EXPECT_EQ(html.find("<script>"), std::string::npos);
  EXPECT_NE(html.find("&lt;script&gt;alert(1)&lt;/script&gt;"), std::string::npos);
  EXPECT_NE(html.find("upstream &quot;a&amp;b&quot; &lt;closed&gt;"), std::string::npos);
}

// Goal: a run that ended in a harness error, with no history, still renders its message and replay.
TEST(HtmlReport, RendersAHarnessErrorWithoutHistory) {
  RunResult r;
  r.scenario = "seed";
  r.verdict = bg::core::Verdict::error;
  r.error = "the run passed its deadline of 600.000s: stopped during warm-up";
  r.replay_command = "bluegreen replay scenarios/data/seed --seed 7";
  const auto html = to_html(r, {});
  EXPECT_NE(html.find("id=\"verdict\">ERROR<"), std::string::npos);
  EXPECT_NE(html.find("stopped during warm-up"), std::string::npos);
  EXPECT_NE(html.find("Invariants not judged"), std::string::npos);
  EXPECT_NE(html.find("No requests in the history"), std::string::npos);
  EXPECT_NE(html.find("--seed 7"), std::string::npos);
}

// Goal: the page made from a saved history (read twice from the file, never whole) is the page made
// from the same entries in memory, the first failures' upstream attempts included.
TEST(HtmlReport, ReadsASavedHistoryFileLikeTheSameEntriesInMemory) {
  auto s = sample_run();
  const auto& first = s.result.first_failures.at(0).request;
  core::ProxyEvent access{first.end, core::ProxyEventKind::access_log, "", "GET / 502", "", first.id};
  access.status = 502;
  access.attempts = 2;
  access.upstream_status = "502, 502";
  s.entries.push_back({s.entries.size(), access});
  const auto path = std::filesystem::temp_directory_path() / ("bg-html-" + std::to_string(::getpid()) + ".jsonl");
  {
    core::History h;
    h.stream_to(path);
    for (const auto& e : s.entries) h.append(e.event);
    h.close();
  }
  const auto from_file = read_html_history(s.result, core::file_source(path));
  std::filesystem::remove(path);
  EXPECT_EQ(render_html(s.result, from_file), to_html(s.result, s.entries));
  EXPECT_NE(render_html(s.result, from_file).find("after 2 upstream attempts"), std::string::npos);
}

}  // namespace bg::reports

namespace bg::reports {

// Goal: a run with no swap that lost requests still has the swap table's steady-state row.
TEST(HtmlReport, SteadyStateRowWithoutAnySwap) {
  auto s = test_support::sample_run();
  s.result.swaps.clear();
  s.result.before_first_swap = {};
  EXPECT_EQ(to_html(s.result, s.entries).find("id=\"swaps\""), std::string::npos);
  s.result.before_first_swap = {.failed = 3};
  const auto html = to_html(s.result, s.entries);
  EXPECT_NE(html.find("id=\"swaps\""), std::string::npos);
  EXPECT_NE(html.find("<td>before 1</td>"), std::string::npos);
  EXPECT_NE(html.find("data-failed=\"3\""), std::string::npos);
}

}  // namespace bg::reports
