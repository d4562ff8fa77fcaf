#include "fakes/pipeline/workflow_file.h"

#include <algorithm>
#include <fstream>
#include <functional>
#include <regex>
#include <sstream>

#include "core/not_modelled.h"
#include "fakes/pipeline/workflow_yaml.h"

namespace bg::fakes {

namespace fs = std::filesystem;
using workflow_yaml::Reader;

std::string WorkflowStep::display_name() const {
  if (!name.empty()) return name;
  if (run) return "Run " + run->value.substr(0, run->value.find('\n'));
  return "Run " + (uses ? uses->value : std::string());
}

const WorkflowJob* Workflow::job(const std::string& id) const {
  for (const auto& j : jobs)
    if (j.id == id) return &j;
  return nullptr;
}

namespace {

// Every event GitHub accepts under `on:` (workflow-v1.0.json, on-mapping-strict).
const std::set<std::string> kEvents = {"branch_protection_rule",
                                       "check_run",
                                       "check_suite",
                                       "create",
                                       "delete",
                                       "deployment",
                                       "deployment_status",
                                       "discussion",
                                       "discussion_comment",
                                       "fork",
                                       "gollum",
                                       "image_version",
                                       "issue_comment",
                                       "issues",
                                       "label",
                                       "merge_group",
                                       "milestone",
                                       "page_build",
                                       "project",
                                       "project_card",
                                       "project_column",
                                       "public",
                                       "pull_request",
                                       "pull_request_comment",
                                       "pull_request_review",
                                       "pull_request_review_comment",
                                       "pull_request_target",
                                       "push",
                                       "registry_package",
                                       "release",
                                       "repository_dispatch",
                                       "schedule",
                                       "status",
                                       "watch",
                                       "workflow_call",
                                       "workflow_dispatch",
                                       "workflow_run"};

std::vector<std::string> values(const std::vector<Text>& texts) {
  std::vector<std::string> out;
  for (const auto& t : texts) out.push_back(t.value);
  return out;
}

void read_push(const Reader& r, const YAML::Node& n, PushTrigger& push) {
  push.enabled = true;
  if (!n || n.IsNull()) return;
  r.expect_keys(n, {"branches", "branches-ignore", "tags", "tags-ignore", "paths", "paths-ignore"});
  // Every push here pushes the whole folder again: which files it changes is not a fact of the run.
  for (const char* key : {"paths", "paths-ignore"})
    if (n[key]) r.not_modelled(n[key], fmt::format("`on.push.{}` (which files a push changes)", key));
  // "You cannot use both the branches and branches-ignore filters for the same event" (GitHub docs).
  if (n["branches"] && n["branches-ignore"])
    r.fail(n["branches-ignore"], "You cannot use both the branches and branches-ignore filters for the same event");
  if (n["tags"] && n["tags-ignore"])
    r.fail(n["tags-ignore"], "You cannot use both the tags and tags-ignore filters for the same event");
  if (n["branches"]) push.branches = values(r.text_list(n["branches"]));
  if (n["branches-ignore"]) push.branches_ignore = values(r.text_list(n["branches-ignore"]));
  if (n["tags"]) push.tags = values(r.text_list(n["tags"]));
  if (n["tags-ignore"]) push.tags_ignore = values(r.text_list(n["tags-ignore"]));
}

void read_on(const Reader& r, const YAML::Node& on, Workflow& w) {
  auto event = [&](const YAML::Node& key, const YAML::Node& value) {
    const std::string name = key.Scalar();
    if (!kEvents.count(name)) r.fail(key, fmt::format("Unexpected value '{}'", name));
    if (name == "push")
      read_push(r, value, w.push);
    else if (name == "workflow_dispatch")
      w.workflow_dispatch = true;
    else
      w.other_events.push_back(name);
  };
  if (on.IsScalar()) {
    event(on, YAML::Node());
  } else if (on.IsSequence()) {
    for (const auto& item : on) {
      if (!item.IsScalar()) r.fail(item, "Invalid format for 'on'");
      event(item, YAML::Node());
    }
  } else if (on.IsMap()) {
    for (const auto& kv : on) event(kv.first, kv.second);
  } else {
    r.fail(on, "Invalid format for 'on'");
  }
}

void read_concurrency(const Reader& r, const YAML::Node& n, Workflow& w) {
  if (n.IsMap()) {
    r.expect_keys(n, {"group", "cancel-in-progress"});
    if (!n["group"]) r.fail(n, "Required property is missing: group");
    w.concurrency_group = r.text(n["group"]);
    if (n["cancel-in-progress"]) w.cancel_in_progress = r.text(n["cancel-in-progress"]);
  } else {
    w.concurrency_group = r.text(n);
  }
  if (w.concurrency_group->value.empty()) r.fail(n, "Unexpected value ''");
}

const std::set<std::string> kHostedUbuntu = {"ubuntu-latest", "ubuntu-24.04", "ubuntu-22.04", "ubuntu-20.04"};

WorkflowJob read_job(const Reader& r, const YAML::Node& key, const YAML::Node& n) {
  WorkflowJob job;
  job.id = key.Scalar();
  job.where = r.at(key);
  if (!workflow_yaml::valid_id(job.id))
    r.fail(key, fmt::format("The identifier '{}' is invalid. IDs may only contain alphanumeric characters, '_', and "
                            "'-'. IDs must start with a letter or '_' and and must be less than 100 characters.",
                            job.id));
  r.expect_map(n);
  if (n["uses"]) r.not_modelled(n["uses"], "a job calling a reusable workflow (`jobs.<id>.uses`)");
  r.expect_keys(n, {"needs", "if", "strategy", "name", "runs-on", "timeout-minutes", "cancel-timeout-minutes",
                    "continue-on-error", "container", "services", "env", "environment", "permissions", "concurrency",
                    "outputs", "defaults", "steps", "snapshot"});
  for (const char* key_name : {"strategy", "container", "services", "concurrency", "snapshot"})
    if (n[key_name]) r.not_modelled(n[key_name], fmt::format("`jobs.{}.{}`", job.id, key_name));
  if (!n["runs-on"]) r.fail(key, "Required property is missing: runs-on");
  const YAML::Node runs_on = n["runs-on"];
  if (runs_on.IsMap()) r.not_modelled(runs_on, "a runner group (`runs-on: {group, labels}`)");
  for (const auto& label : r.text_list(runs_on)) {
    if (label.value.find("${{") != std::string::npos) r.not_modelled(runs_on, "an expression in runs-on");
    // GitHub's hosted Ubuntu runners only: a self-hosted runner would run the steps on a machine of
    // the user's (often the deploy host itself), Windows and macOS runners are other systems.
    if (!kHostedUbuntu.count(label.value))
      r.not_modelled(runs_on, fmt::format("`runs-on: {}` (modelled: GitHub-hosted {})", label.value,
                                          fmt::join(kHostedUbuntu, ", ")));
    job.runs_on.push_back(label.value);
  }
  if (n["name"]) job.name = r.text(n["name"]).value;
  if (n["needs"]) job.needs = r.text_list(n["needs"]);
  if (n["if"]) job.if_condition = r.text(n["if"]);
  if (n["env"]) job.env = r.text_map(n["env"]);
  if (n["outputs"]) job.outputs = r.text_map(n["outputs"]);
  if (n["defaults"]) job.defaults = r.defaults(n["defaults"]);
  if (n["timeout-minutes"]) job.timeout_minutes = r.minutes(n["timeout-minutes"]);
  if (n["continue-on-error"]) job.continue_on_error = r.text(n["continue-on-error"]);
  if (const auto env = n["environment"]) {
    // Accepted: an environment's protection rules (reviewers, wait timers) would pause the job for a
    // person; the run has none, and its secrets are placeholders like every other secret.
    if (env.IsMap()) {
      r.expect_keys(env, {"name", "url", "deployment"});
      if (!env["name"]) r.fail(env, "Required property is missing: name");
      job.environment = r.text(env["name"]);
    } else {
      job.environment = r.text(env);
    }
  }
  // `permissions:` only scopes GITHUB_TOKEN, which nothing here checks: accepted, no effect.
  if (n["steps"]) job.steps = workflow_yaml::read_steps(r, n["steps"]);
  return job;
}

// GitHub's checks of `needs` (workflow-parser/src/model/converter/jobs.ts): unknown jobs, cycles,
// and at least one job without dependencies.
void check_needs(const Reader& r, const Workflow& w, const YAML::Node& jobs_node) {
  bool any_root = false;
  for (const auto& job : w.jobs) {
    if (job.needs.empty()) any_root = true;
    for (const auto& need : job.needs)
      if (!w.job(need.value))
        r.fail(need.where, fmt::format("Job '{}' depends on unknown job '{}'.", job.id, need.value));
  }
  if (!any_root) r.fail(jobs_node, "The workflow must contain at least one job with no dependencies.");
  std::map<std::string, int> state;  // 0 new, 1 on the path, 2 done
  std::function<void(const WorkflowJob&)> visit = [&](const WorkflowJob& job) {
    state[job.id] = 1;
    for (const auto& need : job.needs) {
      if (state[need.value] == 1)
        r.fail(need.where, fmt::format("Job '{}' depends on job '{}' which creates a cycle in the dependency graph.",
                                       job.id, need.value));
      if (state[need.value] == 0) visit(*w.job(need.value));
    }
    state[job.id] = 2;
  };
  for (const auto& job : w.jobs)
    if (state[job.id] == 0) visit(job);
}

}  // namespace

Workflow parse_workflow_text(const std::string& text, const std::string& display_name) {
  Reader r(display_name, text);
  YAML::Node loaded;
  try {
    loaded = YAML::Load(text);
  } catch (const YAML::Exception& e) {
    r.fail(Where{display_name, e.mark.line + 1, e.mark.column + 1}, "You have an error in your yaml syntax: " + e.msg);
  }
  const YAML::Node root = loaded;  // const: lookups of absent keys must not add them
  if (!root.IsMap()) r.fail(root, "Unexpected value ''");
  r.expect_keys(root,
                {"on", "name", "description", "run-name", "defaults", "env", "permissions", "concurrency", "jobs"});
  Workflow w;
  w.file = display_name;
  w.name = root["name"] ? r.text(root["name"]).value : display_name;
  if (!root["on"]) r.fail(root, "No event triggers defined in `on`");
  read_on(r, root["on"], w);
  if (root["env"]) w.env = r.text_map(root["env"]);
  if (root["defaults"]) w.defaults = r.defaults(root["defaults"]);
  if (root["concurrency"]) read_concurrency(r, root["concurrency"], w);
  if (!root["jobs"]) r.fail(root, "Required property is missing: jobs");
  const YAML::Node jobs = root["jobs"];
  if (!jobs.IsMap()) r.fail(jobs, "Invalid format for jobs");
  std::vector<std::string> without_steps;
  for (const auto& kv : jobs) {
    w.jobs.push_back(read_job(r, kv.first, kv.second));
    if (w.jobs.back().steps.empty()) without_steps.push_back(w.jobs.back().id);
  }
  if (!without_steps.empty())
    r.fail(Where{display_name, 1, 1},
           fmt::format("No steps defined in `steps` and no workflow called in `uses` for the following jobs: {}",
                       fmt::join(without_steps, ", ")));
  check_needs(r, w, jobs);
  return w;
}

Workflow parse_workflow_file(const fs::path& path, const std::string& display_name) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw WorkflowError(display_name, 1, 1, "cannot read the workflow file");
  std::ostringstream text;
  text << in.rdbuf();
  return parse_workflow_text(text.str(), display_name);
}

