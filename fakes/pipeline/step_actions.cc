#include "fakes/pipeline/step_actions.h"

#include <cctype>
#include <sstream>

#include "core/not_modelled.h"
#include "fakes/pipeline/ssh_action.h"
#include "fakes/pipeline/workflow_actions.h"
#include "fakes/pipeline/workflow_run_plan.h"

namespace bg::fakes {

namespace {

std::string trim(const std::string& s) {
  size_t a = 0, b = s.size();
  while (a < b && std::isspace(static_cast<unsigned char>(s[a]))) ++a;
  while (b > a && std::isspace(static_cast<unsigned char>(s[b - 1]))) --b;
  return s.substr(a, b - a);
}

// Inputs evaluated, with the action's defaults for those not given.
class Inputs {
 public:
  Inputs(const WorkflowStep& step, const ExprContext& c, std::map<std::string, std::string> defaults)
      : values_(std::move(defaults)) {
    for (const auto& [k, t] : step.with) {
      values_[k] = evaluate_template(t.value, c, t.where);
      from_secret_[k] = t.value.find("secrets.") != std::string::npos;
    }
  }
  std::string get(const std::string& k) const {
    auto it = values_.find(k);
    return it == values_.end() ? "" : it->second;
  }
  bool has(const std::string& k) const { return !get(k).empty(); }
  // @actions/core getBooleanInput: true/True/TRUE or false/False/FALSE (anything else throws there;
  // read as false here only when empty).
  bool flag(const std::string& k) const {
    const std::string v = get(k);
    return v == "true" || v == "True" || v == "TRUE";
  }
  bool from_secret(const std::string& k) const {
    auto it = from_secret_.find(k);
    return it != from_secret_.end() && it->second;
  }
  const std::map<std::string, std::string>& all() const { return values_; }

