#include "fakes/docker/compose_v1_help.h"

#include <map>

namespace bg::fakes {
namespace {

// compose/cli/main.py docstrings (1.29.2), as docopt prints them on a usage error. Trimmed to the
// options the simulation knows; the wording of each line is v1's.
const char* const kTopLevelHelp =
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
const char* const kCommands =
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

}  // namespace

const std::map<std::string, std::string>& v1_command_help() {
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
      {"rm",
       "Removes stopped service containers.\n\n"
       "By default, anonymous volumes attached to containers will not be removed. You\n"
       "can override this with `-v`. To list all volumes, use `docker volume ls`.\n\n"
       "Any data which is not in a volume will be lost.\n\n"
       "Usage: rm [options] [--] [SERVICE...]\n\nOptions:\n"
       "    -f, --force   Don't ask to confirm removal\n"
       "    -s, --stop    Stop the containers, if required, before removing\n"
       "    -v            Remove any anonymous volumes attached to containers\n"
       "    -a, --all     Deprecated - no effect.\n"},
      {"restart",
       "Restart running containers.\n\nUsage: restart [options] [--] [SERVICE...]\n\nOptions:\n"
       "  -t, --timeout TIMEOUT      Specify a shutdown timeout in seconds.\n"
       "                             (default: 10)\n"},
      {"pull",
       "Pulls images for services defined in a Compose file, but does not start the containers.\n\n"
       "Usage: pull [options] [--] [SERVICE...]\n\nOptions:\n"
       "    --ignore-pull-failures  Pull what it can and ignores images with pull failures.\n"
       "    --parallel              Deprecated, pull multiple images in parallel (enabled by default).\n"
       "    --no-parallel           Disable parallel pulling.\n"
       "    -q, --quiet             Pull without printing progress information\n"
       "    --include-deps          Also pull services declared as dependencies\n"},
      {"config",
       "Validate and view the Compose file.\n\nUsage: config [options]\n\nOptions:\n"
       "    --resolve-image-digests  Pin image tags to digests.\n"
       "    --no-interpolate         Don't interpolate environment variables.\n"
       "    -q, --quiet              Only validate the configuration, don't print\n"
       "                             anything.\n"
       "    --profiles               Print the profile names, one per line.\n"
       "    --services               Print the service names, one per line.\n"
       "    --volumes                Print the volume names, one per line.\n"
       "    --hash=\"*\"               Print the service config hash, one per line.\n"
       "                             Set \"service1,service2\" for a list of specified services\n"
       "                             or use the wildcard symbol to display all services.\n"},
      {"logs",
       "View output from containers.\n\nUsage: logs [options] [--] [SERVICE...]\n\nOptions:\n"
       "    --no-color              Produce monochrome output.\n"
       "    -f, --follow            Follow log output.\n"
       "    -t, --timestamps        Show timestamps.\n"
       "    --tail=\"all\"            Number of lines to show from the end of the logs\n"
       "                            for each container.\n"
       "    --no-log-prefix         Don't print prefix in logs.\n"},
      {"version",
       "Show version information and quit.\n\nUsage: version [--short]\n\nOptions:\n"
       "    --short     Shows only Compose's version number.\n"},
      {"start", "Start existing containers.\n\nUsage: start [SERVICE...]\n"},
      {"exec",
       "Execute a command in a running container\n\n"
       "Usage: exec [options] [-e KEY=VAL...] [--] SERVICE COMMAND [ARGS...]\n\nOptions:\n"
       "    -d, --detach      Detached mode: Run command in the background.\n"
       "    --privileged      Give extended privileges to the process.\n"
       "    -u, --user USER   Run the command as this user.\n"
       "    -T                Disable pseudo-tty allocation. By default `docker-compose exec`\n"
       "                      allocates a TTY.\n"
       "    --index=index     index of the container if there are multiple\n"
       "                      instances of a service [default: 1]\n"
       "    -e, --env KEY=VAL Set environment variables (can be used multiple times,\n"
       "                      not supported in API < 1.25)\n"
       "    -w, --workdir DIR Path to workdir directory for this command.\n"}};
  return help;
}

std::string v1_usage() { return std::string(kTopLevelHelp) + kCommands; }
std::string v1_commands() { return kCommands; }

}  // namespace bg::fakes
