#pragma once
// execute_step: carries out one evaluated step (step_actions.h) on the run's hosts as GitHub's
// runner and the actions do — a `run:` script written to $RUNNER_TEMP and run by its shell with
// GITHUB_ENV / GITHUB_OUTPUT / GITHUB_PATH files whose lines become later steps' variables, outputs
// and PATH (GitHub docs, "Workflow commands": NAME=value and NAME<<DELIMITER forms); actions/checkout
// from the run's repository; ssh-action's command as `bash -c` by the user in their home on the deploy
// host; scp-action's tar on the runner and untar on the host; build/push and login through the lead's
// callbacks.
#include <functional>
#include <map>
#include <stop_token>
#include <string>
#include <vector>

#include "core/event_kinds.h"
#include "fakes/pipeline/git_origin.h"
#include "fakes/pipeline/step_actions.h"
#include "fakes/pipeline/workflow_hosts.h"

namespace bg::fakes {

struct StepRun {
  int run = 0;
  std::string job;
  std::string step_id;  // `id:`, or "__run", "__run_2"... as GITHUB_ACTION
  WorkflowHost* runner = nullptr;
  const WorkflowHosts* hosts = nullptr;
  const GitOrigin* origin = nullptr;
  std::map<std::string, std::string> env;  // the step's process environment
  core::Duration timeout = std::chrono::hours(6);
  std::string unique;  // names the step's files (unique in the run)
  // History events of the step ("deployment_started" around an ssh-action script...).
  std::function<void(core::DeployEventKind kind, const std::string& detail)> emit;
};

struct StepResult {
  std::string outcome = "success";  // success, failure, cancelled
  int exit_code = 0;
  std::string message;  // GitHub's line on failure ("Process completed with exit code 1.")
  std::string out, err;
  std::string not_modelled;                    // the step asked for something not modelled
  std::map<std::string, std::string> set_env;  // GITHUB_ENV and exported variables
  std::map<std::string, std::string> outputs;  // GITHUB_OUTPUT
  std::vector<std::string> add_path;           // GITHUB_PATH
};

StepResult execute_step(const StepAction& action, StepRun& run, std::stop_token stop);

// A GITHUB_ENV / GITHUB_OUTPUT file's assignments (exposed for tests).
std::map<std::string, std::string> parse_file_commands(const std::string& text);

}  // namespace bg::fakes
