#include "sim/run.h"

#include <fmt/format.h>

#include <chrono>
#include <fstream>
#include <thread>

#include "core/actor_thread.h"
#include "core/duration_range.h"
#include "core/history_reader.h"
#include "core/resource_limits.h"
#include "core/run_folder.h"
#include "core/shell_quote.h"
#include "core/stopwatch.h"
#include "fakes/codedeploy/agent.h"
#include "fakes/pipeline/pipeline.h"
#include "sim/interrupt.h"
#include "judge/judge.h"
#include "sim/world.h"

namespace bg::sim {
namespace {

// Fails the run (verdict error) with a message that names what went wrong.
struct HarnessError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

std::string describe_failure(const fakes::DeploymentResult& d) {
  std::string out = fmt::format("deployment {} ({}) failed: {}", d.number, d.deployment_id, d.error);
  for (const auto& hook : d.hooks)
    for (const auto& script : hook.scripts)
      if (!script.succeeded) {
        std::string tail = script.result.err.size() > 400 ? script.result.err.substr(script.result.err.size() - 400)
                                                          : script.result.err;
        out += fmt::format("\n  {} {}: {}\n  stderr: {}", fakes::to_string(hook.event), script.location, script.message,
                           tail);
      }
  return out;
}

// One line per workflow run of a swap that did not end in a successful deployment: a refused
// CreateDeployment (R12), a cancelled run, a failed build, or a failed deployment with its hook.
void log_runs(const std::vector<fakes::WorkflowRun>& runs, const RunOptions& options) {
  for (const auto& run : runs) {
    if (run.deployment && !run.deployment->refused && !run.deployment->succeeded) {
      options.log(describe_failure(*run.deployment));
    } else if (run.state != fakes::RunState::succeeded) {
      options.log(fmt::format("workflow run {} (sha {}) {}: {}", run.number, run.sha.substr(0, 7),
                              fakes::to_string(run.state), run.detail));
    }
  }
}

// Ends the run's blocking steps when the scenario's deadline passes (a hung script, a stuck port).
class Watchdog {
 public:
  Watchdog(World& world, core::Duration deadline) : world_(world) {
    // An actor on the deterministic engine: the deadline is scenario time there too.
    thread_ = core::start_actor(world_.clock(), core::order_key("watchdog"), [this, deadline](std::stop_token st) {
      if (world_.clock().sleep_for(deadline, st)) {
        fired_ = true;
        world_.request_stop();
      }
    });
  }
  bool fired() const { return fired_; }

