#include "fakes/docker/docker_cli.h"

#include <algorithm>
#include <fstream>
#include <set>
#include <sstream>

#include <fmt/format.h>

#include "fakes/docker/tab_writer.h"

namespace bg::fakes {
namespace {

namespace fs = std::filesystem;

const std::vector<FlagSpec> kGlobalFlags = {{'H', "host", true},   {'c', "context", true}, {'D', "debug", false},
                                            {'l', "log-level", true}, {0, "config", true}, {'v', "version", false},
                                            {0, "tls", false},     {0, "tlsverify", false}};
const std::vector<FlagSpec> kBuildFlags = {
    {'t', "tag", true},       {'f', "file", true},       {'q', "quiet", false},   {0, "no-cache", false},
    {0, "pull", false},       {0, "rm", false},          {0, "force-rm", false},  {0, "build-arg", true},
    {0, "network", true},     {0, "platform", true},     {0, "progress", true},   {0, "target", true},
    {0, "label", true},       {0, "cache-from", true}};
const std::vector<FlagSpec> kPsFlags = {{'a', "all", false},     {'q', "quiet", false}, {0, "no-trunc", false},
                                        {'f', "filter", true},   {0, "format", true},   {'n', "last", true},
                                        {'l', "latest", false},  {'s', "size", false}};

// Docker commands that exist but the simulation does not model: said so, never silently ignored.
const std::set<std::string> kUnmodelled = {"run", "stop", "start", "restart", "rm", "rmi", "images", "image",
                                           "container", "logs", "exec", "pull", "push", "tag", "inspect", "kill",
                                           "network", "volume", "system", "info", "login", "logout"};

uint64_t context_size(const fs::path& dir) {
  uint64_t total = 0;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(dir, fs::directory_options::skip_permission_denied, ec);
       !ec && it != fs::recursive_directory_iterator(); it.increment(ec))
    if (it->is_regular_file(ec)) total += it->file_size(ec);
  return total;
}

core::CommandResult failure(std::string err, int code = 1) { return core::CommandResult{code, "", std::move(err)}; }

}  // namespace

std::string DockerCli::human_size(double bytes) {
  static constexpr const char* units[] = {"B", "kB", "MB", "GB", "TB", "PB"};
  int i = 0;
  while (bytes >= 1000 && i < 5) {
    bytes /= 1000;
    ++i;
  }
  return fmt::format("{:.4g}{}", bytes, units[i]);
}

core::CommandResult DockerCli::run(const std::vector<std::string>& args, const fs::path& cwd, std::stop_token stop) {
  try {
    size_t pos = 0;
    CliArgs global = parse_flags(args, pos, kGlobalFlags, true);
    if (global.has("version")) return {0, "Docker version 20.10.17, build 100c701\n", ""};
    if (pos == args.size()) return {0, "\nUsage:  docker [OPTIONS] COMMAND\n\nA self-sufficient runtime for containers\n", ""};
    const std::string& command = args[pos];
    std::vector<std::string> rest(args.begin() + static_cast<long>(pos) + 1, args.end());
    if (command == "compose") {
      // docker-compose v1 is a separate program: without the v2 plugin, Docker 20.10 has no
      // `compose` command (semantics.md §3: the spellings differ per version).
      if (!compose_.dialect().is_cli_plugin())
        return failure("docker: 'compose' is not a docker command.\nSee 'docker --help'\n");
      return compose_.run(rest, cwd, stop);
    }
    if (command == "build") return build(rest, cwd, stop);
    if (command == "ps") return ps(rest);
    if (kUnmodelled.count(command))
      return failure(fmt::format("bluegreen: `docker {}` is not modelled by the simulation\n", command));
    return failure(fmt::format("docker: '{}' is not a docker command.\nSee 'docker --help'\n", command));
  } catch (const UsageError& e) {
    // docker/cli FlagErrorFunc: the pflag message, a pointer to --help, exit 125.
    return failure(fmt::format("{}\nSee 'docker --help'.\n", e.what()), 125);
  } catch (const DockerError& e) {
    return failure(fmt::format("Error response from daemon: {}\n", e.what()));
  }
}

