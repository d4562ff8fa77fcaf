#pragma once
// The run's latency summaries, from reports::LatencyHistogram (HdrHistogram's buckets, kept where
// the report's timeline can use one per time bucket too).
#include <vector>

#include "core/events.h"
#include "reports/latency_histogram.h"
#include "reports/run_result.h"

namespace bg::judge {

using reports::LatencyHistogram;

// Latency of every request of a history into two summaries: `corrected` measures from the time the
// open-loop schedule intended the request to be sent (wrk2's coordinated-omission correction: a
// stall also delays the requests queued behind it), `uncorrected` from when it was actually sent
// (what a closed-loop tool such as wrk reports, which a stall hides).
struct RequestLatencies {
  reports::LatencySummary corrected;
  reports::LatencySummary uncorrected;
};

// The same one request at a time, for a history read in one pass.
class RequestLatencyMeter {
 public:
  void record(const core::RequestEvent& q) {
    corrected_.record(q.end - q.intended);
    uncorrected_.record(q.end - q.start);
  }
  RequestLatencies summaries() const { return {corrected_.summary(), uncorrected_.summary()}; }

 private:
  LatencyHistogram corrected_, uncorrected_;
};

inline RequestLatencies request_latencies(const std::vector<core::RequestEvent>& requests) {
  RequestLatencyMeter meter;
  for (const auto& q : requests) meter.record(q);
  return meter.summaries();
}

}  // namespace bg::judge
