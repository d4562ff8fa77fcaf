#include "sim/workflow_hosts.h"

#include <unistd.h>

#include <fstream>
#include <iterator>

#include <fmt/format.h>

#include "core/script_turns.h"
#include "fakes/codedeploy/script_runner.h"
#include "fakes/docker/docker_engine.h"
#include "fakes/docker/dockerfile.h"
#include "fakes/host/host_layout.h"
#include "fakes/host/sandbox_host.h"
#include "fakes/pipeline/aws_cli.h"
#include "fakes/pipeline/git_command.h"
#include "fakes/pipeline/git_origin.h"
#include "fakes/shim/shim_catalog.h"
#include "fakes/shim/shim_server.h"
#include "fakes/shim/sleep_command.h"
#include "fakes/shim/timeout_command.h"

namespace bg::sim {
namespace fs = std::filesystem;

namespace {

// Where every host sees the run's GitHub repositories (a bind of the run's github/ folder).
constexpr const char* kOriginsInside = "/run/bluegreen-github";

}  // namespace

fakes::HostCommandResult run_on_host(core::Clock& clock, const fakes::SandboxHost& host, const core::PathMap& files,
                                     const fakes::HostCommand& command, std::stop_token stop,
                                     const std::map<std::string, std::string>& harness_env) {
  fakes::HostCommandResult out;
  if (command.argv.empty()) {
    out.spawn_error = "an empty command";
    return out;
  }
  fakes::ScriptRequest r;
  // A program named without a path is looked up on the command's PATH, inside the host, by env(1).
  if (command.argv[0].find('/') == std::string::npos) {
    r.script = "/usr/bin/env";
    r.args = command.argv;
  } else {
    r.script = command.argv[0];
    r.args.assign(command.argv.begin() + 1, command.argv.end());
  }
  r.cwd = command.cwd.empty() ? "/" : command.cwd;
  if (!fs::is_directory(files.resolve(r.cwd))) r.cwd = "/";
  r.env = command.env;
  for (const auto& [k, v] : harness_env) r.env[k] = v;
  r.timeout = command.timeout;
  r.host = &host.whole_host();
  fakes::ScriptRunner runner(clock);
  fakes::ScriptResult s = runner.run(r, stop);
  out.exit_code = s.exit_code;
  out.timed_out = s.timed_out;
  out.stopped = s.stopped;
  out.out = std::move(s.out);
  out.err = std::move(s.err);
  out.spawn_error = s.spawn_error;
  return out;
}

fakes::HostCommandResult DeployHost::run(const fakes::HostCommand& command, std::stop_token stop) {
  const bool before = not_modelled_().has_value();
  fakes::HostCommandResult r = run_on_host(clock_, host_, files_, command, stop, harness_env_);
  if (!before)
    if (auto what = not_modelled_()) r.not_modelled = *what;
  return r;
}

RunnerHost::RunnerHost(RunnerWiring wiring) : w_(std::move(wiring)) {
  fakes::HostLayoutOptions o;
  o.run_dir = w_.folder;
  o.os = fakes::HostOs::ubuntu_22_04;
  o.user = "runner";  // GitHub's hosted runners run jobs as `runner` in /home/runner
  o.shim_binary = w_.shim_binary;
  for (const auto& p : fakes::shimmed_programs()) o.shims.push_back({p.name, p.paths});
  o.real_programs = fakes::real_programs_for_shims();
  o.user_namespace = ::geteuid() != 0;
  if (w_.origin) o.extra_binds.emplace_back(kOriginsInside, w_.origin->dir().parent_path().parent_path());
  fs::create_directories(w_.folder);
  layout_ = std::make_unique<fakes::HostLayout>(o);
  const fakes::MountPlan plan = layout_->prepare();
  host_ = std::make_unique<fakes::SandboxHost>(plan, w_.folder / "host-plan.json", w_.host_binary);
  files_.add("/", host_->root());
  shims_ = std::make_unique<fakes::ShimServer>(
      layout_->shim_socket(), [this](const fakes::ShimRequest& r, std::stop_token st) {
        return core::as_shim_call(w_.clock, r.env, r.pid, st, [&] { return handle(r, st); });
      });
  shims_->start();
}

RunnerHost::~RunnerHost() {
  if (shims_) shims_->stop();
  if (host_) host_->stop();
  shims_.reset();
  host_.reset();
  std::error_code ignored;
  fakes::HostLayout::remove_run_folder(w_.folder, ignored);
}

fakes::HostCommandResult RunnerHost::run(const fakes::HostCommand& command, std::stop_token stop) {
  {
    std::lock_guard lock(mutex_);
    not_modelled_.reset();
  }
  std::map<std::string, std::string> harness_env = {{fakes::kShimSocketEnv, fakes::HostLayout::kShimSocketInside}};
  fakes::HostCommandResult r = run_on_host(w_.clock, *host_, files_, command, stop, harness_env);
  std::lock_guard lock(mutex_);
  if (not_modelled_) r.not_modelled = *not_modelled_;
  return r;
}

// A runner's shims: `aws` is the run's AWS, `git` reaches only the run's GitHub, `sleep` and
// `timeout` are scenario time; everything else the catalogue names is not modelled on a runner (its
// docker is another daemon than the deploy host's, for one).
fakes::ShimReply RunnerHost::handle(const fakes::ShimRequest& request, std::stop_token stop) {
  fakes::ShimReply reply;
  core::CommandResult result;
  const std::string& program = request.program;
  if (program == "aws" && w_.aws) {
    fakes::AwsCaller caller{w_.run, w_.folder.filename().string(), &files_, request.cwd, request.env};
    result = w_.aws->run(request.args, caller, stop);
  } else if (program == "git" && w_.origin) {
    fakes::GitCommandContext ctx;
    ctx.origin = w_.origin;
    ctx.origin_path_in_host =
        (fs::path(kOriginsInside) / w_.origin->dir().parent_path().filename() / w_.origin->dir().filename()).string();
    ctx.remote_url = [this](const std::string& d, const std::string& n) {
      return fakes::git_remote_url(files_.resolve(d).string(), n);
    };
    ctx.remotes = [this](const std::string& d) { return fakes::git_remotes(files_.resolve(d).string()); };
    fakes::GitCommandPlan plan = fakes::plan_git_command(request.args, request.cwd, ctx);
    if (plan.answer) {
      result = *plan.answer;
    } else {
      reply.exec = {std::string(fakes::HostLayout::kRealProgramsInside) + "/git"};
      reply.exec.insert(reply.exec.end(), plan.args.begin(), plan.args.end());
      reply.exec_env = request.env;
      for (const auto& [k, v] : plan.env) reply.exec_env[k] = v;
      return reply;
    }
  } else if (program == "sleep") {
    auto parsed = fakes::parse_sleep_args(request.args);
    result = !parsed.total                             ? parsed.error
             : w_.clock.sleep_for(*parsed.total, stop) ? core::CommandResult{0, "", ""}
                                                       : core::CommandResult{143, "", ""};
  } else if (program == "timeout" && dynamic_cast<core::VirtualClock*>(&w_.clock)) {
    result = core::not_modelled_result(fakes::kTimeoutOnVirtualClock);
  } else if (program == "timeout") {
    reply.exec = {std::string(fakes::HostLayout::kRealProgramsInside) + "/timeout"};
    for (auto& a : fakes::scale_timeout_args(request.args, w_.time_scale)) reply.exec.push_back(a);
    return reply;
  } else {
    result = core::not_modelled_result(fmt::format("`{}` on a GitHub-hosted runner", program));
  }
  if (!result.not_modelled.empty()) {
    std::lock_guard lock(mutex_);
    if (!not_modelled_)
      not_modelled_ = fmt::format("`{} {}` on the runner of job {}: {} is not modelled", program,
                                  fmt::join(request.args, " "), w_.job, result.not_modelled);
  }
  reply.exit_code = result.exit_code;
  reply.out = std::move(result.out);
  reply.err = std::move(result.err);
  return reply;
}

fakes::ActionOutcome build_push_on_runner(fakes::DockerEngine& engine, const fakes::DockerBuildPushAction& action,
                                          fakes::WorkflowHost& runner, std::stop_token stop) {
  fakes::ActionOutcome o;
  if (action.load) {
    o.not_modelled = "docker/build-push-action with load: true (an image in the runner's own daemon)";
    o.succeeded = false;
    return o;
  }
  // docker/build-push-action: "ERROR: tag is needed when pushing to registry" (buildx, push without tags).
  if (action.push && action.tags.empty()) {
    o.succeeded = false;
    o.message = "ERROR: tag is needed when pushing to registry";
    return o;
  }
  const fs::path file = runner.files().resolve(action.file);
  std::ifstream in(file);
  if (!in) {
    o.succeeded = false;
    o.message = fmt::format("ERROR: failed to solve: failed to read dockerfile: open {}: no such file or directory",
                            fs::path(action.file).filename().string());
    return o;
  }
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  try {
    const fakes::Dockerfile dockerfile = fakes::parse_dockerfile(text);
    const fakes::Image image =
        engine.build_and_push_elsewhere(dockerfile, action.push ? action.tags : std::vector<std::string>{}, stop);
    for (const auto& tag : action.push ? action.tags : std::vector<std::string>{})
      o.log += fmt::format("#1 pushing {} with docker\n", tag);
    o.log += fmt::format("#1 DONE sha256:{}\n", image.id);
  } catch (const std::exception& e) {
    o.succeeded = false;
    o.message = fmt::format("ERROR: failed to solve: {}", e.what());
  }
  return o;
}

}  // namespace bg::sim
