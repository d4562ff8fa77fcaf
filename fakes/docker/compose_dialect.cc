#include "fakes/docker/compose_dialect.h"

#include <stdexcept>

#include <fmt/format.h>

#include "fakes/docker/compose_flags.h"
#include "fakes/docker/compose_v1_dialect.h"
#include "fakes/docker/compose_v215_dialect.h"
#include "fakes/docker/image_store.h"
#include "fakes/docker/ps_formatter.h"
#include "fakes/docker/tab_writer.h"

namespace bg::fakes {
namespace {

// compose v2's exit code for flag and command syntax errors (CommandSyntaxFailure).
constexpr int kSyntaxFailure = 16;

// cobra's help for the compose plugin (v2.5.0 docs/reference/compose.md lists the commands).
const char* kV2Usage =
    "\nUsage:  docker compose [OPTIONS] COMMAND\n\nDocker Compose\n\nOptions:\n"
    "      --ansi string                Control when to print ANSI control characters (\"never\"|\"always\"|\"auto\") "
    "(default \"auto\")\n"
    "      --compatibility              Run compose in backward compatibility mode\n"
    "      --env-file string            Specify an alternate environment file.\n"
    "  -f, --file stringArray           Compose configuration files\n"
    "      --profile stringArray        Specify a profile to enable\n"
    "      --project-directory string   Specify an alternate working directory\n"
    "                                   (default: the path of the Compose file)\n"
    "  -p, --project-name string        Project name\n\n"
    "Commands:\n"
    "  build       Build or rebuild services\n"
    "  convert     Converts the compose file to platform's canonical format\n"
    "  cp          Copy files/folders between a service container and the local filesystem\n"
    "  create      Creates containers for a service.\n"
    "  down        Stop and remove containers, networks\n"
    "  events      Receive real time events from containers.\n"
    "  exec        Execute a command in a running container.\n"
    "  images      List images used by the created containers\n"
    "  kill        Force stop service containers.\n"
    "  logs        View output from containers\n"
    "  ls          List running compose projects\n"
    "  pause       Pause services\n"
    "  port        Print the public port for a port binding.\n"
    "  ps          List containers\n"
    "  pull        Pull service images\n"
    "  push        Push service images\n"
    "  restart     Restart containers\n"
    "  rm          Removes stopped service containers\n"
    "  run         Run a one-off command on a service.\n"
    "  start       Start services\n"
    "  stop        Stop services\n"
    "  top         Display the running processes\n"
    "  unpause     Unpause services\n"
    "  up          Create and start containers\n"
    "  version     Show the Docker Compose version information\n\n"
    "Run 'docker compose COMMAND --help' for more information on a command.\n";

// v2's progress verbs (pkg/progress/event.go), before and after each step.
const char* v2_verb(ComposeStep step, bool done) {
  switch (step) {
    case ComposeStep::create:
      return done ? "Created" : "Creating";
    case ComposeStep::recreate:
      return done ? "Recreated" : "Recreate";
    case ComposeStep::start:
      return done ? "Started" : "Starting";
    case ComposeStep::stop:
      return done ? "Stopped" : "Stopping";
    case ComposeStep::remove:
      return done ? "Removed" : "Removing";
    case ComposeStep::restart:
      return done ? "Started" : "Restarting";  // RestartingEvent, StartedEvent
  }
  return "";
}

int minor_of(const std::string& version) {
  int major = 0, minor = 0;
  std::sscanf(version.c_str(), "%d.%d", &major, &minor);
  return minor;
}

}  // namespace

int ComposeDialect::major() const {
  std::string v = version();
  return v.empty() ? 0 : v.front() - '0';
}

std::string ComposeDialect::version_line() const { return fmt::format("Docker Compose version v{}\n", version()); }

std::string ComposeDialect::container_name(const std::string& project, const std::string& service, int number) const {
  return ContainerRuntime::compose_name(project, service, number);
}

// pkg/progress/plain.go, the writer compose uses when stderr is not a terminal:
// fmt.Fprintln(out, e.ID, e.Text, e.StatusText). Container and network events carry a StatusText
// only ("Container blue-blue-1  Started", two spaces), pull events a Text only ("blue Pulling ",
// a trailing space). From v2.16 a dry-run prefix argument, "" outside dry runs, is printed first,
// so every line starts with a space (compose commit 790712fa9).
std::string ComposeDialect::event(const std::string& id, const std::string& text, const std::string& status) const {
  return fmt::format("{}{} {} {}\n", major() == 2 && minor_of(version()) >= 16 ? " " : "", id, text, status);
}

std::string ComposeDialect::step_begin(ComposeStep step, const std::string& container) const {
  return event("Container " + container, "", v2_verb(step, false));
}

std::string ComposeDialect::step_done(ComposeStep step, const std::string& container) const {
  return event("Container " + container, "", v2_verb(step, true));
}

std::string ComposeDialect::up_to_date(const std::string& container) const {
  return event("Container " + container, "", "Running");
}

std::string ComposeDialect::network_created(const std::string& network) const {
  return event("Network " + network, "", "Creating") + event("Network " + network, "", "Created");
}

std::string ComposeDialect::network_removed(const std::string& network) const {
  return event("Network " + network, "", "Removing") + event("Network " + network, "", "Removed");
}

std::string ComposeDialect::pull_begin(const std::string& service, const std::string&) const {
  return event(service, "Pulling", "");
}

std::string ComposeDialect::pull_failed(const std::string& service, const std::string& message) const {
  return event(service, "Error", "") + daemon_error(message);
}

std::string ComposeDialect::start_failed(const std::string&, const std::string&, const std::string& message) const {
  return daemon_error(message);
}

// v2.5.0 down.go: a progress event with the project's name as its ID.
std::string ComposeDialect::nothing_to_remove(const std::string& project) const {
  return event(project, "", "Warning: No resource found to remove");
}

std::string ComposeDialect::daemon_error(const std::string& message) const {
  return "Error response from daemon: " + message + "\n";
}

// cobra prints the help, then compose's own error (cmd/compose/compose.go RootCommand).
core::CommandResult ComposeDialect::unknown_command(const std::string& command) const {
  return {kSyntaxFailure, usage(), fmt::format("unknown docker command: \"compose {}\"\n", command)};
}

core::CommandResult ComposeDialect::bad_flag(const std::string&, const std::string& message) const {
  return {kSyntaxFailure, "", message + "\n"};
}

std::string ComposeDialect::usage() const { return kV2Usage; }

const std::vector<FlagSpec>* ComposeDialect::command_flags(const std::string& command) const {
  return compose_command_flags(major(), minor_of(version()), command);
}

std::string ComposeDialect::unset_variable(const std::string& name) const {
  return fmt::format("The \"{}\" variable is not set. Defaulting to a blank string.", name);
}

// logrus TextFormatter on a stream that is not a terminal (a deploy script's stderr): key=value
// fields, the message quoted as Go's %q does. Simplification: a run has no wall clock, so the
// time is the scenario time after a fixed epoch (2024-01-01T00:00:00Z).
std::string ComposeDialect::warning(const std::string& message, core::Time now) const {
  long s = static_cast<long>(core::to_seconds(now));
  return fmt::format("time=\"2024-01-{:02}T{:02}:{:02}:{:02}Z\" level=warning msg={}\n", 1 + s / 86400, s / 3600 % 24,
                     s / 60 % 60, s % 60, go_quote(message));
}

// cmd/compose/version.go runVersion.
std::string ComposeDialect::version_command(bool short_form) const {
  return short_form ? version() + "\n" : version_line();
}

std::string ComposeDialect::going_to_remove(const std::vector<std::string>& containers) const {
  return fmt::format("Going to remove {}\n", fmt::join(containers, ", "));
}

// pkg/compose/pull.go: a service without an image (or pull_policy never/build) is "Skipped", one
// whose image is there under pull_policy missing "Exists".
std::string ComposeDialect::pull_skipped(const std::string& service, bool exists) const {
  return event(service, exists ? "Exists" : "Skipped", "");
}

// pkg/compose/convergence.go startService.
std::string ComposeDialect::nothing_to_start(const std::string& service) const {
  return fmt::format("service \"{}\" has no container to start", service);
}

// convergence.go waitDependencies: Waiting, then Healthy (or Error) per dependency container.
std::string ComposeDialect::dependency_event(const std::string& container, const std::string& event) const {
  return this->event("Container " + container, "", event);
}

// v2.5.0 convergence.go isServiceHealthy / waitDependencies (v2.15 words it the same).
std::string ComposeDialect::dependency_error(const std::string&, const std::string& dependency, const ContainerRecord&,
                                             DependencyFailure why, int exit_code) const {
  switch (why) {
    case DependencyFailure::no_healthcheck:
      return fmt::format("container for service \"{}\" has no healthcheck configured\n", dependency);
    case DependencyFailure::unhealthy:
      return fmt::format("container for service \"{}\" is unhealthy\n", dependency);
    case DependencyFailure::exited:
      return fmt::format("service \"{}\" didn't completed successfully: exit {}\n", dependency, exit_code);
  }
  return "";
}

std::string ComposeDialect::external_network_missing(const std::string& network) const {
  return fmt::format("network {} declared as external, but could not be found", network);
}

// create.go: logrus.Warnf with orphans.names(), a Go []string printed by %s ("[a b]").
std::string ComposeDialect::orphans_found(const std::vector<std::string>& containers) const {
  return fmt::format(
      "Found orphan containers ([{}]) for this project. If you removed or renamed this service in your compose "
      "file, you can run this command with the --remove-orphans flag to clean it up.",
      fmt::join(containers, " "));
}

// BuildKit's plain progress, reduced to one vertex per Dockerfile step and the export
// (simplification: the real output also shows the context transfer, cache and timings).
core::CommandResult ComposeDialect::build_output(const std::string&, const std::string& image,
                                                 const Dockerfile& dockerfile, const BuildResult&) const {
  core::CommandResult r;
  size_t n = 1;
  const auto& steps = dockerfile.instructions;
  for (size_t i = 0; i < steps.size(); ++i, ++n)
    r.err += fmt::format("#{} [{}/{}] {}\n#{} DONE 0.0s\n\n", n, i + 1, steps.size(), steps[i].original, n);
  r.err += fmt::format("#{} exporting to image\n#{} naming to docker.io/library/{} done\n#{} DONE 0.0s\n", n, n,
                       ImageStore::normalize_ref(image), n);
  return r;
}

// cmd/compose/ps.go (v2.0.0–v2.14.x): tabwriter minwidth 20, padding 3; COMMAND quoted and cut to
// 20; stopped containers listed; no containers: the header line only.
std::string ComposeDialect::ps_table(const std::vector<ContainerRecord>& containers, core::Time) const {
  TabWriter table(20, 3);
  table.row({"NAME", "COMMAND", "SERVICE", "STATUS", "PORTS"});
  for (const auto& c : containers)
    table.row({c.name, go_quote(ellipsis(c.command, 20)), c.service, ComposeV2Dialect::status(c),
               ComposeV2Dialect::ports(c)});
  return table.str();
}

// v2 < 2.15 knows `pretty` and `json` only (formatter.Print): a Go template is a parse failure.
std::string ComposeDialect::ps_format(const std::vector<ContainerRecord>& containers, core::Time now,
                                      const std::string& format) const {
  if (format == "pretty" || format.empty()) return ps_table(containers, now);
  if (format == "json") {
    nlohmann::json all = nlohmann::json::array();
    for (const auto& c : containers) all.push_back(PsFormatter::json(c, now, true));
    return all.dump() + "\n";
  }
  throw std::invalid_argument(fmt::format("format value \"{}\" could not be parsed: parsing failed", format));
}

std::string ComposeDialect::ps_quiet(const std::vector<ContainerRecord>& containers) const {
  std::string out;
  for (const auto& c : containers) out += c.id + "\n";
  return out;
}

std::string ComposeV2Dialect::status(const ContainerRecord& c) {
  std::string state = state_name(c.state);
  if (c.state == ContainerState::running && !c.health.empty()) return fmt::format("{} ({})", state, c.health);
  if (c.state == ContainerState::exited || c.state == ContainerState::dead)
    return fmt::format("{} ({})", state, c.exit_code);
  return state;
}

// Only a running container has its ports in ContainerList; Docker 20.10 would also list the IPv6
// binding (":::3000->3000/tcp"): left out, as semantics.md §3 shows the IPv4 form only.
std::string ComposeV2Dialect::ports(const ContainerRecord& c) {
  if (c.state != ContainerState::running && c.state != ContainerState::paused) return "";
  std::vector<std::string> out;
  for (const auto& p : c.ports) {
    if (p.published == 0)
      out.push_back(fmt::format("{}/{}", p.target, p.protocol));
    else
      out.push_back(
          fmt::format("{}:{}->{}/{}", p.host_ip.empty() ? "0.0.0.0" : p.host_ip, p.published, p.target, p.protocol));
  }
  return fmt::format("{}", fmt::join(out, ", "));
}

// moby container/state.go State.String(), with go-units HumanDuration.
std::string engine_status(const ContainerRecord& c, core::Time now) {
  auto since = [&](core::Time t) { return human_duration(core::to_seconds(now - t)); };
  switch (c.state) {
    case ContainerState::running: {
      std::string up = "Up " + since(c.started);
      if (c.health == "starting") return up + " (health: starting)";
      return c.health.empty() ? up : fmt::format("{} ({})", up, c.health);
    }
    case ContainerState::paused:
      return fmt::format("Up {} (Paused)", since(c.started));
    case ContainerState::restarting:
      return fmt::format("Restarting ({}) {} ago", c.exit_code, since(c.finished));
    case ContainerState::removing:
      return "Removal In Progress";
    case ContainerState::dead:
      return "Dead";
    case ContainerState::created:
      return "Created";
    case ContainerState::exited:
      return fmt::format("Exited ({}) {} ago", c.exit_code, since(c.finished));
  }
  return "";
}

std::unique_ptr<ComposeDialect> make_compose_dialect(std::string_view version) {
  if (!version.empty() && version.front() == 'v') version.remove_prefix(1);
  int major = 0, minor = 0, patch = 0;
  int n = std::sscanf(std::string(version).c_str(), "%d.%d.%d", &major, &minor, &patch);
  if (n >= 2 && major == 1 && minor >= 27) return std::make_unique<ComposeV1Dialect>(std::string(version));
  if (n >= 2 && major == 2 && minor < 15) return std::make_unique<ComposeV2Dialect>(std::string(version));
  if (n >= 2 && major == 2) return std::make_unique<ComposeV215Dialect>(std::string(version), minor);
  throw std::invalid_argument(
      fmt::format("compose version {} is not modelled (supported: docker-compose 1.27 to 1.29, compose 2.x)", version));
}

}  // namespace bg::fakes
