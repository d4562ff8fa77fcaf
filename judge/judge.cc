#include "judge/judge.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <optional>

#include "reports/failed_request_join.h"
#include "judge/checkers.h"
#include "judge/diagnosis.h"
#include "judge/failure_samples.h"
#include "judge/late_send.h"
#include "judge/latency_histogram.h"
#include "judge/loss_attribution.h"
#include "judge/outage_meter.h"

namespace bg::judge {
namespace {

constexpr size_t kMaxFailureSamples = 10;

// Failures of this machine, not of the deployment: the harness (client, proxy, apps: one process)
// ran out of descriptors or local ports. strerror's words, as Asio and nginx's log carry them.
const char* resource_error_in(const std::string& text) {
  for (const char* e : {"Too many open files", "Cannot assign requested address", "No buffer space available"})
    if (text.find(e) != std::string::npos) return e;
  return nullptr;
}

// What the judge counts itself, beside the checkers.
struct Tally {
  core::Time clock{};
  int64_t requests = 0, ok = 0, failed = 0, indeterminate = 0;
  std::map<std::string, int64_t> by_class;
  int64_t resource_failures = 0;
  std::string resource_error;
  RequestLatencyMeter latencies;
  OutageMeter outage;
  // Every lost request's moment, for its swap and phase once the swaps are settled: 16 bytes each.
  std::vector<LostRequest> lost;
  FailureSamples samples{kMaxFailureSamples};
  DiagnosisFacts diagnosis;
  reports::FailedRequestJoin join{[this](reports::JoinedFailure&& f) {
    ++by_class[fmt::format("{} {}", f.request.method, f.cause())];
    diagnosis.failed(f);
    samples.joined(f);
  }};

  void observe(const core::Entry& e) {
    clock = std::max(clock, core::event_time(e.event));
    samples.observe(e);
    join.observe(e);
    diagnosis.observe(e);
    if (auto* p = std::get_if<core::ProxyEvent>(&e.event); p && p->kind == core::ProxyEventKind::error_log)
      note_resource(p->message);
    auto* q = std::get_if<core::RequestEvent>(&e.event);
    if (!q) return;
    if (q->outcome != core::Outcome::ok) {
      note_resource(q->error);
      lost.push_back({reports::lost_at(*q), q->outcome == core::Outcome::info});
    }
    ++requests;
    if (q->outcome == core::Outcome::ok)
      ++ok;
    else
      (q->outcome == core::Outcome::info ? indeterminate : failed)++;
    latencies.record(*q);
    outage.record(*q, e.seq, clock);
  }

  void note_resource(const std::string& text) {
    const char* error = resource_error_in(text);
    if (!error) return;
    ++resource_failures;
    if (resource_error.empty()) resource_error = error;
  }
};

// Why the run's verdict would be about this machine rather than the deployment; "" when it is not.
//  - A request or proxy attempt failed for want of a descriptor or a local port: the harness's own.
//  - A machine too busy to keep the arrival schedule fails requests through the harness's own delays
//    (the traffic of one catalogue run on an overloaded box: 99 % of sends late, hundreds of 502s and
//    timeouts). Normal runs here send 0.4-3 % late, so a quarter is far from both.
std::string machine_failure(const reports::RunResult& r, const Tally& t) {
  if (t.resource_failures > 0)
    return fmt::format(
        "the harness ran out of this machine's resources: {} requests or proxy attempts failed with \"{}\" (its "
        "own descriptors or local ports, not the deployment's); raise the open-file limit (ulimit -n) or rerun on "
        "a less loaded machine or with a larger --time-scale",
        t.resource_failures, t.resource_error);
  if (too_many_late_sends(r.late_sends, r.requests))
    return fmt::format(
        "{}: {} of {} requests were sent more than {} ms (real) late, so failures may be the machine's, not "
        "the deployment's; rerun on a less loaded machine or with a larger --time-scale",
        kLateSendsError, r.late_sends, r.requests, kLateAfter.count() / 1000.0);
  return "";
}

void conclude(reports::RunResult& r) {
  const bool all_held = std::all_of(r.invariants.begin(), r.invariants.end(), [](const auto& i) { return i.held; });
  if (r.error.empty()) r.verdict = all_held ? core::Verdict::held : core::Verdict::violated;
  if (!r.expected_verdict) return;
  r.as_expected = r.verdict == *r.expected_verdict;
  if (r.as_expected && !r.expected_invariant.empty() && r.verdict == core::Verdict::violated)
    r.as_expected = std::any_of(r.invariants.begin(), r.invariants.end(),
                                [&](const auto& i) { return i.name == r.expected_invariant && !i.held; });
  if (r.as_expected && !r.expected_cause.empty() && r.verdict == core::Verdict::violated)
    r.as_expected = std::any_of(r.failures_by_class.begin(), r.failures_by_class.end(),
                                [&](const auto& c) { return c.first.find(r.expected_cause) != std::string::npos; });
}

}  // namespace

struct HistoryJudge::State {
  Tally tally;
  CheckerSet checkers;
};

HistoryJudge::HistoryJudge() : state_(std::make_unique<State>()) {}
HistoryJudge::~HistoryJudge() = default;

void HistoryJudge::observe(const core::Entry& e) {
  state_->tally.observe(e);
  state_->checkers.observe(e);
}

void HistoryJudge::finish(const core::HistoryRead& read, reports::RunResult& r) {
  Tally& tally = state_->tally;
  CheckerSet& checkers = state_->checkers;
  tally.join.finish();
  auto invariants = checkers.finish();
  // A history a signal cut short says so in its end record: judged again, it is still interrupted.
  if (read.end && !read.end->signal.empty()) {
    r.verdict = core::Verdict::error;
    r.interrupted = read.end->signal;
    if (r.error.empty()) r.error = read.end->reason.empty() ? "interrupted by " + r.interrupted : read.end->reason;
  }

  r.requests = tally.requests;
  r.ok = tally.ok;
  r.failed = tally.failed;
  r.indeterminate = tally.indeterminate;
  r.failures_by_class = tally.by_class;
  r.first_failures = tally.samples.finish();
  r.outage = tally.outage.finish();
  const auto latencies = tally.latencies.summaries();
  r.latency = latencies.corrected;
  r.latency_uncorrected = latencies.uncorrected;
  if (r.error.empty())
    if (auto why = machine_failure(r, tally); !why.empty()) {
      r.verdict = core::Verdict::error;
      r.error = std::move(why);
    }
  // A run that did not complete proves nothing either way: its invariants are not judged.
  r.invariants = !r.error.empty() ? std::vector<reports::InvariantResult>{} : std::move(invariants);
  r.swaps = checkers.swaps();
  attribute_losses(r.swaps, r.before_first_swap, tally.lost, tally.outage.spans());
  // A run that proves nothing is not explained either.
  if (r.error.empty()) r.diagnoses = diagnose(tally.diagnosis, r);
  conclude(r);
}

core::HistoryRead judge_history(const core::EntrySource& source, reports::RunResult& r) {
  HistoryJudge judge;
  const auto read = source([&](const core::Entry& e) { judge.observe(e); });
  judge.finish(read, r);
  return read;
}

void judge(const std::vector<core::Entry>& entries, reports::RunResult& r) {
  judge_history(core::memory_source(entries), r);
}

bool too_many_late_sends(int64_t late_sends, int64_t requests) { return requests > 0 && late_sends * 4 > requests; }

}  // namespace bg::judge
