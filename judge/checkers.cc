#include "judge/checkers.h"

#include <fmt/format.h>

#include "judge/checker_cut_in_flight.h"
#include "judge/checker_liveness_after_swap.h"
#include "judge/checker_new_build_serves.h"
#include "judge/checker_post_at_most_once.h"
#include "judge/checker_version_regression.h"
#include "judge/checker_version_skew.h"

namespace bg::judge {

// One wording for failure classes in every report: the one the HTML timeline colours by.
std::string failure_class(const core::RequestEvent& q, const std::vector<core::ProxyEvent>& log) {
  return reports::request_failure_class(q, log);
}

reports::InvariantResult NoFailedRequestsChecker::check(const std::vector<core::Entry>& entries) const {
  NoFailedRequestsChecker fresh;
  return check_whole(fresh, entries);
}

void NoFailedRequestsChecker::observe(const core::Entry& entry, const HistoryContext&) {
  if (!join_)
    join_ = std::make_unique<reports::FailedRequestJoin>([this](reports::JoinedFailure&& f) {
      const auto& q = f.request;
      evidence_.add(f.seq,
                    fmt::format("request #{} {} {} sent at {} {} after {}: {}", q.id, q.method, q.path,
                                checker_secs(q.start), q.outcome == core::Outcome::info ? "indeterminate" : "failed",
                                fmt::format("{:.3f}s", core::to_seconds(q.end - q.start)), f.cause()));
    });
  join_->observe(entry);
  auto* q = std::get_if<core::RequestEvent>(&entry.event);
  if (!q) return;
  ++total_;
  if (q->outcome != core::Outcome::ok) (q->outcome == core::Outcome::info ? info_ : failed_)++;
}

reports::InvariantResult NoFailedRequestsChecker::finish(const HistoryContext&) {
  if (join_) join_->finish();
  reports::InvariantResult r{"no_failed_requests"};
  evidence_.into(r);
  r.held = r.violations == 0;
  r.summary = r.held ? fmt::format("all {} requests succeeded", total_)
                     : fmt::format("{} of {} requests failed ({} definite, {} indeterminate)", r.violations, total_,
                                   failed_, info_);
  return r;
}

reports::InvariantResult SwitchOrderingChecker::check(const std::vector<core::Entry>& entries) const {
  SwitchOrderingChecker fresh;
  return check_whole(fresh, entries);
}

reports::InvariantResult SwitchOrderingChecker::finish(const HistoryContext& context) {
  reports::InvariantResult r{"switch_ordering"};
  const auto swaps = context.swaps.summaries();
  for (const auto& s : swaps) {
    std::vector<std::string> broken;
    if (s.old_stop_requested) {
      const core::Time stop = *s.old_stop_requested;
      if (s.new_container.empty())
        broken.push_back(fmt::format("old color {} was asked to stop at {} but no new color was started",
                                     s.old_container, checker_secs(stop)));
      else if (!s.new_ready || *s.new_ready > stop)
        broken.push_back(fmt::format("old color {} was asked to stop at {} while new color {} was not ready ({})",
                                     s.old_container, checker_secs(stop), s.new_container,
                                     s.new_ready ? "ready at " + checker_secs(*s.new_ready) : "never ready"));
      else if (!s.new_first_traffic || *s.new_first_traffic > stop)
        broken.push_back(
            fmt::format("old color {} was asked to stop at {} before new color {} had served any request ({})",
                        s.old_container, checker_secs(stop), s.new_container,
                        s.new_first_traffic ? "first served a request sent at " + checker_secs(*s.new_first_traffic)
                                            : "never served"));
    }
    if (s.new_ready && s.new_started && *s.new_ready < *s.new_started)
      broken.push_back(fmt::format("new color {} reported ready before it started", s.new_container));
    for (auto& b : broken) add_violation(r, fmt::format("swap {}: {}", s.deployment, b));
  }
  r.held = r.violations == 0;
  r.summary = r.held ? fmt::format("all {} swaps kept started < ready < serving < old stopped", swaps.size())
                     : fmt::format("{} of {} swaps stopped the old color too early", r.violations, swaps.size());
  return r;
}

struct CheckerSet::Checkers {
  NoFailedRequestsChecker no_failed;
  SwitchOrderingChecker ordering;
  NewBuildServesChecker new_build;
  NoVersionRegressionChecker regression;
  NoVersionSkewChecker skew;
  PostAtMostOnceChecker post_once;
  NoCutInFlightChecker cut;
  LivenessAfterSwapChecker liveness;

  template <class F>
  void each(F&& f) {
    f(no_failed), f(ordering), f(new_build), f(regression), f(skew), f(post_once), f(cut), f(liveness);
  }
};

CheckerSet::CheckerSet() : checkers_(std::make_unique<Checkers>()) {}
CheckerSet::~CheckerSet() = default;

void CheckerSet::observe(const core::Entry& entry) {
  context_.observe(entry);
  checkers_->each([&](auto& c) { c.observe(entry, context_); });
}

std::vector<reports::InvariantResult> CheckerSet::finish() {
  context_.finish();
  std::vector<reports::InvariantResult> out;
  checkers_->each([&](auto& c) { out.push_back(c.finish(context_)); });
  return out;
}

std::vector<reports::InvariantResult> run_checkers(const std::vector<core::Entry>& entries) {
  CheckerSet set;
  for (const auto& e : entries) set.observe(e);
  return set.finish();
}

}  // namespace bg::judge
