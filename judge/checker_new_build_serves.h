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
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/history.h"
#include "reports/run_result.h"
#include "judge/history_context.h"

namespace bg::judge {

class NewBuildServesChecker {
 public:
  static constexpr const char* kName = "new_build_serves";
  reports::InvariantResult check(const std::vector<core::Entry>& entries) const;
  void observe(const core::Entry& entry, const HistoryContext& context);
  reports::InvariantResult finish(const HistoryContext& context);

 private:
  struct Deployment {
    std::optional<core::Time> started, succeeded;
    std::string build;                // the last image built during it ("" = none)
    std::optional<core::Time> until;  // the next deployment's start after it succeeded
    int64_t judged = 0, stale = 0;
    std::map<std::string, int64_t> stale_by;  // "build (container)" -> requests
  };
  void on_deploy(const core::DeployEvent& d);
  void on_request(const core::RequestEvent& q, core::Time clock);

  std::map<int, Deployment> deployments_;  // the initial deployment (0) sets up, not swaps
  std::optional<int> active_;
  std::vector<int> open_;  // succeeded with a build, window not closed long ago
  std::map<int, std::string> shas_;
  std::vector<core::DeployEvent> refused_;
};

}  // namespace bg::judge
