#pragma once
// A script's `sudo`, as sudo 1.9 with each instance's stock sudoers runs it: the command is looked
// up on sudo's secure_path (Amazon Linux 2's has no /usr/local/bin: `sudo docker-compose` installed
// there is "command not found", as on the instance), and runs with sudo's reset environment (a
// variable the script exported does not reach it unless -E or VAR=value says so). Everything runs
// as root on the run's host: `-u ec2-user` is accepted and runs as root (simplified).
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/command_result.h"

namespace bg::fakes {

struct SudoPlan {
  std::vector<std::string> exec;               // the command to exec, argv[0] an absolute path
  std::map<std::string, std::string> env;      // its whole environment
  std::optional<core::CommandResult> refusal;  // sudo's own answer instead (usage, not found, -k)
};

struct SudoContext {
  bool amazon_linux = true;                // whose sudoers defaults (secure_path, env_keep)
  std::map<std::string, std::string> env;  // the caller's environment
  // Whether an executable file exists at this host path.
  std::function<bool(const std::string&)> executable;
  // Variables of the harness's own that every process of the host keeps (the shims' socket...).
  std::vector<std::string> harness_variables;
};

SudoPlan plan_sudo(const std::vector<std::string>& args, const SudoContext& context);

}  // namespace bg::fakes
