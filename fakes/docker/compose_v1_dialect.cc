#include "fakes/docker/compose_v1_dialect.h"

#include <algorithm>
#include <map>

#include <fmt/format.h>

#include "fakes/docker/compose_flags.h"
#include "fakes/docker/compose_v1_help.h"
#include "fakes/docker/image_store.h"

namespace bg::fakes {
namespace {

const char* verb(ComposeStep step) {
  switch (step) {
    case ComposeStep::create:
      return "Creating";
    case ComposeStep::recreate:
      return "Recreating";
    case ComposeStep::start:
      return "Starting";
    case ComposeStep::stop:
      return "Stopping";
    case ComposeStep::remove:
      return "Removing";
    case ComposeStep::restart:
      return "Restarting";
  }
  return "";
}

// texttable as compose's Formatter.table draws it on a non-TTY (max_width 0, deco HEADER): headers
// centred, cells left-aligned, columns joined by three spaces, a dashes line under the header.
std::string texttable(const std::vector<std::vector<std::string>>& rows) {
  std::vector<size_t> widths(rows.front().size(), 0);
  for (const auto& r : rows)
    for (size_t i = 0; i < r.size(); ++i) widths[i] = std::max(widths[i], r[i].size());
  std::string out;
  for (size_t n = 0; n < rows.size(); ++n) {
    std::vector<std::string> cells;
    for (size_t i = 0; i < widths.size(); ++i) {
      size_t fill = widths[i] - rows[n][i].size();
      if (n == 0)
        cells.push_back(std::string(fill / 2, ' ') + rows[n][i] + std::string(fill / 2 + fill % 2, ' '));
      else
        cells.push_back(rows[n][i] + std::string(fill, ' '));
    }
    out += fmt::format("{}\n", fmt::join(cells, "   "));
    if (n == 0) {
      size_t total = 3 * (widths.size() - 1);
      for (size_t w : widths) total += w;
      out += std::string(total, '-') + "\n";
    }
  }
  return out;
}

}  // namespace

std::string ComposeV1Dialect::version_line() const {
  // 1.29.2's build hash; other 1.x versions print theirs (not modelled).
  return fmt::format("docker-compose version {}, build 5becea4c\n", version_);
}

std::string ComposeV1Dialect::container_name(const std::string& project, const std::string& service, int number) const {
  return fmt::format("{}_{}_{}", project, service, number);
}

std::string ComposeV1Dialect::step_begin(ComposeStep step, const std::string& container) const {
  return fmt::format("{} {} ... \n", verb(step), container);
}

std::string ComposeV1Dialect::step_done(ComposeStep step, const std::string& container) const {
  return fmt::format("{} {} ... done\n", verb(step), container);
}

std::string ComposeV1Dialect::step_error(ComposeStep step, const std::string& container) const {
  return fmt::format("{} {} ... error\n", verb(step), container);
}

std::string ComposeV1Dialect::up_to_date(const std::string& container) const { return container + " is up-to-date\n"; }

std::string ComposeV1Dialect::network_created(const std::string& network) const {
  return fmt::format("Creating network \"{}\" with the default driver\n", network);
}

std::string ComposeV1Dialect::network_removed(const std::string& network) const {
  return fmt::format("Removing network {}\n", network);
}

std::string ComposeV1Dialect::pull_begin(const std::string& service, const std::string& image) const {
  return fmt::format("Pulling {} ({})...\n", service, ImageStore::normalize_ref(image));
}

std::string ComposeV1Dialect::pull_failed(const std::string&, const std::string& message) const {
  return message + "\n";
}

// service.py start_container: a port clash also logs "Host is already in use by another container";
// parallel_execute writes "ERROR: for" per container, then per service, straight to the stream
// (parallel.py), so those keep their prefix on a non-TTY; the rest goes through the logger.
std::string ComposeV1Dialect::start_failed(const std::string& service, const std::string& container,
                                           const std::string& message) const {
  std::string out;
  if (message.find("driver failed programming external connectivity") != std::string::npos)
    out += "Host is already in use by another container\n";
  std::string cause = fmt::format("Cannot start service {}: {}", service, message);
  out += fmt::format("\nERROR: for {}  {}\n", container, cause);
  out += fmt::format("\nERROR: for {}  {}\n", service, cause);
  out += "Encountered errors while bringing up the project.\n";
  return out;
}

// ProjectNetworks.remove: the default network is removed by name, and a missing one only warns.
std::string ComposeV1Dialect::nothing_to_remove(const std::string& project) const {
  std::string network = network_name(project);
  return fmt::format("Removing network {}\nNetwork {} not found.\n", network, network);
}

// NoSuchCommand: "No such command" and the Commands section (log.error), exit 1.
core::CommandResult ComposeV1Dialect::unknown_command(const std::string& command) const {
  return {1, "", fmt::format("No such command: {}\n\n{}", command, v1_commands())};
}

// docopt_full_help: any docopt failure prints the command's whole docstring, exit 1; the
// specific problem (pflag's message in v2) is not printed.
core::CommandResult ComposeV1Dialect::bad_flag(const std::string& command, const std::string&) const {
  auto it = v1_command_help().find(command);
  return {1, "", it != v1_command_help().end() ? it->second : usage()};
}

std::string ComposeV1Dialect::usage() const { return v1_usage(); }

const std::vector<FlagSpec>* ComposeV1Dialect::command_flags(const std::string& command) const {
  return compose_command_flags(1, 0, command);
}

std::string ComposeV1Dialect::unset_variable(const std::string& name) const {
  return fmt::format("The {} variable is not set. Defaulting to a blank string.", name);
}

// main.py setup_console_handler: on a stream that is not a TTY (a deploy script's stderr) the
// handler's formatter is logging.Formatter("%(message)s"), without the WARNING:/ERROR: prefix
// ConsoleWarningFormatter adds on a terminal (colors.AnsiMode.use_ansi_codes: stream.isatty()).
std::string ComposeV1Dialect::warning(const std::string& message, core::Time) const { return message + "\n"; }

// main.py version: --short prints the version, otherwise get_version_info('full') of the
// official 1.29.2 Linux binary.
std::string ComposeV1Dialect::version_command(bool short_form) const {
  if (short_form) return version_ + "\n";
  return version_line() +
         "docker-py version: 5.0.0\nCPython version: 3.7.10\nOpenSSL version: OpenSSL 1.1.0l  10 Sep 2019\n";
}

// main.py rm: print("No stopped containers") goes to stdout.
void ComposeV1Dialect::no_stopped_containers(core::CommandResult& r) const { r.out += "No stopped containers\n"; }

// project.py parallel_pull: parallel_execute's "Pulling <service> ... " / "... done" lines, also
// for a service without an image (a no-op pull).
std::string ComposeV1Dialect::pull_command_begin(const std::string& service) const {
  return fmt::format("Pulling {} ... \n", service);
}
std::string ComposeV1Dialect::pull_command_done(const std::string& service) const {
  return fmt::format("Pulling {} ... done\n", service);
}
std::string ComposeV1Dialect::pull_skipped(const std::string& service, bool) const {
  return pull_command_begin(service) + pull_command_done(service);
}

// main.py start: exit_if(not containers, 'No containers to start', 1).
std::string ComposeV1Dialect::nothing_to_start(const std::string&) const { return "No containers to start"; }

// service.py build: "Building <service>" (log.info), then the legacy builder's stream on stdout,
// as `docker build` prints it.
core::CommandResult ComposeV1Dialect::build_output(const std::string& service, const std::string& image,
                                                   const Dockerfile& dockerfile, const BuildResult& built) const {
  core::CommandResult r;
  r.err = fmt::format("Building {}\n", service);
  const auto& steps = dockerfile.instructions;
  for (size_t i = 0; i < steps.size(); ++i) {
    r.out += fmt::format("Step {}/{} : {}\n", i + 1, steps.size(), steps[i].original);
    if (i < built.container_ids.size() && !built.container_ids[i].empty())
      r.out += fmt::format(" ---> Running in {}\nRemoving intermediate container {}\n", built.container_ids[i],
                           built.container_ids[i]);
    if (i < built.layer_ids.size()) r.out += fmt::format(" ---> {}\n", built.layer_ids[i]);
  }
  r.out += fmt::format("Successfully built {}\nSuccessfully tagged {}\n", built.image.id.substr(0, 12),
                       ImageStore::normalize_ref(image));
  return r;
}

// service.py dependency checks (errors.py HealthCheckFailed, NoHealthCheckConfigured,
// CompletedUnsuccessfully): parallel_execute reports them for the dependent service, then `up`
// fails as any error of the batch does.
std::string ComposeV1Dialect::dependency_error(const std::string& dependent, const std::string& dependency,
                                               const ContainerRecord& container, DependencyFailure why,
                                               int exit_code) const {
  std::string short_id = container.id.substr(0, 12);
  std::string cause;
  switch (why) {
    case DependencyFailure::no_healthcheck:
      cause = fmt::format("Service \"{}\" is missing a healthcheck configuration", dependency);
      break;
    case DependencyFailure::unhealthy:
      cause = fmt::format("Container \"{}\" is unhealthy.", short_id);
      break;
    case DependencyFailure::exited:
      cause = fmt::format("Container \"{}\" exited with code {}.", short_id, exit_code);
      break;
  }
  return fmt::format("\nERROR: for {}  {}\nEncountered errors while bringing up the project.\n", dependent, cause);
}

// network.py ProjectNetworks: ConfigurationError for an external network that is not there.
std::string ComposeV1Dialect::external_network_missing(const std::string& network) const {
  return fmt::format(
      "Network {} declared as external, but could not be found. Please create the network manually using `docker "
      "network create {}` and try again.",
      network, network);
}

// project.py find_orphan_containers.
std::string ComposeV1Dialect::orphans_found(const std::vector<std::string>& containers) const {
  return fmt::format(
      "Found orphan containers ({}) for this project. If you removed or renamed this service in your compose file, "
      "you can run this command with the --remove-orphans flag to clean it up.",
      fmt::join(containers, ", "));
}

// service.py ensure_image_exists: log.warning after building a missing image.
std::string ComposeV1Dialect::built_because_missing(const std::string& service) const {
  return fmt::format(
      "Image for service {} was built because it did not already exist. To rebuild this image you must use "
      "`docker-compose build` or `docker-compose up --build`.",
      service);
}

// config.py ComposeFileNotFound (SUPPORTED_FILENAMES of 1.29).
std::string ComposeV1Dialect::no_config_file() const {
  return "\n        Can't find a suitable configuration file in this directory or any\n"
         "        parent. Are you in the right directory?\n\n"
         "        Supported filenames: docker-compose.yml, docker-compose.yaml, compose.yml, compose.yaml\n        ";
}

// config.py load_yaml: the IOError's class and message.
// config.py find() joins each -f to the project directory ('.'), so a relative file shows as ./x.
std::string ComposeV1Dialect::missing_file(const std::string& absolute, const std::string& as_given) const {
  std::string shown = as_given.empty() || as_given.front() == '/' ? absolute : "./" + as_given;
  return fmt::format(".FileNotFoundError: [Errno 2] No such file or directory: '{}'", shown);
}

std::string ComposeV1Dialect::state(const ContainerRecord& c) {
  switch (c.state) {
    case ContainerState::paused:
      return "Paused";
    case ContainerState::restarting:
      return "Restarting";
    case ContainerState::running:
      if (c.health.empty()) return "Up";
      return c.health == "starting" ? "Up (health: starting)" : fmt::format("Up ({})", c.health);
    default:
      return fmt::format("Exit {}", c.exit_code);  // created and removing too: not running
  }
}

std::string ComposeV1Dialect::command(const ContainerRecord& c) {
  return c.command.size() > 30 ? c.command.substr(0, 26) + " ..." : c.command;
}

// compose/cli/main.py ps (1.29.2): every container of the project, stopped ones included.
std::string ComposeV1Dialect::ps_table(const std::vector<ContainerRecord>& containers, core::Time) const {
  std::vector<std::vector<std::string>> rows = {{"Name", "Command", "State", "Ports"}};
  for (const auto& c : containers) rows.push_back({c.name, command(c), state(c), ComposeV2Dialect::ports(c)});
  return texttable(rows);
}

}  // namespace bg::fakes
