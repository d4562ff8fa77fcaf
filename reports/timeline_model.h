#pragma once
// TimelineModel: what the HTML report draws, derived from a history and its RunResult. Pure (no I/O,
// no formatting): requests per time bucket stacked by serving build, failures by class, latency
// percentiles per bucket, a latency histogram, and each swap's phases as bands. Times are scenario time.
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/history.h"
#include "core/history_reader.h"
#include "reports/failed_request_join.h"
#include "reports/latency_histogram.h"
#include "reports/run_result.h"

namespace bg::reports {

// The phases the timeline draws as lanes, in the order they normally happen (reports::SwapPhase;
// after the script is not a lane: the old_down band runs on to the next swap).
inline constexpr SwapPhase kPhaseLanes[] = {SwapPhase::build, SwapPhase::new_starting, SwapPhase::both_serving,
                                            SwapPhase::old_draining, SwapPhase::old_down};
// "build", "new_starting", ...: the CSS class suffix and the word tests look for.
const char* phase_key(SwapPhase p);

struct PhaseBand {
  int swap = 0;
  SwapPhase phase = SwapPhase::build;
  core::Time from{}, to{};
  bool open_ended = false;  // the phase had not ended when the history did (never ready, never exited)
};

// One series of successful responses: a container serving one build.
struct ServingSeries {
  std::string key;  // "green-green-1 build-abc" (container + build)
  std::string container;
  std::string build_id;
  std::string color;  // "blue", "green" or "other", from the container's name
  int shade = 0;      // 0 for the first series of its color, 1 for the next...
};

struct Bucket {
  core::Time from{};
  std::vector<int64_t> served;             // per ServingSeries index
  std::vector<int64_t> failed;             // per failure class index
  std::optional<core::Duration> p50, p99;  // latency of every request that ended in the bucket
};

// Failed requests of one class seen within a couple of pixels of each other: one mark on the chart
// (a run with thousands of timeouts must not make a page of thousands of elements).
struct FailureMark {
  core::Time at{};           // when the first of them was seen (the request's end)
  core::Time last{};         // when the last of them was seen
  size_t failure_class = 0;  // index into TimelineModel::failure_classes
  uint64_t request_id = 0;   // the first of them
  int64_t count = 1;
  bool indeterminate = false;
};

struct HistogramBin {
  core::Duration from{}, to{};
  int64_t ok = 0, failed = 0;
};

struct TimelineModel {
  core::Time from{}, to{};  // the chart's span: first request sent .. last request ended
  core::Duration bucket{};
  std::vector<ServingSeries> series;
  std::vector<std::string> failure_classes;  // most frequent first
  std::vector<int64_t> failure_counts;       // per class
  std::vector<Bucket> buckets;
  std::vector<FailureMark> marks;
  std::vector<PhaseBand> bands;           // clipped to [from, to]
  std::vector<HistogramBin> histogram;    // log-spaced latency bins
  std::map<int, core::Time> swap_starts;  // deployment number -> deployment_started
  int64_t max_bucket_total = 0;
  core::Duration max_latency{};
  bool empty() const { return buckets.empty(); }
};

// Marks closer than span / kMarkColumns merge.
inline constexpr int kMarkColumns = 500;

// target_buckets: roughly how many time buckets the chart should have (the width is rounded to a
// 1-2-5 step so that the axis reads well).
TimelineModel derive_timeline(const RunResult& result, const std::vector<core::Entry>& entries,
                              int target_buckets = 120);
// The same from a history read twice (a saved one of any length): memory bounded by the chart
// (buckets, series, swaps), not by the requests. Throws what reading the source throws.
TimelineModel derive_timeline_from(const RunResult& result, const core::EntrySource& source, int target_buckets = 120);

// The two passes behind derive_timeline, for a reader that wants to see the entries too: scan()
// every entry, end_scan(), fill() every entry again in the same order, then finish().
class TimelineBuilder {
 public:
  explicit TimelineBuilder(const RunResult& result, int target_buckets = 120);
  ~TimelineBuilder();
  TimelineBuilder(const TimelineBuilder&) = delete;
  TimelineBuilder& operator=(const TimelineBuilder&) = delete;

  void scan(const core::Entry& entry);
  void end_scan();
  void fill(const core::Entry& entry);
  TimelineModel finish();

 private:
  struct Scan;
  struct Fill;
  const RunResult& result_;
  int target_buckets_;
  TimelineModel model_;
  std::unique_ptr<Scan> scan_;
  std::unique_ptr<Fill> fill_;
};

// The 1-2-5 step nearest above span / target (100 ms, 200 ms, 500 ms, 1 s, 2 s...).
core::Duration nice_step(core::Duration span, int target);

}  // namespace bg::reports
