#include "sim/swap_timeline.h"

#include <algorithm>
#include <limits>
#include <map>

namespace bg::sim {
namespace {

bool within(core::Time t, core::Time from, core::Time to) { return t >= from && t <= to; }

void keep_min(std::optional<core::Time>& slot, core::Time t) {
  if (!slot || t < *slot) slot = t;
}
void keep_max(std::optional<core::Time>& slot, core::Time t) {
  if (!slot || t > *slot) slot = t;
}

}  // namespace

std::vector<reports::SwapSummary> derive_swaps(const std::vector<core::Entry>& entries) {
  const auto deploys = core::events_of<core::DeployEvent>(entries);
  const auto containers = core::events_of<core::ContainerEvent>(entries);
  const auto apps = core::events_of<core::AppEvent>(entries);
  const auto requests = core::events_of<core::RequestEvent>(entries);

  std::map<int, reports::SwapSummary> swaps;
  for (const auto& d : deploys) {
    if (d.deployment < 1) continue;
    auto& s = swaps[d.deployment];
    s.deployment = d.deployment;
    if (d.kind == "deployment_started") s.started = d.at;
    if (d.kind == "deployment_succeeded" || d.kind == "deployment_failed") {
      s.finished = d.at;
      s.succeeded = d.kind == "deployment_succeeded";
      // The agent's message is the detail's first line; the script's output tail follows it.
      if (!s.succeeded) s.deployment_error = d.detail.substr(0, d.detail.find('\n'));
    }
  }

  const core::Time forever(std::numeric_limits<int64_t>::max());
  for (auto& [n, s] : swaps) {
    if (!s.started) continue;
    const core::Time from = *s.started, to = s.finished.value_or(forever);
    for (const auto& c : containers) {
      if (!within(c.at, from, to)) continue;
      if (c.what == "started" && s.new_container.empty()) {
        s.new_container = c.container;
        s.new_started = c.at;
      }
    }
    for (const auto& c : containers) {
      if (!within(c.at, from, to) || c.container == s.new_container) continue;
      if (c.what == "stop_requested" && s.old_container.empty()) {
        s.old_container = c.container;
        s.old_stop_requested = c.at;
      }
    }
    // The old container's exit may come after the deployment ends (a script that does not wait).
    for (const auto& c : containers)
      if (c.container == s.old_container && c.what == "exited" && s.old_stop_requested && c.at >= *s.old_stop_requested)
        keep_min(s.old_stopped, c.at);
    for (const auto& a : apps)
      if (a.container == s.new_container && a.what == "ready" && s.new_started && a.at >= *s.new_started)
        keep_min(s.new_ready, a.at);

    // The new build is what this container ran from this swap's start on: a later swap may reuse
    // the container's name with yet another build.
    std::string new_build;
    for (const auto& a : apps)
      if (a.container == s.new_container && !a.build_id.empty() && s.new_started && a.at >= *s.new_started) {
        new_build = a.build_id;
        break;
      }
    for (const auto& q : requests) {
      if (q.outcome != core::Outcome::ok || q.served_by.empty()) continue;
      if (s.new_started && q.served_by == s.new_container && q.end >= *s.new_started) {
        // The app received the request somewhere between its send and its answer: the send is the
        // earliest it can have, so an ordering judged on it never blames a swap that was in order.
        keep_min(s.new_first_traffic, std::max(q.start, *s.new_started));
        keep_min(s.mixed_from, q.end);
      }
    }
    if (s.mixed_from)
      for (const auto& q : requests)
        if (q.outcome == core::Outcome::ok && !q.build_id.empty() && q.build_id != new_build && q.end >= *s.mixed_from &&
            q.end <= to)
          keep_max(s.mixed_to, q.end);
    for (const auto& q : requests)
      if (q.outcome != core::Outcome::ok && within(q.end, from, to)) ++s.failed_requests;
  }

  std::vector<reports::SwapSummary> out;
  for (auto& [n, s] : swaps) out.push_back(std::move(s));
  return out;
}

}  // namespace bg::sim
