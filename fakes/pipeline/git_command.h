#pragma once
// plan_git_command: a `git` call by a script on the deploy host (the ssh-action pattern: `cd
// /home/ubuntu/web && git pull origin main`), checked before the real git runs it inside the host.
// Local commands (status, log, rev-parse, checkout, reset, ...) run as they are. Commands that reach
// a remote (fetch, pull, clone, ls-remote, remote update) may only reach the run's repository — a
// remote whose URL is one of GitOrigin::url_forms() — and then run with url.<base>.insteadOf
// settings that send them to the run's bare repository; any other remote, `push`, submodules and
// LFS are not modelled (they would reach the network, which the host does not have).
//
// The shim side (the lead's sim/host_commands.cc) calls this for program "git" and, unless it
// answers, execs the real git (copied into the host) with `args` and the caller's environment plus
// `env`.
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/command_result.h"
#include "fakes/pipeline/git_origin.h"

namespace bg::fakes {

struct GitCommandPlan {
  std::optional<core::CommandResult> answer;  // set: reply with it (not modelled, or git's own usage error)
  std::vector<std::string> args;              // else: run the real git with these arguments
  std::map<std::string, std::string> env;     // ... and these variables added to the caller's
};

struct GitCommandContext {
  const GitOrigin* origin = nullptr;
  // The bare repository's path where the real git runs (inside the host: where the lead mounts
  // GitOrigin::dir(); in tests: the real path).
  std::string origin_path_in_host;
  // The URL of remote `name` of the repository at host path `dir` (`git config --get
  // remote.<name>.url` there); nullopt when there is no such remote or repository.
  std::function<std::optional<std::string>(const std::string& dir, const std::string& name)> remote_url;
  // Every remote name of the repository at `dir` (for `fetch --all`, `remote update`).
  std::function<std::vector<std::string>(const std::string& dir)> remotes;
};

GitCommandPlan plan_git_command(const std::vector<std::string>& args, const std::string& cwd,
                                const GitCommandContext& context);

// The two look-ups of GitCommandContext done with the real git on a real folder (for the shim side
// once it has resolved the host path; for tests).
std::optional<std::string> git_remote_url(const std::string& real_dir, const std::string& name);
std::vector<std::string> git_remotes(const std::string& real_dir);

}  // namespace bg::fakes
