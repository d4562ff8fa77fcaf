#pragma once
// HistoryContext: what the checkers of a history read in one pass share: the history's clock (the
// latest event time read), each swap as known so far, and when each build first appeared (a later
// build is newer). Bounded by the number of swaps and builds, not of requests.
#include <map>
#include <string>
#include <vector>

#include "core/history.h"
#include "reports/run_result.h"
#include "judge/swap_timeline.h"

namespace bg::judge {

struct HistoryContext {
  core::Time clock{};
  SwapTracker swaps;
  std::map<std::string, core::Time> build_first_seen;

  // Every entry, in order, before the checkers see it.
  void observe(const core::Entry& entry);
  void finish() { swaps.finish(); }
  // Builds in the order they first appeared (an app event naming them), ties by name: `a` came
  // after `b`. False when either was never named by an app event.
  bool newer(const std::string& a, const std::string& b) const;
  bool known_build(const std::string& build) const { return build_first_seen.count(build) > 0; }
};

// A checker over a whole history in memory: a fresh `checker` sees every entry with its context,
// then concludes. What each checker's check(entries) is.
template <class Checker>
reports::InvariantResult check_whole(Checker& checker, const std::vector<core::Entry>& entries) {
  HistoryContext context;
  for (const auto& e : entries) {
    context.observe(e);
    checker.observe(e, context);
  }
  context.finish();
  return checker.finish(context);
}

}  // namespace bg::judge
