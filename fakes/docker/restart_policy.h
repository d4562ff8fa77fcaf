#pragma once
// RestartPolicy and RestartManager: `--restart no|always|unless-stopped|on-failure[:N]` (compose
// `restart:`) as dockerd applies it when a container's process exits on its own, as a pure core
// (the engine feeds exits and times in, and waits the delay it is given).
//
// Sources: parsing docker/cli opts/parse.go@v20.10.17 ParseRestartPolicy; validation moby
// daemon/container.go@v20.10.17 (verifyContainerSettings); the decision and back-off moby
// restartmanager/restartmanager.go@v20.10.17: the first restart waits 100 ms, each next one twice
// the last, at most 1 minute; a run of 10 s or more resets the back-off; `docker stop` and
// `docker kill` cancel the policy for that exit (container.ExitOnNext), and unless-stopped also
// stays down once the container was stopped by hand.
//
// Simplification: the daemon restarting (which restarts `always` containers stopped by hand) is not
// modelled: a run has one daemon life.
#include <optional>
#include <string>

#include "core/time.h"

namespace bg::fakes {

struct RestartPolicy {
  std::string name;  // "" or "no": never
  int maximum_retry_count = 0;

  bool none() const { return name.empty() || name == "no"; }
  std::string display_name() const { return name.empty() ? "no" : name; }
};

// opts.ParseRestartPolicy: the CLI's error ("invalid restart policy format", "maximum retry count
// must be an integer") or the policy.
struct ParsedRestartPolicy {
  RestartPolicy policy;
  std::string error;
};
ParsedRestartPolicy parse_restart_policy(const std::string& text);
// The daemon's refusal ("invalid restart policy 'x'") or "".
std::string validate_restart_policy(const RestartPolicy& policy);

class RestartManager {
 public:
  explicit RestartManager(RestartPolicy policy = {}) : policy_(std::move(policy)) {}

  // The process exited with `exit_code` after running for `ran_for`; `manually_stopped` when a
  // `docker stop`/`kill` asked for it. Returns the delay before the restart, or nullopt when the
  // container stays exited. Counts the restart.
  std::optional<core::Duration> should_restart(int exit_code, bool manually_stopped, core::Duration ran_for);
  // `docker stop`/`kill`: the next exit is not restarted (container.ExitOnNext).
  void cancel_next() { canceled_ = true; }
  // A start by hand (`docker start`/`restart`): a fresh manager, the restart count back to 0
  // (container.ResetRestartManager(true) in moby daemon/start.go@v20.10.17).
  void reset() {
    canceled_ = false;
    restart_count_ = 0;
    timeout_ = {};
  }

  const RestartPolicy& policy() const { return policy_; }
  int restart_count() const { return restart_count_; }

 private:
  RestartPolicy policy_;
  core::Duration timeout_{};
  int restart_count_ = 0;
  bool canceled_ = false;
};

}  // namespace bg::fakes
