#pragma once
// The lifecycle events of an EC2/on-premises deployment (semantics.md §4 "Hook order"). Shared by the
// appspec parser (which names may carry scripts) and the hook sequencer (in which order they run).
#include <optional>
#include <string_view>

namespace bg::fakes {

enum class LifecycleEvent {
  Start,
  ApplicationStop,
  DownloadBundle,
  BeforeInstall,
  Install,
  AfterInstall,
  ApplicationStart,
  ValidateService,
  End,
  // Load-balancer hooks: valid in an appspec, run only when the deployment group has a load balancer,
  // which this fake does not model (so they are parsed and never run).
  BeforeBlockTraffic,
  AfterBlockTraffic,
  BeforeAllowTraffic,
  AfterAllowTraffic,
};

// CodeDeploy's spelling of the event name ("AfterInstall").
std::string_view to_string(LifecycleEvent e);
// The event named `name`, exactly as CodeDeploy spells it; nullopt for anything else.
std::optional<LifecycleEvent> lifecycle_event_from(std::string_view name);
// Start, DownloadBundle, Install and End are the agent's own steps: an appspec cannot hook them.
bool is_scriptable(LifecycleEvent e);

}  // namespace bg::fakes
