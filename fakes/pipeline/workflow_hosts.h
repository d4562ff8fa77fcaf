#pragma once
// The machines a workflow run's steps act on, as the pipeline sees them: a GitHub-hosted runner per
// job (fresh for each job, as on GitHub) and the deploy host that appleboy/ssh-action and
// scp-action reach. The lead implements WorkflowHost over the run's sandboxed hosts (fakes/host);
// tests implement it over a temporary folder and bash.
#include <functional>
#include <map>
#include <memory>
#include <stop_token>
#include <string>
#include <vector>

#include "core/path_map.h"
#include "core/time.h"
#include "fakes/pipeline/step_actions.h"

namespace bg::fakes {

// A program to run on a host, to its end.
struct HostCommand {
  std::vector<std::string> argv;                   // argv[0]: a program on the host's PATH or an absolute path
  std::string cwd;                                 // a host path
  std::map<std::string, std::string> env;          // the whole environment
  core::Duration timeout = std::chrono::hours(6);  // scenario time; then the host ends the process group
  // Where the script's lines are written, for naming a line in messages: line i (1-based) of the
  // script is line source_lines[i-1] of source_file (0 = a line the action added).
  std::string source_file;
  std::vector<int> source_lines;
};

struct HostCommandResult {
  int exit_code = -1;
  bool timed_out = false;
  bool stopped = false;  // the stop token ended it
  std::string out;
  std::string err;
  std::string spawn_error;   // could not be started
  std::string not_modelled;  // a command of it asked for something not modelled (the shims said so)
};

class WorkflowHost {
 public:
  virtual ~WorkflowHost() = default;
  // The host's files (host path -> a path the harness can open).
  virtual const core::PathMap& files() const = 0;
  virtual HostCommandResult run(const HostCommand& command, std::stop_token stop) = 0;
};

// What an action outside the hosts' shells did (a build and push, a registry login).
struct ActionOutcome {
  bool succeeded = true;
  std::string message;  // the action's error line on failure
  std::string log;
  std::string not_modelled;
};

struct WorkflowHosts {
  // A fresh runner for job `job` of run `run`; it is dropped when the job ends.
  std::function<std::unique_ptr<WorkflowHost>(int run, const std::string& job)> new_runner;
  // ssh-action's and scp-action's target (the run's deploy host); null: those steps fail to connect.
  WorkflowHost* deploy_host = nullptr;
  std::string deploy_default_user = "ubuntu";  // who a username read from a secret is
  bool deploy_amazon_linux = false;
  // docker/build-push-action against the run's registry, building `action.context` on `runner`.
  std::function<ActionOutcome(const DockerBuildPushAction& action, WorkflowHost& runner, std::stop_token)>
      docker_build_push;
  // docker/login-action; null: every login succeeds (the run's registry accepts any).
  std::function<ActionOutcome(const DockerLoginAction&)> docker_login;
};

}  // namespace bg::fakes
