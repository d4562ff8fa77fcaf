#include "core/event_kinds.h"

#include <cstddef>

namespace bg::core {
namespace {

// The value whose name is `name`, among `all`; nullopt when none has it.
template <typename Kind, size_t N>
std::optional<Kind> parse_kind(const Kind (&all)[N], std::string_view (*name_of)(Kind), std::string_view name) {
  for (Kind k : all)
    if (name_of(k) == name) return k;
  return std::nullopt;
}

}  // namespace

// Switches rather than tables, so that a kind added to an enum without its name is a -Wswitch warning
// (an error in CI), and each name sits next to the value it names.
std::string_view container_what_name(ContainerWhat w) {
  switch (w) {
    case ContainerWhat::created:
      return "created";
    case ContainerWhat::start_failed:
      return "start_failed";
    case ContainerWhat::port_published:
      return "port_published";
    case ContainerWhat::started:
      return "started";
    case ContainerWhat::health_status:
      return "health_status";
    case ContainerWhat::exec:
      return "exec";
    case ContainerWhat::signal:
      return "signal";
    case ContainerWhat::kill:
      return "kill";
    case ContainerWhat::stop_requested:
      return "stop_requested";
    case ContainerWhat::killed:
      return "killed";
    case ContainerWhat::exited:
      return "exited";
    case ContainerWhat::restarting:
      return "restarting";
    case ContainerWhat::restart_canceled:
      return "restart_canceled";
    case ContainerWhat::restart_failed:
      return "restart_failed";
    case ContainerWhat::port_unpublished:
      return "port_unpublished";
    case ContainerWhat::renamed:
      return "renamed";
    case ContainerWhat::network_connected:
      return "network_connected";
    case ContainerWhat::network_disconnected:
      return "network_disconnected";
    case ContainerWhat::removed:
      return "removed";
  }
  return "";
}

std::string_view app_what_name(AppWhat w) {
  switch (w) {
    case AppWhat::starting:
      return "starting";
    case AppWhat::listening:
      return "listening";
    case AppWhat::ready:
      return "ready";
    case AppWhat::execution:
      return "execution";
    case AppWhat::draining:
      return "draining";
    case AppWhat::cut:
      return "cut";
    case AppWhat::exited:
      return "exited";
  }
  return "";
}

std::string_view proxy_event_kind_name(ProxyEventKind k) {
  switch (k) {
    case ProxyEventKind::started:
      return "started";
    case ProxyEventKind::reload:
      return "reload";
    case ProxyEventKind::reload_failed:
      return "reload_failed";
    case ProxyEventKind::stopped:
      return "stopped";
    case ProxyEventKind::error_log:
      return "error_log";
    case ProxyEventKind::access_log:
      return "access_log";
    case ProxyEventKind::peer_down:
      return "peer_down";
    case ProxyEventKind::peer_up:
      return "peer_up";
    case ProxyEventKind::unowned_address_refused:
      return "unowned_address_refused";
  }
  return "";
}

std::string_view deploy_event_kind_name(DeployEventKind k) {
  switch (k) {
    case DeployEventKind::phase:
      return "phase";
    case DeployEventKind::deployment_started:
      return "deployment_started";
    case DeployEventKind::hook_started:
      return "hook_started";
    case DeployEventKind::hook_finished:
      return "hook_finished";
    case DeployEventKind::hook_timed_out:
      return "hook_timed_out";
    case DeployEventKind::deployment_succeeded:
      return "deployment_succeeded";
    case DeployEventKind::deployment_failed:
      return "deployment_failed";
    case DeployEventKind::image_built:
      return "image_built";
    case DeployEventKind::image_pulled:
      return "image_pulled";
    case DeployEventKind::push:
      return "push";
    case DeployEventKind::workflow_queued:
      return "workflow_queued";
    case DeployEventKind::workflow_pending:
      return "workflow_pending";
    case DeployEventKind::workflow_not_triggered:
      return "workflow_not_triggered";
    case DeployEventKind::workflow_started:
      return "workflow_started";
    case DeployEventKind::build_finished:
      return "build_finished";
    case DeployEventKind::deployment_created:
      return "deployment_created";
    case DeployEventKind::deployment_refused:
      return "deployment_refused";
    case DeployEventKind::workflow_not_modelled:
      return "workflow_not_modelled";
    case DeployEventKind::workflow_succeeded:
      return "workflow_succeeded";
    case DeployEventKind::workflow_failed:
      return "workflow_failed";
    case DeployEventKind::workflow_cancelled:
      return "workflow_cancelled";
    case DeployEventKind::job_skipped:
      return "job_skipped";
    case DeployEventKind::job_started:
      return "job_started";
    case DeployEventKind::job_finished:
      return "job_finished";
    case DeployEventKind::step_started:
      return "step_started";
    case DeployEventKind::step_finished:
      return "step_finished";
  }
  return "";
}

std::string_view harness_phase_name(HarnessPhase p) {
  switch (p) {
    case HarnessPhase::initial_deployment:
      return "initial_deployment";
    case HarnessPhase::traffic_started:
      return "traffic_started";
    case HarnessPhase::swap_started:
      return "swap_started";
    case HarnessPhase::swap_finished:
      return "swap_finished";
    case HarnessPhase::liveness_started:
      return "liveness_started";
    case HarnessPhase::traffic_stopped:
      return "traffic_stopped";
  }
  return "";
}

std::optional<ContainerWhat> parse_container_what(std::string_view name) {
  return parse_kind(kContainerWhats, container_what_name, name);
}
std::optional<AppWhat> parse_app_what(std::string_view name) { return parse_kind(kAppWhats, app_what_name, name); }
std::optional<ProxyEventKind> parse_proxy_event_kind(std::string_view name) {
  return parse_kind(kProxyEventKinds, proxy_event_kind_name, name);
}
std::optional<DeployEventKind> parse_deploy_event_kind(std::string_view name) {
  return parse_kind(kDeployEventKinds, deploy_event_kind_name, name);
}
std::optional<HarnessPhase> parse_harness_phase(std::string_view name) {
  return parse_kind(kHarnessPhases, harness_phase_name, name);
}

std::optional<HarnessPhase> parse_harness_phase_detail(std::string_view detail) {
  return parse_harness_phase(detail.substr(0, detail.find(' ')));
}

}  // namespace bg::core
