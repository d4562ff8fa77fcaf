#include "judge/swap_timeline.h"

#include <algorithm>
#include <limits>

namespace bg::judge {
using core::AppWhat;
using core::ContainerWhat;
using core::DeployEventKind;

namespace {

constexpr core::Time kForever(std::numeric_limits<int64_t>::max());
// Stop requests kept per deployment: a script downs one or two projects; more is not a swap.
constexpr size_t kMaxStops = 32;
// App events remembered per container, to find its build when Docker's "started" comes after them.
constexpr size_t kRecentBuilds = 4;

bool within(core::Time t, core::Time from, core::Time to) { return t >= from && t <= to; }

void keep_min(std::optional<core::Time>& slot, core::Time t) {
  if (!slot || t < *slot) slot = t;
}
void keep_max(std::optional<core::Time>& slot, core::Time t) {
  if (!slot || t > *slot) slot = t;
}

}  // namespace

template <class F>
void SwapTracker::for_each_open(F&& f) {
  std::erase_if(open_, [&](int n) {
    const auto& s = swaps_.at(n).summary;
    return s.finished && *s.finished + lag_ < clock_;
  });
  for (int n : open_) f(swaps_.at(n));
}

void SwapTracker::observe(const core::Entry& entry) {
  clock_ = std::max(clock_, core::event_time(entry.event));
  std::visit(
      [this](const auto& e) {
        using T = std::decay_t<decltype(e)>;
        if constexpr (std::is_same_v<T, core::DeployEvent>)
          on_deploy(e);
        else if constexpr (std::is_same_v<T, core::ContainerEvent>)
          on_container(e);
        else if constexpr (std::is_same_v<T, core::AppEvent>)
          on_app(e);
        else if constexpr (std::is_same_v<T, core::RequestEvent>)
          on_request(e);
      },
      entry.event);
}

void SwapTracker::on_deploy(const core::DeployEvent& d) {
  if (d.deployment < 1) return;
  auto& s = swaps_[d.deployment].summary;
  s.deployment = d.deployment;
  // The swap's stretch begins with the harness starting it, its push, or (a history from before the
  // pipeline) its deployment, whichever came first.
  if (d.kind == DeployEventKind::push || d.kind == DeployEventKind::deployment_started ||
      (d.kind == DeployEventKind::phase &&
       core::parse_harness_phase_detail(d.detail) == core::HarnessPhase::swap_started))
    keep_min(s.pushed, d.at);
  if (d.kind == DeployEventKind::deployment_started) {
    s.started = d.at;
    if (std::find(open_.begin(), open_.end(), d.deployment) == open_.end()) open_.push_back(d.deployment);
  }
  if (d.kind == DeployEventKind::deployment_succeeded || d.kind == DeployEventKind::deployment_failed) {
    s.finished = d.at;
    s.succeeded = d.kind == DeployEventKind::deployment_succeeded;
    // The agent's message is the detail's first line; the script's output tail follows it.
    if (!s.succeeded) s.deployment_error = d.detail.substr(0, d.detail.find('\n'));
  }
}

void SwapTracker::set_new_container(SwapState& s, const core::ContainerEvent& c) {
  s.summary.new_container = c.container;
  s.summary.new_started = c.at;
  const int n = s.summary.deployment;
  for (const auto& [at, build] : recent_builds_[c.container])
    if (at >= c.at) {
      s.new_build = build;
      break;
    }
  if (!s.new_build) awaiting_build_[c.container].insert(n);
  awaiting_ready_[c.container].insert(n);
  awaiting_answer_[c.container].insert(n);
}

void SwapTracker::on_container(const core::ContainerEvent& c) {
  if (c.what == ContainerWhat::started || c.what == ContainerWhat::stop_requested) {
    for_each_open([&](SwapState& s) {
      if (!within(c.at, *s.summary.started, s.summary.finished.value_or(kForever))) return;
      if (c.what == ContainerWhat::started && s.summary.new_container.empty()) set_new_container(s, c);
      if (c.what == ContainerWhat::stop_requested && s.stops.size() < kMaxStops)
        s.stops.push_back({c.container, c.at, {}});
    });
  }
  // The old container's exit may come after the deployment ends (a script that does not wait).
  if (c.what == ContainerWhat::exited)
    for (auto& [n, s] : swaps_)
      for (auto& stop : s.stops)
        if (stop.container == c.container && c.at >= stop.at) keep_min(stop.exited, c.at);
}

void SwapTracker::on_app(const core::AppEvent& a) {
  if (!a.build_id.empty()) {
    auto& recent = recent_builds_[a.container];
    recent.emplace_back(a.at, a.build_id);
    if (recent.size() > kRecentBuilds) recent.erase(recent.begin());
    if (auto it = awaiting_build_.find(a.container); it != awaiting_build_.end())
      std::erase_if(it->second, [&](int n) {
        auto& s = swaps_.at(n);
        if (a.at < *s.summary.new_started) return false;
        s.new_build = a.build_id;
        return true;
      });
  }
  if (a.what == AppWhat::ready)
    if (auto it = awaiting_ready_.find(a.container); it != awaiting_ready_.end())
      std::erase_if(it->second, [&](int n) {
        auto& s = swaps_.at(n).summary;
        if (a.at < *s.new_started) return false;
        keep_min(s.new_ready, a.at);
        return true;
      });
}

void SwapTracker::on_request(const core::RequestEvent& q) {
  const bool ok = q.outcome == core::Outcome::ok;
  if (ok && !q.served_by.empty())
    if (auto it = awaiting_answer_.find(q.served_by); it != awaiting_answer_.end())
      std::erase_if(it->second, [&](int n) {
        auto& s = swaps_.at(n).summary;
        if (q.end >= *s.new_started) {
          // The app received the request somewhere between its send and its answer: the send is
          // the earliest it can have, so an ordering judged on it never blames a swap in order.
          keep_min(s.new_first_traffic, std::max(q.start, *s.new_started));
          keep_min(s.mixed_from, q.end);
        }
        // Settled once no answer that ended earlier can still arrive.
        return s.mixed_from && *s.mixed_from + lag_ < clock_;
      });
  for_each_open([&](SwapState& s) {
    const core::Time to = s.summary.finished.value_or(kForever);
    if (ok && !q.build_id.empty() && q.build_id != s.new_build.value_or("") && q.end <= to)
      keep_max(s.other_build_last, q.end);
  });
}

void SwapTracker::finish() {
  for (auto& [n, s] : swaps_) {
    auto& sum = s.summary;
    for (const auto& stop : s.stops) {
      if (stop.container == sum.new_container) continue;
      sum.old_container = stop.container;
      sum.old_stop_requested = stop.at;
      sum.old_stopped = stop.exited;
      break;
    }
    if (sum.mixed_from && s.other_build_last && *s.other_build_last >= *sum.mixed_from)
      sum.mixed_to = s.other_build_last;
  }
}

std::vector<reports::SwapSummary> SwapTracker::summaries() const {
  std::vector<reports::SwapSummary> out;
  for (const auto& [n, s] : swaps_) out.push_back(s.summary);
  return out;
}

std::vector<reports::SwapSummary> derive_swaps(const std::vector<core::Entry>& entries) {
  SwapTracker tracker;
  for (const auto& e : entries) tracker.observe(e);
  tracker.finish();
  return tracker.summaries();
}

}  // namespace bg::judge
