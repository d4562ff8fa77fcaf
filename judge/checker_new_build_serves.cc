#include "judge/checker_new_build_serves.h"

#include <fmt/format.h>

#include <algorithm>

#include "judge/checker_support.h"

namespace bg::judge {
using core::DeployEventKind;

namespace {

// In-flight requests at the deployment's end may still be answered by the old build.
constexpr core::Duration kSettle = std::chrono::seconds(1);

// "docker-image:latest 0123abcd build_id=XYZ" (DockerEngine's image_built detail) -> "XYZ".
std::string build_id_of(const std::string& detail) {
  const auto at = detail.find("build_id=");
  if (at == std::string::npos) return "";
  const auto from = at + 9;
  return detail.substr(from,
                       detail.find(' ', from) == std::string::npos ? std::string::npos : detail.find(' ', from) - from);
}

}  // namespace

reports::InvariantResult NewBuildServesChecker::check(const std::vector<core::Entry>& entries) const {
  NewBuildServesChecker fresh;
  return check_whole(fresh, entries);
}

void NewBuildServesChecker::on_deploy(const core::DeployEvent& d) {
  if (d.kind == DeployEventKind::deployment_started && d.deployment >= 1) {
    deployments_[d.deployment].started = d.at;
    active_ = d.deployment;
    // A deployment that starts after another succeeded ends the window of that one.
    for (int n : open_) {
      auto& o = deployments_[n];
      if (d.at > *o.succeeded && (!o.until || d.at < *o.until)) o.until = d.at;
    }
  }
  if (d.kind == DeployEventKind::image_built && active_) deployments_[*active_].build = build_id_of(d.detail);
  if ((d.kind == DeployEventKind::deployment_succeeded || d.kind == DeployEventKind::deployment_failed) && active_ &&
      d.deployment == *active_) {
    if (d.kind == DeployEventKind::deployment_succeeded) {
      auto& done = deployments_[*active_];
      done.succeeded = d.at;
      if (!done.build.empty()) open_.push_back(*active_);
    }
    active_.reset();
  }
  if (d.kind == DeployEventKind::push) shas_[d.deployment] = d.detail;
  if (d.kind == DeployEventKind::deployment_refused) refused_.push_back(d);
}

void NewBuildServesChecker::on_request(const core::RequestEvent& q, core::Time clock) {
  std::erase_if(open_, [&](int n) {
    const auto& d = deployments_[n];
    return d.until && *d.until + core::kAppendLag < clock;
  });
  if (q.outcome != core::Outcome::ok || q.build_id.empty()) return;
  for (int n : open_) {
    auto& d = deployments_[n];
    if (q.start < *d.succeeded + kSettle || (d.until && q.start >= *d.until)) continue;
    ++d.judged;
    if (q.build_id != d.build) {
      ++d.stale;
      ++d.stale_by[fmt::format("{} ({})", q.build_id, q.served_by)];
    }
  }
}

void NewBuildServesChecker::observe(const core::Entry& entry, const HistoryContext& context) {
  if (auto* d = std::get_if<core::DeployEvent>(&entry.event)) on_deploy(*d);
  if (auto* q = std::get_if<core::RequestEvent>(&entry.event)) on_request(*q, context.clock);
}

reports::InvariantResult NewBuildServesChecker::finish(const HistoryContext&) {
  reports::InvariantResult r;
  r.name = kName;
  // Old code serving after a successful deployment.
  for (const auto& [n, d] : deployments_) {
    if (!d.succeeded || d.build.empty() || d.stale == 0) continue;
    std::string by;
    for (const auto& [what, count] : d.stale_by) by += fmt::format("{}{} by {}", by.empty() ? "" : ", ", count, what);
    add_violation(r, fmt::format("deployment {} succeeded at {} having built {}, yet {} of {} requests sent "
                                 "afterwards were served by an older build: {}",
                                 n, core::format_seconds(*d.succeeded), d.build, d.stale, d.judged, by));
  }
  // Pushes refused by CodeDeploy and never superseded by a deployed push.
  for (const auto& d : refused_) {
    const bool superseded = std::any_of(deployments_.begin(), deployments_.end(),
                                        [&](const auto& kv) { return kv.first > d.deployment && kv.second.succeeded; });
    if (superseded) continue;
    add_violation(r, fmt::format("push {} ({}) was never deployed: at {} CreateDeployment failed: {}", d.deployment,
                                 shas_[d.deployment], core::format_seconds(d.at), d.detail));
  }
  r.held = r.violations == 0;
  r.summary = r.held ? "after every successful deployment its own build served, and no push was lost"
                     : fmt::format("{} deployment(s) or push(es) whose build did not serve afterwards", r.violations);
  return r;
}

}  // namespace bg::judge
