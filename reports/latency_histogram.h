#pragma once
// LatencyHistogram: latencies in log-spaced buckets, as HdrHistogram keeps them (wrk2's choice):
// exact below 128 us, then 64 sub-buckets per power of two, so any quantile is within 1/64 (1.6 %)
// of the true value whatever the range. Sparse (only the buckets used are stored), so one per time
// bucket of the report's timeline stays small too. Pure; scenario time.
#include <cstdint>
#include <map>

#include "core/time.h"
#include "reports/run_result.h"

namespace bg::reports {

class LatencyHistogram {
 public:
  // Negative latencies (clock skew in a hand-made history) count as zero.
  void record(core::Duration latency);
  int64_t count() const { return count_; }
  core::Duration max() const { return max_; }
  // The smallest recorded value v such that at least `q` (0..1] of all values are <= v, to the
  // bucket's precision (its upper edge, never above max()). Zero when nothing was recorded.
  core::Duration quantile(double q) const;
  // count, p50, p90, p99, p99.9, max, as the JSON result carries them.
  LatencySummary summary() const;

 private:
  static uint32_t index_of(uint64_t us);
  static uint64_t upper_edge(uint32_t index);

  std::map<uint32_t, int64_t> buckets_;
  int64_t count_ = 0;
  core::Duration max_{};
};

}  // namespace bg::reports
