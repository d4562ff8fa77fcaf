#pragma once
// OutageMeter: scenario time during which clients saw nothing but failures. For each maximal run of
// consecutive failed requests in send order (their intended time), from the first one's send to the
// next success's send. Requests are appended when they end, so they are read out of send order: each
// waits core::kAppendLag of history time for requests sent before it, then is counted in order.
// Holds only the requests of that lag, whatever the run's length.
#include <cstdint>
#include <optional>
#include <queue>
#include <tuple>
#include <vector>

#include "core/history.h"

namespace bg::judge {

// One maximal stretch of send times in which every request failed.
struct OutageSpan {
  core::Time from{}, to{};
};

class OutageMeter {
 public:
  explicit OutageMeter(core::Duration lag = core::kAppendLag) : lag_(lag) {}
  // Every request, in history order; `clock` is the latest event time read.
  void record(const core::RequestEvent& q, uint64_t seq, core::Time clock);
  core::Duration finish();
  size_t held() const { return waiting_.size(); }
  // Each stretch counted so far, in send order: as many as runs of failures, so bounded by the
  // failed requests, and by far fewer in any run worth reading.
  const std::vector<OutageSpan>& spans() const { return spans_; }

 private:
  struct Sent {
    core::Time intended{}, end{};
    uint64_t seq = 0;
    bool ok = true;
    bool operator>(const Sent& o) const { return std::tie(intended, seq) > std::tie(o.intended, o.seq); }
  };
  void count(const Sent& s);
  void add(core::Time from, core::Time to);

  core::Duration lag_;
  std::priority_queue<Sent, std::vector<Sent>, std::greater<>> waiting_;
  core::Duration total_{};
  std::vector<OutageSpan> spans_;
  std::optional<core::Time> run_start_;
  core::Time last_fail_end_{};
};

}  // namespace bg::judge
