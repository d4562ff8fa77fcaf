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
//
// Workflow mode (PipelineOptions::workflow set: the folder has a `.github/workflows/*.yml`): a push
// commits the folder to the run's GitHub repository (GitOrigin) and its run is the workflow as
// written (WorkflowRunner): its `on.push` filter decides whether there is a run at all, its
// evaluated `concurrency` group (one WorkflowConcurrency per group) when it starts, its steps what
// happens — `aws deploy create-deployment` reaching CodeDeploy through aws_cli() and the
// CodeDeployService, appleboy/ssh-action running a script on the deploy host. The abstract build
// step and CreateDeployment are not used; scenarios without a workflow file keep them.
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
#include "core/duration_range.h"
#include "core/history.h"
#include "core/rng.h"
#include "core/scenario_condition.h"
#include "fakes/codedeploy/agent.h"
#include "fakes/pipeline/aws_cli.h"
#include "fakes/pipeline/codedeploy_service.h"
#include "fakes/pipeline/git_origin.h"
#include "fakes/pipeline/workflow_concurrency.h"
#include "fakes/pipeline/workflow_hosts.h"
#include "fakes/pipeline/workflow_run_plan.h"
#include "fakes/pipeline/workflow_runner.h"

namespace bg::fakes {

// Starts deployment `number` of the bundle and blocks until it ends: the lead wires it to
// CodeDeployAgent::deploy, which refuses at once when the group has an active deployment.
using CreateDeployment =
    std::function<DeploymentResult(int number, const std::filesystem::path& bundle, std::stop_token stop)>;

// The workflow as written, for workflow mode.
struct WorkflowMode {
  Workflow workflow;            // read_workflows(folder): the one workflow a push runs
  PushEvent push;               // repository, branch (main unless the scenario says) and actor
  RepositorySettings settings;  // vars; secrets are placeholders
  WorkflowHosts hosts;          // runners per job, the deploy host, build/push and login
  GitOrigin* origin = nullptr;  // the run's GitHub repository (a commit per push)
  // CodeDeploy's agent for `aws deploy create-deployment` (with the CLI's arguments); default:
  // create_deployment with the request's number and bundle.
  StartDeployment start_deployment;
};

struct PipelineOptions {
  std::filesystem::path source_dir;  // the deployment folder a push snapshots (appspec.yml at its root)
  std::filesystem::path s3_root;     // the bucket: bundles land in <s3_root>/<repo>/<sha>.zip/
                                     // (workflow mode: the run's S3, <s3_root>/<bucket>/<key>)
  std::filesystem::path work_dir;    // workflow mode: unpacked revisions (default <s3_root>/../revisions)
  std::string repo = "bluegreen";
  // The workflow's steps before the deploy; a range is drawn per workflow run, at its push.
  core::DurationRange build_duration = std::chrono::seconds(60);
  ConcurrencyGroup concurrency;  // none by default (§6)
  bool wait_for_deployment = false;
  CreateDeployment create_deployment;
  std::optional<WorkflowMode> workflow;  // set: workflow mode
  // The first push's run number. A run whose initial deployment is itself a workflow run (workflow
  // mode) numbers that run 0, so that run n is swap n as in the abstract mode.
  int first_run = 1;
};

// Scenario faults of one push.
struct PushFaults {
  std::optional<core::Duration> build_duration;  // a slow (or fast) build for this push
  bool build_fails = false;                      // the build step exits 1: no deployment
};

// `skipped`: workflow mode, the push's branch does not pass `on.push` (GitHub creates no run).
enum class RunState { queued, pending, running, succeeded, failed, cancelled, skipped };
const char* to_string(RunState state);

struct WorkflowRun {
  int number = 0;
  std::string sha;
  std::filesystem::path bundle;
  RunState state = RunState::queued;
  std::string detail;                          // why it failed or was cancelled
  std::optional<DeploymentResult> deployment;  // once it ended (refused, succeeded or failed)
  // Workflow mode: the run as carried out, and what it asked for that is not modelled (the run's
  // verdict must then be ERROR).
  std::optional<WorkflowRunResult> workflow;
  std::string not_modelled;
};

class Pipeline {
 public:
  // In workflow mode, plans a run of the workflow once (a placeholder push) so that an expression
  // GitHub would refuse or bluegreen does not model is found before anything runs: throws
  // WorkflowError / core::NotModelled.
  // `rng` is the stream each run's build_duration is drawn from (nothing else draws from it).
  Pipeline(core::Clock& clock, core::History& history, core::Rng rng, PipelineOptions options);
  ~Pipeline();  // shutdown()
  Pipeline(const Pipeline&) = delete;
  Pipeline& operator=(const Pipeline&) = delete;

  // Snapshots the source folder as the bundle of `sha` and queues a run; returns its number
  // (1, 2, ...). Non-blocking. Throws std::filesystem::filesystem_error when the copy fails.
  // Workflow mode: commits the folder (its message names `sha`; the run's github.sha is the
  // commit's) and queues the workflow's run, or records it skipped when `on.push` does not match;
  // `faults` do not apply there (std::invalid_argument).
  int push(const std::string& sha, PushFaults faults = {});

  // Optional: forward the CodeDeploy agent's events (AgentOptions::on_event) so a deploy step
  // without wait_for_deployment ends as soon as its deployment starts. Without it the step waits
  // until the deployment's outcome is known (the run's result is the same).
  void on_codedeploy_event(const core::DeployEvent& event);

  // Workflow mode: the `aws` command of the runners (their shim hands `aws` calls here), and the
  // CodeDeploy service behind it. Null in the abstract mode.
  AwsCli* aws_cli() { return aws_.get(); }
  CodeDeployService* codedeploy() { return codedeploy_.get(); }

  // Waits until every run and every deployment has ended (true), `span` of scenario time has
  // passed or `stop` came (false).
  bool wait_idle(core::Duration span, std::stop_token stop = {});
  // The runs not yet ended and the last 64 ended ones, by number.
  std::vector<WorkflowRun> runs() const;
  // Stops every run and deployment (their stop tokens) and joins the threads. Idempotent.
  void shutdown();

 private:
  struct Run;

  void run_workflow(Run& run, std::stop_token stop);
  void run_as_written(Run& run, std::stop_token stop);                     // workflow mode
  WorkflowConcurrency& concurrency_for(const ConcurrencyGroup& settings);  // under mutex_
  void deploy_step(Run& run, std::stop_token stop);
  void finish(Run& run, RunState state, core::DeployEventKind kind, const std::string& detail);
  void apply(const ConcurrencyDecision& decision, const WorkflowConcurrency& group);  // under mutex_
  void queue(Run& run);                                                               // under mutex_
  void start_workflow_mode();
  int push_workflow(const std::string& sha, const PushFaults& faults);
  void emit(core::DeployEventKind kind, int run, const std::string& detail);
  void join_ended_threads();

  core::Clock& clock_;
  core::History& history_;
  core::Rng build_rng_;
  PipelineOptions options_;

  mutable std::mutex mutex_;
  core::ScenarioCondition changed_;
  WorkflowConcurrency concurrency_;
  std::map<std::string, WorkflowConcurrency> groups_;  // workflow mode: by lower-cased group
  std::unique_ptr<CodeDeployService> codedeploy_;      // workflow mode
  std::unique_ptr<AwsCli> aws_;                        // workflow mode
  std::mutex push_mutex_;                              // workflow mode: one commit at a time
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
