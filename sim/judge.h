#pragma once
// Judges a history: counts, failure classes, outage time, every checker, the swap table and the
// first failures with their evidence. Used by a live run and by `bluegreen report` on a saved one.
#include <vector>

#include "core/history.h"
#include "reports/run_result.h"

namespace bg::sim {

// Fills the judged fields of `result` (counts, failures_by_class, outage, invariants, swaps,
// first_failures, verdict) from the history's entries. Leaves scenario, seed and paths alone.
void judge(const std::vector<core::Entry>& entries, reports::RunResult& result);

}  // namespace bg::sim
