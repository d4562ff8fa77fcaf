#pragma once
// CodeDeployAgent: the CodeDeploy service and host agent of one deployment group on one instance,
// in-place (semantics.md §4): unpacks a revision, runs the lifecycle events in order with the
// users' hook scripts as real child processes, copies `files` during Install, and allows one active
// deployment per group. Everything it does is appended to the run's History as core::DeployEvent.
#include <filesystem>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <stop_token>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/events.h"
#include "core/history.h"
#include "core/path_map.h"
#include "fakes/codedeploy/appspec.h"
#include "fakes/codedeploy/hook_sequencer.h"
#include "fakes/codedeploy/script_runner.h"

namespace bg::fakes {

struct AgentOptions {
  // Plays the agent's /opt/codedeploy-agent/deployment-root: archives go to
  // <root>/<group-id>/<deployment-id>/deployment-archive, state to <root>/deployment-instructions.
  std::filesystem::path deployment_root;
  // The same folder as the instance's processes see it (/opt/codedeploy-agent/deployment-root),
  // and the instance (the run's sandboxed host) scripts run in; empty and nullptr: scripts run on this
  // machine with real paths (unit tests).
  std::filesystem::path deployment_root_on_host;
  const core::NamespaceEntry* host = nullptr;
  std::string application_name = "bluegreen";
  std::string deployment_group_name = "bluegreen-group";
  std::string deployment_group_id = "b1ue9ree-0000-4000-8000-000000000001";
  // The scripts' base environment (PATH with the shim folder first, BASH_ENV, the shims' socket...).
  // Scripts inherit nothing else; CodeDeploy's variables are added per script. PATH defaults to the
  // system's when absent.
  std::map<std::string, std::string> environment;
  // Called with each DeployEvent right after it is appended (e.g. to tell the shims which hook runs).
  std::function<void(const core::DeployEvent&)> on_event;
  // Scenario time between SIGTERM and SIGKILL when a script times out or the run stops.
  core::Duration kill_grace = std::chrono::seconds(2);
  // The folder revisions are named relative to in the history (the run's folder: its revisions are
  // `bundle` and `s3/<bucket>/<sha>.zip`), so that two runs of one seed record the same words; empty:
  // full paths.
  std::filesystem::path revisions_root;
  // `--ignore-application-stop-failures` (semantics.md §4 "Failure").
  bool ignore_application_stop_failures = false;
  // The agent configuration's :max_revisions: (default 5): how many deployment folders of the group,
  // the current one included, stay under the deployment root; DownloadBundle removes the oldest
  // others, never the last successful one (semantics.md §4 "Deployment root").
  int max_revisions = 5;
};

struct ScriptOutcome {
  std::string location;  // as written in the appspec
  bool succeeded = false;
  std::string message;  // the agent's wording on failure ("Script at specified location: ...")
  ScriptResult result;
};

struct HookResult {
  LifecycleEvent event = LifecycleEvent::Start;
  Revision revision = Revision::none;
  bool succeeded = false;
  std::string message;  // why it failed; "" on success
  std::vector<ScriptOutcome> scripts;
  core::Time start{};
  core::Time end{};
};

struct DeploymentResult {
  int number = 0;
  std::string deployment_id;
  bool refused = false;  // DeploymentLimitExceededException: nothing ran
  bool succeeded = false;
  std::string error;  // refusal or failure reason; "" on success
  std::optional<LifecycleEvent> failed_event;
  std::vector<HookResult> hooks;  // every lifecycle event that ran, in order
  std::filesystem::path deployment_dir;
  core::Time start{};
  core::Time end{};
};

class CodeDeployAgent {
 public:
  CodeDeployAgent(core::Clock& clock, core::History& history, const core::PathMap& paths, AgentOptions options);

  // Runs deployment `number` of the revision in `bundle_dir` (its root holds appspec.yml) to the end.
  // A deploy() while another of this group is active is refused at once and never runs (semantics.md
  // §4 "Concurrency"). `stop` ends a running script (its event fails) and skips the rest.
  DeploymentResult deploy(int number, const std::filesystem::path& bundle_dir, std::stop_token stop = {});

  // "d-" and 9 characters derived from `number`: the same number gives the same id in every run.
  static std::string deployment_id_for(int number);
  // The deployment in progress, if any.
  std::optional<std::string> active_deployment() const;
  // The folder of the last successful deployment of this group (what ApplicationStop runs from).
  std::optional<std::filesystem::path> last_successful_deployment_dir() const;

 private:
  struct Run;

  HookResult run_step(Run& run, const SequenceStep& step, std::stop_token stop);
  HookResult download_bundle(Run& run);
  HookResult install(Run& run);
  HookResult run_hook_scripts(Run& run, LifecycleEvent event, Revision revision, std::stop_token stop);
  ScriptOutcome run_script(Run& run, LifecycleEvent event, const HookScript& script,
                           const std::filesystem::path& archive, core::Duration budget, size_t index,
                           std::stop_token stop);
  std::map<std::string, std::string> script_environment(const Run& run, LifecycleEvent event) const;
  std::filesystem::path on_host(const std::filesystem::path& real) const;
  void finish(Run& run, DeploymentResult& result, const HookSequencer& sequencer);
  void cleanup_old_archives(const Run& run) const;
  void emit(core::DeployEvent event);
  std::filesystem::path instructions_dir() const;

  core::Clock& clock_;
  core::History& history_;
  const core::PathMap& paths_;
  AgentOptions options_;
  ScriptRunner runner_;
  mutable std::mutex mutex_;
  std::optional<std::string> active_;  // guarded by mutex_
};

}  // namespace bg::fakes
