#include "scenarios/survey/deploy_files.h"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <map>
#include <regex>
#include <sstream>

namespace bg::survey {
namespace {

std::string joined(const TextFile& f) {
  std::string text;
  for (const auto& l : f.lines) text += l + "\n";
  return text;
}

YAML::Node parse(const TextFile& f) {
  try {
    return YAML::Load(joined(f));
  } catch (const YAML::Exception& e) {
    throw SurveyError(fmt::format("{}:{}:{}: {}", f.path, e.mark.line + 1, e.mark.column + 1, e.msg));
  }
}

Source at(const TextFile& f, const YAML::Node& n) { return {f.path, n.Mark().line + 1}; }

std::string scalar(const YAML::Node& n) { return n && n.IsScalar() ? n.Scalar() : ""; }

Appspec read_appspec(const TextFile& f) {
  Appspec a;
  a.present = true;
  const YAML::Node root = parse(f);
  if (!root.IsMap()) return a;
  if (const auto files = root["files"]; files && files.IsSequence() && files.size() > 0) {
    a.destination = scalar(files[0]["destination"]);
    a.destination_at = at(f, files[0]["destination"] ? files[0]["destination"] : files[0]);
  }
  if (const auto hooks = root["hooks"]; hooks && hooks.IsMap()) {
    for (const auto& kv : hooks) {
      if (!kv.second.IsSequence()) continue;
      for (const auto& entry : kv.second) {
        std::string location = scalar(entry["location"]);
        if (!location.empty() && location.front() == '/') location.erase(0, 1);
        a.hooks.push_back({kv.first.Scalar(), location, scalar(entry["runas"]), at(f, entry)});
      }
    }
  }
  return a;
}

// The script lines of a step's `script:` or `run:` value: a block scalar's text starts on the line
// after its `|` or `>`.
std::vector<ShellLine> step_lines(const TextFile& f, const YAML::Node& value) {
  const auto mark = value.Mark();
  int first = mark.line + 1;
  if (mark.line >= 0 && static_cast<size_t>(mark.line) < f.lines.size()) {
    const std::string& raw = f.lines[static_cast<size_t>(mark.line)];
    if (static_cast<size_t>(mark.column) < raw.size() && (raw[mark.column] == '|' || raw[mark.column] == '>'))
      first = mark.line + 2;
  }
  // GitHub replaces `${{ expr }}` before the shell runs: one word, whatever spaces it holds.
  static const std::regex expression(R"(\$\{\{\s*([^}]*?)\s*\}\})");
  std::vector<std::string> text;
  std::string line;
  std::istringstream in(value.Scalar());
  while (std::getline(in, line)) text.push_back(std::regex_replace(line, expression, "$${{$1}}"));
  return shell_lines(f.path, first, text);
}

// `${{ env.NAME }}` replaced from the workflow's and the job's env:; other expressions are left.
std::string resolve_env(std::string text, const std::map<std::string, std::string>& env) {
  static const std::regex expr(R"(\$\{\{\s*env\.([A-Za-z_][A-Za-z0-9_]*)\s*\}\})");
  std::smatch m;
  while (std::regex_search(text, m, expr)) {
    auto it = env.find(m[1]);
    if (it == env.end()) break;
    text.replace(static_cast<size_t>(m.position(0)), static_cast<size_t>(m.length(0)), it->second);
  }
  return text;
}

void read_env(const YAML::Node& n, std::map<std::string, std::string>& env) {
  if (n && n.IsMap())
    for (const auto& kv : n) env[kv.first.Scalar()] = scalar(kv.second);
}

void read_step(const TextFile& f, const YAML::Node& step, const std::map<std::string, std::string>& env, Workflow& w) {
  const std::string uses = scalar(step["uses"]);
  const YAML::Node with = step["with"];
  if (uses.rfind("appleboy/ssh-action", 0) == 0 && with && with["script"]) {
    SshStep s{at(f, step["uses"]), {}, {}};
    s.script.origin = fmt::format("{}:{}", f.path, with["script"].Mark().line + 1);
    s.script.ssh_action = true;
    const std::string user = scalar(with["username"]);
    if (!user.empty() && user.find("${{") == std::string::npos) {
      s.script.ssh_user = user;
      s.user_at = at(f, with["username"]);
    }
    s.script.lines = step_lines(f, with["script"]);
    w.ssh_steps.push_back(std::move(s));
  }
  if (uses.rfind("docker/build-push-action", 0) == 0 && with && scalar(with["push"]) == "true") {
    std::istringstream tags(scalar(with["tags"]));
    for (std::string tag; std::getline(tags, tag, tag.find(',') == std::string::npos ? '\n' : ',');) {
      tag = resolve_env(tag, env);
      tag.erase(0, tag.find_first_not_of(" \t"));
      if (!tag.empty() && tag.find("${{") == std::string::npos) w.pushed_images.push_back({tag, at(f, with["tags"])});
    }
  }
  if (const YAML::Node run = step["run"]; run && run.IsScalar()) {
    for (const auto& line : step_lines(f, run)) {
      for (const auto& cmd : find_commands(line, "aws"))
        if (cmd.args.size() >= 2 && cmd.args[0] == "deploy" && cmd.args[1] == "create-deployment")
          w.create_deployment.push_back(cmd.at);
      for (const auto& cmd : find_commands(line, "docker"))
        if (cmd.args.size() >= 2 && cmd.args[0] == "push") {
          const std::string image = resolve_env(cmd.args[1], env);
          if (image.find('$') == std::string::npos) w.pushed_images.push_back({image, cmd.at});
        }
    }
  }
}

Workflow read_workflow(const TextFile& f) {
  Workflow w{f.path, {}, {}, {}, {}};
  const YAML::Node root = parse(f);
  if (!root.IsMap()) return w;
  // `on:` is the YAML 1.1 boolean `true` to some parsers; yaml-cpp keeps the text "on".
  if (const auto on = root["on"]; on && on.IsMap() && on["push"] && on["push"]["branches"])
    for (const auto& b : on["push"]["branches"]) w.push_branches.push_back(scalar(b));
  std::map<std::string, std::string> env;
  read_env(root["env"], env);
  if (const auto jobs = root["jobs"]; jobs && jobs.IsMap()) {
    for (const auto& job : jobs) {
      auto job_env = env;
      read_env(job.second["env"], job_env);
      if (const auto steps = job.second["steps"]; steps && steps.IsSequence())
        for (const auto& step : steps) read_step(f, step, job_env, w);
    }
  }
  return w;
}

bool is_workflow(const TextFile& f) {
  return f.folder() == ".github/workflows" && (f.name().ends_with(".yml") || f.name().ends_with(".yaml"));
}

}  // namespace

DeployFiles read_deploy_files(const FolderFiles& folder) {
  DeployFiles d;
  if (const TextFile* appspec = folder.find("appspec.yml")) d.appspec = read_appspec(*appspec);
  for (const auto& f : folder.files())
    if (is_workflow(f)) d.workflows.push_back(read_workflow(f));
  return d;
}

}  // namespace bg::survey