 private:
  World& world_;
  std::atomic<bool> fired_{false};
  std::jthread thread_;
};

int failed_deployments(const std::vector<fakes::WorkflowRun>& runs) {
  int n = 0;
  for (const auto& run : runs) n += run.deployment && !run.deployment->succeeded;
  return n;
}

void run_phases(World& world, const scenarios::Scenario& s, const RunOptions& options, reports::RunResult& result) {
  LiveProgress unseen;  // when nobody displays the run
  LiveProgress& live = options.live ? *options.live : unseen;
  live.swaps = s.run.swaps;
  live.swap = 0;
  live.requests = 0;  // a caller running several cases (check) sees each from its start
  live.lost = 0;
  live.phase = RunPhase::starting;  // not the previous case's "judging" while this one starts
  world.start();
  live.phase = RunPhase::initial_deployment;
  options.log("initial deployment (no traffic yet)");
  world.phase(core::HarnessPhase::initial_deployment, 0);
  auto initial = world.deploy(0);
  if (!initial.succeeded)
    throw HarnessError("the initial deployment must succeed to test swaps; " + describe_failure(initial));
  live.phase = RunPhase::warm_up;
  if (!world.wait(s.run.warmup)) throw HarnessError("stopped during warm-up");

  options.log("traffic on");
  world.phase(core::HarnessPhase::traffic_started);
  world.start_traffic(options.live);
  RunProgress progress{0, s.run.swaps};
  for (int n = 1; n <= s.run.swaps; ++n) {
    live.phase = RunPhase::traffic;
    const core::Duration interval = world.swap_interval(n);
    if (!world.wait(interval)) throw HarnessError("stopped before swap " + std::to_string(n));
    // A range says what this swap drew, so that a report reader sees when its push came.
    const std::string drawn = core::drawn_note("swap_interval", interval, s.run.swap_interval);
    options.log(fmt::format("swap {} of {}{}", n, s.run.swaps, drawn.empty() ? "" : " after " + drawn));
    live.swap = n;
    live.phase = RunPhase::swap;
    world.phase(core::HarnessPhase::swap_started, n, drawn);
    // push -> workflow run -> CodeDeploy deployment -> hooks (semantics.md §6, §4).
    auto runs = world.swap();
    world.phase(core::HarnessPhase::swap_finished, n);
    log_runs(runs, options);
    progress.swap = n;
    progress.failed_deployments += failed_deployments(runs);
    if (options.progress) {
      progress.requests_sent = world.requests_sent();
      progress.late_sends = world.late_sends();
      options.progress(progress);
    }
  }
  world.phase(core::HarnessPhase::liveness_started);
  live.phase = RunPhase::liveness;
  if (!world.wait(s.run.liveness)) throw HarnessError("stopped during the liveness phase");
  world.stop_traffic();
  world.phase(core::HarnessPhase::traffic_stopped);
  live.phase = RunPhase::judging;
  result.late_sends = world.late_sends();
}

// Where the run's history streams: the output folder's history.jsonl, else a run folder of its own
// (removed once the run is judged; the result then names no history).
class HistoryFile {
 public:
  explicit HistoryFile(const std::filesystem::path& out_dir) {
    if (out_dir.empty()) {
      temp_ = core::make_run_folder(std::filesystem::temp_directory_path(), "bluegreen-history-");
      path_ = temp_ / "history.jsonl";
    } else {
      std::filesystem::create_directories(out_dir);
      path_ = out_dir / "history.jsonl";
    }
  }
  ~HistoryFile() {
    if (!temp_.empty()) core::remove_run_folder(temp_);
  }
  const std::filesystem::path& path() const { return path_; }
  bool kept() const { return temp_.empty(); }

