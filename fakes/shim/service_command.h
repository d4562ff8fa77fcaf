#pragma once
// A script's `systemctl` and `service` on the run's host. The host's services are the ones that
// matter to a swap: nginx (the run's proxy) and docker (always running: the fake engine). Verbs on
// nginx become proxy actions with systemd's and the init script's words and exit codes; any other
// unit (the team's own app.service, pm2...) is not modelled. Sources: systemctl(1) (systemd 252),
// Debian's nginx.service (ExecStartPre `nginx -t -q`, ExecReload `nginx -s reload`, ExecStop
// `start-stop-daemon --stop --retry QUIT/5`) and /usr/sbin/service (init-system-helpers 1.65).
#include <optional>
#include <string>
#include <vector>

#include "core/command_result.h"

namespace bg::fakes {

enum class ServiceVerb {
  start,
  stop,
  restart,
  reload,
  reload_or_restart,
  try_restart,
  status,
  is_active,
  is_enabled,
  enable,
  disable,
  daemon_reload,
  configtest
};

struct ServiceRequest {
  std::string unit;  // "nginx", "docker" ("" for daemon-reload)
  ServiceVerb verb = ServiceVerb::status;
  bool quiet = false;  // -q: no output, only the exit code
};

struct ServicePlan {
  std::optional<ServiceRequest> request;
  std::optional<core::CommandResult> answer;  // the command's own answer (usage, unknown unit, not modelled)
};

// `systemctl [OPTIONS] VERB [UNIT...]`.
ServicePlan plan_systemctl(const std::vector<std::string>& args);
// `service NAME ACTION`.
ServicePlan plan_service(const std::vector<std::string>& args);

// What systemctl prints and returns for a verb on a unit, given what happened to it. `ok`: the
// action worked; `running`: the unit is active afterwards; `detail`: nginx's message on failure.
core::CommandResult systemctl_answer(const ServiceRequest& r, bool ok, bool running, const std::string& detail);
core::CommandResult service_answer(const ServiceRequest& r, bool ok, bool running, const std::string& detail);

}  // namespace bg::fakes
