#pragma once
// WorkflowRunPlan: what one push makes of one workflow — whether `on.push` runs it for the pushed
// branch, its concurrency group (expressions evaluated with the push's github context), the
// `github` context and runner variables its steps see, and its jobs in `needs` order. Step fields
// are evaluated when the step runs (they may read earlier steps' outputs and GITHUB_ENV), but every
// expression of the workflow is checked here, once, so that a run meets a NotModelled or a
// GitHub rejection before it starts, not halfway through a swap.
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "fakes/pipeline/workflow_concurrency.h"
#include "fakes/pipeline/workflow_expression.h"
#include "fakes/pipeline/workflow_file.h"

namespace bg::fakes {

// The push a run is for. Pushes are to `main` unless the scenario says otherwise.
struct PushEvent {
  std::string sha;  // the pushed commit (40 hex)
  std::string branch = "main";
  std::string repository = "acme/web";  // owner/name
  std::string actor = "octocat";        // who pushed
  int run_number = 1;                   // github.run_number (1, 2, ... per workflow)
  int64_t run_id = 1;
};

// What the run knows of the repository's settings. A secret's value is never known: `secrets.X`
// evaluates to a placeholder naming it (the deploy host and the run's AWS accept any credential).
struct RepositorySettings {
  std::map<std::string, std::string> vars;
  std::function<std::string(const std::string&)> secret;  // default: secret_placeholder
};
std::string secret_placeholder(const std::string& name);  // "***SSH_KEY***" (GitHub masks secrets as ***)

// Where GitHub's hosted Ubuntu runner keeps things (runner images: /home/runner/work/<repo>/<repo>).
struct RunnerLayout {
  static constexpr const char* kHome = "/home/runner";
  static constexpr const char* kTemp = "/home/runner/work/_temp";
  static constexpr const char* kToolCache = "/opt/hostedtoolcache";
  // $GITHUB_WORKSPACE for "owner/name": /home/runner/work/name/name.
  static std::string workspace(const std::string& repository);
};

struct PlannedJob {
  const WorkflowJob* job = nullptr;
  std::vector<std::string> needs;  // ids, as written
};

struct WorkflowRunPlan {
  const Workflow* workflow = nullptr;
  PushEvent push;
  bool triggered = false;
  std::string not_triggered_because;          // when !triggered: which filter
  ConcurrencyGroup concurrency;               // group "" = none
  std::map<std::string, std::string> github;  // the github context (flat members)
  std::vector<PlannedJob> jobs;               // a job after every job it needs; file order otherwise

  // The context a field of `job` sees before any step has run (env: workflow's, then the job's).
  ExprContext context_for(const WorkflowJob& job, const RepositorySettings& settings) const;
  // GitHub's default variables of a run: step (GITHUB_SHA, GITHUB_REF, GITHUB_WORKSPACE, CI...), as
  // the runner sets them for `job`.
  std::map<std::string, std::string> default_variables(const WorkflowJob& job) const;
};

// Plans `workflow`'s run for `push`. Throws WorkflowError / core::NotModelled for an expression
// anywhere in the workflow that GitHub would reject or bluegreen does not model.
WorkflowRunPlan plan_workflow_run(const Workflow& workflow, const PushEvent& push, const RepositorySettings& settings);

}  // namespace bg::fakes
