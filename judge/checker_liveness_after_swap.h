#pragma once
#include <set>
#include <vector>

#include "core/history.h"
#include "core/time.h"
#include "reports/run_result.h"
#include "judge/checker_support.h"
#include "judge/history_context.h"

namespace bg::judge {

// liveness_after_swap (races.md): within a bounded time after each swap ends, every request
// succeeds and is served by the new build. Judged on the requests sent from `grace` after the
// swap's deployment succeeded until the next deployment started (or traffic ended).
class LivenessAfterSwapChecker {
 public:
  explicit LivenessAfterSwapChecker(core::Duration grace = std::chrono::seconds(2)) : grace_(grace) {}
  reports::InvariantResult check(const std::vector<core::Entry>& entries) const;
  void observe(const core::Entry& entry, const HistoryContext& context);
  reports::InvariantResult finish(const HistoryContext& context);

 private:
  core::Duration grace_;
  std::set<int> windows_;  // swaps whose window may still hold requests not yet read
  EvidenceBySwap evidence_;
};

}  // namespace bg::judge
