#include "reports/latency_histogram.h"

#include <algorithm>
#include <bit>
#include <cmath>

namespace bg::reports {
namespace {

constexpr uint64_t kExact = 128;      // values below are their own bucket
constexpr uint64_t kSubBuckets = 64;  // per power of two above

}  // namespace

uint32_t LatencyHistogram::index_of(uint64_t us) {
  if (us < kExact) return static_cast<uint32_t>(us);
  // Keep the top 7 bits: shift so the value lands in [64, 128).
  const int shift = std::bit_width(us) - 7;
  return static_cast<uint32_t>(kExact + (shift - 1) * kSubBuckets + ((us >> shift) - kSubBuckets));
}

uint64_t LatencyHistogram::upper_edge(uint32_t index) {
  if (index < kExact) return index;
  const uint64_t shift = (index - kExact) / kSubBuckets + 1;
  const uint64_t sub = (index - kExact) % kSubBuckets + kSubBuckets;
  return ((sub + 1) << shift) - 1;
}

void LatencyHistogram::record(core::Duration latency) {
  const uint64_t us = static_cast<uint64_t>(std::max<int64_t>(latency.count(), 0));
  ++buckets_[index_of(us)];
  ++count_;
  max_ = std::max(max_, core::Duration(static_cast<int64_t>(us)));
}

core::Duration LatencyHistogram::quantile(double q) const {
  if (count_ == 0) return core::Duration::zero();
  const auto rank = std::max<int64_t>(1, static_cast<int64_t>(std::ceil(std::clamp(q, 0.0, 1.0) * count_)));
  int64_t seen = 0;
  for (const auto& [index, n] : buckets_) {
    seen += n;
    if (seen >= rank) return std::min(max_, core::Duration(static_cast<int64_t>(upper_edge(index))));
  }
  return max_;
}

LatencySummary LatencyHistogram::summary() const {
  return {count_, quantile(0.5), quantile(0.9), quantile(0.99), quantile(0.999), max_};
}

}  // namespace bg::reports
