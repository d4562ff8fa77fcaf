#pragma once
// odds.html: the odds of `bluegreen odds` as a page a reader opens beside a run's report.html, in
// the same style: the share of violating runs, then one row per invariant and per swap, each share
// drawn as a bar with its 95 % interval as a whisker (so "3 of 20" reads as the wide range it is),
// and the failed requests per run. Self-contained (inline style and SVG, no script). Pure.
#include <string>

#include "explore/odds.h"

namespace bg::explore {

// `runs_line` says how the runs were made ("20 runs on sim, seeds 1 to 20").
std::string odds_html(const Odds& odds, const std::string& scenario, const std::string& runs_line);

}  // namespace bg::explore
