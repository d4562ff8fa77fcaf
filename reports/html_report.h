#pragma once
// The HTML report: one self-contained page (inline CSS and SVG; no scripts, fonts or anything else
// fetched) that a person reads at a glance: the verdict and invariants on top, the request timeline
// shaded by swap phase, latency, the per-swap table, the first failures with their evidence, and the
// command that replays the run.
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "core/history.h"
#include "core/history_reader.h"
#include "reports/run_result.h"
#include "reports/timeline_model.h"

namespace bg::reports {

// What the page takes from the run's history: the timeline, and the proxy's access-log lines of the
// first failures (how many upstream attempts each got).
struct HtmlHistory {
  bool available = false;  // false: the page says the history was not available
  TimelineModel timeline;
  std::map<uint64_t, std::vector<core::ProxyEvent>> access;
};

// Reads it in two passes over `source` (a saved history of any length, in bounded memory).
HtmlHistory read_html_history(const RunResult& result, const core::EntrySource& source);
std::string render_html(const RunResult& result, const HtmlHistory& history);

// entries: the run's history (the charts and the failures' proxy attempts come from it); with none,
// the page still carries everything the RunResult holds and says the history was not available.
std::string to_html(const RunResult& result, const std::vector<core::Entry>& entries);

}  // namespace bg::reports
