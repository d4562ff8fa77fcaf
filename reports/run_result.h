#pragma once
// RunResult: what one run concluded, independent of how it is shown. Checkers and the run fill it;
// every report (JSON, Markdown) renders it. Times are scenario time.
#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/events.h"
#include "core/time.h"
#include "core/verdict.h"

namespace bg::reports {

// One invariant of races.md judged over a whole history.
struct InvariantResult {
  std::string name;  // e.g. no_failed_requests
  bool held = true;
  int64_t violations = 0;             // how many requests or swaps broke it
  std::string summary;                // one sentence a person reads first
  std::vector<std::string> evidence;  // the first few concrete cases, most telling first
};

// Where in its swap a request was lost, latest stage first when stages overlap (the seed downs the
// old color before the new one is ready: from then on the old color is down, whatever else holds).
enum class SwapPhase { build, new_starting, both_serving, old_draining, old_down, after_script };
inline constexpr size_t kSwapPhaseCount = 6;
// "build", "new color starting", "both serving", "old color draining", "old color down", "after the script".
const char* phase_label(SwapPhase phase);

// The requests lost in one stretch of a run: a swap's, from its push until the next push, or the
// steady state's before the first push. Every failed or indeterminate request is in exactly one
// stretch, so the stretches add up to the run's headline; so does the outage.
struct Losses {
  int64_t failed = 0, indeterminate = 0;
  core::Duration outage{};                          // the run's outage (all failing) within the stretch
  std::array<int64_t, kSwapPhaseCount> by_phase{};  // failed + indeterminate per SwapPhase (swaps only)
  int64_t total() const { return failed + indeterminate; }
  // Nothing lost and no outage: a stretch with no row of its own in the swap table.
  bool none() const { return total() == 0 && outage.count() == 0; }
};
// When a request was lost: a failed one when its error came back (a cut, a 502: the moment the
// deployment did it), an indeterminate one when it was sent (its end is only the client giving up,
// up to traffic.timeout later, perhaps in the next swap).
core::Time lost_at(const core::RequestEvent& q);
// "12" or "12 + 3 indeterminate": the count a report's swap row shows.
std::string lost_text(const Losses& l);
// "old color down 40, both serving 2", largest first; "" when nothing was lost in a phase.
std::string phases_text(const Losses& l);

// One swap (a deployment after traffic started): when each phase happened.
struct SwapSummary {
  int deployment = 0;
  bool succeeded = false;  // CodeDeploy's verdict on the deployment
  // Why CodeDeploy failed or refused it, in its words (semantics.md §4): "ApplicationStart failed:
  // Script at specified location: ... failed to complete in 20 seconds". "" when it succeeded.
  std::string deployment_error;
  std::string old_container;
  std::string new_container;
  std::optional<core::Time> pushed;             // its push: the stretch the swap owns begins here
  std::optional<core::Time> started, finished;  // its CodeDeploy deployment
  std::optional<core::Time> new_started, new_ready;
  std::optional<core::Time> new_first_traffic;  // when the first request the new color served was sent
  std::optional<core::Time> old_stop_requested, old_stopped;
  std::optional<core::Time> mixed_from, mixed_to;  // first new-build response .. last old-build response
  Losses lost;                                     // from its push until the next push (judge/loss_attribution.h)
};

// A swap's stretch of the run, [from, to): from its push (or, in a history from before the pipeline,
// its deployment's start) until the next swap's; the steady state before the first has swap = -1.
struct Stretch {
  int swap = -1;  // index into the swaps given; -1: the steady state
  core::Time from{}, to{};
};
// The steady state first, then each swap that has a push or a deployment start, in time order;
// together they cover all time. Swaps with neither own no stretch.
std::vector<Stretch> stretches(const std::vector<SwapSummary>& swaps);
// The stretch holding `t`: the last of `all` (as stretches() gives them) that began at or before it.
const Stretch& stretch_at(const std::vector<Stretch>& all, core::Time t);

// Why a stretch of the run lost requests: the catalogue race (docs/races.md) whose mechanism the
// history shows, or none when no race's does (race "": said so, never guessed).
struct Diagnosis {
  std::string race;       // "R03", or "" when nothing in the catalogue matches
  std::string title;      // "both peers marked failed"
  int swap = 0;           // the swap whose stretch it is about; 0: before the first swap
  int64_t requests = 0;   // the lost requests it explains (0: a race that loses none, e.g. R12)
  std::string mechanism;  // what the history shows, in one or two sentences
  std::string fix;        // what the catalogue's fixed twin does
  std::string snippet;    // a diff for the user's own file, "" when none fits
};

// "swap 2" or "before the first swap": whose stretch a diagnosis is about.
std::string stretch_name(int swap);
// "R03 both peers marked failed", or "no known race".
std::string diagnosis_name(const Diagnosis& d);
// " (1 request)", " (57 requests)", or "" for a diagnosis that explains no lost request.
std::string diagnosis_count(const Diagnosis& d);

// A failed request with what the rest of the world was doing at that moment.
struct FailureSample {
  core::RequestEvent request;
  std::string cause;                    // the failure class, e.g. "502 no live upstreams"
  std::vector<std::string> proxy_log;   // the proxy's error-log lines for this request
  std::vector<std::string> containers;  // "blue-blue-1: exited" at that instant
};

// Latency percentiles of a run's requests (scenario time), from reports::LatencyHistogram.
struct LatencySummary {
  int64_t count = 0;
  core::Duration p50{}, p90{}, p99{}, p999{}, max{};
};

struct RunResult {
  std::string scenario;  // name
  std::string scenario_dir;
  uint64_t seed = 0;
  double time_scale = 0;
  // The engine it ran on: "live" (real time, scaled) or "sim" (the deterministic engine).
  std::string engine = "live";
  // What served the run: the proxy ("bluegreen", or "nginx": the real binary) and the containers' app
  // ("fake" or "real" Next.js, of app_version).
  std::string proxy_engine = "bluegreen";
  std::string app_engine = "fake";
  std::string app_version;
  std::map<std::string, std::string> drawn;  // every drawn parameter, printed before the run
  // error until the judge gives a verdict: a result nobody judged proves nothing. The judge gives
  // one only when `error` is empty (nothing stopped the run before).
  core::Verdict verdict = core::Verdict::error;
  std::optional<core::Verdict> expected_verdict;  // none when the scenario states none
  std::string expected_invariant;
  std::string expected_cause;  // text one failure class must contain
  bool as_expected = true;
  std::string error;  // harness error text when verdict == error
  // The signal that stopped the run ("SIGINT", "SIGTERM", "SIGHUP"), "" when none: the run ended in
  // order but early, so its verdict is error and nothing is concluded from it.
  std::string interrupted;
  int64_t requests = 0, ok = 0, failed = 0, indeterminate = 0;
  int64_t late_sends = 0;  // requests the client sent more than 1 ms (real) after their time
  // From the intended send time (corrected for coordinated omission, as wrk2) and from the actual one.
  LatencySummary latency, latency_uncorrected;
  std::map<std::string, int64_t> failures_by_class;
  core::Duration outage{};  // total scenario time in which every finished request failed
  std::vector<InvariantResult> invariants;
  std::vector<SwapSummary> swaps;
  Losses before_first_swap;          // the steady state: lost before the first push
  std::vector<Diagnosis> diagnoses;  // by stretch, the races explaining most requests first
  std::vector<FailureSample> first_failures;
  std::string replay_command;
  double wall_seconds = 0;
  std::string history_path;  // the saved history (JSONL) the result was judged from
};

// "proxy bluegreen · app fake Next.js 12.2", "proxy nginx (real) · app real Next.js 14.1": what
// served the run, for the reports' headline and the demo's table.
std::string engines_line(const RunResult& r);

}  // namespace bg::reports
