#pragma once
// Runs one scenario end to end and judges it: the initial deployment, warm-up, traffic, K swaps (each
// a push through the pipeline: workflow run, CodeDeploy deployment, the user's own hook scripts), a liveness
// phase, teardown; then every checker over the history. Harness errors become verdict "error" with
// the message, never an exception.
//
// The history streams to history.jsonl as the run goes (in the output folder, else in a run folder
// of its own removed afterwards) and is judged as it is appended, entry by entry in the file's order
// (never read back and parsed), so memory does not grow with the run's length. A signal
// (sim/interrupt.h) stops the run in order; the history then ends with the reason and the result
// says `interrupted`.
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/history.h"
#include "reports/run_result.h"
#include "scenarios/scenario.h"
#include "sim/engine.h"
#include "sim/live_progress.h"

namespace bg::sim {

struct RunProgress {
  int swap = 0, swaps = 0;
  int64_t requests_sent = 0;
  int64_t late_sends = 0;
  int failed_deployments = 0;  // so far, CodeDeploy's failures and refusals
};

struct RunOptions {
  Engine engine = Engine::live;      // sim: the deterministic engine (sim/engine.h)
  std::optional<uint64_t> seed;      // default: the scenario's
  std::optional<double> time_scale;  // default: the scenario's
  std::filesystem::path out_dir;     // where history.jsonl goes ("" = nowhere)
  bool keep_run_dir = false;
  bool bind_declared_ports = false;
  // `key=value` settings the caller already laid over the scenario (explore/scenario_overrides.h):
  // named in the replay command so that it reruns exactly this case.
  std::vector<std::string> overrides;
  // Progress lines, the seed and the drawn parameters first.
  std::function<void(const std::string&)> log = [](const std::string&) {};
  // Called after each swap (the soak benchmark prints the process's figures from it).
  std::function<void(const RunProgress&)> progress;
  // Kept up to date as the run goes, for a display reading it from another thread (nullptr: none).
  LiveProgress* live = nullptr;
  // Sees every entry of the history as it is appended, after the judge, in history.jsonl's order (the
  // CLI keeps what its HTML report charts: reports/report_history.h). Called on the history's writer
  // thread (core/history.h), every entry before the run returns: it must not append.
  std::function<void(const core::Entry&)> observe;
};

reports::RunResult run_scenario(const scenarios::Scenario& scenario, const RunOptions& options);

// The one command that replays a run exactly.
std::string replay_command(const scenarios::Scenario& scenario, uint64_t seed, std::optional<double> time_scale,
                           const std::vector<std::string>& overrides = {}, Engine engine = Engine::live);

}  // namespace bg::sim
