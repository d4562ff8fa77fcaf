#include "sim/host_commands.h"

#include <unistd.h>

#include <mutex>
#include <thread>

#include <fmt/format.h>

#include <set>

#include "core/not_modelled.h"
#include "core/script_turns.h"
#include "fakes/codedeploy/script_runner.h"
#include "fakes/docker/compose_cli.h"
#include "fakes/docker/docker_cli.h"
#include "fakes/host/host_layout.h"
#include "fakes/host/sandbox_host.h"
#include "fakes/pipeline/git_command.h"
#include "fakes/shim/http_client_command.h"
#include "fakes/shim/service_command.h"
#include "fakes/shim/shim_catalog.h"
#include "fakes/shim/sleep_command.h"
#include "fakes/shim/sudo_command.h"
#include "fakes/shim/timeout_command.h"
#include "sim/emulated_http_client.h"
#include "proxy/nginx_cli.h"
#include "proxy/proxy_control.h"

namespace bg::sim {
namespace fs = std::filesystem;

namespace {

// Debian's and Ubuntu's nginx.service stops with `start-stop-daemon --quiet --stop --retry QUIT/5`
// (then SIGTERM, TimeoutStopSec=5): a graceful shutdown that requests in flight have 5 s to finish
// (docs/semantics.md, "systemctl and nginx"). The init script's STOP_SCHEDULE is QUIT/5/TERM/5 too.
constexpr core::Duration kNginxUnitQuitDrain = std::chrono::seconds(5);

// What the host calls itself (HostLayout's plan) and its private address: a script may name either.
const char* const kHostNames[] = {"localhost",     "127.0.0.1",      "0.0.0.0",    "::1",
                                  "ip6-localhost", "ip-172-31-7-10", "172.31.7.10"};
// Variables of the harness's own that survive sudo's reset environment: without them a command run
// through sudo could not reach the shims, nor say which script line called it.
const std::vector<std::string> kHarnessVariables = {fakes::kShimSocketEnv, "BASH_ENV", fakes::kScriptEnv,
                                                    core::kScriptTurnEnv, fakes::kLineEnv};

std::string command_line(const fakes::ShimRequest& r) {
  std::string s = r.program;
  for (const auto& a : r.args) s += " " + a;
  return s.size() > 200 ? s.substr(0, 200) + "..." : s;
}

}  // namespace

HostCommands::HostCommands(HostCommandsWiring wiring)
    : w_(std::move(wiring)), refused_port_(w_.ports.reserve_anonymous()) {}

std::optional<std::string> HostCommands::not_modelled() const {
  std::lock_guard lock(mutex_);
  return not_modelled_;
}

// The script's cwd as the fakes that still read files by real path see it.

fakes::ShimReply HostCommands::handle(const fakes::ShimRequest& request, std::stop_token stop) {
  core::ShimEvent event;
  event.start = w_.clock.now();
  event.program = request.program;
  event.args = request.args;
  event.cwd = request.cwd;
  std::tie(event.deployment, event.hook) = w_.current_hook();
  // Where the call came from: the BASH_ENV trap's script and line, else the hook's script.
  std::string script;
  if (auto it = request.env.find(fakes::kScriptEnv); it != request.env.end()) script = w_.user_file(it->second);
  if (auto it = request.env.find(fakes::kLineEnv); it != request.env.end() && !script.empty())
    event.line = std::atoi(it->second.c_str());
  event.script = script;
  fakes::ShimReply reply;
  core::CommandResult result;
  // A call also ends when its caller is gone (the script timed out and its group was killed): a
  // `sleep 3600` of a killed script must not keep sleeping, nor hold one of the server's workers.
  std::stop_source call;
  std::stop_callback on_stop(stop, [&] { call.request_stop(); });
  std::stop_callback on_run_stop(w_.run_stop, [&] { call.request_stop(); });
  CallerWatch::Guard watched =
      request.pid > 0 ? callers_.watch(w_.host.root() / "proc" / std::to_string(request.pid) / "stat", call)
                      : CallerWatch::Guard();
  try {
    result = dispatch(request, reply, call.get_token());
  } catch (const core::NotModelled& e) {
    result = core::not_modelled_result(e.subject());
  }
  event.end = w_.clock.now();
  event.exit_code = result.exit_code;
  event.out = result.out;
  event.err = result.err;
  event.not_modelled = result.not_modelled;
  if (!reply.exec.empty()) event.out = "exec: " + fmt::format("{}", fmt::join(reply.exec, " "));
  w_.history.append(event);
  if (!result.not_modelled.empty()) {
    const std::string where = !script.empty() ? (event.line ? fmt::format("{}:{}", script, event.line)
                                                            : script + " (a /bin/sh script: its line is not traced)")
                                              : fmt::format("the {} hook", event.hook.empty() ? "running" : event.hook);
    const std::string message =
        fmt::format("{}: `{}`: {} is not modelled by bluegreen, so no verdict is given about this run", where,
                    command_line(request), result.not_modelled);
    bool first = false;
    {
      std::lock_guard lock(mutex_);
      if (!not_modelled_) {
        not_modelled_ = message;
        first = true;
      }
    }
    if (first) w_.on_not_modelled(message);
  }
  if (!reply.exec.empty()) return reply;
  reply.exit_code = result.exit_code;
  reply.out = std::move(result.out);
  reply.err = std::move(result.err);
  return reply;
}

core::CommandResult HostCommands::dispatch(const fakes::ShimRequest& request, fakes::ShimReply& exec,
                                           std::stop_token stop) {
  const std::string& program = request.program;
  const fakes::ShimmedProgram* known = fakes::find_shimmed_program(program);
  if (!known) return {127, "", program + ": command not found\n"};
  if (!known->modelled) return core::not_modelled_result(fmt::format("`{}` ({})", program, known->why_not));
  // `docker compose` (the v2 plugin) gets the script's environment and host cwd like docker-compose.
  if (program == "docker" && !request.args.empty() && request.args[0] == "compose") {
    if (!w_.compose.dialect().is_cli_plugin())
      return {1, "", "docker: 'compose' is not a docker command.\nSee 'docker --help'\n"};
    return w_.compose.run({request.args.begin() + 1, request.args.end()}, request.cwd, request.env, stop);
  }
  // The docker CLI opens host paths (build contexts, cp, bind mounts) through the run's PathMap itself.
  if (program == "docker")
    return w_.docker.run(fakes::DockerCall{request.args, request.cwd, request.env, request.stdin}, stop);
  if (program == "docker-compose") return w_.compose.run(request.args, request.cwd, request.env, stop);
  if (program == "nginx")
    return proxy::run_nginx_command(w_.proxy(), request.args, w_.nginx_conf, w_.paths, w_.resolve_names);
  if (program == "systemctl" || program == "service") return service(request);
  if (program == "sudo") return sudo(request, exec);
  if (program == "curl" || program == "wget") return http_client(request, stop);
  if (program == "git") return git(request, exec);
  if (program == "aws") return core::not_modelled_result("`aws` on the deploy host (it calls AWS)");
  if (program == "sleep") {
    auto parsed = fakes::parse_sleep_args(request.args);
    if (!parsed.total) return parsed.error;
    // Killed by the run's teardown: as a real sleep killed by SIGTERM, exit 143.
    return w_.clock.sleep_for(*parsed.total, stop) ? core::CommandResult{0, "", ""} : core::CommandResult{143, "", ""};
  }
  if (program == "timeout" && dynamic_cast<core::VirtualClock*>(&w_.clock))
    return core::not_modelled_result(fakes::kTimeoutOnVirtualClock);
  if (program == "timeout") {
    exec.exec = {std::string(fakes::HostLayout::kRealProgramsInside) + "/timeout"};
    for (auto& a : fakes::scale_timeout_args(request.args, w_.time_scale)) exec.exec.push_back(a);
    return {};
  }
  return core::not_modelled_result(fmt::format("`{}`", program));
}

std::optional<uint16_t> HostCommands::owned_address(const std::string& host, uint16_t port) {
  for (const char* name : kHostNames)
    if (host == name) return w_.ports.map(port);
  return std::nullopt;
}

// curl and wget run for real, in the host's files (their -o, -d @file are the script's), on the
// harness's network, pointed at the run's own addresses only (fakes/shim/http_client_command.h).
core::CommandResult HostCommands::http_client(const fakes::ShimRequest& request, std::stop_token stop) {
  fakes::AddressBook owned = [this](const std::string& host, uint16_t port) { return owned_address(host, port); };
  if (w_.sim_network)
    return emulated_http_client({w_.clock, *w_.sim_network, w_.executor, w_.paths, owned}, request, stop);
  fakes::HttpClientPlan plan = request.program == "curl"
                                   ? fakes::plan_curl(request.args, owned, w_.time_scale, refused_port_)
                                   : fakes::plan_wget(request.args, owned, w_.time_scale);
  if (plan.refusal) return *plan.refusal;
  fakes::ScriptRequest run;
  run.script = std::string(fakes::HostLayout::kRealProgramsInside) + "/" + request.program;
  run.args = plan.args;
  run.cwd = request.cwd;
  run.stdin_data = plan.reads_stdin ? request.stdin : "";
  // A clean environment: no proxy variables can send it elsewhere.
  run.env = {{"PATH", "/usr/local/bin:/usr/bin:/bin"}, {"HOME", "/root"}, {"LANG", "C.UTF-8"}};
  run.timeout = std::chrono::hours(1);  // curl's own --max-time decides; the run's stop ends it sooner
  run.host = &w_.host.files_not_network();
  fakes::ScriptRunner runner(w_.clock, std::chrono::milliseconds(100));
  fakes::ScriptResult r = runner.run(run, stop);
  if (!r.spawn_error.empty()) return {127, "", r.spawn_error + "\n"};
  return {r.exit_code, r.out, r.err};
}

core::CommandResult HostCommands::service(const fakes::ShimRequest& request) {
  const bool systemctl = request.program == "systemctl";
  fakes::ServicePlan plan = systemctl ? fakes::plan_systemctl(request.args) : fakes::plan_service(request.args);
  if (plan.answer) return *plan.answer;
  const fakes::ServiceRequest& r = *plan.request;
  auto answer = [&](bool ok, bool running, const std::string& detail) {
    return systemctl ? fakes::systemctl_answer(r, ok, running, detail) : fakes::service_answer(r, ok, running, detail);
  };
  if (r.unit == "docker") {
    // The fake engine is always up; restarting the daemon (containers stop or survive per
    // live-restore) is not modelled.
    if (r.verb == fakes::ServiceVerb::stop || r.verb == fakes::ServiceVerb::restart)
      return core::not_modelled_result(fmt::format(
          "{} the docker daemon", systemctl ? "systemctl " + request.args[0] : "service docker " + request.args[1]));
    return answer(true, true, "");
  }
  proxy::ProxyControl* nginx = w_.proxy();
  const bool running = nginx && nginx->running();
  using V = fakes::ServiceVerb;
  switch (r.verb) {
    case V::status:
    case V::is_active:
    case V::is_enabled:
    case V::enable:
    case V::disable:
      return answer(true, running, "");
    case V::configtest: {
      core::CommandResult t = proxy::run_nginx_command(nginx, {"-t"}, w_.nginx_conf, w_.paths, w_.resolve_names);
      return answer(t.exit_code == 0, running, t.err);
    }
    case V::reload:
    case V::reload_or_restart:
    case V::try_restart:
      if (running) {
        // Debian's unit: ExecReload=/usr/sbin/nginx -g 'daemon on; master_process on;' -s reload.
        core::CommandResult reload =
            proxy::run_nginx_command(nginx, {"-s", "reload"}, w_.nginx_conf, w_.paths, w_.resolve_names);
        return answer(reload.exit_code == 0, true, reload.err);
      }
      if (r.verb == V::try_restart) return answer(true, false, "");
      if (r.verb == V::reload)
        return {
            1, "",
            fmt::format("{}: nginx.service is not active, cannot reload.\n", systemctl ? "nginx.service" : "nginx")};
      [[fallthrough]];
    case V::start:
      if (running) return answer(true, true, "");
      if (auto failed = w_.start_proxy()) return answer(false, false, *failed);
      return answer(true, true, "");
    case V::stop:
      if (nginx) nginx->quit(kNginxUnitQuitDrain);
      return answer(true, false, "");
    case V::restart: {
      // A stop, then a start whose ExecStartPre=nginx -t -q fails on a config that does not load:
      // nginx is then left stopped.
      core::CommandResult t = proxy::run_nginx_command(nginx, {"-t", "-q"}, w_.nginx_conf, w_.paths, w_.resolve_names);
      if (nginx) nginx->quit(kNginxUnitQuitDrain);
      if (t.exit_code != 0) return answer(false, false, t.err);
      if (auto failed = w_.start_proxy()) return answer(false, false, *failed);
      return answer(true, true, "");
    }
    case V::daemon_reload:
      return answer(true, running, "");
  }
  return answer(true, running, "");
}

// git on the host: local commands as they are; remote ones only towards the run's GitHub
// (fakes/pipeline/git_command.h), with the real git copied into the host.
core::CommandResult HostCommands::git(const fakes::ShimRequest& request, fakes::ShimReply& exec) {
  fakes::GitCommandContext ctx;
  ctx.origin = w_.origin;
  ctx.origin_path_in_host = w_.origin_in_host;
  ctx.remote_url = [this](const std::string& d, const std::string& n) {
    return fakes::git_remote_url(w_.paths.resolve(d).string(), n);
  };
  ctx.remotes = [this](const std::string& d) { return fakes::git_remotes(w_.paths.resolve(d).string()); };
  if (!w_.origin) {
    // Without a GitHub of the run, only what stays in the host is modelled.
    static const std::set<std::string> remote = {"fetch", "pull", "clone", "ls-remote", "remote", "push", "submodule"};
    for (const auto& a : request.args)
      if (!a.empty() && a[0] != '-') {
        if (remote.count(a)) return core::not_modelled_result("`git " + a + "` (it reaches a remote repository)");
        break;
      }
  }
  fakes::GitCommandPlan plan = w_.origin ? fakes::plan_git_command(request.args, request.cwd, ctx)
                                         : fakes::GitCommandPlan{std::nullopt, request.args, {}};
  if (plan.answer) return *plan.answer;
  exec.exec = {std::string(fakes::HostLayout::kRealProgramsInside) + "/git"};
  exec.exec.insert(exec.exec.end(), plan.args.begin(), plan.args.end());
  exec.exec_env = request.env;
  for (const auto& [k, v] : plan.env) exec.exec_env[k] = v;
  return {};
}

core::CommandResult HostCommands::sudo(const fakes::ShimRequest& request, fakes::ShimReply& exec) {
  fakes::SudoContext ctx;
  ctx.amazon_linux = w_.amazon_linux;
  ctx.env = request.env;
  ctx.harness_variables = kHarnessVariables;
  ctx.executable = [&](const std::string& p) {
    const fs::path on_host = fs::path(p).is_absolute() ? fs::path(p) : fs::path(request.cwd) / p;
    const fs::path real = w_.paths.resolve(on_host);
    std::error_code ec;
    return fs::is_regular_file(real, ec) && ::access(real.c_str(), X_OK) == 0;
  };
  fakes::SudoPlan plan = fakes::plan_sudo(request.args, ctx);
  if (plan.refusal) return *plan.refusal;
  exec.exec = plan.exec;
  exec.exec_env = plan.env;
  return {};
}

}  // namespace bg::sim
