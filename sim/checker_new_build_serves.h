#pragma once
// new_build_serves: the "served by the new build" half of races.md's liveness_after_swap (the other
// half, every request succeeding, is no_failed_requests). A pure function of the history.
//  - After a deployment that built an image and succeeded, requests sent from 1 s after its end until
//    the next deployment starts must be served by that build: otherwise `up` left old code serving
//    (races.md R13) or the swap went to the wrong place.
//  - A push whose CreateDeployment was refused (DeploymentLimitExceededException, races.md R12) is
//    lost unless a later push was deployed: its build never serves.
// Simplification: a deployment that failed is not judged here (CodeDeploy already says it failed),
// nor one that built no image (the build served cannot be told apart).
#include <vector>

#include "core/history.h"
#include "reports/run_result.h"

namespace bg::sim {

class NewBuildServesChecker {
 public:
  static constexpr const char* kName = "new_build_serves";
  reports::InvariantResult check(const std::vector<core::Entry>& entries) const;
};

}  // namespace bg::sim
