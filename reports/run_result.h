#pragma once
// RunResult: what one run concluded, independent of how it is shown. Checkers and the run fill it;
// every report (JSON, Markdown) renders it. Times are scenario time.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/events.h"
#include "core/time.h"

namespace bg::reports {

// One invariant of races.md judged over a whole history.
struct InvariantResult {
  std::string name;                    // e.g. no_failed_requests
  bool held = true;
  int64_t violations = 0;              // how many requests or swaps broke it
  std::string summary;                 // one sentence a person reads first
  std::vector<std::string> evidence;   // the first few concrete cases, most telling first
};

// One swap (a deployment after traffic started): when each phase happened.
struct SwapSummary {
  int deployment = 0;
  bool succeeded = false;              // CodeDeploy's verdict on the deployment
  // Why CodeDeploy failed or refused it, in its words (semantics.md §4): "ApplicationStart failed:
  // Script at specified location: ... failed to complete in 20 seconds". "" when it succeeded.
  std::string deployment_error;
  std::string old_container;
  std::string new_container;
  std::optional<core::Time> started, finished;
  std::optional<core::Time> new_started, new_ready;
  std::optional<core::Time> new_first_traffic;       // when the first request the new color served was sent
  std::optional<core::Time> old_stop_requested, old_stopped;
  std::optional<core::Time> mixed_from, mixed_to;   // first new-build response .. last old-build response
  int64_t failed_requests = 0;         // requests whose outcome was not ok and ended during the swap
};

// A failed request with what the rest of the world was doing at that moment.
struct FailureSample {
  core::RequestEvent request;
  std::string cause;                   // the failure class, e.g. "502 no live upstreams"
  std::vector<std::string> proxy_log;  // the proxy's error-log lines for this request
  std::vector<std::string> containers; // "blue-blue-1: exited" at that instant
};

// Latency percentiles of a run's requests (scenario time), from reports::LatencyHistogram.
struct LatencySummary {
  int64_t count = 0;
  core::Duration p50{}, p90{}, p99{}, p999{}, max{};
};

struct RunResult {
  std::string scenario;                // name
  std::string scenario_dir;
  uint64_t seed = 0;
  double time_scale = 0;
  std::map<std::string, std::string> drawn;   // every drawn parameter, printed before the run
  std::string verdict;                 // held | violated | error
  std::string expected_verdict;        // "" when the scenario states none
  std::string expected_invariant;
  std::string expected_cause;          // text one failure class must contain
  bool as_expected = true;
  std::string error;                   // harness error text when verdict == error
  // The signal that stopped the run ("SIGINT", "SIGTERM", "SIGHUP"), "" when none: the run ended in
  // order but early, so its verdict is error and nothing is concluded from it.
  std::string interrupted;
  int64_t requests = 0, ok = 0, failed = 0, indeterminate = 0;
  int64_t late_sends = 0;              // requests the client sent more than 1 ms (real) after their time
  // From the intended send time (corrected for coordinated omission, as wrk2) and from the actual one.
  LatencySummary latency, latency_uncorrected;
  std::map<std::string, int64_t> failures_by_class;
  core::Duration outage{};             // total scenario time in which every finished request failed
  std::vector<InvariantResult> invariants;
  std::vector<SwapSummary> swaps;
  std::vector<FailureSample> first_failures;
  std::string replay_command;
  double wall_seconds = 0;
  std::string history_path;            // the saved history (JSONL) the result was judged from
};

}  // namespace bg::reports
