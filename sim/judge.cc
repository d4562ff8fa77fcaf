#include "sim/judge.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>

#include "sim/checkers.h"
#include "sim/latency_histogram.h"
#include "sim/swap_timeline.h"

namespace bg::sim {
namespace {

constexpr size_t kMaxFailureSamples = 10;

// Scenario time during which clients saw nothing but failures: for each maximal run of consecutive
// failed requests (in send order), from the first one's send to the next success's send.
core::Duration outage_time(std::vector<core::RequestEvent> requests) {
  std::sort(requests.begin(), requests.end(), [](const auto& a, const auto& b) { return a.intended < b.intended; });
  core::Duration total{};
  std::optional<core::Time> run_start;
  core::Time last_fail_end{};
  for (const auto& q : requests) {
    if (q.outcome != core::Outcome::ok) {
      if (!run_start) run_start = q.intended;
      last_fail_end = std::max(last_fail_end, q.end);
    } else if (run_start) {
      total += q.intended - *run_start;
      run_start.reset();
    }
  }
  if (run_start) total += std::max(last_fail_end, *run_start) - *run_start;
  return total;
}

// What each container was doing at instant t, from its last container or app event before t.
std::vector<std::string> container_states_at(const std::vector<core::Entry>& entries, core::Time t) {
  std::map<std::string, std::string> state;
  for (const auto& e : entries) {
    if (core::event_time(e.event) > t) continue;
    if (auto* c = std::get_if<core::ContainerEvent>(&e.event)) state[c->container] = c->what;
    if (auto* a = std::get_if<core::AppEvent>(&e.event))
      if (a->what != "execution" && a->what != "cut") state[a->container] = "app " + a->what;
  }
  std::vector<std::string> out;
  for (const auto& [name, what] : state) out.push_back(name + ": " + what);
  return out;
}

}  // namespace

void judge(const std::vector<core::Entry>& entries, reports::RunResult& r) {
  std::vector<core::RequestEvent> requests;
  std::map<uint64_t, std::vector<core::ProxyEvent>> proxy_log;
  for (const auto& e : entries) {
    if (auto* q = std::get_if<core::RequestEvent>(&e.event)) requests.push_back(*q);
    if (auto* p = std::get_if<core::ProxyEvent>(&e.event))
      if (p->kind == "error_log" && p->request_id) proxy_log[p->request_id].push_back(*p);
  }
  std::sort(requests.begin(), requests.end(), [](const auto& a, const auto& b) { return a.start < b.start; });

  r.requests = static_cast<int64_t>(requests.size());
  r.ok = r.failed = r.indeterminate = 0;
  r.failures_by_class.clear();
  r.first_failures.clear();
  for (const auto& q : requests) {
    if (q.outcome == core::Outcome::ok) {
      ++r.ok;
      continue;
    }
    (q.outcome == core::Outcome::info ? r.indeterminate : r.failed)++;
    const auto& log = proxy_log[q.id];
    const std::string cls = failure_class(q, log);
    ++r.failures_by_class[fmt::format("{} {}", q.method, cls)];
    if (r.first_failures.size() < kMaxFailureSamples) {
      reports::FailureSample sample{q, cls};
      for (const auto& line : log) sample.proxy_log.push_back(fmt::format("[{}] {}", line.level, line.message));
      sample.containers = container_states_at(entries, q.end);
      r.first_failures.push_back(std::move(sample));
    }
  }
  r.outage = outage_time(requests);
  const auto latencies = request_latencies(requests);
  r.latency = latencies.corrected;
  r.latency_uncorrected = latencies.uncorrected;
  // A machine too busy to keep the arrival schedule fails requests through the harness's own delays
  // (the traffic of one catalogue run on an overloaded box: 99 % of sends late, hundreds of 502s and
  // timeouts); its verdict would be about the machine, not the deployment. Normal runs here send
  // 0.4-3 % late, so a quarter is far from both.
  if (r.verdict != "error" && r.requests > 0 && r.late_sends * 4 > r.requests) {
    r.verdict = "error";
    r.error = fmt::format(
        "the harness could not keep the traffic schedule: {} of {} requests were sent more than 1 ms (real) "
        "late, so failures may be the machine's, not the deployment's; rerun on a less loaded machine or "
        "with a larger --time-scale",
        r.late_sends, r.requests);
  }
  // A run that did not complete proves nothing either way: its invariants are not judged.
  r.invariants = r.verdict == "error" ? std::vector<reports::InvariantResult>{} : run_checkers(entries);
  r.swaps = derive_swaps(entries);
  const bool all_held = std::all_of(r.invariants.begin(), r.invariants.end(), [](const auto& i) { return i.held; });
  if (r.verdict != "error") r.verdict = all_held ? "held" : "violated";
  if (!r.expected_verdict.empty()) {
    r.as_expected = r.verdict == r.expected_verdict;
    if (r.as_expected && !r.expected_invariant.empty() && r.verdict == "violated")
      r.as_expected = std::any_of(r.invariants.begin(), r.invariants.end(),
                                  [&](const auto& i) { return i.name == r.expected_invariant && !i.held; });
    if (r.as_expected && !r.expected_cause.empty() && r.verdict == "violated")
      r.as_expected = std::any_of(r.failures_by_class.begin(), r.failures_by_class.end(), [&](const auto& c) {
        return c.first.find(r.expected_cause) != std::string::npos;
      });
  }
}

}  // namespace bg::sim
