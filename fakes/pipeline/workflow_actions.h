#pragma once
// The `uses:` actions bluegreen models, their major versions and their inputs, each input marked
// modelled, harmless (accepted: it changes nothing the run can observe, and the catalogue says why)
// or not modelled. A step using any other action, another major version, or a not-modelled input
// is core::NotModelled naming it with file:line. An input the action does not declare is what
// GitHub warns about ("Unexpected input(s) ...") and the action never reads: it is accepted.
#include <string>
#include <vector>

#include "fakes/pipeline/workflow_file.h"

namespace bg::fakes {

enum class ActionKind {
  checkout,           // actions/checkout: the pushed commit into $GITHUB_WORKSPACE
  setup_node,         // actions/setup-node: Node.js on the runner (nothing the deployment sees)
  aws_credentials,    // aws-actions/configure-aws-credentials: AWS_* variables for later steps
  docker_login,       // docker/login-action: a login to the run's registry
  docker_setup,       // docker/setup-buildx-action, docker/setup-qemu-action: builder set-up
  docker_build_push,  // docker/build-push-action: build on the runner, push to the run's registry
  ssh_script,         // appleboy/ssh-action: a script on the deploy host
  scp_files,          // appleboy/scp-action: files from the runner to the deploy host
};

enum class InputUse { modelled, harmless, not_modelled };

struct ActionInput {
  std::string name;
  InputUse use = InputUse::modelled;
  std::string why;  // harmless: why it changes nothing; not_modelled: what it would do
};

struct ModelledAction {
  std::string name;  // "appleboy/ssh-action"
  ActionKind kind;
  std::vector<int> majors;  // major versions modelled (v1 -> 1; v0.1.10 -> 0)
  std::vector<ActionInput> inputs;
  std::string source;  // where its behaviour was read
};

const std::vector<ModelledAction>& modelled_actions();
const ModelledAction* find_modelled_action(const std::string& name);

// Checks a `uses:` step against the catalogue: the action, its version (`v4`, `v1.0.3`, a 40-hex
// commit: modelled as the newest major), and the inputs given in `with:` that are not modelled.
// Returns the action. Throws core::NotModelled naming what and `step.uses->where`.
const ModelledAction& check_action_step(const WorkflowStep& step);

}  // namespace bg::fakes
