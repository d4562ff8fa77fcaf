#include <gtest/gtest.h>

#include "reports/json_report.h"
#include "reports/markdown_report.h"

namespace bg::reports {
namespace {

RunResult violated_run() {
  RunResult r;
  r.scenario = "seed";
  r.seed = 7;
  r.verdict = bg::core::Verdict::violated;
  r.expected_verdict = bg::core::Verdict::violated;
  r.requests = 100;
  r.ok = 90;
  r.failed = 10;
  r.failures_by_class["502 no live upstreams"] = 10;
  r.invariants.push_back({"no_failed_requests", false, 10, "10 of 100 requests failed", {"#5 GET / at 12.0s: 502"}});
  r.invariants.push_back({"switch_ordering", true, 0, "every swap kept its order", {}});
  SwapSummary s;
  s.deployment = 1;
  s.old_container = "blue-blue-1";
  s.new_container = "green-green-1";
  s.mixed_from = core::Time(std::chrono::seconds(3));
  s.mixed_to = core::Time(std::chrono::seconds(5));
  r.swaps.push_back(s);
  r.replay_command = "bluegreen replay scenarios/data/seed --seed 7";
  return r;
}

}  // namespace

// Goal: the JSON result carries the verdict, the counts, the per-swap mixed-version window and replay.
TEST(JsonReport, CarriesVerdictCountsSwapsAndReplay) {
  auto j = to_json(violated_run());
  EXPECT_EQ(j["verdict"], "violated");
  EXPECT_EQ(j["requests"]["failed"], 10);
  EXPECT_EQ(j["failures_by_class"]["502 no live upstreams"], 10);
  EXPECT_EQ(j["invariants"][0]["held"], false);
  EXPECT_DOUBLE_EQ(j["swaps"][0]["mixed_version_window_s"].get<double>(), 2.0);
  EXPECT_TRUE(j["swaps"][0]["new_ready_s"].is_null());
  EXPECT_EQ(j["replay"], "bluegreen replay scenarios/data/seed --seed 7");
}

// Goal: the Markdown summary leads with the verdict and shows violated invariants' evidence only.
TEST(MarkdownReport, LeadsWithVerdictAndShowsEvidence) {
  std::string md = to_markdown(violated_run());
  EXPECT_NE(md.find("zero downtime VIOLATED"), std::string::npos);
  EXPECT_NE(md.find("| `no_failed_requests` | **violated** | 10 |"), std::string::npos) << md;
  EXPECT_NE(md.find("#5 GET / at 12.0s: 502"), std::string::npos);
  EXPECT_NE(md.find("Replay: `bluegreen replay"), std::string::npos);
  EXPECT_EQ(md.find("### `switch_ordering`"), std::string::npos);
}

// Goal: the values the seed drew are in the summary beside the replay command, so that a reader
// sees what the replay will start with; the seed and time scale, in the headline, are not repeated.
TEST(MarkdownReport, ShowsWhatTheSeedDrew) {
  auto r = violated_run();
  EXPECT_EQ(to_markdown(r).find("Drawn from the seed"), std::string::npos);  // nothing drawn
  r.drawn = {{"seed", "7"}, {"time_scale", "0.1"}};
  EXPECT_EQ(to_markdown(r).find("Drawn from the seed"), std::string::npos) << "only what the headline says";
  r.drawn["app.listen_delay[0]"] = "3.412s";
  r.drawn["run.swap_interval[1]"] = "12.700s";
  EXPECT_NE(to_markdown(r).find("Drawn from the seed: `app.listen_delay[0]` 3.412s · `run.swap_interval[1]` 12.700s\n"),
            std::string::npos)
      << to_markdown(r);
}

// Goal: the swap table shows how long both versions served, and the summary points to the full report.
TEST(MarkdownReport, ShowsMixedVersionWindowAndPointsToTheHtmlReport) {
  std::string md = to_markdown(violated_run());
  EXPECT_NE(md.find("| mixed versions | outage | failed | lost in |"), std::string::npos) << md;
  EXPECT_NE(md.find("| 2.00s | 0.00s | 0 | — |"), std::string::npos) << md;
  EXPECT_NE(md.find("`report.html`"), std::string::npos);
}

// Goal: the swap table's rows add up to the headline: a steady-state row when something was lost
// before the first push, and each swap's count with the phases it was lost in.
TEST(MarkdownReport, SwapRowsCarryTheirLossesAndTheSteadyState) {
  auto r = violated_run();
  EXPECT_EQ(to_markdown(r).find("| before 1 |"), std::string::npos);  // nothing lost before the first push
  r.before_first_swap = {.failed = 4, .outage = std::chrono::milliseconds(1500)};
  r.swaps[0].lost = {.failed = 5, .indeterminate = 1, .outage = std::chrono::seconds(2)};
  r.swaps[0].lost.by_phase[static_cast<size_t>(SwapPhase::old_down)] = 4;
  r.swaps[0].lost.by_phase[static_cast<size_t>(SwapPhase::both_serving)] = 2;
  const auto md = to_markdown(r);
  EXPECT_NE(md.find("| before 1 | — | — | — | — | — | — | — | 1.50s | 4 | steady state |"), std::string::npos) << md;
  EXPECT_NE(md.find("| 2.00s | 5 + 1 indeterminate | old color down 4, both serving 2 |"), std::string::npos) << md;
}

// Goal: the JSON result and the summary carry both latency figures, corrected and not.
TEST(Reports, CarryCorrectedAndUncorrectedLatency) {
  auto r = violated_run();
  r.latency = {100,
               std::chrono::milliseconds(5),
               std::chrono::milliseconds(9),
               std::chrono::milliseconds(900),
               std::chrono::milliseconds(990),
               std::chrono::seconds(1)};
  r.latency_uncorrected = {100,
                           std::chrono::milliseconds(5),
                           std::chrono::milliseconds(8),
                           std::chrono::milliseconds(12),
                           std::chrono::milliseconds(990),
                           std::chrono::seconds(1)};
  auto j = to_json(r);
  EXPECT_DOUBLE_EQ(j["latency"]["corrected"]["p99_s"].get<double>(), 0.9);
  EXPECT_DOUBLE_EQ(j["latency"]["uncorrected"]["p99_s"].get<double>(), 0.012);
  EXPECT_EQ(j["latency"]["corrected"]["count"], 100);
  EXPECT_NE(to_markdown(r).find("p99 0.900s"), std::string::npos) << to_markdown(r);
  EXPECT_NE(to_markdown(r).find("p99 0.012s from the actual send"), std::string::npos) << to_markdown(r);
}

TEST(MarkdownReport, EscapesPipesInCells) {
  RunResult r = violated_run();
  r.invariants[0].summary = "a|b";
  EXPECT_NE(to_markdown(r).find("a\\|b"), std::string::npos);
}

// Goal: a failed deployment is named with CodeDeploy's message in the summary and the JSON result.
TEST(MarkdownReport, NamesAFailedDeploymentAndWhy) {
  RunResult r = violated_run();
  r.swaps[0].deployment_error =
      "ApplicationStart failed: Script at specified location: /scripts/switch.sh failed to complete in 30 seconds";
  const std::string md = to_markdown(r);
  EXPECT_NE(md.find("- Deployment 1 failed: ApplicationStart failed: Script at specified location: /scripts/switch.sh "
                    "failed to complete in 30 seconds"),
            std::string::npos)
      << md;
  EXPECT_EQ(to_json(r)["swaps"][0]["deployment_error"], r.swaps[0].deployment_error);
}

}  // namespace bg::reports

