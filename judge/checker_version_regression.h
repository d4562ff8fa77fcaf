#pragma once
#include <set>
#include <string>
#include <vector>

#include "core/history.h"
#include "reports/run_result.h"
#include "judge/checker_support.h"
#include "judge/history_context.h"

namespace bg::judge {

// no_version_regression (races.md): once a swap has completed, no response comes from a build older
// than the one it brought in. A request counts when it was sent after the swap's deployment succeeded,
// so one already in flight at that instant may still be answered by the old build.
class NoVersionRegressionChecker {
 public:
  reports::InvariantResult check(const std::vector<core::Entry>& entries) const;
  void observe(const core::Entry& entry, const HistoryContext& context);
  reports::InvariantResult finish(const HistoryContext& context);

 private:
  struct Completed {
    core::Time finished{};
    int swap = 0;
    std::string build;
  };
  void admit_swaps(const HistoryContext& context);
  void judge(const core::RequestEvent& q, const HistoryContext& context);

  std::set<int> pending_;             // swaps that succeeded, their new build not yet named
  std::vector<Completed> completed_;  // by finished
  std::vector<std::string> newest_;   // newest build among completed_[0..i]
  EvidenceBySwap evidence_;
};

}  // namespace bg::judge
