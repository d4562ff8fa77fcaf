#include "sim/checker_liveness_after_swap.h"

#include <fmt/format.h>

#include <limits>

#include "sim/checker_support.h"
#include "sim/swap_timeline.h"

namespace bg::sim {

reports::InvariantResult LivenessAfterSwapChecker::check(const std::vector<core::Entry>& entries) const {
  reports::InvariantResult r{"liveness_after_swap"};
  const auto swaps = derive_swaps(entries);
  const auto requests = core::events_of<core::RequestEvent>(entries);
  int judged = 0;
  for (size_t i = 0; i < swaps.size(); ++i) {
    const auto& s = swaps[i];
    if (!s.succeeded || !s.finished || !s.new_started || s.new_container.empty()) continue;
    const std::string new_build = build_of_container(entries, s.new_container, *s.new_started);
    const core::Time from = *s.finished + grace_;
    core::Time to(std::numeric_limits<int64_t>::max());
    if (i + 1 < swaps.size() && swaps[i + 1].started) to = *swaps[i + 1].started;
    ++judged;
    for (const auto& q : requests) {
      if (q.intended < from || q.intended >= to) continue;
      if (q.outcome == core::Outcome::ok && (new_build.empty() || q.build_id == new_build)) continue;
      const std::string what = q.outcome == core::Outcome::ok
                                   ? fmt::format("was served by build {} ({}), not the new build {}", q.build_id,
                                                 q.served_by, new_build)
                                   : fmt::format("failed ({})", q.status ? std::to_string(q.status) : q.error);
      add_violation(r, fmt::format("swap {} ended at {}; request #{} {} {} sent at {} {}", s.deployment,
                                   checker_secs(*s.finished), q.id, q.method, q.path, checker_secs(q.intended), what));
    }
  }
  r.held = r.violations == 0;
  r.summary = r.held ? fmt::format("{} s after each of {} completed swaps every request succeeded on the new build",
                                   core::to_seconds(core::Time(grace_)), judged)
                     : fmt::format("{} requests sent {} s or more after a swap ended failed or missed the new build",
                                   r.violations, core::to_seconds(core::Time(grace_)));
  return r;
}

}  // namespace bg::sim