namespace bg::reports {

// Goal: a run with no swap that lost requests still shows the steady-state row, so the table adds
// up to the headline there too (summary.md and report.html).
TEST(MarkdownReport, SteadyStateRowWithoutAnySwap) {
  auto r = violated_run();
  r.swaps.clear();
  EXPECT_EQ(to_markdown(r).find("| before 1 |"), std::string::npos);
  r.before_first_swap = {.failed = 10};
  EXPECT_NE(to_markdown(r).find("| before 1 | — | — | — | — | — | — | — | 0.00s | 10 | steady state |"),
            std::string::npos)
      << to_markdown(r);
}

// Goal: the "Why" list quotes what the user wrote without it turning into HTML, and a diff holding
// a fence of its own keeps its block whole.
TEST(MarkdownReport, WhyTextCannotBreakTheList) {
  auto r = violated_run();
  r.diagnoses.push_back({"R10", "`compose ps` misread", 1, 3, "the check `ps | grep <name>`\nread it wrong", "a fix",
                         "--- s.sh:2\n-echo ```\n+echo ok\n"});
  const auto md = to_markdown(r);
  EXPECT_NE(md.find("the check `ps | grep &lt;name>` read it wrong."), std::string::npos) << md;
  EXPECT_NE(md.find("  ````diff\n  --- s.sh:2\n  -echo ```\n  +echo ok\n  ````\n"), std::string::npos) << md;
}

}  // namespace bg::reports