// The legacy builder (DOCKER_BUILDKIT unset on Docker 20.10): client-side context checks, then
// the daemon's steps. Instructions are not executed (simplification): each step prints its ids.
core::CommandResult DockerCli::build(const std::vector<std::string>& args, const fs::path& cwd, std::stop_token stop) {
  size_t pos = 0;
  CliArgs flags;
  try {
    flags = parse_flags(args, pos, kBuildFlags, false);
  } catch (const UsageError& e) {
    return failure(fmt::format("{}\nSee 'docker build --help'.\n", e.what()), 125);
  }
  if (flags.positional.size() != 1)
    return failure(
        "\"docker build\" requires exactly 1 argument.\nSee 'docker build --help'.\n\nUsage:  docker build [OPTIONS] "
        "PATH | URL | -\n\nBuild an image from a Dockerfile\n");
  fs::path context = (cwd / flags.positional[0]).lexically_normal();
  if (!fs::is_directory(context))
    return failure(fmt::format("unable to prepare context: path \"{}\" not found\n", flags.positional[0]));
  fs::path dockerfile_path = flags.has("file") ? (cwd / flags.value("file")).lexically_normal() : context / "Dockerfile";
  std::ifstream in(dockerfile_path, std::ios::binary);
  if (!in)
    return failure(fmt::format(
        "unable to prepare context: unable to evaluate symlinks in Dockerfile path: lstat {}: no such file or "
        "directory\n",
        paths_ ? paths_->to_virtual(dockerfile_path).value_or(dockerfile_path).string() : dockerfile_path.string()));
  std::stringstream text;
  text << in.rdbuf();
  Dockerfile dockerfile;
  try {
    dockerfile = parse_dockerfile(text.str());
  } catch (const DockerfileError& e) {
    return failure(fmt::format("Error response from daemon: {}\n", e.what()));
  }
  const auto& tags = flags.values["tag"];
  core::CommandResult r;
  r.out = fmt::format("Sending build context to Docker daemon  {}\n", human_size(static_cast<double>(context_size(context))));
  BuildResult built;
  try {
    built = engine_.build(dockerfile, tags.empty() ? "" : tags.front(), stop);
  } catch (const DockerError& e) {
    r.err = fmt::format("{}\n", e.what());
    r.exit_code = 1;
    return r;
  }
  for (size_t i = 1; i < tags.size(); ++i) engine_.tag(built.image, tags[i]);
  const auto& steps = dockerfile.instructions;
  for (size_t i = 0; i < steps.size(); ++i) {
    r.out += fmt::format("Step {}/{} : {}\n", i + 1, steps.size(), steps[i].original);
    if (!built.container_ids[i].empty())
      r.out += fmt::format(" ---> Running in {}\nRemoving intermediate container {}\n", built.container_ids[i],
                           built.container_ids[i]);
    r.out += fmt::format(" ---> {}\n", built.layer_ids[i]);
  }
  r.out += fmt::format("Successfully built {}\n", built.image.id.substr(0, 12));
  for (const auto& tag : tags) r.out += fmt::format("Successfully tagged {}\n", ImageStore::normalize_ref(tag));
  if (flags.has("quiet")) r.out = fmt::format("sha256:{}\n", built.image.id);
  return r;
}

// docker/cli `docker ps` (tabwriter minwidth 10, padding 3), newest first.
core::CommandResult DockerCli::ps(const std::vector<std::string>& args) {
  size_t pos = 0;
  CliArgs flags = parse_flags(args, pos, kPsFlags, false);
  if (flags.has("filter") || flags.has("format"))
    return failure("bluegreen: `docker ps --filter/--format` is not modelled by the simulation\n");
  auto containers = engine_.containers();
  std::stable_sort(containers.begin(), containers.end(),
                   [](const ContainerRecord& a, const ContainerRecord& b) { return a.created > b.created; });
  core::Time now = engine_.clock().now();
  TabWriter table(10, 3);
  table.row({"CONTAINER ID", "IMAGE", "COMMAND", "CREATED", "STATUS", "PORTS", "NAMES"});
  core::CommandResult r;
  for (const auto& c : containers) {
    if (!flags.has("all") && c.state != ContainerState::running) continue;
    if (flags.has("quiet")) {
      r.out += c.id.substr(0, 12) + "\n";
      continue;
    }
    std::string status = engine_status(c, now);
    table.row({c.id.substr(0, 12), c.image, go_quote(ellipsis(c.command, 20)),
               human_duration(core::to_seconds(now - c.created)) + " ago", status, ComposeV2Dialect::ports(c), c.name});
  }
  if (!flags.has("quiet")) r.out = table.str();
  return r;
}

}  // namespace bg::fakes