std::vector<Workflow> read_workflows(const fs::path& folder) {
  const fs::path dir = folder / ".github" / "workflows";
  std::vector<fs::path> files;
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return {};
  for (const auto& entry : fs::directory_iterator(dir)) {
    const auto ext = entry.path().extension();
    if (entry.is_regular_file() && (ext == ".yml" || ext == ".yaml")) files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  std::vector<Workflow> out;
  for (const auto& f : files)
    out.push_back(parse_workflow_file(f, (fs::path(".github") / "workflows" / f.filename()).string()));
  return out;
}

bool filter_pattern_matches(const std::string& pattern, const std::string& name) {
  // GitHub's filter pattern cheat sheet, as regular expressions: `*` any run without '/', `**` any
  // run, `?` and `+` quantify the preceding character, `[...]` a class, `\` a literal next character.
  std::string re = "^";
  for (size_t i = 0; i < pattern.size(); ++i) {
    const char c = pattern[i];
    if (c == '\\' && i + 1 < pattern.size()) {
      re += '\\';
      re += pattern[++i];
    } else if (c == '*') {
      if (i + 1 < pattern.size() && pattern[i + 1] == '*') {
        re += ".*";
        ++i;
      } else {
        re += "[^/]*";
      }
    } else if (c == '?' || c == '+') {
      re += c;
    } else if (c == '[') {
      const size_t close = pattern.find(']', i);
      if (close == std::string::npos) return false;
      re += pattern.substr(i, close - i + 1);
      i = close;
    } else if (std::string(".^$|(){}").find(c) != std::string::npos) {
      re += '\\';
      re += c;
    } else {
      re += c;
    }
  }
  re += "$";
  try {
    return std::regex_match(name, std::regex(re));
  } catch (const std::regex_error&) {
    return false;
  }
}

namespace {
// Patterns in order; a later match decides, `!` negates (GitHub docs, "Patterns to match branches").
bool matches_list(const std::vector<std::string>& patterns, const std::string& name) {
  bool matched = false;
  for (const auto& p : patterns) {
    if (!p.empty() && p[0] == '!') {
      if (filter_pattern_matches(p.substr(1), name)) matched = false;
    } else if (filter_pattern_matches(p, name)) {
      matched = true;
    }
  }
  return matched;
}
}  // namespace

bool push_triggers_branch(const PushTrigger& push, const std::string& branch) {
  if (!push.enabled) return false;
  if (!push.branches.empty()) return matches_list(push.branches, branch);
  if (!push.branches_ignore.empty()) return !matches_list(push.branches_ignore, branch);
  // "If you define only tags/tags-ignore ..., the workflow won't run for events affecting the
  // undefined Git ref" (GitHub docs, on.push).
  return !push.has_tag_filter();
}

}  // namespace bg::fakes
