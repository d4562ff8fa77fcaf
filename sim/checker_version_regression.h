#pragma once
#include <vector>

#include "core/history.h"
#include "reports/run_result.h"

namespace bg::sim {

// no_version_regression (races.md): once a swap has completed, no response comes from a build older
// than the one it brought in. A request counts when it was sent after the swap's deployment succeeded,
// so one already in flight at that instant may still be answered by the old build.
class NoVersionRegressionChecker {
 public:
  reports::InvariantResult check(const std::vector<core::Entry>& entries) const;
};

}  // namespace bg::sim
