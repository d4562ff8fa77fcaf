#include "judge/checker_version_regression.h"

#include <fmt/format.h>

#include <algorithm>

namespace bg::judge {
namespace {

bool judged(const SwapState& s, const HistoryContext& context) {
  const auto& w = s.summary;
  return w.succeeded && w.finished && w.new_started && !w.new_container.empty() && s.new_build &&
         context.known_build(*s.new_build);
}

}  // namespace

reports::InvariantResult NoVersionRegressionChecker::check(const std::vector<core::Entry>& entries) const {
  NoVersionRegressionChecker fresh;
  return check_whole(fresh, entries);
}

// A swap is judged from its end on, once the build it brought in is known.
void NoVersionRegressionChecker::admit_swaps(const HistoryContext& context) {
  std::erase_if(pending_, [&](int n) {
    const auto& s = context.swaps.swaps().at(n);
    if (!judged(s, context)) return s.summary.finished && *s.summary.finished + core::kAppendLag < context.clock;
    Completed c{*s.summary.finished, n, *s.new_build};
    auto at = std::upper_bound(completed_.begin(), completed_.end(), c.finished,
                               [](core::Time t, const Completed& o) { return t < o.finished; });
    completed_.insert(at, std::move(c));
    newest_.clear();
    for (const auto& done : completed_)
      newest_.push_back(newest_.empty() || context.newer(done.build, newest_.back()) ? done.build : newest_.back());
    return true;
  });
}

void NoVersionRegressionChecker::judge(const core::RequestEvent& q, const HistoryContext& context) {
  if (q.outcome != core::Outcome::ok || q.build_id.empty() || !context.known_build(q.build_id)) return;
  const auto end = std::upper_bound(completed_.begin(), completed_.end(), q.start,
                                    [](core::Time t, const Completed& c) { return t < c.finished; });
  const auto n = static_cast<size_t>(end - completed_.begin());
  // The usual case: no swap completed before it brought a build newer than the one that answered.
  if (n == 0 || !context.newer(newest_[n - 1], q.build_id)) return;
  for (auto it = completed_.begin(); it != end; ++it) {
    if (!context.newer(it->build, q.build_id)) continue;
    evidence_.add(it->swap, fmt::format("swap {} brought build {} at {}; request #{} {} {} sent at {} was served by "
                                        "older build {} ({})",
                                        it->swap, it->build, checker_secs(it->finished), q.id, q.method, q.path,
                                        checker_secs(q.start), q.build_id, q.served_by));
  }
}

void NoVersionRegressionChecker::observe(const core::Entry& entry, const HistoryContext& context) {
  if (auto* d = std::get_if<core::DeployEvent>(&entry.event);
      d && d->kind == core::DeployEventKind::deployment_succeeded && d->deployment >= 1)
    pending_.insert(d->deployment);
  // Only these can complete what a swap needs (its end, its new container, its build); a swap still
  // incomplete an append lag after it ended never will be.
  const bool may_complete = std::holds_alternative<core::DeployEvent>(entry.event) ||
                            std::holds_alternative<core::ContainerEvent>(entry.event) ||
                            std::holds_alternative<core::AppEvent>(entry.event);
  if (!pending_.empty() && may_complete) admit_swaps(context);
  if (auto* q = std::get_if<core::RequestEvent>(&entry.event)) judge(*q, context);
}

reports::InvariantResult NoVersionRegressionChecker::finish(const HistoryContext& context) {
  reports::InvariantResult r{"no_version_regression"};
  evidence_.into(r);
  int judged_swaps = 0;
  for (const auto& [n, s] : context.swaps.swaps()) judged_swaps += judged(s, context);
  r.held = r.violations == 0;
  r.summary = r.held
                  ? fmt::format("after each of {} completed swaps only its build or a newer one answered", judged_swaps)
                  : fmt::format("{} requests sent after a swap completed were served by an older build", r.violations);
  return r;
}

}  // namespace bg::judge
