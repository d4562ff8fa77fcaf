#include "sim/checker_version_regression.h"

#include <fmt/format.h>

#include "sim/checker_support.h"
#include "sim/swap_timeline.h"

namespace bg::sim {

reports::InvariantResult NoVersionRegressionChecker::check(const std::vector<core::Entry>& entries) const {
  reports::InvariantResult r{"no_version_regression"};
  const auto ranks = build_ranks(entries);
  const auto requests = core::events_of<core::RequestEvent>(entries);
  int judged_swaps = 0;
  for (const auto& s : derive_swaps(entries)) {
    if (!s.succeeded || !s.finished || !s.new_started || s.new_container.empty()) continue;
    const std::string new_build = build_of_container(entries, s.new_container, *s.new_started);
    auto newest = ranks.find(new_build);
    if (newest == ranks.end()) continue;
    ++judged_swaps;
    for (const auto& q : requests) {
      if (q.outcome != core::Outcome::ok || q.build_id.empty() || q.start < *s.finished) continue;
      auto rank = ranks.find(q.build_id);
      if (rank == ranks.end() || rank->second >= newest->second) continue;
      add_violation(r, fmt::format("swap {} brought build {} at {}; request #{} {} {} sent at {} was served by older "
                                   "build {} ({})",
                                   s.deployment, new_build, checker_secs(*s.finished), q.id, q.method, q.path,
                                   checker_secs(q.start), q.build_id, q.served_by));
    }
  }
  r.held = r.violations == 0;
  r.summary = r.held ? fmt::format("after each of {} completed swaps only its build or a newer one answered",
                                   judged_swaps)
                     : fmt::format("{} requests sent after a swap completed were served by an older build",
                                   r.violations);
  return r;
}

}  // namespace bg::sim
