#pragma once
// Workflow: one `.github/workflows/*.yml` file as GitHub reads it, for what a push-triggered deploy
// workflow uses (https://docs.github.com/en/actions/writing-workflows/workflow-syntax-for-github-actions;
// the keys each mapping accepts are GitHub's own schema, actions/languageservices
// workflow-parser/src/workflow-v1.0.json). Values keep the text as written — expressions are
// evaluated when a run needs them (workflow_run_plan.h) — with where they were written, so that an
// error or a script's line can be named in the user's file.
//
// A file GitHub would refuse is a WorkflowError with GitHub's wording; a key, event filter, action or
// input GitHub accepts but bluegreen does not model is core::NotModelled naming it and file:line.
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "fakes/pipeline/workflow_error.h"

namespace bg::fakes {

// A scalar as written, and where. `content_line`: the line its text starts on (a block scalar's
// text starts on the line after `|`), so that line N of a script is line content_line + N - 1.
struct Text {
  std::string value;
  Where where;
  int content_line = 0;
};

// `on.push` (semantics: "Running your workflow only when a push to specific branches occurs").
struct PushTrigger {
  bool enabled = false;
  std::vector<std::string> branches, branches_ignore, tags, tags_ignore;  // patterns as written
  bool has_branch_filter() const { return !branches.empty() || !branches_ignore.empty(); }
  bool has_tag_filter() const { return !tags.empty() || !tags_ignore.empty(); }
};

struct WorkflowStep {
  Where where;       // the step's item
  int index = 0;     // 0-based within the job
  std::string name;  // as written ("" when none)
  std::string id;
  std::optional<Text> if_condition;
  // A `run:` step.
  std::optional<Text> run;
  std::optional<Text> shell;
  std::optional<Text> working_directory;
  // A `uses:` step: owner/repo[/path] and the ref after '@'.
  std::optional<Text> uses;
  std::string action;   // "appleboy/ssh-action"
  std::string version;  // "v1.0.3"
  std::map<std::string, Text> with;
  std::map<std::string, Text> env;
  std::optional<Text> continue_on_error;  // "true", "false" or an expression
  std::optional<double> timeout_minutes;
  // What the run's log calls it: name, else "Run <first line>" / "Run <action>@<ref>".
  std::string display_name() const;
};

struct RunDefaults {
  std::optional<Text> shell;
  std::optional<Text> working_directory;
};

struct WorkflowJob {
  std::string id;
  Where where;
  std::string name;
  std::vector<Text> needs;
  std::vector<std::string> runs_on;  // labels
  std::optional<Text> environment;   // accepted; protection rules (reviewers, wait timers) are not modelled
  std::optional<Text> if_condition;
  std::map<std::string, Text> env;
  RunDefaults defaults;
  std::optional<double> timeout_minutes;  // default 360
  std::optional<Text> continue_on_error;
  std::map<std::string, Text> outputs;
  std::vector<WorkflowStep> steps;
};

struct Workflow {
  std::string file;  // as the user names it: ".github/workflows/deploy.yml"
  std::string name;  // `name:`, else the file path (GitHub shows the path; github.workflow is it)
  PushTrigger push;
  bool workflow_dispatch = false;
  std::vector<std::string> other_events;  // pull_request, schedule...: never fired by a push
  std::map<std::string, Text> env;
  RunDefaults defaults;
  std::optional<Text> concurrency_group;   // `concurrency: x` or `{group: x}`
  std::optional<Text> cancel_in_progress;  // "true", "false" or an expression
  std::vector<WorkflowJob> jobs;           // in file order

  const WorkflowJob* job(const std::string& id) const;
};

// Parses one workflow file. `display_name` names it in messages (the path under the user's folder).
// Throws WorkflowError (GitHub would refuse it, including unreadable or invalid YAML) or
// core::NotModelled.
Workflow parse_workflow_file(const std::filesystem::path& path, const std::string& display_name);
Workflow parse_workflow_text(const std::string& text, const std::string& display_name);

// Every `.github/workflows/*.yml` / `*.yaml` of a deploy folder, by file name; empty when none.
std::vector<Workflow> read_workflows(const std::filesystem::path& folder);

// Whether branch `branch` passes `on.push`'s filters (GitHub's filter pattern cheat sheet: `*`, `**`,
// `?`, `+`, `[]`, `\` escapes, `!` negating earlier patterns; a push to a branch does not run a
// workflow filtered on tags only).
bool push_triggers_branch(const PushTrigger& push, const std::string& branch);
// One filter pattern against a name (exposed for tests).
bool filter_pattern_matches(const std::string& pattern, const std::string& name);

}  // namespace bg::fakes
