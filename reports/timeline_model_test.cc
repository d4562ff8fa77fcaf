#include "reports/timeline_model.h"

#include <gtest/gtest.h>

#include <numeric>

#include "reports/sample_run_test_support.h"

namespace bg::reports {
namespace {

using test_support::sample_run;
using test_support::secs;

const PhaseBand* band(const TimelineModel& m, SwapPhase phase) {
  for (const auto& b : m.bands)
    if (b.phase == phase) return &b;
  return nullptr;
}

}  // namespace

// Goal: every request lands in exactly one bucket, as a served or a failed count.
TEST(TimelineModel, CountsEveryRequestOnceAcrossBuckets) {
  auto s = sample_run();
  auto m = derive_timeline(s.result, s.entries);
  int64_t served = 0, failed = 0;
  for (const auto& b : m.buckets) {
    served += std::accumulate(b.served.begin(), b.served.end(), int64_t{0});
    failed += std::accumulate(b.failed.begin(), b.failed.end(), int64_t{0});
  }
  EXPECT_EQ(served, s.ok);
  EXPECT_EQ(failed, s.refused + s.reset);
  int64_t marked = 0;
  for (const auto& f : m.marks) marked += f.count;
  EXPECT_EQ(marked, s.refused + s.reset);
  EXPECT_EQ(m.marks.size(), static_cast<size_t>(s.refused + s.reset));  // half a second apart: one mark each
}

// Goal: a saved history whose request ends before it was intended (a hand-edited or corrupted file)
// still gives a timeline that counts the request once, never a negative span.
TEST(TimelineModel, ARequestEndingBeforeItsIntendedTimeStillCountsOnce) {
  core::RequestEvent q;
  q.id = 1;
  q.intended = secs(48);
  q.start = secs(30);
  q.end = secs(30.2);
  q.outcome = core::Outcome::fail;
  q.status = 502;
  std::vector<core::Entry> entries{core::Entry{0, q}};
  RunResult r;
  auto m = derive_timeline(r, entries);
  ASSERT_FALSE(m.buckets.empty());
  EXPECT_LE(m.from, secs(30));
  EXPECT_GE(m.to, secs(48));
  int64_t failed = 0;
  for (const auto& b : m.buckets) failed += std::accumulate(b.failed.begin(), b.failed.end(), int64_t{0});
  EXPECT_EQ(failed, 1);
}

// Goal: failures of one class within a couple of pixels share a mark that counts them all.
TEST(TimelineModel, MergesFailuresThatWouldDrawOnTheSamePixels) {
  auto s = sample_run();
  for (int i = 0; i < 300; ++i) {
    core::RequestEvent q{10000u + i, 0, "GET", "/", secs(30), secs(30), secs(30) + std::chrono::microseconds(i)};
    q.error = "timeout";
    q.outcome = core::Outcome::info;
    s.entries.push_back({s.entries.size(), q});
  }
  auto m = derive_timeline(s.result, s.entries);
  ASSERT_EQ(m.marks.size(), static_cast<size_t>(s.refused + s.reset) + 1);
  const auto& merged = m.marks.back();
  EXPECT_EQ(m.failure_classes[merged.failure_class], "timeout");
  EXPECT_EQ(merged.count, 300);
  EXPECT_EQ(merged.last - merged.at, std::chrono::microseconds(299));
}

// Goal: the old build is the bottom series (it served first), colored by its container's color name.
TEST(TimelineModel, StacksSeriesInTheOrderBuildsFirstServedWithTheirColors) {
  auto s = sample_run();
  auto m = derive_timeline(s.result, s.entries);
  ASSERT_EQ(m.series.size(), 2u);
  EXPECT_EQ(m.series[0].container, "blue-blue-1");
  EXPECT_EQ(m.series[0].color, "blue");
  EXPECT_EQ(m.series[1].container, "green-green-1");
  EXPECT_EQ(m.series[1].build_id, "b2");
  EXPECT_EQ(m.series[1].color, "green");
}

// Goal: failure classes use the run's wording and the most frequent class comes first.
TEST(TimelineModel, ClassifiesFailuresInTheRunsWordingMostFrequentFirst) {
  auto s = sample_run();
  auto m = derive_timeline(s.result, s.entries);
  ASSERT_EQ(m.failure_classes.size(), 2u);
  EXPECT_EQ(m.failure_classes[0], "502 connection refused");
  EXPECT_EQ(m.failure_counts[0], s.refused);
  EXPECT_EQ(m.failure_classes[1], "reset");
  size_t indeterminate = 0;
  for (const auto& f : m.marks) indeterminate += f.indeterminate;
  EXPECT_EQ(indeterminate, static_cast<size_t>(s.reset));
}

// Goal: each of the five phases becomes a band at the times the history and the swap summary give.
TEST(TimelineModel, DerivesEveryPhaseBandOfASwap) {
  auto s = sample_run();
  auto m = derive_timeline(s.result, s.entries);
  const auto* build = band(m, SwapPhase::build);
  ASSERT_NE(build, nullptr);
  EXPECT_EQ(build->from, secs(10.5));
  EXPECT_EQ(build->to, secs(13));
  ASSERT_NE(band(m, SwapPhase::new_starting), nullptr);
  EXPECT_EQ(band(m, SwapPhase::new_starting)->to, secs(16));
  ASSERT_NE(band(m, SwapPhase::both_serving), nullptr);
  // Green's first answer (sent at 16.25 s) .. blue's last (sent at 23.5 s); each took 10 ms.
  EXPECT_EQ(band(m, SwapPhase::both_serving)->from, secs(16.25) + std::chrono::milliseconds(10));
  EXPECT_EQ(band(m, SwapPhase::both_serving)->to, secs(23.5) + std::chrono::milliseconds(10));
  ASSERT_NE(band(m, SwapPhase::old_draining), nullptr);
  EXPECT_EQ(band(m, SwapPhase::old_draining)->to, secs(24.2));
  const auto* down = band(m, SwapPhase::old_down);
  ASSERT_NE(down, nullptr);
  EXPECT_EQ(down->to, m.to);  // no later swap: down until the chart ends
  EXPECT_FALSE(down->open_ended);
  EXPECT_EQ(m.swap_starts.at(1), secs(10));
}

// Goal: both serving comes from the responses, so a summary's window that is off (a container name
// reused by a later swap with another build) does not move the band.
TEST(TimelineModel, DerivesBothServingFromTheResponsesThemselves) {
  auto s = sample_run();
  s.result.swaps[0].mixed_from.reset();
  s.result.swaps[0].mixed_to = secs(30);
  auto m = derive_timeline(s.result, s.entries);
  const auto* mixed = band(m, SwapPhase::both_serving);
  ASSERT_NE(mixed, nullptr);
  EXPECT_EQ(mixed->to, secs(23.5) + std::chrono::milliseconds(10));
}

// Goal: a clean cut-over (no old-build answer after the first new-build one) has no both-serving band.
TEST(TimelineModel, DrawsNoBothServingBandForACleanCutOver) {
  auto s = sample_run();
  for (auto& e : s.entries)
    if (auto* q = std::get_if<core::RequestEvent>(&e.event); q && q->served_by == "blue-blue-1" && q->end > secs(16))
      q->build_id = "b2", q->served_by = "green-green-1";
  auto m = derive_timeline(s.result, s.entries);
  EXPECT_EQ(band(m, SwapPhase::both_serving), nullptr);
}

// Goal: a new color that never became ready is drawn starting until the end, marked open-ended.
TEST(TimelineModel, MarksAPhaseThatNeverEndedAsOpenEnded) {
  auto s = sample_run();
  s.result.swaps[0].new_ready.reset();
  auto m = derive_timeline(s.result, s.entries);
  const auto* starting = band(m, SwapPhase::new_starting);
  ASSERT_NE(starting, nullptr);
  EXPECT_TRUE(starting->open_ended);
  EXPECT_EQ(starting->to, m.to);
}

// Goal: latency percentiles are per bucket and the histogram holds every request.
TEST(TimelineModel, ComputesLatencyPercentilesAndAFullHistogram) {
  auto s = sample_run();
  auto m = derive_timeline(s.result, s.entries);
  bool any = false;
  for (const auto& b : m.buckets)
    if (b.p50) {
      any = true;
      EXPECT_EQ(*b.p50, core::Duration(10000));  // every sample request takes 10 ms
      EXPECT_EQ(*b.p99, core::Duration(10000));
    }
  EXPECT_TRUE(any);
  int64_t total = 0;
  for (const auto& h : m.histogram) {
    total += h.ok + h.failed;
    EXPECT_LT(h.from, h.to);
  }
  EXPECT_EQ(total, s.ok + s.refused + s.reset);
}

// Goal: bucket widths are 1-2-5 steps, so the axis reads 0.5 s, 1 s, 2 s rather than 0.37 s.
TEST(TimelineModel, PicksOneTwoFiveBucketWidths) {
  EXPECT_EQ(nice_step(std::chrono::seconds(40), 120), std::chrono::milliseconds(500));
  EXPECT_EQ(nice_step(std::chrono::seconds(200), 120), std::chrono::seconds(2));
  EXPECT_EQ(nice_step(std::chrono::seconds(10), 10), std::chrono::seconds(1));
}

// Goal: a history with no requests gives an empty model rather than a chart of nothing.
TEST(TimelineModel, IsEmptyWithoutRequests) {
  auto s = sample_run();
  EXPECT_TRUE(derive_timeline(s.result, {}).empty());
}

}  // namespace bg::reports
