// World's deployments: how a push reaches the host. The pipeline (GitHub Actions, or the abstract
// push -> build -> deploy) in front of the CodeDeploy agent, wired to the run's host, runners and
// Docker; a swap as the scenario's pushes; the initial deployment; and which hook runs now, which
// the shims name calls by.
#include <fmt/format.h>

#include <algorithm>

#include "fakes/codedeploy/agent.h"
#include "fakes/docker/docker_engine.h"
#include "fakes/host/host_layout.h"
#include "fakes/host/sandbox_host.h"
#include "fakes/pipeline/git_origin.h"
#include "fakes/pipeline/pipeline.h"
#include "fakes/pipeline/workflow_file.h"
#include "sim/own_files.h"
#include "sim/run_folder.h"
#include "sim/scenario_options.h"
#include "sim/staged_host.h"
#include "sim/workflow_hosts.h"
#include "sim/world.h"

namespace bg::sim {
namespace fs = std::filesystem;

std::unique_ptr<fakes::CodeDeployAgent> World::make_agent() {
  fakes::AgentOptions o = agent_options();
  // The agent's deployment root is the host's /opt/codedeploy-agent/deployment-root, a folder of the
  // run's own that the harness writes directly and the scripts see at its host path.
  o.deployment_root = staged_->layout().own_folder(kDeploymentRoot);
  o.host = &staged_->host().whole_host();
  o.revisions_root = staged_->dir();  // its path is a temporary folder's, different in every run
  o.on_event = [this](const core::DeployEvent& e) {
    {
      std::lock_guard lock(mutex_);
      if (e.kind == core::DeployEventKind::deployment_started) current_deployment_ = e.deployment;
      if (e.kind == core::DeployEventKind::hook_started) {
        current_hook_ = e.hook;
        current_script_ = e.script;
      }
    }
    // The deploy step of a workflow run ends once CodeDeploy has started its deployment.
    if (pipeline_) pipeline_->on_codedeploy_event(e);
  };
  return std::make_unique<fakes::CodeDeployAgent>(*clock_, history_, paths(), o);
}

std::unique_ptr<fakes::Pipeline> World::make_pipeline() {
  fakes::PipelineOptions o = pipeline_options(scenario_);
  o.source_dir = staged_->folder().bundle();
  o.s3_root = staged_->dir() / "s3";
  // The deployment runs on the pipeline's service thread; it ends early when the pipeline shuts
  // down or the whole run is stopped (its deadline), whichever comes first.
  o.create_deployment = [this](int number, const fs::path& bundle, std::stop_token service) {
    std::stop_source either;
    std::stop_callback on_service(service, [&] { either.request_stop(); });
    std::stop_callback on_run(stop_.get_token(), [&] { either.request_stop(); });
    return agent_->deploy(number, bundle, either.get_token());
  };
  if (const fakes::Workflow* workflow = staged_->workflow()) {
    fakes::WorkflowMode w;
    w.workflow = *workflow;
    w.push.branch = kBranch;
    w.push.repository = staged_->origin()->repository();
    w.origin = staged_->origin();
    w.hosts.new_runner = [this](int run, const std::string& job) -> std::unique_ptr<fakes::WorkflowHost> {
      RunnerWiring r{*clock_, staged_->dir() / "runners" / fmt::format("{}-{}", run, job), shim_program(),
                     host_program()};
      r.aws = pipeline_ ? pipeline_->aws_cli() : nullptr;
      r.origin = staged_->origin();
      r.time_scale = options_.time_scale;
      r.run = run;
      r.job = job;
      try {
        return std::make_unique<RunnerHost>(std::move(r));
      } catch (const std::exception& e) {
        // The runner's sandboxed host did not start (seen once under heavy load: its init was gone
        // before it could be watched). The harness failed, not the user's workflow: the run stops
        // and ends as an error that says so, rather than as a job the workflow failed.
        std::lock_guard lock(mutex_);
        if (harness_failure_.empty())
          harness_failure_ =
              fmt::format("workflow run {} job {}: a runner could not be started: {}", run, job, e.what());
        stop_.request_stop();
        return nullptr;
      }
    };
    deploy_host_ = std::make_unique<DeployHost>(*clock_, staged_->host(), paths(), shim_environment(),
                                                [this] { return not_modelled(); });
    w.hosts.deploy_host = deploy_host_.get();
    w.hosts.docker_build_push = [this](const fakes::DockerBuildPushAction& a, fakes::WorkflowHost& runner,
                                       std::stop_token stop) {
      return build_push_on_runner(*docker_, a, runner, stop);
    };
    w.hosts.deploy_default_user = staged_->layout().default_user();
    w.hosts.deploy_amazon_linux = scenario_.host.os == "amazon-linux-2";
    w.start_deployment = [this](const fakes::DeploymentRequest& r, std::stop_token stop) {
      return agent_->deploy(r.number, r.bundle_dir, stop);
    };
    o.workflow = std::move(w);
    o.first_run = 0;  // the initial deployment is the first push's run
  }
  return std::make_unique<fakes::Pipeline>(*clock_, history_, rng_.child("pipeline.build"), o);
}

// A commit id drawn from the seed: the same run pushes the same shas.
std::string World::next_sha() {
  std::string sha;
  for (int i = 0; i < 40; ++i) sha += "0123456789abcdef"[sha_rng_.uniform_int(0, 15)];
  return sha;
}

std::vector<fakes::WorkflowRun> World::swap() {
  const core::Time begin = clock_->now();
  std::vector<int> numbers;
  for (const auto at : drawn_.push_times(++swaps_)) {
    const core::Duration elapsed = clock_->now() - begin;
    if (at > elapsed && !clock_->sleep_for(at - elapsed, stop_.get_token())) break;
    numbers.push_back(pipeline_->push(next_sha()));
  }
  return runs_when_idle(numbers);
}

// The initial deployment of a folder that deploys through its workflow: the first push's run.
fakes::DeploymentResult World::deploy_through_workflow(int number) {
  fakes::DeploymentResult result;
  result.number = number;
  const auto runs = runs_when_idle({pipeline_->push(next_sha())});
  if (runs.empty()) {
    result.error = "the workflow run did not end";
    return result;
  }
  const fakes::WorkflowRun& run = runs.front();
  if (run.deployment) result = *run.deployment;  // `aws deploy create-deployment`: CodeDeploy's outcome
  result.number = number;
  result.succeeded = run.state == fakes::RunState::succeeded && (!run.deployment || run.deployment->succeeded);
  if (!result.succeeded && result.error.empty())
    result.error = fmt::format("workflow run {} {}: {}", run.number, fakes::to_string(run.state), run.detail);
  return result;
}

std::vector<fakes::WorkflowRun> World::runs_when_idle(const std::vector<int>& numbers) {
  // Bounded in real time by the run's deadline: the watchdog's stop ends the deployments, and this
  // wait then gives up on runs still in their build step.
  pipeline_->wait_idle(core::Duration::max(), stop_.get_token());
  std::vector<fakes::WorkflowRun> out;
  for (auto& run : pipeline_->runs())
    if (std::find(numbers.begin(), numbers.end(), run.number) != numbers.end()) out.push_back(std::move(run));
  // A workflow run that asked for something not modelled ends the run, as a script's call does.
  for (const auto& run : out)
    if (!run.not_modelled.empty() && !not_modelled()) {
      std::lock_guard lock(mutex_);
      workflow_not_modelled_ = fmt::format("{}: {}", staged_->workflow()->file, run.not_modelled);
      stop_.request_stop();
    }
  return out;
}

fakes::DeploymentResult World::deploy(int number) {
  {
    std::lock_guard lock(mutex_);
    current_deployment_ = number;
  }
  auto result = staged_->workflow() ? deploy_through_workflow(number)
                                    : agent_->deploy(number, staged_->folder().bundle(), stop_.get_token());
  // proxy.start: after_initial_deployment. A name that does not resolve fails it here, as nginx's
  // start would (host not found in upstream), and ends the run with that message. nginx in a
  // container (proxy.container) is started by the scripts, as any container is.
  if (!proxy_ && result.succeeded && scenario_.proxy.container.empty()) start_run_proxy();
  return result;
}

}  // namespace bg::sim
