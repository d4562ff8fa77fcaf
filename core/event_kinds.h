#pragma once
// The kinds of the run's events (core/events.h): what happened to a container, to the app inside it,
// in the proxy and in the deployment. Typed through the code, so that a misspelt kind is a compile
// error rather than a comparison that never holds; their names are read and written only at the
// edges (history.jsonl, reports, printed lines), and those names are the words saved histories hold.
// Each enum has a k...s array of every value, which parsing walks and the tests check is complete.
#include <optional>
#include <string_view>

namespace bg::core {

// ContainerEvent::what, as the fake Docker engine (fakes/docker) writes it.
enum class ContainerWhat {
  created,
  start_failed,          // the start was refused or the process could not start (detail: why)
  port_published,        // detail: the published ports
  started,               // detail: the image
  health_status,         // detail: healthy, unhealthy
  exec,                  // `docker exec`; detail: the command
  signal,                // a signal the stop sent; detail: which, and what the process did with it
  kill,                  // `docker kill`; detail: the signal
  stop_requested,        // detail: the grace period
  killed,                // the grace period expired
  exited,                // exit_code set
  restarting,            // the restart policy starts it again; detail: when
  restart_canceled,      // a stop ended a pending restart
  restart_failed,        // `docker restart` could not start it again
  port_unpublished,      // detail: the host port as declared (3000)
  renamed,               // detail: the new name
  network_connected,     // detail: the network
  network_disconnected,  // detail: the network
  removed,
};
inline constexpr ContainerWhat kContainerWhats[] = {
    ContainerWhat::created,
    ContainerWhat::start_failed,
    ContainerWhat::port_published,
    ContainerWhat::started,
    ContainerWhat::health_status,
    ContainerWhat::exec,
    ContainerWhat::signal,
    ContainerWhat::kill,
    ContainerWhat::stop_requested,
    ContainerWhat::killed,
    ContainerWhat::exited,
    ContainerWhat::restarting,
    ContainerWhat::restart_canceled,
    ContainerWhat::restart_failed,
    ContainerWhat::port_unpublished,
    ContainerWhat::renamed,
    ContainerWhat::network_connected,
    ContainerWhat::network_disconnected,
    ContainerWhat::removed,
};

// AppEvent::what, as the fake Next.js process (fakes/nextjs) writes it.
enum class AppWhat {
  starting,
  listening,
  ready,
  execution,  // a POST handler ran (request_id, execution_id)
  draining,
  cut,  // an in-flight request dropped at exit (request_id; 0 when the request was not known)
  exited,
};
inline constexpr AppWhat kAppWhats[] = {AppWhat::starting, AppWhat::listening, AppWhat::ready, AppWhat::execution,
                                        AppWhat::draining, AppWhat::cut,       AppWhat::exited};

// ProxyEvent::kind, as the proxy (proxy/: the simulated one, the real nginx and its log translator) writes it.
enum class ProxyEventKind {
  started,
  reload,
  reload_failed,
  stopped,
  error_log,   // an error-log line in nginx's wording
  access_log,  // one line per client request
  peer_down,
  peer_up,
  unowned_address_refused,  // a proxy_pass variable named an address the run does not own
};
inline constexpr ProxyEventKind kProxyEventKinds[] = {
    ProxyEventKind::started,   ProxyEventKind::reload,    ProxyEventKind::reload_failed,
    ProxyEventKind::stopped,   ProxyEventKind::error_log, ProxyEventKind::access_log,
    ProxyEventKind::peer_down, ProxyEventKind::peer_up,   ProxyEventKind::unowned_address_refused,
};

// DeployEvent::kind: the harness's phases, the CodeDeploy agent's deployments and hooks, the images
// Docker builds or pulls, and the pipeline's pushes, workflow runs, jobs and steps.
enum class DeployEventKind {
  phase,  // the harness (sim/): detail names a HarnessPhase (below)
  // The CodeDeploy agent (fakes/codedeploy), and appleboy/ssh-action's run of a deploy script.
  deployment_started,
  hook_started,
  hook_finished,
  hook_timed_out,
  deployment_succeeded,
  deployment_failed,
  // fakes/docker; detail names the image (and its build_id).
  image_built,
  image_pulled,
  // The pipeline (fakes/pipeline); `deployment` is the run number.
  push,
  workflow_queued,
  workflow_pending,
  workflow_not_triggered,
  workflow_started,
  build_finished,
  deployment_created,
  deployment_refused,
  workflow_not_modelled,
  workflow_succeeded,
  workflow_failed,
  workflow_cancelled,
  job_skipped,
  job_started,
  job_finished,
  step_started,
  step_finished,
};
inline constexpr DeployEventKind kDeployEventKinds[] = {
    DeployEventKind::phase,
    DeployEventKind::deployment_started,
    DeployEventKind::hook_started,
    DeployEventKind::hook_finished,
    DeployEventKind::hook_timed_out,
    DeployEventKind::deployment_succeeded,
    DeployEventKind::deployment_failed,
    DeployEventKind::image_built,
    DeployEventKind::image_pulled,
    DeployEventKind::push,
    DeployEventKind::workflow_queued,
    DeployEventKind::workflow_pending,
    DeployEventKind::workflow_not_triggered,
    DeployEventKind::workflow_started,
    DeployEventKind::build_finished,
    DeployEventKind::deployment_created,
    DeployEventKind::deployment_refused,
    DeployEventKind::workflow_not_modelled,
    DeployEventKind::workflow_succeeded,
    DeployEventKind::workflow_failed,
    DeployEventKind::workflow_cancelled,
    DeployEventKind::job_skipped,
    DeployEventKind::job_started,
    DeployEventKind::job_finished,
    DeployEventKind::step_started,
    DeployEventKind::step_finished,
};

// A `phase` DeployEvent's detail: where the harness's own run (sim/run.cc) stands. The judge reads
// swap_started as the start of a swap's stretch.
enum class HarnessPhase {
  initial_deployment,
  traffic_started,
  swap_started,  // `deployment` is the swap's number
  swap_finished,
  liveness_started,
  traffic_stopped,
};
inline constexpr HarnessPhase kHarnessPhases[] = {
    HarnessPhase::initial_deployment, HarnessPhase::traffic_started,  HarnessPhase::swap_started,
    HarnessPhase::swap_finished,      HarnessPhase::liveness_started, HarnessPhase::traffic_stopped,
};

// The word history.jsonl and the reports use for each ("stop_requested", "access_log", ...): the
// enumerator's own name. "" for a value outside the enum (only a cast makes one).
std::string_view container_what_name(ContainerWhat w);
std::string_view app_what_name(AppWhat w);
std::string_view proxy_event_kind_name(ProxyEventKind k);
std::string_view deploy_event_kind_name(DeployEventKind k);
std::string_view harness_phase_name(HarnessPhase p);

// The kind a name gives; nullopt for any other word, which a reader must refuse (a history from a
// newer bluegreen, or an edited one), not read as some default kind.
std::optional<ContainerWhat> parse_container_what(std::string_view name);
std::optional<AppWhat> parse_app_what(std::string_view name);
std::optional<ProxyEventKind> parse_proxy_event_kind(std::string_view name);
std::optional<DeployEventKind> parse_deploy_event_kind(std::string_view name);
std::optional<HarnessPhase> parse_harness_phase(std::string_view name);
// A phase event's detail: the phase's name, then, after a space, what the harness drew for it when
// the scenario gave a range ("swap_started swap_interval 12.345s (drawn from 8s..12s)").
std::optional<HarnessPhase> parse_harness_phase_detail(std::string_view detail);

}  // namespace bg::core
