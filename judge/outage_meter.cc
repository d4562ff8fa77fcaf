#include "judge/outage_meter.h"

#include <algorithm>

namespace bg::judge {

void OutageMeter::record(const core::RequestEvent& q, uint64_t seq, core::Time clock) {
  waiting_.push({q.intended, q.end, seq, q.outcome == core::Outcome::ok});
  // Every request sent before this instant has been read (none takes longer than the lag to end).
  while (!waiting_.empty() && waiting_.top().intended + lag_ < clock) {
    count(waiting_.top());
    waiting_.pop();
  }
}

void OutageMeter::count(const Sent& q) {
  if (!q.ok) {
    if (!run_start_) run_start_ = q.intended;
    last_fail_end_ = std::max(last_fail_end_, q.end);
  } else if (run_start_) {
    add(*run_start_, q.intended);
    run_start_.reset();
  }
}

// A run of failures whose next success was intended before it began (sends out of order) is no
// outage: nothing is added, so the total stays the sum of the spans.
void OutageMeter::add(core::Time from, core::Time to) {
  if (to <= from) return;
  total_ += to - from;
  spans_.push_back({from, to});
}

core::Duration OutageMeter::finish() {
  while (!waiting_.empty()) {
    count(waiting_.top());
    waiting_.pop();
  }
  if (run_start_) add(*run_start_, std::max(last_fail_end_, *run_start_));
  run_start_.reset();
  return total_;
}

}  // namespace bg::judge
