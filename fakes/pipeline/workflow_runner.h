#pragma once
// WorkflowRunner: carries out one planned workflow run (workflow_run_plan.h) as GitHub does. Jobs
// start once every job they need has finished (jobs without a dependency between them run at the
// same time), each on a fresh runner; a job whose `if:` is false, or whose needs did not all
// succeed without an `if:` that says otherwise, is skipped. Steps run in order: a step's `if:`
// (implicitly success()) decides, a failed step fails the job unless `continue-on-error`, later
// steps see earlier ones' GITHUB_ENV, GITHUB_OUTPUT (`steps.<id>.outputs`) and GITHUB_PATH;
// `timeout-minutes` (step, and the job's 360 by default) bound them. The run's conclusion is
// failure when a job failed, cancelled when it was cancelled, else success.
//
// Simplification, named rather than silent: a step that would run after its run was cancelled
// (`if: always()` / `cancelled()`) is not run: the run reports it as not modelled.
#include <functional>
#include <stop_token>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/event_kinds.h"
#include "fakes/pipeline/git_origin.h"
#include "fakes/pipeline/step_executor.h"
#include "fakes/pipeline/workflow_hosts.h"
#include "fakes/pipeline/workflow_run_plan.h"

namespace bg::fakes {

struct StepRecord {
  std::string job;
  std::string name;        // as the run's log shows it
  std::string outcome;     // success, failure, cancelled, skipped
  std::string conclusion;  // after continue-on-error
  int exit_code = 0;
  std::string message;
  std::string out, err;
};

struct JobRecord {
  std::string id;
  std::string result;  // success, failure, cancelled, skipped
  std::map<std::string, std::string> outputs;
};

struct WorkflowRunResult {
  std::string conclusion;  // success, failure, cancelled
  std::string detail;      // the first failure's job, step and message
  std::vector<JobRecord> jobs;
  std::vector<StepRecord> steps;
  std::string not_modelled;  // set: the run asked for something not modelled (the run ends as ERROR)
};

struct WorkflowRunnerOptions {
  core::Clock* clock = nullptr;
  const WorkflowRunPlan* plan = nullptr;
  RepositorySettings settings;
  WorkflowHosts* hosts = nullptr;
  const GitOrigin* origin = nullptr;
  // History events (`kind`, detail): job_started, job_finished, step_started, step_finished, and
  // the ssh-action's deployment_* events.
  std::function<void(core::DeployEventKind kind, const std::string& detail)> emit;
};

class WorkflowRunner {
 public:
  explicit WorkflowRunner(WorkflowRunnerOptions options);
  // Runs every job to its end. `cancel`: the run is cancelled (its concurrency group, or the run's
  // end): the running steps are stopped, the jobs not started are cancelled.
  WorkflowRunResult run(std::stop_token cancel);

 private:
  struct Shared;
  struct Job;
  JobRecord run_job(const PlannedJob& planned, Shared& shared, std::stop_token cancel);
  bool start_job(const PlannedJob& planned, Shared& shared, std::stop_token cancel, Job& job, JobRecord& record);
  StepScope scope_for(const WorkflowStep& step, const Job& job, std::stop_token cancel) const;
  bool run_step(const WorkflowStep& step, Job& job, Shared& shared, std::stop_token cancel);

  WorkflowRunnerOptions o_;
};

}  // namespace bg::fakes
