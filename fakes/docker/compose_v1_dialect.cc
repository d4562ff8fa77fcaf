#include "fakes/docker/compose_v1_dialect.h"

#include <algorithm>
#include <map>

#include <fmt/format.h>

#include "fakes/docker/image_store.h"

namespace bg::fakes {
namespace {

// compose/cli/main.py docstrings (1.29.2), as docopt prints them on a usage error. Trimmed to the
// options the simulation knows; the wording of each line is v1's.
const char* kTopLevelHelp =
    "Define and run multi-container applications with Docker.\n\n"
    "Usage:\n"
    "  docker-compose [-f <arg>...] [--profile <name>...] [options] [--] [COMMAND] [ARGS...]\n"
    "  docker-compose -h|--help\n\n"
    "Options:\n"
    "  -f, --file FILE             Specify an alternate compose file\n"
    "                              (default: docker-compose.yml)\n"
    "  -p, --project-name NAME     Specify an alternate project name\n"
    "                              (default: directory name)\n"
    "  --profile NAME              Specify a profile to enable\n"
    "  --verbose                   Show more output\n"
    "  --no-ansi                   Do not print ANSI control characters (DEPRECATED)\n"
    "  -v, --version               Print version and exit\n"
    "  --project-directory PATH    Specify an alternate working directory\n"
    "                              (default: the path of the Compose file)\n"
    "  --env-file PATH             Specify an alternate environment file\n\n";
const char* kCommands =
    "Commands:\n"
    "  build              Build or rebuild services\n"
    "  config             Validate and view the Compose file\n"
    "  create             Create services\n"
    "  down               Stop and remove resources\n"
    "  events             Receive real time events from containers\n"
    "  exec               Execute a command in a running container\n"
    "  help               Get help on a command\n"
    "  images             List images\n"
    "  kill               Kill containers\n"
    "  logs               View output from containers\n"
    "  pause              Pause services\n"
    "  port               Print the public port for a port binding\n"
    "  ps                 List containers\n"
    "  pull               Pull service images\n"
    "  push               Push service images\n"
    "  restart            Restart services\n"
    "  rm                 Remove stopped containers\n"
    "  run                Run a one-off command\n"
    "  scale              Set number of containers for a service\n"
    "  start              Start services\n"
    "  stop               Stop services\n"
    "  top                Display the running processes\n"
    "  unpause            Unpause services\n"
    "  up                 Create and start containers\n"
    "  version            Show version information and quit\n";

const std::map<std::string, std::string>& command_help() {
  static const std::map<std::string, std::string> help = {
      {"ps",
       "List containers.\n\nUsage: ps [options] [--] [SERVICE...]\n\nOptions:\n"
       "    -q, --quiet          Only display IDs\n"
       "    --services           Display services\n"
       "    --filter KEY=VAL     Filter services by a property\n"
       "    -a, --all            Show all stopped containers (including those created by the run command)\n"},
      {"up",
       "Builds, (re)creates, starts, and attaches to containers for a service.\n\n"
       "Usage: up [options] [--scale SERVICE=NUM...] [--] [SERVICE...]\n\nOptions:\n"
       "    -d, --detach               Detached mode: Run containers in the background,\n"
       "                               print new container names. Incompatible with\n"
       "                               --abort-on-container-exit.\n"
       "    --no-color                 Produce monochrome output.\n"
       "    --quiet-pull               Pull without printing progress information\n"
       "    --no-deps                  Don't start linked services.\n"
       "    --force-recreate           Recreate containers even if their configuration\n"
       "                               and image haven't changed.\n"
       "    --always-recreate-deps     Recreate dependent containers.\n"
       "                               Incompatible with --no-recreate.\n"
       "    --no-recreate              If containers already exist, don't recreate\n"
       "                               them. Incompatible with --force-recreate and -V.\n"
       "    --no-build                 Don't build an image, even if it's missing.\n"
       "    --no-start                 Don't start the services after creating them.\n"
       "    --build                    Build images before starting containers.\n"
       "    -t, --timeout TIMEOUT      Use this timeout in seconds for container\n"
       "                               shutdown when attached or when containers are\n"
       "                               already running. (default: 10)\n"
       "    -V, --renew-anon-volumes   Recreate anonymous volumes instead of retrieving\n"
       "                               data from the previous containers.\n"
       "    --remove-orphans           Remove containers for services not defined\n"
       "                               in the Compose file.\n"},
      {"down",
       "Stops containers and removes containers, networks, volumes, and images\n"
       "created by `up`.\n\nUsage: down [options]\n\nOptions:\n"
       "    --rmi type              Remove images. Type must be one of:\n"
       "                              'all': Remove all images used by any service.\n"
       "                              'local': Remove only images that don't have a\n"
       "                              custom tag set by the `image` field.\n"
       "    -v, --volumes           Remove named volumes declared in the `volumes`\n"
       "                            section of the Compose file and anonymous volumes\n"
       "                            attached to containers.\n"
       "    --remove-orphans        Remove containers for services not defined in the\n"
       "                            Compose file\n"
       "    -t, --timeout TIMEOUT   Specify a shutdown timeout in seconds.\n"
       "                            (default: 10)\n"},
      {"stop",
       "Stop running containers without removing them.\n\n"
       "They can be started again with `docker-compose start`.\n\n"
       "Usage: stop [options] [--] [SERVICE...]\n\nOptions:\n"
       "  -t, --timeout TIMEOUT      Specify a shutdown timeout in seconds.\n"
       "                             (default: 10)\n"},
      {"start", "Start existing containers.\n\nUsage: start [SERVICE...]\n"}};
  return help;
}

const char* verb(ComposeStep step) {
  switch (step) {
    case ComposeStep::create: return "Creating";
    case ComposeStep::recreate: return "Recreating";
    case ComposeStep::start: return "Starting";
    case ComposeStep::stop: return "Stopping";
    case ComposeStep::remove: return "Removing";
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
      if (n == 0) cells.push_back(std::string(fill / 2, ' ') + rows[n][i] + std::string(fill / 2 + fill % 2, ' '));
      else cells.push_back(rows[n][i] + std::string(fill, ' '));
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

std::string ComposeV1Dialect::up_to_date(const std::string& container) const {
  return container + " is up-to-date\n";
}

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
  return "ERROR: " + message + "\n";
}

// service.py start_container: a port clash also logs "Host is already in use by another container";
// parallel_execute reports the error per container, then per service (semantics.md §3).
std::string ComposeV1Dialect::start_failed(const std::string& service, const std::string& container,
                                           const std::string& message) const {
  std::string out;
  if (message.find("driver failed programming external connectivity") != std::string::npos)
    out += "WARNING: Host is already in use by another container\n";
  std::string cause = fmt::format("Cannot start service {}: {}", service, message);
  out += fmt::format("\nERROR: for {}  {}\n", container, cause);
  out += fmt::format("\nERROR: for {}  {}\n", service, cause);
  out += "ERROR: Encountered errors while bringing up the project.\n";
  return out;
}

// ProjectNetworks.remove: the default network is removed by name, and a missing one only warns.
std::string ComposeV1Dialect::nothing_to_remove(const std::string& project) const {
  std::string network = network_name(project);
  return fmt::format("Removing network {}\nWARNING: Network {} not found.\n", network, network);
}

// NoSuchCommand: "No such command" and the Commands section, exit 1.
core::CommandResult ComposeV1Dialect::unknown_command(const std::string& command) const {
  return {1, "", fmt::format("ERROR: No such command: {}\n\n{}", command, kCommands)};
}

// docopt_full_help: any docopt failure prints the command's whole docstring, exit 1; the
// specific problem (pflag's message in v2) is not printed.
core::CommandResult ComposeV1Dialect::bad_flag(const std::string& command, const std::string&) const {
  auto it = command_help().find(command);
  return {1, "", it != command_help().end() ? it->second : usage()};
}

std::string ComposeV1Dialect::usage() const { return std::string(kTopLevelHelp) + kCommands; }

const std::vector<FlagSpec>& ComposeV1Dialect::up_flags() const {
  static const std::vector<FlagSpec> flags = {
      {'d', "detach", false},      {0, "no-color", false},       {0, "quiet-pull", false},
      {0, "no-deps", false},       {0, "force-recreate", false}, {0, "always-recreate-deps", false},
      {0, "no-recreate", false},   {0, "no-build", false},       {0, "no-start", false},
      {0, "build", false},         {0, "abort-on-container-exit", false}, {0, "attach-dependencies", false},
      {'t', "timeout", true},      {'V', "renew-anon-volumes", false},    {0, "remove-orphans", false},
      {0, "exit-code-from", true}, {0, "scale", true}};
  return flags;
}

const std::vector<FlagSpec>& ComposeV1Dialect::ps_flags() const {
  static const std::vector<FlagSpec> flags = {
      {'q', "quiet", false}, {0, "services", false}, {0, "filter", true}, {'a', "all", false}};
  return flags;
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
    case ContainerState::paused: return "Paused";
    case ContainerState::restarting: return "Restarting";
    case ContainerState::running:
      if (c.health.empty()) return "Up";
      return c.health == "starting" ? "Up (health: starting)" : fmt::format("Up ({})", c.health);
    default: return fmt::format("Exit {}", c.exit_code);  // created and removing too: not running
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
