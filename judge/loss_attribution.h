#pragma once
// Which swap, and which phase of it, each lost request belongs to, so that a report's swap rows add
// up to its headline. A swap owns the run from its push until the next push (its build, its
// deployment and whatever its script left behind); before the first push is the steady state.
// Pure: the judge hands it the swaps' settled phases, the lost requests and the outage spans.
#include <vector>

#include "core/events.h"
#include "reports/run_result.h"
#include "judge/outage_meter.h"

namespace bg::judge {

struct LostRequest {
  core::Time at{};  // reports::lost_at()
  bool indeterminate = false;
};

// The phase of swap `s` at `t`, judged from the latest stage reached: once the old color's stop was
// asked for it is draining, whether or not the new one is ready yet.
reports::SwapPhase phase_at(const reports::SwapSummary& s, core::Time t);

// Fills each swap's `lost` and `before` (the steady state) from every lost request and outage span
// of the run. Swaps with no push and no deployment (none seen) own nothing.
void attribute_losses(std::vector<reports::SwapSummary>& swaps, reports::Losses& before,
                      const std::vector<LostRequest>& lost, const std::vector<OutageSpan>& outage);

}  // namespace bg::judge
