#include "sim/checker_new_build_serves.h"

#include <fmt/format.h>

#include <algorithm>
#include <limits>
#include <map>
#include <optional>

#include "sim/checker_support.h"

namespace bg::sim {
namespace {

// In-flight requests at the deployment's end may still be answered by the old build.
constexpr core::Duration kSettle = std::chrono::seconds(1);

struct Deployment {
  std::optional<core::Time> started, succeeded;
  std::string build;  // the last image built during it ("" = none)
};

// "docker-image:latest 0123abcd build_id=XYZ" (DockerEngine's image_built detail) -> "XYZ".
std::string build_id_of(const std::string& detail) {
  const auto at = detail.find("build_id=");
  if (at == std::string::npos) return "";
  const auto from = at + 9;
  return detail.substr(from, detail.find(' ', from) == std::string::npos ? std::string::npos : detail.find(' ', from) - from);
}

// Deployments by number, with the image each built; the initial deployment (0) sets up, not swaps.
std::map<int, Deployment> deployments_of(const std::vector<core::DeployEvent>& deploys) {
  std::map<int, Deployment> out;
  std::optional<int> active;
  for (const auto& d : deploys) {
    if (d.kind == "deployment_started" && d.deployment >= 1) {
      out[d.deployment].started = d.at;
      active = d.deployment;
    }
    if (d.kind == "image_built" && active) out[*active].build = build_id_of(d.detail);
    if ((d.kind == "deployment_succeeded" || d.kind == "deployment_failed") && active && d.deployment == *active) {
      if (d.kind == "deployment_succeeded") out[*active].succeeded = d.at;
      active.reset();
    }
  }
  return out;
}

}  // namespace

reports::InvariantResult NewBuildServesChecker::check(const std::vector<core::Entry>& entries) const {
  reports::InvariantResult r;
  r.name = kName;
  const auto deploys = core::events_of<core::DeployEvent>(entries);
  const auto requests = core::events_of<core::RequestEvent>(entries);
  const auto deployments = deployments_of(deploys);

  // Old code serving after a successful deployment.
  for (auto it = deployments.begin(); it != deployments.end(); ++it) {
    const auto& [n, d] = *it;
    if (!d.succeeded || d.build.empty()) continue;
    core::Time until(std::numeric_limits<int64_t>::max());
    for (const auto& [m, later] : deployments)
      if (later.started && *later.started > *d.succeeded) until = std::min(until, *later.started);
    int64_t judged = 0, stale = 0;
    std::map<std::string, int64_t> stale_by;  // "build (container)" -> requests
    for (const auto& q : requests) {
      if (q.outcome != core::Outcome::ok || q.build_id.empty() || q.start < *d.succeeded + kSettle || q.start >= until)
        continue;
      ++judged;
      if (q.build_id != d.build) {
        ++stale;
        ++stale_by[fmt::format("{} ({})", q.build_id, q.served_by)];
      }
    }
    if (stale == 0) continue;
    std::string by;
    for (const auto& [what, count] : stale_by) by += fmt::format("{}{} by {}", by.empty() ? "" : ", ", count, what);
    add_violation(r, fmt::format("deployment {} succeeded at {} having built {}, yet {} of {} requests sent "
                                 "afterwards were served by an older build: {}",
                                 n, core::format_seconds(*d.succeeded), d.build, stale, judged, by));
  }

  // Pushes refused by CodeDeploy and never superseded by a deployed push.
  std::map<int, std::string> shas;
  for (const auto& d : deploys)
    if (d.kind == "push") shas[d.deployment] = d.detail;
  for (const auto& d : deploys) {
    if (d.kind != "deployment_refused") continue;
    const bool superseded = std::any_of(deployments.begin(), deployments.end(), [&](const auto& kv) {
      return kv.first > d.deployment && kv.second.succeeded;
    });
    if (superseded) continue;
    add_violation(r, fmt::format("push {} ({}) was never deployed: at {} CreateDeployment failed: {}",
                                 d.deployment, shas[d.deployment], core::format_seconds(d.at), d.detail));
  }

  r.held = r.violations == 0;
  r.summary = r.held ? "after every successful deployment its own build served, and no push was lost"
                     : fmt::format("{} deployment(s) or push(es) whose build did not serve afterwards", r.violations);
  return r;
}

}  // namespace bg::sim
