#pragma once
// The HTML report: one self-contained page (inline CSS and SVG; no scripts, fonts or anything else
// fetched) that a person reads at a glance: the verdict and invariants on top, the request timeline
// shaded by swap phase, latency, the per-swap table, the first failures with their evidence, and the
// command that replays the run.
#include <string>
#include <vector>

#include "core/history.h"
#include "reports/run_result.h"

namespace bg::reports {

// entries: the run's history (the charts and the failures' proxy attempts come from it); with none,
// the page still carries everything the RunResult holds and says the history was not available.
std::string to_html(const RunResult& result, const std::vector<core::Entry>& entries);

}  // namespace bg::reports
