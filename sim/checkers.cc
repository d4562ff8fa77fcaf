#include "sim/checkers.h"

#include <fmt/format.h>

#include <map>

#include "reports/timeline_model.h"
#include "sim/checker_cut_in_flight.h"
#include "sim/checker_liveness_after_swap.h"
#include "sim/checker_new_build_serves.h"
#include "sim/checker_post_at_most_once.h"
#include "sim/checker_support.h"
#include "sim/checker_version_regression.h"
#include "sim/checker_version_skew.h"
#include "sim/swap_timeline.h"

namespace bg::sim {
namespace {

std::map<uint64_t, std::vector<core::ProxyEvent>> proxy_errors_by_request(const std::vector<core::Entry>& entries) {
  std::map<uint64_t, std::vector<core::ProxyEvent>> out;
  for (const auto& e : entries)
    if (auto* p = std::get_if<core::ProxyEvent>(&e.event))
      if (p->kind == "error_log" && p->request_id != 0) out[p->request_id].push_back(*p);
  return out;
}

}  // namespace

// One wording for failure classes in every report: the one the HTML timeline colours by.
std::string failure_class(const core::RequestEvent& q, const std::vector<core::ProxyEvent>& log) {
  return reports::request_failure_class(q, log);
}

reports::InvariantResult NoFailedRequestsChecker::check(const std::vector<core::Entry>& entries) const {
  reports::InvariantResult r{"no_failed_requests"};
  const auto logs = proxy_errors_by_request(entries);
  int64_t total = 0, failed = 0, info = 0;
  for (const auto& e : entries) {
    auto* q = std::get_if<core::RequestEvent>(&e.event);
    if (!q) continue;
    ++total;
    if (q->outcome == core::Outcome::ok) continue;
    (q->outcome == core::Outcome::info ? info : failed)++;
    if (r.evidence.size() < kMaxCheckerEvidence) {
      auto it = logs.find(q->id);
      const std::string cls = failure_class(*q, it == logs.end() ? std::vector<core::ProxyEvent>{} : it->second);
      r.evidence.push_back(fmt::format("request #{} {} {} sent at {} {} after {}: {}", q->id, q->method, q->path,
                                       checker_secs(q->start), q->outcome == core::Outcome::info ? "indeterminate" : "failed",
                                       fmt::format("{:.3f}s", core::to_seconds(q->end - q->start)), cls));
    }
  }
  r.violations = failed + info;
  r.held = r.violations == 0;
  r.summary = r.held ? fmt::format("all {} requests succeeded", total)
                     : fmt::format("{} of {} requests failed ({} definite, {} indeterminate)", r.violations, total,
                                   failed, info);
  return r;
}

reports::InvariantResult SwitchOrderingChecker::check(const std::vector<core::Entry>& entries) const {
  reports::InvariantResult r{"switch_ordering"};
  auto swaps = derive_swaps(entries);
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
        broken.push_back(fmt::format(
            "old color {} was asked to stop at {} before new color {} had served any request ({})", s.old_container,
            checker_secs(stop), s.new_container,
            s.new_first_traffic ? "first served a request sent at " + checker_secs(*s.new_first_traffic) : "never served"));
    }
    if (s.new_ready && s.new_started && *s.new_ready < *s.new_started)
      broken.push_back(fmt::format("new color {} reported ready before it started", s.new_container));
    for (auto& b : broken) {
      ++r.violations;
      if (r.evidence.size() < kMaxCheckerEvidence) r.evidence.push_back(fmt::format("swap {}: {}", s.deployment, b));
    }
  }
  r.held = r.violations == 0;
  r.summary = r.held ? fmt::format("all {} swaps kept started < ready < serving < old stopped", swaps.size())
                     : fmt::format("{} of {} swaps stopped the old color too early", r.violations, swaps.size());
  return r;
}

std::vector<reports::InvariantResult> run_checkers(const std::vector<core::Entry>& entries) {
  return {NoFailedRequestsChecker{}.check(entries),    SwitchOrderingChecker{}.check(entries),
          NewBuildServesChecker{}.check(entries),      NoVersionRegressionChecker{}.check(entries),
          NoVersionSkewChecker{}.check(entries),       PostAtMostOnceChecker{}.check(entries),
          NoCutInFlightChecker{}.check(entries),       LivenessAfterSwapChecker{}.check(entries)};
}

}  // namespace bg::sim
