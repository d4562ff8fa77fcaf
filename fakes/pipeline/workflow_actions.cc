#include "fakes/pipeline/workflow_actions.h"

#include <algorithm>
#include <cctype>

#include "core/not_modelled.h"

namespace bg::fakes {

namespace {
constexpr InputUse M = InputUse::modelled;
constexpr InputUse H = InputUse::harmless;
constexpr InputUse N = InputUse::not_modelled;
}  // namespace

const std::vector<ModelledAction>& modelled_actions() {
  static const std::vector<ModelledAction> actions = {
      {"actions/checkout",
       ActionKind::checkout,
       {2, 3, 4, 5},
       {{"ref", M},
        {"path", M},
        {"fetch-depth", M},
        {"repository", M},  // the workflow's own repository only (checked when the step runs)
        {"token", H, "only authenticates the fetch"},
        {"ssh-key", H, "only authenticates the fetch"},
        {"ssh-known-hosts", H, "only authenticates the fetch"},
        {"ssh-strict", H, "only authenticates the fetch"},
        {"persist-credentials", H, "only how later git commands authenticate"},
        {"clean", H, "the workspace starts empty"},
        {"fetch-tags", H, "the run's repository has no tags"},
        {"show-progress", H, "log output"},
        {"set-safe-directory", H, "git's ownership check; everything runs as root"},
        {"submodules", N, "checks out submodules from other repositories"},
        {"lfs", N, "downloads Git LFS objects"},
        {"sparse-checkout", N, "a partial checkout"},
        {"sparse-checkout-cone-mode", N, "a partial checkout"},
        {"filter", N, "a partial clone"},
        {"github-server-url", N, "another GitHub server"}},
       "actions/checkout action.yml (v4)"},
      {"actions/setup-node",
       ActionKind::setup_node,
       {1, 2, 3, 4, 5},
       {{"node-version", H, "installs Node.js on the runner; what node/npm do there is the runner's"},
        {"node-version-file", H, "as node-version"},
        {"architecture", H, "as node-version"},
        {"check-latest", H, "as node-version"},
        {"cache", H, "a download cache"},
        {"cache-dependency-path", H, "a download cache"},
        {"registry-url", H, "npm's registry settings"},
        {"scope", H, "npm's registry settings"},
        {"always-auth", H, "npm's registry settings"},
        {"token", H, "authenticates downloads"},
        {"package-manager-cache", H, "a download cache"}},
       "actions/setup-node action.yml (v4)"},
      {"aws-actions/configure-aws-credentials",
       ActionKind::aws_credentials,
       {1, 2, 3, 4},
       {{"aws-region", M},
        {"aws-access-key-id", M},
        {"aws-secret-access-key", M},
        {"aws-session-token", M},
        {"role-to-assume", H, "the run's AWS accepts any credentials"},
        {"role-session-name", H, "as role-to-assume"},
        {"role-duration-seconds", H, "as role-to-assume"},
        {"role-external-id", H, "as role-to-assume"},
        {"role-skip-session-tagging", H, "as role-to-assume"},
        {"role-chaining", H, "as role-to-assume"},
        {"inline-session-policy", H, "as role-to-assume"},
        {"managed-session-policies", H, "as role-to-assume"},
        {"web-identity-token-file", H, "as role-to-assume"},
        {"audience", H, "as role-to-assume"},
        {"mask-aws-account-id", H, "log output"},
        {"http-proxy", N, "reaches AWS through a proxy"},
        {"output-credentials", H, "step outputs nobody reads here"},
        {"unset-current-credentials", H, "the runner has no other credentials"},
        {"disable-retry", H, "the run's AWS does not fail calls"},
        {"retry-max-attempts", H, "as disable-retry"},
        {"special-characters-workaround", H, "as disable-retry"}},
       "aws-actions/configure-aws-credentials action.yml (v4)"},
      {"docker/login-action",
       ActionKind::docker_login,
       {1, 2, 3},
       {{"registry", M},
        {"username", M},
        {"password", M},
        {"ecr", H, "how the login is made; the run's registry accepts it"},
        {"logout", H, "the runner is discarded"}},
       "docker/login-action action.yml (v3)"},
      {"docker/setup-buildx-action",
       ActionKind::docker_setup,
       {1, 2, 3},
       {{"version", H, "the builder's version"},
        {"driver", H, "the builder's driver"},
        {"driver-opts", H, "the builder's driver"},
        {"buildkitd-flags", H, "the builder's daemon"},
        {"buildkitd-config", H, "the builder's daemon"},
        {"buildkitd-config-inline", H, "the builder's daemon"},
        {"install", H, "`docker build` aliasing"},
        {"use", H, "the default builder"},
        {"name", H, "the builder's name"},
        {"endpoint", H, "the builder's endpoint"},
        {"platforms", H, "the builder's platforms"},
        {"append", H, "builder nodes"},
        {"keep-state", H, "builder state"},
        {"cache-binary", H, "a download cache"},
        {"cleanup", H, "the runner is discarded"}},
       "docker/setup-buildx-action action.yml (v3)"},
      {"docker/setup-qemu-action",
       ActionKind::docker_setup,
       {1, 2, 3},
       {{"image", H, "emulators for other platforms"},
        {"platforms", H, "emulators for other platforms"},
        {"cache-image", H, "a download cache"}},
       "docker/setup-qemu-action action.yml (v3)"},
      {"docker/build-push-action",
       ActionKind::docker_build_push,
       {2, 3, 4, 5, 6},
       {{"context", M},
        {"file", M},
        {"tags", M},
        {"push", M},
        {"load", M},
        {"build-args", M},
        {"labels", H, "image metadata"},
        {"annotations", H, "image metadata"},
        {"cache-from", H, "a build cache"},
        {"cache-to", H, "a build cache"},
        {"no-cache", H, "a build cache"},
        {"no-cache-filters", H, "a build cache"},
        {"pull", H, "base images are the run's"},
        {"provenance", H, "attestations"},
        {"sbom", H, "attestations"},
        {"attests", H, "attestations"},
        {"builder", H, "which builder builds"},
        {"github-token", H, "authenticates"},
        {"call", N, "build checks instead of a build"},
        {"platforms", N, "multi-platform images"},
        {"target", N, "building a stage other than the last"},
        {"secrets", N, "build secrets"},
        {"secret-envs", N, "build secrets"},
        {"secret-files", N, "build secrets"},
        {"ssh", N, "SSH agent forwarding"},
        {"outputs", N, "exporting the image elsewhere"},
        {"network", N, "the build's network"},
        {"add-hosts", N, "the build's network"},
        {"allow", N, "build entitlements"},
        {"build-contexts", N, "extra contexts"},
        {"cgroup-parent", N, "build resources"},
        {"shm-size", N, "build resources"},
        {"ulimit", N, "build resources"}},
       "docker/build-push-action action.yml (v5)"},
      // appleboy/ssh-action runs drone-ssh with the inputs as INPUT_* variables (action.yml and
      // entrypoint.sh at v1.0.3: ghcr.io/appleboy/drone-ssh:1.7.3; later versions download drone-ssh
      // 1.8, whose script handling is the same: plugin.go scriptCommands at v1.7.3 and v1.8.4).
      {"appleboy/ssh-action",
       ActionKind::ssh_script,
       {0, 1},
       {{"host", M},
        {"port", M},
        {"username", M},
        {"key", M},
        {"password", M},
        {"passphrase", M},
        {"command_timeout", M},
        {"script", M},
        {"script_stop", M},
        {"envs", M},
        {"envs_format", M},
        {"allenvs", M},
        {"key_path", H, "which key authenticates; the run's host accepts the connection"},
        {"fingerprint", H, "host key checking; the run's host is the one meant"},
        {"timeout", H, "the connection is made at once"},
        {"protocol", H, "the connection is made at once"},
        {"cipher", H, "the connection's cipher"},
        {"use_insecure_cipher", H, "the connection's cipher"},
        {"sync", H, "one host"},
        {"debug", H, "log output"},
        {"capture_stdout", H, "a step output"},
        {"version", H, "drone-ssh's version (same script handling)"},
        {"curl_insecure", H, "downloading drone-ssh"},
        {"request_pty", N, "a pseudo-terminal (signals and output differ)"},
        {"script_path", N, "a script file on the runner"},
        {"script_file", N, "a script file on the runner"},
        {"proxy_host", N, "a jump host"},
        {"proxy_port", N, "a jump host"},
        {"proxy_username", N, "a jump host"},
        {"proxy_password", N, "a jump host"},
        {"proxy_passphrase", N, "a jump host"},
        {"proxy_timeout", N, "a jump host"},
        {"proxy_key", N, "a jump host"},
        {"proxy_key_path", N, "a jump host"},
        {"proxy_fingerprint", N, "a jump host"},
        {"proxy_cipher", N, "a jump host"},
        {"proxy_use_insecure_cipher", N, "a jump host"},
        {"proxy_protocol", N, "a jump host"}},
       "appleboy/ssh-action action.yml v1.0.3; appleboy/drone-ssh plugin.go v1.7.3"},
      // appleboy/scp-action runs drone-scp: tar of the sources' glob matches on the runner, `rm -rf`
      // of the target when rm, `mkdir -p`, then `tar -zxf F [--strip-components N] [--overwrite] -C
      // target` on the host (appleboy/drone-scp plugin.go v1.8.1).
      {"appleboy/scp-action",
       ActionKind::scp_files,
       {0, 1},
       {{"host", M},
        {"port", M},
        {"username", M},
        {"key", M},
        {"password", M},
        {"passphrase", M},
        {"source", M},
        {"target", M},
        {"strip_components", M},
        {"rm", M},
        {"overwrite", M},
        {"key_path", H, "which key authenticates"},
        {"fingerprint", H, "host key checking"},
        {"timeout", H, "the connection is made at once"},
        {"command_timeout", H, "tar finishes at once here"},
        {"debug", H, "log output"},
        {"use_insecure_cipher", H, "the connection's cipher"},
        {"cipher", H, "the connection's cipher"},
        {"tar_tmp_path", H, "where the archive waits on the host"},
        {"tar_exec", H, "the host's tar is used"},
        {"tar_dereference", N, "following symlinks on the runner"},
        {"unlink_first", N, "tar --unlink-first"},
        {"proxy_host", N, "a jump host"},
        {"proxy_port", N, "a jump host"},
        {"proxy_username", N, "a jump host"},
        {"proxy_password", N, "a jump host"},
        {"proxy_key", N, "a jump host"},
        {"proxy_passphrase", N, "a jump host"}},
       "appleboy/scp-action action.yml; appleboy/drone-scp plugin.go v1.8.1"},
  };
  return actions;
}

const ModelledAction* find_modelled_action(const std::string& name) {
  std::string key = name;
  for (auto& c : key) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (const auto& a : modelled_actions())
    if (a.name == key) return &a;
  return nullptr;
}

namespace {

// "v4" -> 4, "v1.0.3" -> 1, "4" -> 4; a 40-hex commit -> -1 (modelled as the newest major);
// anything else (a branch such as `master`) -> nullopt.
std::optional<int> major_of(const std::string& version) {
  if (version.size() == 40 &&
      std::all_of(version.begin(), version.end(), [](char c) { return std::isxdigit(static_cast<unsigned char>(c)); }))
    return -1;
  size_t i = version.size() > 0 && (version[0] == 'v' || version[0] == 'V') ? 1 : 0;
  size_t j = i;
  while (j < version.size() && std::isdigit(static_cast<unsigned char>(version[j]))) ++j;
  if (j == i) return std::nullopt;
  return std::stoi(version.substr(i, j - i));
}

}  // namespace

const ModelledAction& check_action_step(const WorkflowStep& step) {
  const Where& at = step.uses->where;
  const ModelledAction* action = find_modelled_action(step.action);
  if (!action) throw core::NotModelled(fmt::format("the action `uses: {}` in {}", step.uses->value, at.str()));
  const auto major = major_of(step.version);
  if (!major ||
      (*major >= 0 && std::find(action->majors.begin(), action->majors.end(), *major) == action->majors.end()))
    throw core::NotModelled(fmt::format("`uses: {}` in {} (modelled versions of {}: v{})", step.uses->value, at.str(),
                                        action->name, fmt::join(action->majors, ", v")));
  for (const auto& [key, value] : step.with) {
    for (const auto& input : action->inputs) {
      if (input.name != key || input.use != InputUse::not_modelled) continue;
      // `submodules: false`, `request_pty: false`: asks for nothing.
      if (value.value.empty() || value.value == "false") continue;
      throw core::NotModelled(
          fmt::format("the input `{}` of {} ({}) in {}", key, action->name, input.why, value.where.str()));
    }
  }
  return *action;
}

}  // namespace bg::fakes
