#pragma once
// appleboy/ssh-action as it runs a `script:` on the deploy host. The action (v1.0.3: a Docker action
// on ghcr.io/appleboy/drone-ssh:1.7.3; later versions download drone-ssh 1.8, same handling) passes
// its inputs to drone-ssh as INPUT_* variables, and drone-ssh (plugin.go, v1.7.3 and v1.8.4):
//   - reads the script as one string (INPUT_SCRIPT, "script.string": not split on commas);
//   - without script_stop sends it as one command, strings.TrimSpace'd; with script_stop splits it
//     into lines, trims each, drops empty ones, and after every line not ending in `\` appends
//     `DRONE_SSH_PREV_COMMAND_EXIT_CODE=$? ; if [ $DRONE_SSH_PREV_COMMAND_EXIT_CODE -ne 0 ]; then exit
//     $DRONE_SSH_PREV_COMMAND_EXIT_CODE; fi;` (which breaks multi-line constructs, as on GitHub);
//   - prepends `export NAME='value'` (envs_format, default "export {NAME}={VALUE}", value quoted by
//     escapeArg) for each name of `envs` (comma-separated, upper-cased) set in the action's
//     environment, and with `allenvs` for every variable starting DRONE_, PLUGIN_, INPUT_, GITHUB_;
//   - joins everything with "\n" and runs it as one SSH exec request: sshd runs it with the user's
//     shell as `bash -c '<command>'` in the user's home (OpenSSH session.c do_child), not a login shell;
//   - waits until the command's stdout and stderr are closed, then for its exit status
//     (easyssh-proxy v1.5.0 Stream); a non-zero status fails the step with "Process exited with
//     status N"; after command_timeout (Go duration, default 10m) the step fails with "Run Command
//     Timeout" (simplification: the script is then ended; a real sshd leaves it running until it
//     writes to the closed channel).
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/go_duration.h"
#include "core/time.h"

namespace bg::fakes {

struct SshCommand {
  std::string command;            // what drone-ssh sends, lines joined by '\n'
  std::vector<int> script_lines;  // per line of `command`: the line of `script:` it came from (1-based), 0 = added
};

// Builds drone-ssh's command. `lookup` reads the action's environment (step env over job env over
// workflow env over the runner's variables, and the INPUT_* variables).
SshCommand build_ssh_command(const std::string& script, bool script_stop, const std::vector<std::string>& envs,
                             bool allenvs, const std::string& envs_format,
                             const std::map<std::string, std::string>& action_env);

// urfave/cli's StringSlice read from a variable: split on ',' and each part trimmed; "" -> {}.
std::vector<std::string> split_string_slice(const std::string& value);

// Go's time.ParseDuration ("15m", "1h30m", "90s", "1.5h", "0"); nullopt when Go rejects it
// ("10" has no unit: "time: missing unit in duration").
using core::parse_go_duration;

// drone-ssh's escapeArg: single-quoted, a quote written '\''.
std::string shell_single_quote(const std::string& value);

// The environment sshd gives the command on the host: USER, LOGNAME, HOME, SHELL, PATH (Ubuntu's
// /etc/environment via pam_env; Amazon Linux 2's sshd default), MAIL, LANG, SSH_CLIENT,
// SSH_CONNECTION (from a GitHub runner's address).
std::map<std::string, std::string> ssh_session_environment(const std::string& user, const std::string& home,
                                                           bool amazon_linux);

}  // namespace bg::fakes
