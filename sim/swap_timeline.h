#pragma once
// Derives each swap's phases from a history: which container was new and which old, and when the
// new one started, became ready, first served, and when the old one was asked to stop and stopped.
// Pure: the same function serves live runs and saved histories.
#include <vector>

#include "core/history.h"
#include "reports/run_result.h"

namespace bg::sim {

// One SwapSummary per deployment numbered 1 and up (deployment 0 is the initial one, before traffic).
std::vector<reports::SwapSummary> derive_swaps(const std::vector<core::Entry>& entries);

}  // namespace bg::sim