 private:
  std::map<std::string, std::string> values_;
  std::map<std::string, bool> from_secret_;
};

// docker/actions-toolkit Util.getInputList: lines, then comma-separated items (unless
// ignore_comma), trimmed, empty ones dropped.
std::vector<std::string> input_list(const std::string& text, bool ignore_comma) {
  std::vector<std::string> out;
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) {
    std::vector<std::string> items;
    if (ignore_comma) {
      items.push_back(line);
    } else {
      std::istringstream parts(line);
      for (std::string part; std::getline(parts, part, ',');) items.push_back(part);
    }
    for (auto& i : items)
      if (!trim(i).empty()) out.push_back(trim(i));
  }
  return out;
}

std::string join_path(const std::string& base, const std::string& rel) {
  if (rel.empty() || rel == ".") return base;
  if (rel[0] == '/') return rel;
  std::string r = rel.rfind("./", 0) == 0 ? rel.substr(2) : rel;
  return base + "/" + r;
}

ShellAction shell_step(const WorkflowStep& step, const StepScope& s) {
  ShellAction a;
  a.script = evaluate_template(step.run->value, s.context, step.run->where);
  a.source = step.run->where;
  a.source.line = step.run->content_line;
  std::string shell;
  if (step.shell)
    shell = evaluate_template(step.shell->value, s.context, step.shell->where);
  else if (s.defaults.shell)
    shell = s.defaults.shell->value;
  const Where& where = step.shell ? step.shell->where : step.run->where;
  a.script_path = std::string("/home/runner/work/_temp/") + s.script_id + ".sh";
  // GitHub docs, "jobs.<job_id>.steps[*].shell" (Linux runners).
  std::string command;
  if (shell.empty())
    command = "bash -e {0}";
  else if (shell == "bash")
    command = "bash --noprofile --norc -eo pipefail {0}";
  else if (shell == "sh")
    command = "sh -e {0}";
  else
    command = shell.find("{0}") == std::string::npos ? shell + " {0}" : shell;
  std::istringstream words(command);
  for (std::string w; words >> w;) a.argv.push_back(w == "{0}" ? a.script_path : w);
  const std::string program = a.argv.empty() ? "" : a.argv[0].substr(a.argv[0].rfind('/') + 1);
  if (program != "bash" && program != "sh")
    throw core::NotModelled(fmt::format("the step shell `{}` (modelled: bash, sh) in {}", shell, where.str()));
  std::string wd;
  if (step.working_directory)
    wd = evaluate_template(step.working_directory->value, s.context, step.working_directory->where);
  else if (s.defaults.working_directory)
    wd = s.defaults.working_directory->value;
  a.working_directory = join_path(s.workspace, wd);
  return a;
}

StepAction checkout_step(const WorkflowStep& step, const StepScope& s) {
  Inputs in(step, s.context, {{"repository", s.context.github.at("repository")}, {"fetch-depth", "1"}});
  const Where& at = step.uses->where;
  if (in.get("repository") != s.context.github.at("repository"))
    throw core::NotModelled(fmt::format("checking out another repository ({}) in {}", in.get("repository"), at.str()));
  const std::string ref = in.get("ref");
  const auto& g = s.context.github;
  if (!ref.empty() && ref != g.at("sha") && ref != g.at("ref") && ref != g.at("ref_name"))
    throw core::NotModelled(fmt::format("checking out `ref: {}` (modelled: the pushed commit) in {}", ref, at.str()));
  CheckoutAction a;
  a.sha = g.at("sha");
  a.path = join_path(s.workspace, in.get("path"));
  try {
    a.fetch_depth = std::stoi(in.get("fetch-depth"));
  } catch (...) {
    return FailedAction{fmt::format("Invalid fetch-depth '{}'", in.get("fetch-depth"))};
  }
  return a;
}

StepAction aws_credentials_step(const WorkflowStep& step, const StepScope& s) {
  Inputs in(step, s.context, {});
  // configure-aws-credentials v4 (src/index.ts): aws-region is required; static keys are exported,
  // an assumed role's temporary keys likewise (placeholders: the run's AWS accepts any).
  if (!in.has("aws-region")) return FailedAction{"Input required and not supplied: aws-region"};
  ExportAction a;
  a.variables["AWS_REGION"] = in.get("aws-region");
  a.variables["AWS_DEFAULT_REGION"] = in.get("aws-region");
  if (in.has("role-to-assume")) {
    a.variables["AWS_ACCESS_KEY_ID"] = "ASIAEXAMPLEASSUMED01";
    a.variables["AWS_SECRET_ACCESS_KEY"] = secret_placeholder("AWS_SECRET_ACCESS_KEY");
    a.variables["AWS_SESSION_TOKEN"] = secret_placeholder("AWS_SESSION_TOKEN");
  } else if (in.has("aws-access-key-id")) {
    a.variables["AWS_ACCESS_KEY_ID"] = in.get("aws-access-key-id");
    a.variables["AWS_SECRET_ACCESS_KEY"] = in.get("aws-secret-access-key");
    if (in.has("aws-session-token")) a.variables["AWS_SESSION_TOKEN"] = in.get("aws-session-token");
  } else if (!s.env.count("AWS_ACCESS_KEY_ID")) {
    return FailedAction{
        "Credentials could not be loaded, please check your action inputs: Could not load credentials from any "
        "providers"};
  }
  return a;
}

StepAction build_push_step(const WorkflowStep& step, const StepScope& s) {
  Inputs in(step, s.context, {{"push", "false"}, {"load", "false"}});
  DockerBuildPushAction a;
  a.git_context = !in.has("context");
  if (!a.git_context) a.context = join_path(s.workspace, in.get("context"));
  // "Path to the Dockerfile (default {context}/Dockerfile)"; a relative `file` is the workspace's.
  if (in.has("file"))
    a.file = a.git_context ? in.get("file") : join_path(s.workspace, in.get("file"));
  else
    a.file = a.git_context ? "Dockerfile" : a.context + "/Dockerfile";
  a.tags = input_list(in.get("tags"), false);
  a.push = in.flag("push");
  a.load = in.flag("load");
  for (const auto& arg : input_list(in.get("build-args"), true)) {
    const size_t eq = arg.find('=');
    a.build_args[arg.substr(0, eq)] = eq == std::string::npos ? "" : arg.substr(eq + 1);
  }
  return a;
}

StepAction ssh_step(const WorkflowStep& step, const StepScope& s, const std::map<std::string, std::string>& env) {
  // Defaults: appleboy/ssh-action action.yml v1.0.3 (port 22, timeout 30s, command_timeout 10m);
  // drone-ssh main.go v1.7.3 (username "root" when not given).
  Inputs in(step, s.context, {{"port", "22"}, {"timeout", "30s"}, {"command_timeout", "10m"}});
  if (!in.has("host")) return FailedAction{"Error: missing server host"};
  if (split_string_slice(in.get("host")).size() > 1)
    throw core::NotModelled(fmt::format("ssh-action with several hosts in {}", step.with.at("host").where.str()));
  if (!in.has("key") && !in.has("password") && !in.has("key_path"))
    return FailedAction{"Error: can't connect without a private SSH key or password"};
  SshScriptAction a;
  a.host = in.get("host");
  a.user = in.has("username") ? in.get("username") : "root";
  a.user_from_secret = in.from_secret("username");
  try {
    a.port = std::stoi(in.get("port"));
  } catch (...) {
    return FailedAction{fmt::format(
        "could not parse \"{}\" as int value from environment variable \"INPUT_PORT\" for flag port", in.get("port"))};
  }
  const auto timeout = parse_go_duration(in.get("command_timeout"));
  if (!timeout)
    return FailedAction{
        fmt::format("could not parse \"{}\" as duration value from environment variable "
                    "\"INPUT_COMMAND_TIMEOUT\" for flag command.timeout",
                    in.get("command_timeout"))};
  a.command_timeout = *timeout;
  // The action's process environment: the step's variables and one INPUT_<NAME> per input.
  std::map<std::string, std::string> action_env = env;
  for (const auto& [k, v] : in.all()) {
    std::string name = "INPUT_" + k;
    for (auto& c : name) c = c == ' ' ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    action_env[name] = v;
  }
  const std::string script = in.get("script");
  const bool stop = in.flag("script_stop");
  SshCommand cmd = build_ssh_command(script, stop, split_string_slice(in.get("envs")), in.flag("allenvs"),
                                     in.get("envs_format"), action_env);
  a.command = cmd.command;
  a.file = step.uses->where.file;
  const int first = step.with.count("script") ? step.with.at("script").content_line : 0;
  for (int l : cmd.script_lines) a.command_lines.push_back(l && first ? first + l - 1 : 0);
  return a;
}

StepAction scp_step(const WorkflowStep& step, const StepScope& s) {
  Inputs in(step, s.context, {{"port", "22"}, {"strip_components", "0"}});
  if (!in.has("host")) return FailedAction{"Error: missing server host"};
  if (!in.has("source") || !in.has("target")) return FailedAction{"missing source or target config"};
  ScpAction a;
  a.host = in.get("host");
  a.user = in.has("username") ? in.get("username") : "root";
  a.user_from_secret = in.from_secret("username");
  a.sources = split_string_slice(in.get("source"));
  a.target = in.get("target");
  try {
    a.strip_components = std::stoi(in.get("strip_components"));
  } catch (...) {
    return FailedAction{fmt::format("invalid strip_components '{}'", in.get("strip_components"))};
  }
  a.rm = in.flag("rm");
  a.overwrite = in.flag("overwrite");
  return a;
}

}  // namespace

