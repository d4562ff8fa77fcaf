// LatencyHistogram's quantiles and the corrected/uncorrected split on hand-made requests.
#include "judge/latency_histogram.h"

#include <gtest/gtest.h>

namespace bg::judge {
namespace {

using namespace std::chrono_literals;

// Goal: quantiles of 1..1000 ms are within the histogram's 1/64 relative precision.
TEST(LatencyHistogram, QuantilesAreWithinBucketPrecision) {
  LatencyHistogram h;
  for (int ms = 1; ms <= 1000; ++ms) h.record(std::chrono::milliseconds(ms));
  EXPECT_EQ(h.count(), 1000);
  EXPECT_EQ(h.max(), 1000ms);
  for (auto [q, want] : {std::pair{0.5, 500.0}, {0.9, 900.0}, {0.99, 990.0}, {0.999, 999.0}}) {
    const double got = std::chrono::duration<double, std::milli>(h.quantile(q)).count();
    EXPECT_GE(got, want) << q;
    EXPECT_LE(got, want * (1 + 1.0 / 64)) << q;
  }
}

// Goal: small values are exact, the max is the true max, and an empty histogram says zero.
TEST(LatencyHistogram, SmallValuesExactAndEmptyIsZero) {
  LatencyHistogram h;
  EXPECT_EQ(h.quantile(0.99), 0us);
  h.record(5us);
  h.record(-3us);
  h.record(100us);
  EXPECT_EQ(h.quantile(0.5), 5us);
  EXPECT_EQ(h.quantile(1.0), 100us);
  EXPECT_EQ(h.quantile(0.0), 0us);
  EXPECT_EQ(h.summary().max, 100us);
}

// Goal: requests queued behind a stall show it from their intended time, not from their send.
TEST(RequestLatencies, CorrectedCountsTheWaitBeforeSending) {
  std::vector<core::RequestEvent> requests;
  for (int i = 0; i < 100; ++i) {
    core::RequestEvent q;
    q.intended = core::Time(std::chrono::milliseconds(10 * i));
    // The first 50 were held back 1 s by a stalled connection, then sent and answered in 1 ms.
    q.start = i < 50 ? core::Time(1s) : q.intended;
    q.end = q.start + 1ms;
    requests.push_back(q);
  }
  auto l = request_latencies(requests);
  EXPECT_EQ(l.uncorrected.p99, 1ms);
  EXPECT_GE(l.corrected.p90, 500ms);
  EXPECT_GE(l.corrected.p99, 990ms);
  EXPECT_EQ(l.corrected.count, 100);
}

}  // namespace
}  // namespace bg::judge
