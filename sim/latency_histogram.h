#pragma once
// LatencyHistogram: latencies in log-spaced buckets, as HdrHistogram keeps them (wrk2's choice):
// exact below 128 us, then 64 sub-buckets per power of two, so any quantile is within 1/64 (1.6 %)
// of the true value whatever the range, in a fixed few kilobytes. Pure; scenario time.
#include <cstdint>
#include <vector>

#include "core/time.h"
#include "reports/run_result.h"

namespace bg::sim {

class LatencyHistogram {
 public:
  LatencyHistogram();

  // Negative latencies (clock skew in a hand-made history) count as zero.
  void record(core::Duration latency);
  int64_t count() const { return count_; }
  core::Duration max() const { return max_; }
  // The smallest recorded value v such that at least `q` (0..1] of all values are <= v, to the
  // bucket's precision (its upper edge, never above max()). Zero when nothing was recorded.
  core::Duration quantile(double q) const;
  // count, p50, p90, p99, p99.9, max, as the JSON result carries them.
  reports::LatencySummary summary() const;

 private:
  static size_t index_of(uint64_t us);
  static uint64_t upper_edge(size_t index);

  std::vector<int64_t> buckets_;
  int64_t count_ = 0;
  core::Duration max_{};
};

// Latency of every request of a history into two summaries: `corrected` measures from the time the
// open-loop schedule intended the request to be sent (wrk2's coordinated-omission correction: a
// stall also delays the requests queued behind it), `uncorrected` from when it was actually sent
// (what a closed-loop tool such as wrk reports, which a stall hides).
struct RequestLatencies {
  reports::LatencySummary corrected;
  reports::LatencySummary uncorrected;
};
RequestLatencies request_latencies(const std::vector<core::RequestEvent>& requests);

}  // namespace bg::sim