std::map<std::string, std::string> step_env(const WorkflowStep& step, const StepScope& scope) {
  std::map<std::string, std::string> out;
  for (const auto& [k, t] : step.env) out[k] = evaluate_template(t.value, scope.context, t.where);
  return out;
}

StepAction evaluate_step(const WorkflowStep& step, const StepScope& scope) {
  if (step.run) return shell_step(step, scope);
  std::map<std::string, std::string> env = scope.env;
  for (const auto& [k, v] : step_env(step, scope)) env[k] = v;
  const ModelledAction& action = check_action_step(step);
  switch (action.kind) {
    case ActionKind::checkout:
      return checkout_step(step, scope);
    case ActionKind::setup_node:
      return NoOpAction{action.name + ": Node.js on the runner"};
    case ActionKind::docker_setup:
      return NoOpAction{action.name + ": the runner's image builder"};
    case ActionKind::aws_credentials: {
      StepScope with_env = scope;
      with_env.env = env;
      return aws_credentials_step(step, with_env);
    }
    case ActionKind::docker_login: {
      Inputs in(step, scope.context, {});
      if (!in.has("username") || !in.has("password")) return FailedAction{"Username and password required"};
      return DockerLoginAction{in.get("registry"), in.get("username")};
    }
    case ActionKind::docker_build_push:
      return build_push_step(step, scope);
    case ActionKind::ssh_script:
      return ssh_step(step, scope, env);
    case ActionKind::scp_files:
      return scp_step(step, scope);
  }
  throw core::NotModelled(fmt::format("`uses: {}` in {}", step.uses->value, step.uses->where.str()));
}

}  // namespace bg::fakes
