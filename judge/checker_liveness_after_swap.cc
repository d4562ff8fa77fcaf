#include "judge/checker_liveness_after_swap.h"

#include <fmt/format.h>

#include <limits>

namespace bg::judge {
namespace {

bool judged(const reports::SwapSummary& s) {
  return s.succeeded && s.finished && s.new_started && !s.new_container.empty();
}

// The window ends when the next deployment (by number) starts; not yet known: it is still open.
core::Time window_end(const std::map<int, SwapState>& swaps, int n) {
  auto next = swaps.upper_bound(n);
  if (next != swaps.end() && next->second.summary.started) return *next->second.summary.started;
  return core::Time(std::numeric_limits<int64_t>::max());
}

}  // namespace

reports::InvariantResult LivenessAfterSwapChecker::check(const std::vector<core::Entry>& entries) const {
  LivenessAfterSwapChecker fresh(grace_);
  return check_whole(fresh, entries);
}

void LivenessAfterSwapChecker::observe(const core::Entry& entry, const HistoryContext& context) {
  const auto& swaps = context.swaps.swaps();
  if (auto* d = std::get_if<core::DeployEvent>(&entry.event);
      d && d->kind == core::DeployEventKind::deployment_succeeded && d->deployment >= 1)
    windows_.insert(d->deployment);
  auto* q = std::get_if<core::RequestEvent>(&entry.event);
  if (!q) return;
  // A window is done once no request sent inside it can still be appended.
  std::erase_if(windows_, [&](int n) { return context.clock - core::kAppendLag > window_end(swaps, n); });
  for (int n : windows_) {
    const auto& state = swaps.at(n);
    const auto& s = state.summary;
    if (!judged(s) || q->intended < *s.finished + grace_ || q->intended >= window_end(swaps, n)) continue;
    const std::string new_build = state.new_build.value_or("");
    if (q->outcome == core::Outcome::ok && (new_build.empty() || q->build_id == new_build)) continue;
    const std::string what =
        q->outcome == core::Outcome::ok
            ? fmt::format("was served by build {} ({}), not the new build {}", q->build_id, q->served_by, new_build)
            : fmt::format("failed ({})", q->status ? std::to_string(q->status) : q->error);
    evidence_.add(
        n, fmt::format("swap {} ended at {}; request #{} {} {} sent at {} {}", s.deployment, checker_secs(*s.finished),
                       q->id, q->method, q->path, checker_secs(q->intended), what));
  }
}

reports::InvariantResult LivenessAfterSwapChecker::finish(const HistoryContext& context) {
  reports::InvariantResult r{"liveness_after_swap"};
  evidence_.into(r);
  int judged_swaps = 0;
  for (const auto& [n, s] : context.swaps.swaps()) judged_swaps += judged(s.summary);
  r.held = r.violations == 0;
  r.summary = r.held ? fmt::format("{} s after each of {} completed swaps every request succeeded on the new build",
                                   core::to_seconds(core::Time(grace_)), judged_swaps)
                     : fmt::format("{} requests sent {} s or more after a swap ended failed or missed the new build",
                                   r.violations, core::to_seconds(core::Time(grace_)));
  return r;
}

}  // namespace bg::judge
