#pragma once
// Judges a history: counts, failure classes, outage time, every checker, the swap table and the
// first failures with their evidence. Used by a live run and by `bluegreen report` on a saved one.
// One pass over the history in memory bounded by the run's swaps, not its requests (a saved
// history of any length is read one line at a time).
#include <filesystem>
#include <vector>

#include "core/history.h"
#include "core/history_reader.h"
#include "reports/run_result.h"

namespace bg::sim {

// Fills the judged fields of `result` (counts, failures_by_class, outage, invariants, swaps,
// first_failures, verdict) from the history's entries. Leaves scenario, seed and paths alone.
void judge(const std::vector<core::Entry>& entries, reports::RunResult& result);

// The same from a history read once from `source` (core::file_source for a saved one). Returns what
// the read found (events, the end record); throws what reading throws (a malformed line).
core::HistoryRead judge_history(const core::EntrySource& source, reports::RunResult& result);

}  // namespace bg::sim