 private:
  std::filesystem::path path_, temp_;
};

// An exception's text as the run's error; never empty, since an empty error is what lets the judge
// give a verdict.
std::string harness_error_text(const std::exception& e) {
  std::string what = e.what();
  return what.empty() ? "the harness failed without a message" : what;
}

// A run a signal stopped before it completed: an error that says which signal and where it was.
void mark_interrupted(reports::RunResult& result, const std::string& where) {
  result.verdict = core::Verdict::error;
  result.interrupted = Interrupt::signal_name();
  result.error = fmt::format("interrupted by {}{}", result.interrupted, where.empty() ? "" : ": " + where);
}

}  // namespace

std::string replay_command(const scenarios::Scenario& s, uint64_t seed, std::optional<double> time_scale,
                           const std::vector<std::string>& overrides, Engine engine) {
  // Quoted for the shell: the line is pasted as it is, and a folder may have spaces in its name.
  std::string cmd = fmt::format("bluegreen replay {} --seed {}", core::shell_quote(s.dir.string()), seed);
  if (engine == Engine::sim)
    cmd += " --engine sim";  // no time scale: virtual time has none
  else if (time_scale)
    cmd += fmt::format(" --time-scale {}", *time_scale);
  for (const auto& o : overrides) cmd += " --set " + core::shell_quote(o);
  return cmd;
}

namespace {

// The run itself, from the World's making to its history's end record. `judge` sees every entry as
// it is appended, in the order history.jsonl has them; returns what reading the file back would find.
core::HistoryRead run_world(const scenarios::Scenario& s, const RunOptions& options,
                            const std::filesystem::path& history_path, judge::HistoryJudge& judge,
                            reports::RunResult& result) {
  WorldOptions wo;
  wo.engine = options.engine;
  wo.seed = result.seed;
  wo.time_scale = result.time_scale;
  wo.bind_declared_ports = options.bind_declared_ports;
  wo.keep_run_dir = options.keep_run_dir;
  World world(s, wo);
  // Before streaming starts, so that the entries the World kept while it was made are judged too.
  world.history().set_observer([&judge, &options](const core::Entry& e) {
    judge.observe(e);
    if (options.observe) options.observe(e);
  });
  world.history().stream_to(history_path);
  result.drawn = world.drawn();
  options.log(fmt::format("scenario {} · seed {} · time scale {}", s.name, result.seed, result.time_scale));
  for (const auto& [k, v] : result.drawn) options.log(fmt::format("  drawn {} = {}", k, v));
  if (options.keep_run_dir) options.log("  run folder " + world.run_dir().string());
  // A first signal stops every blocking step; a second closes the history as it stands before the
  // CLI ends the process.
  auto registration = Interrupt::on_interrupt(
      [&world] { world.request_stop(); },
      [&world] {
        world.history().close(
            fmt::format("interrupted by {}, then stopped at once by a second signal", Interrupt::signal_name()),
            Interrupt::signal_name());
      });
  {
    Watchdog watchdog(world, s.run.deadline);
    try {
      run_phases(world, s, options, result);
    } catch (const std::exception& e) {
      if (Interrupt::requested())
        mark_interrupted(result, e.what());
      else {
        result.verdict = core::Verdict::error;
        result.error = watchdog.fired() ? fmt::format("the run passed its deadline of {}: {}",
                                                      core::format_seconds(s.run.deadline), e.what())
                                        : harness_error_text(e);
      }
    }
    // A script asked for something the fakes do not model: whatever happened after it says nothing
    // about the user's deployment, so the run ends as an error that names it. So does a part of the
    // harness that failed (what the workflow then reports, a job with no runner, is its effect).
    if (auto failed = world.harness_failure(); failed && result.interrupted.empty()) {
      result.verdict = core::Verdict::error;
      result.error = *failed;
    } else if (auto what = world.not_modelled(); what && result.interrupted.empty()) {
      result.verdict = core::Verdict::error;
      result.error = "not modelled: " + *what;
    }
  }
  world.shutdown();
  core::HistoryRead read;
  read.end = world.history().close(result.interrupted.empty() ? "" : result.error, result.interrupted);
  read.events = read.end->events;
  world.history().set_observer(nullptr);
  return read;
}

}  // namespace

reports::RunResult run_scenario(const scenarios::Scenario& s, const RunOptions& options) {
  const core::Stopwatch wall;
  reports::RunResult result;
  result.scenario = s.name;
  result.scenario_dir = s.dir.string();
  result.seed = options.seed.value_or(s.seed);
  result.time_scale = options.time_scale.value_or(s.time_scale);
  result.proxy_engine = s.proxy.engine;
  result.app_engine = s.app.engine;
  result.app_version = s.app.next_version;
  if (s.expect) {
    result.expected_verdict = s.expect->verdict;
    result.expected_invariant = s.expect->invariant;
    result.expected_cause = s.expect->cause;
  }
  result.engine = std::string(engine_name(options.engine));
  result.replay_command = replay_command(s, result.seed, options.time_scale, options.overrides, options.engine);
  core::raise_open_file_limit();
  // Folders of runs that were killed before they could remove them (their owner is gone).
  for (const auto& parent : core::run_folder_parents()) core::remove_stale_run_folders(parent);

  bool judged = false;
  if (Interrupt::requested()) {
    mark_interrupted(result, "before the run started");
  } else {
    try {
      HistoryFile history(options.out_dir);
      // Judged as it is produced: the same entries in the same order as history.jsonl, unparsed.
      judge::HistoryJudge judge;
      const auto read = run_world(s, options, history.path(), judge, result);
      judge.finish(read, result);
      judged = true;
      if (history.kept()) result.history_path = history.path().string();
    } catch (const std::exception& e) {
      result.verdict = core::Verdict::error;
      result.error = harness_error_text(e);
    }
  }
  if (!judged) judge::judge(std::vector<core::Entry>{}, result);
  if (result.verdict == core::Verdict::error) result.as_expected = false;
  result.wall_seconds = wall.seconds();
  return result;
}

}  // namespace bg::sim
