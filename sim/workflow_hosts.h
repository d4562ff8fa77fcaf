#pragma once
// The machines a workflow run's steps act on, made of sandboxed hosts (fakes/host): a fresh
// GitHub-hosted runner per job (Ubuntu, /home/runner, the real zip, tar and git, and shims for `aws`
// — the run's AWS — and `git` — the run's GitHub) and the run's own deploy host, which
// appleboy/ssh-action's script reaches. fakes/pipeline decides what a step does; these run it.
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <stop_token>
#include <string>

#include "core/clock.h"
#include "core/path_map.h"
#include "fakes/pipeline/workflow_hosts.h"

namespace bg::fakes {
class AwsCli;
class DockerEngine;
class GitOrigin;
class HostLayout;
class SandboxHost;
class ShimServer;
struct ShimReply;
struct ShimRequest;
}  // namespace bg::fakes

namespace bg::sim {

// Runs a HostCommand in one of a sandboxed host's processes, to its end or its timeout. The shims
// it reaches report not-modelled calls through `take_not_modelled`.
fakes::HostCommandResult run_on_host(core::Clock& clock, const fakes::SandboxHost& host, const core::PathMap& files,
                                     const fakes::HostCommand& command, std::stop_token stop,
                                     const std::map<std::string, std::string>& harness_env);

// docker/build-push-action on a runner: the Dockerfile at `action.file` (a runner path) built by
// the runner's own daemon and, with `push: true`, pushed to the run's registry under each tag, which
// the deploy host's `docker pull` then fetches. A Dockerfile the builder rejects fails the step with
// its message; `load: true` (into the runner's daemon) is not modelled.
fakes::ActionOutcome build_push_on_runner(fakes::DockerEngine& engine, const fakes::DockerBuildPushAction& action,
                                          fakes::WorkflowHost& runner, std::stop_token stop);

// The run's deploy host as fakes/pipeline sees it (ssh-action's and scp-action's target).
class DeployHost final : public fakes::WorkflowHost {
 public:
  DeployHost(core::Clock& clock, const fakes::SandboxHost& host, const core::PathMap& files,
             std::map<std::string, std::string> harness_env, std::function<std::optional<std::string>()> not_modelled)
      : clock_(clock),
        host_(host),
        files_(files),
        harness_env_(std::move(harness_env)),
        not_modelled_(std::move(not_modelled)) {}
  const core::PathMap& files() const override { return files_; }
  fakes::HostCommandResult run(const fakes::HostCommand& command, std::stop_token stop) override;

 private:
  core::Clock& clock_;
  const fakes::SandboxHost& host_;
  const core::PathMap& files_;
  std::map<std::string, std::string> harness_env_;
  std::function<std::optional<std::string>()> not_modelled_;
};

struct RunnerWiring {
  core::Clock& clock;
  std::filesystem::path folder;  // the runner's own folder of the run (removed with it)
  std::filesystem::path shim_binary;
  std::filesystem::path host_binary;
  fakes::AwsCli* aws = nullptr;
  const fakes::GitOrigin* origin = nullptr;
  double time_scale = 1;
  int run = 0;  // the workflow run it serves (CodeDeploy numbers from it)
  std::string job;
};

// One GitHub-hosted runner (ubuntu-latest) for one job: a sandboxed host of its own.
class RunnerHost final : public fakes::WorkflowHost {
 public:
  explicit RunnerHost(RunnerWiring wiring);  // starts the host; throws fakes::SandboxUnavailable
  ~RunnerHost() override;
  const core::PathMap& files() const override { return files_; }
  fakes::HostCommandResult run(const fakes::HostCommand& command, std::stop_token stop) override;

 private:
  fakes::ShimReply handle(const fakes::ShimRequest& request, std::stop_token stop);

  RunnerWiring w_;
  std::unique_ptr<fakes::HostLayout> layout_;
  std::unique_ptr<fakes::SandboxHost> host_;
  core::PathMap files_;
  std::unique_ptr<fakes::ShimServer> shims_;
  std::mutex mutex_;
  std::optional<std::string> not_modelled_;  // the first not-modelled call of the running command
};

}  // namespace bg::sim
