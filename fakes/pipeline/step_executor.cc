#include "fakes/pipeline/step_executor.h"

#include <glob.h>

#include <algorithm>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "fakes/pipeline/ssh_action.h"
#include "fakes/pipeline/workflow_run_plan.h"

namespace bg::fakes {

namespace fs = std::filesystem;

namespace {

void write_host_file(const WorkflowHost& host, const std::string& path, const std::string& text) {
  const fs::path real = host.files().resolve(path);
  fs::create_directories(real.parent_path());
  std::ofstream(real, std::ios::binary | std::ios::trunc) << text;
}

std::string read_host_file(const WorkflowHost& host, const std::string& path) {
  std::ifstream in(host.files().resolve(path), std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// A host command's end as a step result, with the failure line its runner prints.
StepResult from_host(const HostCommandResult& r, const std::string& failure_line) {
  StepResult s;
  s.exit_code = r.exit_code;
  s.out = r.out;
  s.err = r.err;
  s.not_modelled = r.not_modelled;
  if (r.stopped) {
    s.outcome = "cancelled";
    s.message = "The operation was canceled.";
  } else if (!r.spawn_error.empty()) {
    s.outcome = "failure";
    s.message = r.spawn_error;
  } else if (r.exit_code != 0 || r.timed_out) {
    s.outcome = "failure";
    s.message = failure_line;
  }
  return s;
}

StepResult shell(const ShellAction& a, StepRun& run, std::stop_token stop) {
  WorkflowHost& runner = *run.runner;
  write_host_file(runner, a.script_path, a.script);
  // The runner's file commands, one set per step (runner: _runner_file_commands/<name>_<guid>).
  const std::string dir = std::string(RunnerLayout::kTemp) + "/_runner_file_commands/";
  const std::map<std::string, std::string> files = {{"GITHUB_ENV", dir + "set_env_" + run.unique},
                                                    {"GITHUB_OUTPUT", dir + "set_output_" + run.unique},
                                                    {"GITHUB_PATH", dir + "add_path_" + run.unique},
                                                    {"GITHUB_STEP_SUMMARY", dir + "step_summary_" + run.unique}};
  HostCommand c;
  c.argv = a.argv;
  c.cwd = a.working_directory;
  c.env = run.env;
  for (const auto& [k, path] : files) {
    write_host_file(runner, path, "");
    c.env[k] = path;
  }
  c.env["GITHUB_ACTION"] = run.step_id;
  c.timeout = run.timeout;
  c.source_file = a.source.file;
  const size_t lines = static_cast<size_t>(std::count(a.script.begin(), a.script.end(), '\n')) + 1;
  for (size_t i = 0; i < lines; ++i) c.source_lines.push_back(a.source.line + static_cast<int>(i));
  std::error_code ec;
  if (!fs::is_directory(runner.files().resolve(a.working_directory), ec)) {
    StepResult s;
    s.outcome = "failure";
    s.message = fmt::format(
        "An error occurred trying to start process '/usr/bin/bash' with working directory '{}'. "
        "No such file or directory",
        a.working_directory);
    return s;
  }
  HostCommandResult r = runner.run(c, stop);
  StepResult s =
      from_host(r, r.timed_out ? fmt::format("The action has timed out after {} minutes.",
                                             std::chrono::duration_cast<std::chrono::minutes>(run.timeout).count())
                               : fmt::format("Process completed with exit code {}.", r.exit_code));
  s.set_env = parse_file_commands(read_host_file(runner, files.at("GITHUB_ENV")));
  s.outputs = parse_file_commands(read_host_file(runner, files.at("GITHUB_OUTPUT")));
  std::istringstream paths(read_host_file(runner, files.at("GITHUB_PATH")));
  for (std::string line; std::getline(paths, line);)
    if (!line.empty()) s.add_path.push_back(line);
  return s;
}

// Who the SSH session is: a username read from a secret is the host's default user (the one its
// key belongs to); a literal one must be a user of the host.
std::optional<std::pair<std::string, std::string>> ssh_user(const std::string& user, bool from_secret,
                                                            const WorkflowHosts& h) {
  const std::string name = from_secret ? h.deploy_default_user : user;
  if (name == "root") return std::make_pair(name, std::string("/root"));
  if (name == h.deploy_default_user) return std::make_pair(name, "/home/" + name);
  return std::nullopt;
}

constexpr const char* kAuthFailed =
    "ssh: handshake failed: ssh: unable to authenticate, attempted methods [none publickey], no supported methods "
    "remain";

StepResult ssh(const SshScriptAction& a, StepRun& run, std::stop_token stop) {
  StepResult s;
  const auto user = ssh_user(a.user, a.user_from_secret, *run.hosts);
  if (!run.hosts->deploy_host || !user) {
    s.outcome = "failure";
    s.message = run.hosts->deploy_host ? kAuthFailed : "dial tcp: connect: connection refused";
    return s;
  }
  HostCommand c;
  c.argv = {"bash", "-c", a.command};
  c.cwd = user->second;
  c.env = ssh_session_environment(user->first, user->second, run.hosts->deploy_amazon_linux);
  c.timeout = a.command_timeout;
  c.source_file = a.file;
  c.source_lines = a.command_lines;
  // Without CodeDeploy, the script on the host is the deployment: checkers see it as deployment
  // <run number>, from its start to its end.
  run.emit(core::DeployEventKind::deployment_started, fmt::format("appleboy/ssh-action on {}@{}", user->first, a.host));
  HostCommandResult r = run.hosts->deploy_host->run(c, stop);
  s = from_host(r, r.timed_out ? "Run Command Timeout" : fmt::format("Process exited with status {}", r.exit_code));
  const bool succeeded = s.outcome == "success";
  run.emit(succeeded ? core::DeployEventKind::deployment_succeeded : core::DeployEventKind::deployment_failed,
           succeeded ? "" : s.message);
  return s;
}

StepResult scp(const ScpAction& a, StepRun& run, std::stop_token stop) {
  StepResult s;
  const auto user = ssh_user(a.user, a.user_from_secret, *run.hosts);
  if (!run.hosts->deploy_host || !user) {
    s.outcome = "failure";
    s.message = kAuthFailed;
    return s;
  }
  WorkflowHost& runner = *run.runner;
  WorkflowHost& host = *run.hosts->deploy_host;
  const std::string ws = run.env.count("GITHUB_WORKSPACE") ? run.env.at("GITHUB_WORKSPACE") : RunnerLayout::kHome;
  // drone-scp globList: filepath.Glob of each source in the workspace, `!pattern` excluded.
  std::vector<std::string> tar{"tar"};
  std::vector<std::string> sources;
  const std::string real_ws = runner.files().resolve(ws).string();
  for (const auto& pattern : a.sources) {
    const bool exclude = !pattern.empty() && pattern[0] == '!';
    glob_t g{};
    const std::string p = real_ws + "/" + (exclude ? pattern.substr(1) : pattern);
    if (::glob(p.c_str(), 0, nullptr, &g) == 0)
      for (size_t i = 0; i < g.gl_pathc; ++i) {
        const std::string rel = fs::path(g.gl_pathv[i]).lexically_relative(real_ws).string();
        if (exclude)
          tar.insert(tar.end(), {"--exclude", rel});
        else
          sources.push_back(rel);
      }
    ::globfree(&g);
  }
  const std::string archive = fmt::format("{}/scp-{}.tar.gz", RunnerLayout::kTemp, run.unique);
  tar.insert(tar.end(), {"-zcf", archive});
  tar.insert(tar.end(), sources.begin(), sources.end());
  HostCommandResult packed = runner.run({tar, ws, run.env, run.timeout, "", {}}, stop);
  if (packed.exit_code != 0 || sources.empty())
    return from_host(packed.exit_code ? packed : HostCommandResult{1}, "tar: " + packed.err);
  // The archive reaches the host's /tmp, then: rm -rf target (rm), mkdir -p, untar there.
  const std::string on_host = fmt::format("/tmp/{}.tar.gz", run.unique);
  const fs::path real = host.files().resolve(on_host);
  fs::create_directories(real.parent_path());
  fs::copy_file(runner.files().resolve(archive), real, fs::copy_options::overwrite_existing);
  // drone-scp runs each as its own SSH command: rm -rf (rm), mkdir -p, tar -zxf, then removes the archive.
  const std::string home = user->second;
  const auto env = ssh_session_environment(user->first, home, run.hosts->deploy_amazon_linux);
  std::vector<std::vector<std::string>> commands;
  if (a.rm) commands.push_back({"rm", "-rf", a.target});
  commands.push_back({"mkdir", "-p", a.target});
  std::vector<std::string> untar{"tar", "-zxf", on_host};
  if (a.strip_components > 0) untar.insert(untar.end(), {"--strip-components", std::to_string(a.strip_components)});
  if (a.overwrite) untar.push_back("--overwrite");
  untar.insert(untar.end(), {"-C", a.target});
  commands.push_back(untar);
  HostCommandResult r;
  for (const auto& argv : commands) {
    r = host.run({argv, home, env, run.timeout, "", {}}, stop);
    if (r.exit_code != 0 || r.stopped) break;
  }
  host.run({{"rm", "-f", on_host}, home, env, run.timeout, "", {}}, stop);
  return from_host(r, fmt::format("error copy file to dest: {}, error message: {}", a.host, r.err));
}

}  // namespace

std::map<std::string, std::string> parse_file_commands(const std::string& text) {
  std::map<std::string, std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    const size_t heredoc = line.find("<<");
    const size_t eq = line.find('=');
    if (heredoc != std::string::npos && (eq == std::string::npos || heredoc < eq)) {
      const std::string name = line.substr(0, heredoc), delimiter = line.substr(heredoc + 2);
      std::string value, next;
      bool first = true;
      while (std::getline(in, next) && next != delimiter) {
        value += (first ? "" : "\n") + next;
        first = false;
      }
      out[name] = value;
    } else if (eq != std::string::npos) {
      out[line.substr(0, eq)] = line.substr(eq + 1);
    }
  }
  return out;
}

StepResult execute_step(const StepAction& action, StepRun& run, std::stop_token stop) {
  if (auto* a = std::get_if<ShellAction>(&action)) return shell(*a, run, stop);
  if (auto* a = std::get_if<SshScriptAction>(&action)) return ssh(*a, run, stop);
  if (auto* a = std::get_if<ScpAction>(&action)) return scp(*a, run, stop);
  StepResult s;
  if (auto* a = std::get_if<FailedAction>(&action)) {
    s.outcome = "failure";
    s.exit_code = 1;
    s.message = a->message;
  } else if (auto* a = std::get_if<CheckoutAction>(&action)) {
    try {
      run.origin->checkout(run.runner->files().resolve(a->path), a->sha, a->fetch_depth);
    } catch (const std::exception& e) {
      s.outcome = "failure";
      s.message = e.what();
    }
  } else if (auto* a = std::get_if<ExportAction>(&action)) {
    s.set_env = a->variables;
  } else if (auto* a = std::get_if<DockerLoginAction>(&action)) {
    if (run.hosts->docker_login) {
      ActionOutcome o = run.hosts->docker_login(*a);
      s.outcome = o.succeeded ? "success" : "failure";
      s.message = o.message;
      s.not_modelled = o.not_modelled;
    }
  } else if (auto* a = std::get_if<DockerBuildPushAction>(&action)) {
    DockerBuildPushAction b = *a;
    if (b.git_context) {
      // BuildKit's Git context: the pushed commit's tree, not the workspace.
      b.context = fmt::format("{}/git-context-{}", RunnerLayout::kTemp, run.unique);
      run.origin->export_tree(run.env.at("GITHUB_SHA"), run.runner->files().resolve(b.context));
      b.file = b.context + "/" + b.file;
    }
    if (!run.hosts->docker_build_push) {
      s.not_modelled = "docker/build-push-action without a registry wired to the run";
      s.outcome = "failure";
      return s;
    }
    ActionOutcome o = run.hosts->docker_build_push(b, *run.runner, stop);
    s.outcome = o.succeeded ? "success" : "failure";
    s.message = o.message;
    s.out = o.log;
    s.not_modelled = o.not_modelled;
  }
  return s;
}

}  // namespace bg::fakes
