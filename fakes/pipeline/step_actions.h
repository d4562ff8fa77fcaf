#pragma once
// StepAction: what one workflow step asks the run to do, with every expression evaluated and every
// action input defaulted as the action's action.yml / code does — a shell script on the runner, a
// checkout, a script over SSH on the deploy host, files over SCP, a docker build/push, variables for
// later steps — or a failure the action itself would report (a missing required input).
#include <map>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "core/time.h"
#include "fakes/pipeline/workflow_expression.h"
#include "fakes/pipeline/workflow_file.h"

namespace bg::fakes {

// `run:`: the runner writes the text to a file and runs the shell on it (GitHub docs, "jobs.<job_id>.
// steps[*].shell": unspecified `bash -e {0}`; `bash` = `bash --noprofile --norc -eo pipefail {0}`;
// `sh` = `sh -e {0}`; a custom `bash -x {0}` as written).
struct ShellAction {
  std::vector<std::string> argv;  // {0} replaced by script_path
  std::string script_path;        // $RUNNER_TEMP/<id>.sh on the runner
  std::string script;             // the run: text, expressions substituted
  std::string working_directory;  // absolute, on the runner
  Where source;                   // the workflow file and the line the script's first line is on
};

// actions/checkout: the pushed commit into `path` (default $GITHUB_WORKSPACE), `fetch_depth` commits.
struct CheckoutAction {
  std::string sha;
  std::string path;
  int fetch_depth = 1;  // 0: all history
};

// Nothing the run can observe (setup-node, setup-buildx, setup-qemu).
struct NoOpAction {
  std::string what;
};

// Variables the action exports for the job's later steps (configure-aws-credentials).
struct ExportAction {
  std::map<std::string, std::string> variables;
};

struct DockerLoginAction {
  std::string registry;  // "" = Docker Hub
  std::string username;
};

// docker/build-push-action. `git_context`: no `context:` input, so BuildKit builds the repository at
// the pushed commit (the action's default "Git context"), not the workspace.
struct DockerBuildPushAction {
  bool git_context = false;
  std::string context;  // absolute, on the runner (when !git_context)
  std::string file;     // Dockerfile: absolute on the runner, or relative to the git context
  std::vector<std::string> tags;
  bool push = false;
  bool load = false;
  std::map<std::string, std::string> build_args;
};

// appleboy/ssh-action: `command` run as `bash -c` by `user` in `home` on the deploy host.
struct SshScriptAction {
  std::string host;
  int port = 22;
  std::string user;
  bool user_from_secret = false;   // the username is a secret: the host's default user is meant
  std::string command;             // drone-ssh's text (ssh_action.h)
  std::vector<int> command_lines;  // per line of `command`: its line in the workflow file (0 = added)
  std::string file;                // the workflow file
  core::Duration command_timeout = std::chrono::minutes(10);
};

// appleboy/scp-action: `sources` (globs, relative to the workspace; `!x` excludes) into `target`.
struct ScpAction {
  std::string host;
  std::string user;
  bool user_from_secret = false;
  std::vector<std::string> sources;
  std::string target;
  int strip_components = 0;
  bool rm = false;
  bool overwrite = false;
};

// The action itself fails, with the message it prints (e.g. "Error: missing server host").
struct FailedAction {
  std::string message;
};

using StepAction = std::variant<ShellAction, CheckoutAction, NoOpAction, ExportAction, DockerLoginAction,
                                DockerBuildPushAction, SshScriptAction, ScpAction, FailedAction>;

// What a step sees when it starts.
struct StepScope {
  ExprContext context;                     // env = workflow + job env + GITHUB_ENV; steps; needs
  std::map<std::string, std::string> env;  // the process environment before the step's own `env:`
  RunDefaults defaults;                    // the job's `defaults.run` over the workflow's
  std::string workspace;                   // $GITHUB_WORKSPACE
  std::string script_id;                   // unique per step of the run: names the script file
};

// The step's own `env:` evaluated (GitHub evaluates each with the env context of the job).
std::map<std::string, std::string> step_env(const WorkflowStep& step, const StepScope& scope);

// Evaluates `step` into its action. Throws WorkflowError / core::NotModelled (a shell that is not
// bash or sh, a checkout of another repository or ref).
StepAction evaluate_step(const WorkflowStep& step, const StepScope& scope);

}  // namespace bg::fakes
