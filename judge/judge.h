#pragma once
// Judges a history: counts, failure classes, outage time, every checker, the swap table and the
// first failures with their evidence. Used by a live run and by `bluegreen report` on a saved one.
// One pass over the history in memory bounded by the run's swaps, not its requests (a saved
// history of any length is read one line at a time).
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string_view>
#include <vector>

#include "core/history.h"
#include "core/history_reader.h"
#include "reports/run_result.h"

namespace bg::judge {

// Fills the judged fields of `result` (counts, failures_by_class, outage, invariants, swaps,
// first_failures, verdict) from the history's entries. Leaves scenario, seed and paths alone.
void judge(const std::vector<core::Entry>& entries, reports::RunResult& result);

// The same from a history read once from `source` (core::file_source for a saved one). Returns what
// the read found (events, the end record); throws what reading throws (a malformed line).
core::HistoryRead judge_history(const core::EntrySource& source, reports::RunResult& result);

// The same, fed one entry at a time in history order (a run judged while it is produced, through
// core::History::set_observer), then concluded once with what the whole history was: its event count
// and end record, as reading the closed file would have found them. Gives what judge_history gives
// for the same entries.
class HistoryJudge {
 public:
  HistoryJudge();
  ~HistoryJudge();
  HistoryJudge(const HistoryJudge&) = delete;
  HistoryJudge& operator=(const HistoryJudge&) = delete;

  void observe(const core::Entry& entry);
  // Fills `result` as judge_history does; call once, after the last entry.
  void finish(const core::HistoryRead& read, reports::RunResult& result);

 private:
  struct State;
  std::unique_ptr<State> state_;
};

// Whether so many sends were late (judge/late_send.h) that the judge gives no verdict: a quarter of
// the requests, which a machine too busy to keep the schedule reaches and a normal run does not.
bool too_many_late_sends(int64_t late_sends, int64_t requests);

// A run that reached its end: a verdict, or no verdict only because the machine was too busy to keep
// the schedule. Tests whose subject is not timing (what a run leaves behind, what a script can
// reach) accept both, so that a loaded machine does not fail them.
inline constexpr std::string_view kLateSendsError = "the harness could not keep the traffic schedule";
inline bool ran_to_its_end(const reports::RunResult& r) {
  return r.verdict != core::Verdict::error ||
         (r.error.starts_with(kLateSendsError) && too_many_late_sends(r.late_sends, r.requests));
}

}  // namespace bg::judge
