#pragma once
// Pipeline: GitHub Actions + S3 + the CodeDeploy service in front of the agent (semantics.md §6 and
// §4). push(sha) snapshots the deployment folder into an S3-like folder keyed `$REPO/$SHA.zip`
// (simplification: a plain folder, not a zip; it plays both the commit and the uploaded bundle) and
// queues a workflow run. A run, when WorkflowConcurrency lets it start, spends `build_duration` of
// scenario time in its build step, then its deploy step calls CreateDeployment. CodeDeploy refuses
// a second active deployment of the group (DeploymentLimitExceededException, enforced by the agent):
// the run fails and that deploy is lost, not queued (races.md R12).
//
// Like `aws deploy create-deployment`, the deploy step ends once the deployment is created; the
// deployment then runs on its own (on a service thread here) and cancelling the workflow does not
// stop it. With `wait_for_deployment` the step also waits for the outcome, as
// `aws deploy wait deployment-successful` does, and fails with it.
//
// Every step is appended to the History as core::DeployEvent, `deployment` = the run number:
// push, workflow_queued, workflow_pending, workflow_started, build_finished, deployment_created,
// deployment_refused, workflow_succeeded, workflow_failed, workflow_cancelled (detail says why).
//
// Threads: one std::jthread per run and per created deployment, each waiting through
// core::Clock::sleep_for with its stop token; shutdown() (or the destructor) stops and joins them.
#include <condition_variable>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <stop_token>
#include <string>
#include <thread>
#include <vector>

#include "core/clock.h"
#include "core/history.h"
#include "fakes/codedeploy/agent.h"
#include "fakes/pipeline/workflow_concurrency.h"

namespace bg::fakes {

// Starts deployment `number` of the bundle and blocks until it ends: the lead wires it to
// CodeDeployAgent::deploy, which refuses at once when the group has an active deployment.
using CreateDeployment =
    std::function<DeploymentResult(int number, const std::filesystem::path& bundle, std::stop_token stop)>;

struct PipelineOptions {
  std::filesystem::path source_dir;  // the deployment folder a push snapshots (appspec.yml at its root)
  std::filesystem::path s3_root;     // the bucket: bundles land in <s3_root>/<repo>/<sha>.zip/
  std::string repo = "bluegreen";
  core::Duration build_duration = std::chrono::seconds(60);  // the workflow's steps before the deploy
  ConcurrencyGroup concurrency;                               // none by default (§6)
  bool wait_for_deployment = false;
  CreateDeployment create_deployment;
};

// Scenario faults of one push.
struct PushFaults {
  std::optional<core::Duration> build_duration;  // a slow (or fast) build for this push
  bool build_fails = false;                      // the build step exits 1: no deployment
};

enum class RunState { queued, pending, running, succeeded, failed, cancelled };
const char* to_string(RunState state);

struct WorkflowRun {
  int number = 0;
  std::string sha;
  std::filesystem::path bundle;
  RunState state = RunState::queued;
  std::string detail;  // why it failed or was cancelled
  std::optional<DeploymentResult> deployment;  // once it ended (refused, succeeded or failed)
};

class Pipeline {
 public:
  Pipeline(core::Clock& clock, core::History& history, PipelineOptions options);
  ~Pipeline();  // shutdown()
  Pipeline(const Pipeline&) = delete;
  Pipeline& operator=(const Pipeline&) = delete;

  // Snapshots the source folder as the bundle of `sha` and queues a run; returns its number
  // (1, 2, ...). Non-blocking. Throws std::filesystem::filesystem_error when the copy fails.
  int push(const std::string& sha, PushFaults faults = {});

  // Optional: forward the CodeDeploy agent's events (AgentOptions::on_event) so a deploy step
  // without wait_for_deployment ends as soon as its deployment starts. Without it the step waits
  // until the deployment's outcome is known (the run's result is the same).
  void on_codedeploy_event(const core::DeployEvent& event);

  // Waits (real time, bounded) until every run and every deployment has ended.
  bool wait_idle(std::chrono::nanoseconds real_deadline);
  // The runs not yet ended and the last 64 ended ones, by number.
  std::vector<WorkflowRun> runs() const;
  // Stops every run and deployment (their stop tokens) and joins the threads. Idempotent.
  void shutdown();

 private:
  struct Run;

  void run_workflow(Run& run, std::stop_token stop);
  void deploy_step(Run& run, std::stop_token stop);
  void finish(Run& run, RunState state, const std::string& kind, const std::string& detail);
  void apply(const ConcurrencyDecision& decision);  // under mutex_
  void emit(const std::string& kind, int run, const std::string& detail);
  void join_ended_threads();

  core::Clock& clock_;
  core::History& history_;
  PipelineOptions options_;

  mutable std::mutex mutex_;
  std::condition_variable_any changed_;
  WorkflowConcurrency concurrency_;
  std::map<int, std::unique_ptr<Run>> runs_;
  std::map<int, std::jthread> deployments_;  // created deployments, running on their own, by run
  // Threads that have ended but are not joined yet: an ended thread keeps its stack until joined, so
  // a run of a thousand swaps would hold two thousand stacks (push() joins them).
  std::vector<int> ended_deployments_, ended_runs_;
  int busy_deployments_ = 0;
  int next_run_ = 1;
  bool shut_down_ = false;
  std::stop_source service_stop_;  // ends deployments at shutdown only (not on cancellation)
};

}  // namespace bg::fakes
