#include "fakes/docker/compose_dialect.h"

#include <stdexcept>

#include <fmt/format.h>

#include "fakes/docker/compose_v1_dialect.h"
#include "fakes/docker/compose_v215_dialect.h"
#include "fakes/docker/ps_formatter.h"
#include "fakes/docker/tab_writer.h"

namespace bg::fakes {
namespace {

// compose v2's exit code for flag and command syntax errors (CommandSyntaxFailure).
constexpr int kSyntaxFailure = 16;

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
    "  down        Stop and remove containers, networks\n"
    "  ps          List containers\n"
    "  start       Start services\n"
    "  stop        Stop services\n"
    "  up          Create and start containers\n"
    "  version     Show the Docker Compose version information\n\n"
    "Run 'docker compose COMMAND --help' for more information on a command.\n";

// v2's progress verbs (pkg/progress/event.go), before and after each step.
const char* v2_verb(ComposeStep step, bool done) {
  switch (step) {
    case ComposeStep::create: return done ? "Created" : "Creating";
    case ComposeStep::recreate: return done ? "Recreated" : "Recreate";
    case ComposeStep::start: return done ? "Started" : "Starting";
    case ComposeStep::stop: return done ? "Stopped" : "Stopping";
    case ComposeStep::remove: return done ? "Removed" : "Removing";
  }
  return "";
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

// Non-TTY progress as compose v2 prints it: " Container blue-blue-1  Started".
std::string ComposeDialect::step_begin(ComposeStep step, const std::string& container) const {
  return fmt::format(" Container {}  {}\n", container, v2_verb(step, false));
}

std::string ComposeDialect::step_done(ComposeStep step, const std::string& container) const {
  return fmt::format(" Container {}  {}\n", container, v2_verb(step, true));
}

std::string ComposeDialect::up_to_date(const std::string& container) const {
  return fmt::format(" Container {}  Running\n", container);
}

std::string ComposeDialect::network_created(const std::string& network) const {
  return fmt::format(" Network {}  Creating\n Network {}  Created\n", network, network);
}

std::string ComposeDialect::network_removed(const std::string& network) const {
  return fmt::format(" Network {}  Removing\n Network {}  Removed\n", network, network);
}

std::string ComposeDialect::pull_begin(const std::string& service, const std::string&) const {
  return fmt::format(" {}  Pulling\n", service);
}

std::string ComposeDialect::pull_failed(const std::string& service, const std::string& message) const {
  return fmt::format(" {}  Error\n", service) + daemon_error(message);
}

std::string ComposeDialect::start_failed(const std::string&, const std::string&, const std::string& message) const {
  return daemon_error(message);
}

std::string ComposeDialect::nothing_to_remove(const std::string&) const {
  return "Warning: No resource found to remove\n";
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

// compose v2.5.0's `up` flags (later v2 releases add more, e.g. --pull; not modelled).
const std::vector<FlagSpec>& ComposeDialect::up_flags() const {
  static const std::vector<FlagSpec> flags = {
      {'d', "detach", false},         {0, "force-recreate", false}, {0, "no-recreate", false},
      {0, "wait", false},             {0, "remove-orphans", false}, {0, "build", false},
      {0, "no-build", false},         {0, "no-start", false},       {'t', "timeout", true},
      {0, "quiet-pull", false},       {0, "no-deps", false},        {0, "always-recreate-deps", false},
      {'V', "renew-anon-volumes", false}, {0, "no-color", false},   {0, "no-log-prefix", false},
      {0, "abort-on-container-exit", false}, {0, "attach-dependencies", false}};
  return flags;
}

const std::vector<FlagSpec>& ComposeDialect::ps_flags() const {
  static const std::vector<FlagSpec> flags = {{'a', "all", false},     {'q', "quiet", false}, {0, "services", false},
                                              {0, "status", true},     {0, "filter", true},   {0, "format", true}};
  return flags;
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
    if (p.published == 0) out.push_back(fmt::format("{}/{}", p.target, p.protocol));
    else out.push_back(fmt::format("{}:{}->{}/{}", p.host_ip.empty() ? "0.0.0.0" : p.host_ip, p.published, p.target, p.protocol));
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
    case ContainerState::paused: return fmt::format("Up {} (Paused)", since(c.started));
    case ContainerState::restarting: return fmt::format("Restarting ({}) {} ago", c.exit_code, since(c.finished));
    case ContainerState::removing: return "Removal In Progress";
    case ContainerState::dead: return "Dead";
    case ContainerState::created: return "Created";
    case ContainerState::exited: return fmt::format("Exited ({}) {} ago", c.exit_code, since(c.finished));
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
  throw std::invalid_argument(fmt::format(
      "compose version {} is not modelled (supported: docker-compose 1.27 to 1.29, compose 2.x)", version));
}

}  // namespace bg::fakes
